"""Scaffolding new records: a credential proposal, an earner's submission, an organisation profile.

Each new record is checked against the schema and every registry rule before anything is written,
written atomically, and never over an existing file. For a submission, the earner's email is
hashed here, on the earner's machine, with a fresh random salt: the plain address is never
written anywhere.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .checks import check_registry
from .errors import LoadError, RecordError, UsageError
from .fsutil import write_atomic
from .ids import is_slug, new_award_id
from .load import load_record
from .records import Award, Credential, Organisation
from .records.common import Record
from .registry import Registry, email_hash, load_registry

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

HEADERS = {
    Award: "# Award record (a submission). Schema: schemas/award.schema.json\n",
    Credential: "# Credential. Schema: schemas/credential.schema.json\n",
    Organisation: "# Organisation profile. Schema: schemas/organisation.schema.json\n",
}


@dataclass(frozen=True)
class EvidenceInput:
    """One evidence item as the earner gives it."""

    requirement: str
    title: str
    url: str
    words: int | None = None
    minutes: float | None = None
    description: str | None = None


def parse_evidence(spec: str) -> EvidenceInput:
    """Read `REQUIREMENT|TITLE|URL[|words=N][|minutes=M]` (the --evidence flag)."""
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) < 3:
        raise UsageError(f"--evidence {spec!r}: write it as 'requirement|title|url[|words=N][|minutes=M]'")
    requirement, title, url, *extra = parts
    words: int | None = None
    minutes: float | None = None
    for item in extra:
        key, _, value = item.partition("=")
        try:
            if key == "words":
                words = int(value)
            elif key == "minutes":
                minutes = float(value)
            else:
                raise UsageError(f"--evidence {spec!r}: unknown part {item!r} (words=N or minutes=M)")
        except ValueError:
            raise UsageError(f"--evidence {spec!r}: {key} must be a number") from None
    return EvidenceInput(requirement, title, url, words, minutes)


def render(model: type[Record], data: dict[str, Any]) -> str:
    """The record as YAML text, with the schema comment on top (dates stay quoted text)."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return HEADERS.get(model, "") + body


def _check(root: Path, rel: str, model: type[Record], text: str) -> None:
    """Raise RecordError unless `text`, placed at `rel`, is a valid record that passes every rule."""
    registry = load_registry(root, check=False)
    with tempfile.TemporaryDirectory(prefix="microcred-new-") as tmp:
        probe = Path(tmp) / "record.yaml"
        probe.write_text(text, encoding="utf-8")
        loaded = load_record(probe, rel, model)  # raises LoadError with this file's problems
    record: Any = loaded.record
    if isinstance(record, Award):
        registry.awards[record.id] = loaded  # type: ignore[assignment]
    elif isinstance(record, Credential):
        registry.versions[(record.ref, record.version)] = loaded  # type: ignore[assignment]
        registry.credentials[record.ref] = loaded  # type: ignore[assignment]
    elif isinstance(record, Organisation):
        registry.organisations[record.id] = loaded  # type: ignore[assignment]
    problems = [p for p in check_registry(registry) if p.path == rel]
    if problems:
        raise RecordError(problems)


def _create(root: Path, rel: str, model: type[Record], data: dict[str, Any]) -> Path:
    target = root / rel
    if target.exists():
        raise UsageError(f"{rel} already exists; refusing to overwrite it")
    text = render(model, data)
    _check(root, rel, model, text)
    if target.exists():  # created meanwhile by someone else
        raise UsageError(f"{rel} already exists; refusing to overwrite it")
    write_atomic(target, text)
    return target


def _slug(value: str, what: str) -> str:
    if not is_slug(value):
        raise UsageError(f"{what} {value!r} must be a slug: lower-case letters, digits and hyphens")
    return value


def new_submission(
    root: Path,
    *,
    credential: str,
    email: str,
    evidence: list[EvidenceInput],
    visibility: str = "private",
    name: str | None = None,
    portfolio: str | None = None,
    github: str | None = None,
    goal: str | None = None,
    context: str | None = None,
    share_feedback: bool = False,
    submitted_on: date | None = None,
    version: int | None = None,
    registry: Registry | None = None,
) -> Path:
    """Write a pending award (a submission) for `credential` (<org>/<slug>); the path written."""
    org, _, slug = credential.partition("/")
    _slug(org, "issuer")
    _slug(slug, "credential")
    email = email.strip()
    if not _EMAIL.match(email):
        raise UsageError("that is not an email address")
    registry = registry or load_registry(root, check=False)
    current = registry.credential(credential, version)
    if current is None:
        known = ", ".join(sorted(registry.credentials)) or "none"
        raise UsageError(f"no credential {credential!r}{f' version {version}' if version else ''} (known: {known})")
    if current.is_stack:
        raise UsageError(
            f"{credential} is a stack: it is earned by holding {', '.join(current.requires)}; submit evidence "
            "for those instead"
        )
    salt = secrets.token_hex(16)
    recipient: dict[str, Any] = {"email_hash": email_hash(email, salt), "salt": salt, "visibility": visibility}
    if visibility != "private":
        if name:
            recipient["name"] = name
        if portfolio and visibility == "public":
            recipient["portfolio"] = portfolio
        if github:
            recipient["github"] = github
    if share_feedback:
        recipient["share_feedback"] = True
    # The id carries the credential, never the person: it is part of a public URL.
    award_id = new_award_id(slug[:40].rstrip("-"))
    submission: dict[str, Any] = {"submitted_on": (submitted_on or date.today()).isoformat()}
    if goal:
        submission["goal"] = goal
    if context:
        submission["context"] = context
    items = []
    for e in evidence:
        item: dict[str, Any] = {"requirement": e.requirement, "title": e.title, "url": e.url}
        if e.description:
            item["description"] = e.description
        if e.words is not None:
            item["words"] = e.words
        if e.minutes is not None:
            item["minutes"] = e.minutes
        items.append(item)
    submission["evidence"] = items
    data = {
        "id": award_id,
        "issuer": org,
        "credential": slug,
        "credential_version": current.version,
        "recipient": recipient,
        "submission": submission,
        "assessments": [],
    }
    return _create(registry.root, f"awards/{org}/{slug}/{award_id}.yaml", Award, data)


LEVELS = [("beginning", "Beginning"), ("developing", "Developing"), ("proficient", "Proficient"),
          ("exemplary", "Exemplary")]


def new_credential(
    root: Path,
    *,
    issuer: str,
    slug: str,
    title: str,
    competency: str,
    summary: str,
    key_method: str,
    criteria: list[tuple[str, str]] | None = None,
    credit_hours: float | None = None,
) -> Path:
    """Write a draft credential proposal (published: false) with a rubric skeleton to fill in."""
    _slug(issuer, "issuer")
    _slug(slug, "credential id")
    criteria = criteria or [("practice", "The practice in the classroom"), ("analysis", "Analysis of impact")]
    for cid, _ in criteria:
        _slug(cid, "criterion id")
    data: dict[str, Any] = {
        "id": slug,
        "issuer": issuer,
        "version": 1,
        "published": False,
        "title": title,
        "competency": competency,
        "tags": [],
        "summary": summary,
        "key_method": key_method,
        "evidence": [
            {"id": "classroom-video", "kind": "video", "max_minutes": 10,
             "description": "A short clip of a lesson in which you use the method. (Edit this description.)"},
            {"id": "reflection", "kind": "reflection", "min_words": 300, "max_words": 1000, "student_outcomes": True,
             "description": "What you did, what your students did, and what their work shows. (Edit this.)"},
        ],
        "require_student_outcomes": True,
        "rubric": {
            "levels": [{"id": lid, "label": label, "score": i + 1} for i, (lid, label) in enumerate(LEVELS)],
            "criteria": [
                {"id": cid, "title": ctitle, "evidence": ["classroom-video", "reflection"],
                 "descriptors": {lid: f"Describe {label.lower()} performance on {ctitle.lower()}."
                                 for lid, label in LEVELS}}
                for cid, ctitle in criteria
            ],
            "passing": {"every_criterion_at_least": "proficient"},
        },
    }
    if credit_hours is not None:
        data["credit_hours"] = credit_hours
    return _create(root.resolve(), f"credentials/{issuer}/{slug}.yaml", Credential, data)


@dataclass(frozen=True)
class PersonInput:
    """An admin or assessor as given on the command line."""

    id: str
    name: str
    github: str | None = None
    git_email: str | None = None


def parse_person(spec: str, flag: str) -> PersonInput:
    """Read `ID|NAME[|GITHUB[|GIT_EMAIL]]` (the --admin and --assessor flags)."""
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) < 2 or len(parts) > 4:
        raise UsageError(f"{flag} {spec!r}: write it as 'id|name[|github[|git-email]]'")
    while len(parts) < 4:
        parts.append("")
    return PersonInput(parts[0], parts[1], parts[2] or None, parts[3] or None)


def new_issuer(
    root: Path,
    *,
    org_id: str,
    name: str,
    url: str,
    email: str,
    description: str,
    admins: list[PersonInput],
    assessors: list[PersonInput],
    assessors_required: int = 1,
) -> Path:
    """Write an organisation profile for a new issuer (no keys yet: `microcred keygen` adds them)."""
    _slug(org_id, "organisation id")

    def person(p: PersonInput) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "name": p.name}
        if p.github:
            out["github"] = p.github.removeprefix("@")
        if p.git_email:
            out["git_email"] = p.git_email
        return out

    data: dict[str, Any] = {
        "id": org_id,
        "name": name,
        "kind": ["issuer"],
        "url": url,
        "email": email,
        "description": description,
        "admins": [person(p) for p in admins],
        "assessors": [person(p) for p in assessors],
        "keys": [],
        "assessment": {"assessors_required": assessors_required},
    }
    return _create(root.resolve(), f"issuers/{org_id}.yaml", Organisation, data)


__all__ = [
    "EvidenceInput", "LoadError", "PersonInput", "new_credential", "new_issuer", "new_submission",
    "parse_evidence", "parse_person", "render",
]
