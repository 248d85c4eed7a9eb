"""Workflow verbs: `check-pr`, `review`, `codeowners`, `provenance` (pull requests as assessment)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from ..codeowners import CODEOWNERS_PATH, codeowners_is_current, write_codeowners
from ..errors import UsageError
from ..prcheck import check_pr
from ..provenance import PullRequest, fill_provenance, plan, read_pulls
from ..registry import load_registry
from ..review import escape, review_packet
from .output import OutputFormat, print_json

_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the workflow verbs to the CLI."""
    p = sub.add_parser(
        "check-pr",
        help="check what a pull request changes in the registry",
        description="Compare base...head (from their merge base), classify every changed path, enforce the "
        "history rules (signed awards, revocations and archived credential versions are immutable, published "
        "keys stay, only CI signs) and run every registry check on the head tree.",
    )
    p.add_argument("--base", required=True, help="the branch the pull request goes into, e.g. origin/main")
    p.add_argument("--head", default="HEAD", help="the pull request's commit (default: HEAD)")
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    p.set_defaults(func=run_check_pr)

    p = sub.add_parser(
        "review",
        help="print the review packet of an award (Markdown)",
        description="The review packet in Markdown: credential and version, rubric, evidence mapped to each "
        "requirement, criteria to score, assessments and (when several assessors are required) their "
        "disagreements. With --base, one packet for every award the pull request base...HEAD adds or changes.",
    )
    p.add_argument("award", nargs="*", metavar="AWARD-ID", help="award id(s)")
    p.add_argument("--base", help="instead of ids: every award changed since this ref (e.g. origin/main)")
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.set_defaults(func=run_review)

    p = sub.add_parser(
        "codeowners",
        help="write .github/CODEOWNERS from the organisation profiles",
        description="Awards of an issuer are owned by its assessors, its credentials and profile by its admins. "
        "With --check, write nothing and fail when the committed file is stale.",
    )
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--check", action="store_true", help="fail if .github/CODEOWNERS is out of date")
    p.set_defaults(func=run_codeowners)

    p = sub.add_parser(
        "provenance",
        help="fill the provenance of newly awarded awards (publish workflow, before sign)",
        description="For each awarded, unsigned award without provenance: record the commits that added the "
        "submission and the assessment, the merge commit and its date, and the pull request data given. Enforces "
        "the assessor rule: with --pr, every assessor must be among --approved-by; without, every commit that "
        "added an assessment must be authored with the assessor's git_email. Failing awards get no provenance "
        "and the command exits 1, so nothing is signed. Flags may also come from MICROCRED_PR, "
        "MICROCRED_PR_URL and MICROCRED_APPROVED_BY (handles separated by spaces or commas).",
    )
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--pr", type=int, help="number of the merged pull request (GitHub)")
    p.add_argument("--pr-url", help="web address of the pull request")
    p.add_argument("--approved-by", action="append", default=None, metavar="HANDLE",
                   help="GitHub handle that approved the pull request (repeat, or separate with commas)")
    p.add_argument("--merge-commit", help="the commit the pull request data belongs to (default: HEAD)")
    p.add_argument("--plan", action="store_true",
                   help="write nothing: print (JSON) the awards that need provenance and their merge commits")
    p.add_argument("--pull-requests", type=Path, metavar="FILE",
                   help="JSON {merge-commit: {number, url, approved_by: [handles]}} gathered from the forge's API")
    p.add_argument("--since", metavar="REF",
                   help="main before this push: the pull request data belongs to awards completed after it")
    p.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    p.set_defaults(func=run_provenance)


def run_check_pr(args: argparse.Namespace) -> int:
    """Check the pull request; 0 when it may merge, 1 otherwise."""
    report = check_pr(args.root, args.base, args.head)
    if args.format == OutputFormat.JSON.value:
        print_json(report.to_dict())
        return 0 if report.ok else 1
    for change in report.changes:
        print(f"{change.status} {change.path}: {change.kind}", file=sys.stderr)
    for violation in report.violations:
        print(violation)
    for problem in report.problems:
        print(problem)
    for note in report.notes:
        print(f"note: {note}")
    n = len(report.changes)
    summary = f"{n} changed path{'s' if n != 1 else ''} since {report.merge_base[:12]}"
    if report.ok:
        print(f"OK: {summary}")
        return 0
    bad = len(report.violations) + len(report.problems)
    print(f"FAIL: {bad} problem{'s' if bad != 1 else ''} in {summary}")
    return 1


def run_review(args: argparse.Namespace) -> int:
    """Print review packets."""
    ids = list(args.award)
    if args.base:
        ids += [i for i in check_pr(args.root, args.base).award_ids() if i not in ids]
    elif not ids:
        raise UsageError("name an award id, or give --base REF for every award a pull request touches")
    registry = load_registry(args.root)
    packets = []
    for award_id in ids:
        if award_id not in registry.awards and args.base:  # unreadable in the head tree: check-pr says why
            packets.append(f"## Review packet: {escape(award_id)}\n\nThis award could not be loaded; see the "
                           "check-pr output for its problems.\n")
            continue
        packets.append(review_packet(registry, award_id))
    if not packets:
        print("No awards are added or changed by this pull request.")
    print("\n---\n\n".join(packets), end="")
    return 0


def run_codeowners(args: argparse.Namespace) -> int:
    """Write or check CODEOWNERS."""
    registry = load_registry(args.root)
    if registry.problems:
        for problem in registry.problems:
            print(problem)
        print("FAIL: fix the registry first; CODEOWNERS is generated from the profiles")
        return 1
    if args.check:
        if codeowners_is_current(registry, args.root):
            print(f"OK: {CODEOWNERS_PATH.as_posix()} is up to date")
            return 0
        print(f"FAIL: {CODEOWNERS_PATH.as_posix()} is out of date; run `microcred codeowners` and commit it")
        return 1
    changed = write_codeowners(registry, args.root)
    print(f"wrote {CODEOWNERS_PATH.as_posix()}" if changed else f"OK: {CODEOWNERS_PATH.as_posix()} already up to date")
    return 0


def _handles(values: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        for handle in re.split(r"[\s,]+", value):
            handle = handle.strip().removeprefix("@")
            if not handle:
                continue
            if not _HANDLE.match(handle):
                raise UsageError(f"{handle!r} is not a GitHub user name")
            if handle not in found:
                found.append(handle)
    return tuple(found)


def run_provenance(args: argparse.Namespace) -> int:
    """Fill provenance; 1 when an award fails the assessor rule (then nothing may be signed)."""
    if args.plan:
        todo = plan(args.root)
        merges = {t["merge_commit"] for t in todo} | {sha for t in todo for sha in t["assessments_merged_in"]}
        print_json({"awards": todo, "merge_commits": sorted(merges)})
        return 0
    pulls = None
    if args.pull_requests is not None:
        try:
            pulls = read_pulls(json.loads(args.pull_requests.read_text(encoding="utf-8")))
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot read {args.pull_requests}: {err}") from None
    number = args.pr
    if number is None and os.environ.get("MICROCRED_PR", "").strip():
        try:
            number = int(os.environ["MICROCRED_PR"])
        except ValueError:
            raise UsageError(f"MICROCRED_PR={os.environ['MICROCRED_PR']!r} is not a number") from None
    url = args.pr_url or os.environ.get("MICROCRED_PR_URL") or None
    approved = args.approved_by if args.approved_by is not None else [os.environ.get("MICROCRED_APPROVED_BY", "")]
    pr = None
    if number is not None:
        if number < 1:
            raise UsageError("--pr must be a positive number")
        pr = PullRequest(number=number, url=url, approved_by=_handles(approved), merge_commit=args.merge_commit,
                         since=args.since)
    elif args.approved_by:
        raise UsageError("--approved-by needs --pr (the pull request they approved)")
    report = fill_provenance(args.root, pr, pulls=pulls)
    if args.format == OutputFormat.JSON.value:
        print_json({"ok": report.ok, "filled": report.filled, "failed": report.failed})
        return 0 if report.ok else 1
    for award_id, path in sorted(report.filled.items()):
        print(f"{path}: provenance recorded")
    for path, reasons in sorted(report.failed.items()):
        for reason in reasons:
            print(f"{path}: not signed: {reason}")
    if report.ok:
        print(f"OK: provenance recorded for {len(report.filled)} award(s)")
        return 0
    print(f"FAIL: {len(report.failed)} award(s) failed the assessor rule; nothing may be signed until they are fixed")
    return 1
