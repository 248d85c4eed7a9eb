"""Provenance of new awards, read from Git, and the assessor rule that guards signing.

Run by the publish workflow on main, before `microcred sign`. For each award that is awarded,
unsigned and has no provenance yet, it finds the commit that added the submission, the commits
that added (or changed) each current assessment, and the commit on main's first-parent line
where the award became complete (the merge). It then checks that every assessor named in the
record really assessed:

- on GitHub, each assessor's `github` handle must be among the approvers of the pull request
  that completed the award. The workflow asks for the merge commits (`--plan`), gathers each
  one's pull request and approvals through the API, and passes them back (`--pull-requests`);
  a single `--pr` with `--approved-by` does the same for the award HEAD (or a push) completed;
- otherwise, every commit that added or changed an assessment must be authored with that
  assessor's `git_email` from the organisation profile.

An award failing the rule gets no provenance and the command fails, so the workflow stops
before signing. The provenance block is appended to the award file as text (atomically), so
nothing else in the file moves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import GitWorkflowError
from .fsutil import write_atomic
from .gitrepo import GitRepo
from .load import Loaded, read_text
from .records import Award, Provenance
from .registry import Registry, load_registry
from .yamlstrict import YamlProblem, parse


@dataclass(frozen=True)
class PullRequest:
    """What the workflow learned about the pull request from the GitHub API."""

    number: int
    url: str | None = None
    approved_by: tuple[str, ...] = ()
    merge_commit: str | None = None  # the commit the PR data belongs to; default: HEAD
    since: str | None = None  # the push's previous main: the PR data belongs to commits after it


@dataclass
class ProvenanceReport:
    """What one run did."""

    filled: dict[str, str] = field(default_factory=dict)  # award id -> file
    failed: dict[str, list[str]] = field(default_factory=dict)  # file -> reasons
    already: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no award failed."""
        return not self.failed


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def assessments_at(repo: GitRepo, sha: str, path: str) -> dict[tuple[str, int], Any] | None:
    """The assessments in the award file at commit `sha`, by (assessor, attempt); None when absent."""
    text = repo.text(sha, path)
    if text is None:
        return None
    try:
        data, _ = parse(text, path)
    except YamlProblem:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("assessments"), list):
        return {}
    found: dict[tuple[str, int], Any] = {}
    for a in data["assessments"]:
        if isinstance(a, dict) and isinstance(a.get("assessor"), str):
            attempt = a.get("attempt", 1)
            found[(a["assessor"], attempt if isinstance(attempt, int) else 1)] = a
    return found


def provenance_block(p: Provenance) -> str:
    """The `provenance:` YAML block, every value quoted so that YAML reads back exactly these strings."""
    lines = ["provenance:"]
    if p.pull_request is not None:
        lines.append(f"  pull_request: {p.pull_request}")
    if p.pull_request_url is not None:
        lines.append(f"  pull_request_url: {json.dumps(p.pull_request_url)}")
    for name in ("submitted_commit", "assessed_commit", "merge_commit"):
        value = getattr(p, name)
        if value is not None:
            lines.append(f"  {name}: {json.dumps(value)}")
    if p.approved_by:
        lines.append(f"  approved_by: [{', '.join(json.dumps(h) for h in p.approved_by)}]")
    if p.merged_at is not None:
        lines.append(f"  merged_at: {json.dumps(_iso(p.merged_at))}")
    return "\n".join(lines) + "\n"


def entering_commits(repo: GitRepo, file: str, wanted: set[tuple[str, int]], head: str = "HEAD") -> dict[
    tuple[str, int], str
]:
    """For each assessment, the commit on main's own (first-parent) line where it entered main in its
    final form (as it is at `head`): the merge that brought it."""
    final = assessments_at(repo, repo.resolve(head), file) or {}
    entered: dict[tuple[str, int], str] = {}
    for sha in repo.history(file, head, first_parent=True):
        now = assessments_at(repo, sha, file) or {}
        for key in wanted:
            if key in now and now[key] == final.get(key):
                entered.setdefault(key, sha)
            else:
                entered.pop(key, None)  # changed again later: only the final form counts
    return entered


def merge_commit(repo: GitRepo, file: str, wanted: set[tuple[str, int]], head: str = "HEAD") -> str:
    """The commit on main's first-parent line at which the last current assessment entered: the merge."""
    entered = entering_commits(repo, file, wanted, head)
    if len(entered) < len(wanted) or not entered:
        return repo.resolve(head)
    order = {sha: i for i, sha in enumerate(repo.history(file, head, first_parent=True))}
    return max(entered.values(), key=lambda sha: order.get(sha, -1))


def _trace(
    repo: GitRepo, registry: Registry, loaded: Loaded[Award], file: str, pr: PullRequest | None, head: str,
    pulls: dict[str, PullRequest] | None = None,
) -> tuple[Provenance | None, list[str]]:
    """The provenance of one award, or the reasons it may not be signed."""
    award = loaded.record
    org = registry.organisation(award.issuer)
    assert org is not None  # the registry checks passed
    problems: list[str] = []
    wanted = {(a.assessor, a.attempt): a for a in award.current_assessments()}

    submitted = repo.added_in(file, head)
    # Walk every commit that touched the file, oldest first: the commit that gave each assessment
    # its final form is the one that counts (an earlier version rewritten by the assessor does not).
    final = assessments_at(repo, repo.resolve(head), file) or {}
    written_in: dict[tuple[str, int], str] = {}
    previous: dict[tuple[str, int], Any] = {}
    history = list(repo.history(file, head))
    for sha in history:
        now = assessments_at(repo, sha, file) or {}
        for key in wanted:
            if key in now and now.get(key) != previous.get(key):
                written_in[key] = sha
                if now[key] != final.get(key):
                    written_in.pop(key)  # not the final form yet
        previous = now
    entered = entering_commits(repo, file, set(wanted), head)
    merge = merge_commit(repo, file, set(wanted), head)
    merge_info = repo.info(merge)

    def pull_request_of(sha: str) -> PullRequest | None:
        """The pull request whose merge brought `sha` into main, when the forge told us."""
        if pulls is not None and sha in pulls:
            return pulls[sha]
        if pr is not None and _pr_applies(repo, pr, sha, head):
            return pr
        return None

    approvers_used: set[str] = set()
    assessed_commits: list[str] = []
    for key, assessment in sorted(wanted.items()):
        person = org.assessor(assessment.assessor)
        if person is None:
            problems.append(f"assessor {assessment.assessor!r} is not listed for {org.id}")
            continue
        written = written_in.get(key)
        if written is None:
            problems.append(f"cannot find the commit that added the assessment by {person.id!r}")
            continue
        assessed_commits.append(written)
        via = pull_request_of(entered.get(key, merge))
        if via is not None:
            approvers = {h.lower(): h for h in via.approved_by}
            if not person.github:
                problems.append(
                    f"assessor {person.id!r} has no github handle in issuers/{org.id}.yaml, so their approval "
                    f"of pull request #{via.number} cannot be confirmed"
                )
            elif person.github.lower() not in approvers:
                problems.append(
                    f"assessor {person.id!r} (@{person.github}) did not approve pull request #{via.number}"
                    + (f" (approved by: {', '.join('@' + a for a in sorted(via.approved_by))})" if via.approved_by else
                       " (no approvals)")
                )
            else:
                approvers_used.update(via.approved_by)
            continue
        if not person.git_email:
            problems.append(
                f"assessor {person.id!r} has no git_email in issuers/{org.id}.yaml, so the assessment's "
                "author cannot be confirmed"
            )
            continue
        info = repo.info(written)
        if info.author_email.lower() != person.git_email.lower():
            problems.append(
                f"the assessment by {person.id!r} was added or changed in commit {written[:12]} authored by "
                f"{info.author_email or 'nobody'}, not by the assessor's {person.git_email}"
            )
    if problems:
        return None, problems
    # The completing assessment is the latest one to arrive.
    assessed = None
    if assessed_commits:
        assessed = max(assessed_commits, key=lambda s: history.index(s) if s in history else -1)
    completing = pull_request_of(merge)
    provenance = Provenance(
        pull_request=completing.number if completing else None,
        pull_request_url=completing.url if completing else None,
        submitted_commit=submitted,
        assessed_commit=assessed,
        merge_commit=merge,
        approved_by=sorted(approvers_used, key=str.lower),
        merged_at=merge_info.committed_at,
    )
    return provenance, []


def _pr_applies(repo: GitRepo, pr: PullRequest, merge: str, head: str) -> bool:
    """Whether the award was completed by this pull request (so its approvals are the ones that count)."""
    if pr.since and set(pr.since) != {"0"} and repo.exists(pr.since):
        # completed in this push: after the previous main, up to the pushed head
        return not repo.is_ancestor(merge, pr.since) and repo.is_ancestor(merge, head)
    return (pr.merge_commit or repo.resolve(head)) == merge


def needs_provenance(registry: Registry) -> list[Loaded[Award]]:
    """Awards that are awarded, unsigned, unrevoked and have no provenance yet; by id."""
    return [
        loaded
        for award_id, loaded in sorted(registry.awards.items())
        if loaded.record.signed is None
        and loaded.record.provenance is None
        and not registry.is_revoked(award_id)
        and registry.status(loaded.record) == "awarded"
    ]


def plan(root: Path, head: str = "HEAD") -> list[dict[str, Any]]:
    """The awards that need provenance and the merge commit of each, so the workflow can ask the
    forge which pull request (and which approvals) each merge commit belongs to."""
    registry = load_registry(root)
    registry.raise_for_problems()
    repo = GitRepo(registry.root)
    out = []
    for loaded in needs_provenance(registry):
        file = repo.rel(registry.root / loaded.path)
        wanted = {(a.assessor, a.attempt) for a in loaded.record.current_assessments()}
        entered = entering_commits(repo, file, wanted, head)
        out.append({
            "award": loaded.record.id,
            "path": loaded.path,
            "merge_commit": merge_commit(repo, file, wanted, head),
            "assessments_merged_in": sorted(set(entered.values())),
        })
    return out


def read_pulls(data: Any) -> dict[str, PullRequest]:
    """Pull-request data by merge commit, from the JSON the publish workflow gathers:
    {"<merge commit>": {"number": 12, "url": "https://...", "approved_by": ["handle", ...]}, ...}."""
    if not isinstance(data, dict):
        raise GitWorkflowError("pull-request data must be a JSON object keyed by merge commit")
    pulls = {}
    for sha, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("number"), int) or entry["number"] < 1:
            raise GitWorkflowError(f"pull-request data for {sha}: needs a positive 'number'")
        approved = entry.get("approved_by", [])
        if not isinstance(approved, list) or not all(isinstance(h, str) for h in approved):
            raise GitWorkflowError(f"pull-request data for {sha}: 'approved_by' must be a list of handles")
        url = entry.get("url")
        pulls[str(sha)] = PullRequest(
            number=entry["number"], url=url if isinstance(url, str) and url else None,
            approved_by=tuple(h.strip().removeprefix("@") for h in approved if h.strip()),
            merge_commit=str(sha),
        )
    return pulls


def fill_provenance(
    root: Path, pr: PullRequest | None = None, head: str = "HEAD", pulls: dict[str, PullRequest] | None = None
) -> ProvenanceReport:
    """Fill the provenance of every award that needs it; report those that may not be signed.

    `pulls` maps merge commits to their pull requests (with approvals): an award whose merge commit
    is there is checked against that pull request's approvals. Otherwise `pr` applies to awards
    completed by it; any other award falls back to the authorship rule.
    """
    registry = load_registry(root)
    registry.raise_for_problems()
    repo = GitRepo(registry.root)
    report = ProvenanceReport()
    for loaded in needs_provenance(registry):
        file = repo.rel(registry.root / loaded.path)
        provenance, problems = _trace(repo, registry, loaded, file, pr, head, pulls)
        if provenance is None:
            report.failed[loaded.path] = problems
            continue
        path = registry.root / loaded.path
        text = read_text(path, loaded.path)
        if not text.endswith("\n"):
            text += "\n"
        write_atomic(path, text + provenance_block(provenance))
        report.filled[loaded.record.id] = loaded.path
    if report.filled:  # what was written must still be a valid registry
        after = load_registry(registry.root)
        if after.problems:
            raise GitWorkflowError(
                "provenance made the registry invalid: " + "; ".join(str(p) for p in after.problems[:5])
            )
    return report
