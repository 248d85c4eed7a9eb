"""`microcred new credential|submission|issuer`: scaffold a valid record (flags, or prompts on a terminal)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..errors import UsageError
from ..registry import load_registry
from ..scaffold import (
    EvidenceInput,
    PersonInput,
    new_credential,
    new_issuer,
    new_submission,
    parse_evidence,
    parse_person,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `new` and its record kinds to the CLI."""
    p = sub.add_parser(
        "new",
        help="scaffold a new record (credential, submission, issuer)",
        description="Write a new, valid record. Give everything as flags, or run it in a terminal and answer "
        "the questions. Never overwrites a file.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True

    s = kinds.add_parser(
        "submission",
        help="an earner's submission (a pending award)",
        description="Your email is hashed with a fresh random salt on this machine; the address itself is never "
        "written. Evidence: --evidence 'requirement|title|url[|words=N][|minutes=M]', once per item.",
    )
    s.add_argument("--credential", help="the credential as <issuer>/<slug>")
    s.add_argument("--version", type=int, help="credential version (default: the current one)")
    s.add_argument("--email", help="your email address (hashed, never stored)")
    s.add_argument("--name", help="your name as shown on the award (not for private awards)")
    s.add_argument("--visibility", choices=["public", "unlisted", "private"],
                   help="public: listed with your name; unlisted: named on a secret page; private: no name")
    s.add_argument("--portfolio", help="portfolio slug to list the award on (public awards)")
    s.add_argument("--github", help="your GitHub user name (not for private awards)")
    s.add_argument("--goal", help="the learning goal you set")
    s.add_argument("--context", help="your teaching context (grade, subject, setting)")
    s.add_argument("--share-feedback", action="store_true", help="show the assessor's feedback on the award page")
    s.add_argument("--evidence", action="append", default=[], metavar="SPEC",
                   help="requirement|title|url[|words=N][|minutes=M]")
    s.add_argument("--date", type=date.fromisoformat, help="submission date YYYY-MM-DD (default: today)")
    s.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    s.set_defaults(func=run_submission)

    c = kinds.add_parser("credential", help="a credential proposal (a draft: published: false)")
    c.add_argument("--issuer", help="issuing organisation id")
    c.add_argument("--id", dest="slug", help="credential id (slug), e.g. questioning-strategies")
    c.add_argument("--title")
    c.add_argument("--competency", help="the competency area")
    c.add_argument("--summary", help="what the educator does, in two or three sentences")
    c.add_argument("--key-method", help="the teaching method the earner demonstrates")
    c.add_argument("--criterion", action="append", default=[], metavar="ID|TITLE", help="a rubric criterion")
    c.add_argument("--credit-hours", type=float)
    c.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    c.set_defaults(func=run_credential)

    i = kinds.add_parser("issuer", help="an organisation profile for a new issuer")
    i.add_argument("--id", dest="org_id", help="organisation id (slug)")
    i.add_argument("--name")
    i.add_argument("--url", help="the organisation's web site")
    i.add_argument("--email", help="the organisation's contact address")
    i.add_argument("--description")
    i.add_argument("--admin", action="append", default=[], metavar="ID|NAME|GITHUB|GIT_EMAIL")
    i.add_argument("--assessor", action="append", default=[], metavar="ID|NAME|GITHUB|GIT_EMAIL")
    i.add_argument("--assessors-required", type=int, default=1)
    i.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    i.set_defaults(func=run_issuer)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value: str | None, question: str, flag: str, *, optional: bool = False,
         check: Callable[[str], bool] | None = None) -> str | None:
    """The flag's value, else the answer to a prompt on a terminal, else a usage error."""
    if value is not None:
        return value
    if not _interactive():
        if optional:
            return None
        raise UsageError(f"missing {flag} (or run in a terminal to be asked)")
    while True:
        answer = input(f"{question}{' (optional)' if optional else ''}: ").strip()
        if not answer and optional:
            return None
        if answer and (check is None or check(answer)):
            return answer
        print("  please answer that", file=sys.stderr)


def run_submission(args: argparse.Namespace) -> int:
    """Write a submission."""
    registry = load_registry(args.root, check=False)
    credential_ref = _ask(args.credential, f"Credential ({', '.join(sorted(registry.credentials))})", "--credential")
    assert credential_ref is not None
    credential = registry.credential(credential_ref, args.version)
    if credential is None:
        raise UsageError(f"no credential {credential_ref!r} in the registry")
    if credential.is_stack:
        raise UsageError(f"{credential_ref} is a stack: it is earned by holding {', '.join(credential.requires)}")
    email = args.email
    if email is None:
        if not _interactive():
            raise UsageError("missing --email (or run in a terminal to be asked)")
        email = input("Your email (hashed with a random salt here; never stored): ").strip()
    visibility = args.visibility
    if visibility is None:
        visibility = _ask(None, "Visibility: public, unlisted or private", "--visibility",
                          check=lambda a: a in ("public", "unlisted", "private")) if _interactive() else (
            "public" if args.name else "private")
    name, portfolio, github = args.name, args.portfolio, args.github
    if visibility != "private":
        name = _ask(name, "Your name as shown on the award", "--name")
        if visibility == "public":
            portfolio = _ask(portfolio, "Portfolio slug (e.g. jordan-avery)", "--portfolio", optional=True)
        github = _ask(github, "Your GitHub user name", "--github", optional=True)
    evidence = [parse_evidence(spec) for spec in args.evidence]
    if not evidence and _interactive():
        for req in credential.evidence:
            print(f"\nEvidence '{req.id}' ({req.kind}): {req.description.strip()}", file=sys.stderr)
            count = req.min_items if req.required else 0
            if not req.required and input("  add this optional evidence? [y/N] ").strip().lower() == "y":
                count = max(req.min_items, 1)
            for n in range(count):
                title = _ask(None, f"  item {n + 1} title", "--evidence")
                url = _ask(None, f"  item {n + 1} link (https://...)", "--evidence")
                words = minutes = None
                if req.min_words or req.max_words:
                    words = int(_ask(None, "  word count", "--evidence", check=str.isdigit) or 0)
                if req.max_minutes or req.kind == "video":
                    m = _ask(None, "  length in minutes", "--evidence", optional=True)
                    minutes = float(m) if m else None
                assert title is not None and url is not None
                evidence.append(EvidenceInput(req.id, title, url, words, minutes))
    if not evidence:
        raise UsageError("give the evidence with --evidence 'requirement|title|url[|words=N][|minutes=M]'")
    path = new_submission(
        args.root, credential=credential_ref, email=email, evidence=evidence, visibility=visibility,
        name=name, portfolio=portfolio, github=github, goal=args.goal, context=args.context,
        share_feedback=args.share_feedback, submitted_on=args.date, version=args.version, registry=registry,
    )
    print(f"wrote {path.relative_to(registry.root).as_posix()}")
    print("Next: commit it on a new branch and open a pull request with the 'submission' template.",
          file=sys.stderr)
    return 0


def run_credential(args: argparse.Namespace) -> int:
    """Write a credential proposal."""
    issuer = _ask(args.issuer, "Issuing organisation id", "--issuer")
    slug = _ask(args.slug, "Credential id (slug)", "--id")
    title = _ask(args.title, "Title", "--title")
    competency = _ask(args.competency, "Competency area", "--competency")
    summary = _ask(args.summary, "Summary", "--summary")
    key_method = _ask(args.key_method, "Key method", "--key-method")
    criteria = []
    for spec in args.criterion:
        cid, sep, ctitle = spec.partition("|")
        if not sep:
            raise UsageError(f"--criterion {spec!r}: write it as 'id|title'")
        criteria.append((cid.strip(), ctitle.strip()))
    assert issuer and slug and title and competency and summary and key_method
    path = new_credential(
        args.root, issuer=issuer, slug=slug, title=title, competency=competency, summary=summary,
        key_method=key_method, criteria=criteria or None, credit_hours=args.credit_hours,
    )
    print(f"wrote {path.relative_to(args.root.resolve()).as_posix()}")
    print("Next: fill in the evidence and rubric descriptors, set published: true, and open a pull request "
          "with the 'credential-proposal' template.", file=sys.stderr)
    return 0


def run_issuer(args: argparse.Namespace) -> int:
    """Write an organisation profile."""
    org_id = _ask(args.org_id, "Organisation id (slug)", "--id")
    name = _ask(args.name, "Organisation name", "--name")
    url = _ask(args.url, "Web site (https://...)", "--url")
    email = _ask(args.email, "Contact email of the organisation", "--email")
    description = _ask(args.description, "Description", "--description")
    admins: list[PersonInput] = [parse_person(s, "--admin") for s in args.admin]
    assessors: list[PersonInput] = [parse_person(s, "--assessor") for s in args.assessor]
    if not admins:
        spec = _ask(None, "Admin as id|name|github|git-email", "--admin")
        admins.append(parse_person(spec or "", "--admin"))
    if not assessors:
        spec = _ask(None, "Assessor as id|name|github|git-email", "--assessor")
        assessors.append(parse_person(spec or "", "--assessor"))
    assert org_id and name and url and email and description
    path = new_issuer(
        args.root, org_id=org_id, name=name, url=url, email=email, description=description,
        admins=admins, assessors=assessors, assessors_required=args.assessors_required,
    )
    print(f"wrote {path.relative_to(args.root.resolve()).as_posix()}")
    print("Next: `microcred keygen` for a signing key, `microcred codeowners`, then a pull request.",
          file=sys.stderr)
    return 0
