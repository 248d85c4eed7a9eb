"""The pull-request check: what a pull request may change in the registry, enforced from Git.

A pull request is compared with the commit it branched from (base...head). Every changed path is
classified, the history rules are applied (a signed award, a revocation and an archived
credential version are immutable; published keys are never removed or altered; only CI on main
signs or fills provenance), and then every registry check runs on the head tree.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import Problem
from .gitrepo import REGISTRY_PARTS, Change, GitRepo
from .registry import Registry, load_registry
from .yamlstrict import YamlProblem, parse

_AWARD = re.compile(r"^awards/(?P<org>[^/]+)/(?P<cred>[^/]+)/(?P<name>[^/]+)\.yaml$")
_CREDENTIAL = re.compile(r"^credentials/(?P<org>[^/]+)/(?P<slug>[^/.]+)(?:\.v(?P<version>[0-9]+))?\.yaml$")
_ISSUER = re.compile(r"^issuers/(?P<org>[^/]+)\.yaml$")
_STATUS_LIST = re.compile(r"^issuers/(?P<org>[^/]+)\.status-list\.json$")

_KEY_LIFECYCLE = ("not_after", "revoked_at")  # the only fields a published key may gain


@dataclass(frozen=True)
class Violation:
    """A change the pull request may not make."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class ClassifiedChange:
    """A changed path and what kind of change it is."""

    path: str
    status: str  # A, M, D, T
    kind: str


@dataclass
class PrReport:
    """The outcome of checking one pull request."""

    base: str
    head: str
    merge_base: str
    changes: list[ClassifiedChange] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Not failures: facts an admin should see before merging (who authored each new assessment).
    notes: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.violations and not self.problems

    def award_ids(self) -> list[str]:
        """Ids of the awards whose files the pull request adds or changes."""
        ids = []
        for change in self.changes:
            m = _AWARD.match(change.path)
            if m and change.status != "D" and not m.group("name").endswith(".revocation"):
                ids.append(m.group("name"))
        return ids

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data for `--format json`."""
        return {
            "ok": self.ok,
            "base": self.base,
            "head": self.head,
            "merge_base": self.merge_base,
            "changes": [{"path": c.path, "status": c.status, "kind": c.kind} for c in self.changes],
            "violations": [{"path": v.path, "message": v.message} for v in self.violations],
            "problems": [p.to_dict() for p in self.problems],
            "notes": [{"path": n.path, "message": n.message} for n in self.notes],
            "awards": self.award_ids(),
        }


def _data(text: str | None, path: str) -> dict[str, Any] | None:
    """The record's fields, or None when absent or not a readable mapping (the loader reports that)."""
    if text is None:
        return None
    try:
        data, _ = parse(text, path)
    except YamlProblem:
        return None
    return data if isinstance(data, dict) else None


class _Check:
    """One run of the check: the base and head commits, the head registry, and the rules."""

    def __init__(self, repo: GitRepo, prefix: str, base: str, head: str, head_reg: Registry):
        self.repo = repo
        self.prefix = prefix
        self.base = base
        self.head = head
        self.head_reg = head_reg
        self.violations: list[Violation] = []

    def full(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def old(self, rel: str) -> dict[str, Any] | None:
        return _data(self.repo.text(self.base, self.full(rel)), rel)

    def new(self, rel: str) -> dict[str, Any] | None:
        return _data(self.repo.text(self.head, self.full(rel)), rel)

    def exists_new(self, rel: str) -> bool:
        return self.repo.text(self.head, self.full(rel)) is not None

    def fail(self, path: str, message: str) -> None:
        self.violations.append(Violation(self.full(path), message))

    # -- awards ------------------------------------------------------------------------------

    def award(self, change: Change, rel: str, org: str, cred: str, name: str) -> str:
        if name.endswith(".revocation"):
            if change.status == "A":
                return "revocation added"
            verb = "deleted" if change.status == "D" else "changed"
            self.fail(rel, f"a revocation is permanent and cannot be {verb}")
            return "revocation changed"
        old, new = self.old(rel), self.new(rel)
        # Signed is decided from the text too, so a base file that no longer parses still counts.
        old_text = self.repo.text(self.base, self.full(rel)) or ""
        signed_before = (old is not None and "signed" in old) or re.search(r"^signed:", old_text, re.MULTILINE)
        if change.status == "D":
            if signed_before:
                self.fail(
                    rel,
                    "deletes a signed award; signed awards are never deleted or edited — to withdraw it, "
                    f"add a revocation record awards/{org}/{cred}/{name}.revocation.yaml",
                )
                return "signed award deleted"
            return "unsigned award withdrawn"
        if signed_before:
            self.fail(
                rel,
                "changes a signed award; a signed award is immutable — corrections and withdrawals are new "
                "records (a revocation), never edits",
            )
            return "signed award changed"
        if new is None:
            return "award changed" if old is not None else "submission added"
        if "signed" in new:
            self.fail(rel, "adds a signed: block; only CI on main signs awards — remove it")
        old_provenance = old.get("provenance") if old else None
        if new.get("provenance") != old_provenance:
            self.fail(rel, "adds or changes provenance; only the publish workflow on main fills it — remove it")
        new_assessments = new.get("assessments") or []
        if old is None or change.status != "M":
            n = len(new_assessments) if isinstance(new_assessments, list) else 0
            return "submission added" + (f" with {n} assessment{'s' if n != 1 else ''}" if n else "")
        kinds = []
        old_assessments = old.get("assessments") or []
        if isinstance(old_assessments, list) and isinstance(new_assessments, list):
            if new_assessments[: len(old_assessments)] != old_assessments:
                self.fail(
                    rel,
                    "changes or removes an assessment that is already merged; assessments are append-only "
                    "— add a new assessment instead",
                )
            if len(new_assessments) > len(old_assessments):
                kinds.append("assessment added to an unsigned award")
        old_sub, new_sub = old.get("submission"), new.get("submission")
        if old_sub != new_sub:
            kinds.append("submission revised")
            old_attempt = _attempt(old_sub)
            assessed = isinstance(old_assessments, list) and any(
                isinstance(a, dict) and a.get("attempt", 1) == old_attempt for a in old_assessments
            )
            if assessed and _attempt(new_sub) <= old_attempt:
                self.fail(
                    rel,
                    f"changes the submission of attempt {old_attempt} after it was assessed; a resubmission "
                    f"sets submission.attempt to {old_attempt + 1}",
                )
        old_recipient, new_recipient = old.get("recipient"), new.get("recipient")
        if old_assessments and isinstance(old_recipient, dict) and isinstance(new_recipient, dict):
            for key in ("email_hash", "salt"):
                if old_recipient.get(key) != new_recipient.get(key):
                    self.fail(
                        rel,
                        f"changes recipient.{key} after the award was assessed; the person assessed stays the "
                        "recipient",
                    )
        for key in ("id", "issuer", "credential"):
            if old.get(key) != new.get(key):
                self.fail(rel, f"changes {key}; an award keeps its identity (start a new submission instead)")
        return ", ".join(kinds) or "award edited"

    # -- credentials -------------------------------------------------------------------------

    def _awarded_versions(self, org: str, slug: str) -> set[int]:
        """Versions of the credential that awards name, on main or in the pull request."""
        ref = f"{org}/{slug}"
        versions = {
            loaded.record.credential_version
            for loaded in self.head_reg.awards.values()
            if loaded.record.credential_ref == ref
        }
        folder = self.full(f"awards/{org}/{slug}")
        for path in self.repo.files_under(self.base, folder):
            if not path.endswith(".yaml") or path.endswith(".revocation.yaml"):
                continue
            data = _data(self.repo.text(self.base, path), path)
            if data is not None and isinstance(data.get("credential_version"), int):
                versions.add(data["credential_version"])
        return versions

    def credential(self, change: Change, rel: str, org: str, slug: str, archived: str | None) -> str:
        ref = f"{org}/{slug}"
        if archived is not None:
            if change.status == "A":
                return f"credential version {archived} archived"
            self.fail(
                rel,
                f"archived version {archived} of {ref} is immutable; awards assessed against it keep showing "
                "this text",
            )
            return "archived credential version changed"
        old, new = self.old(rel), self.new(rel)
        awarded = self._awarded_versions(org, slug)
        if change.status == "A":
            return "credential proposed"
        if change.status == "D":
            if awarded:
                self.fail(rel, f"deletes {ref}, which has awards; set published: false to retire it instead")
            return "credential withdrawn"
        if old is None or new is None or old == new:
            return "credential revised"
        old_version, new_version = old.get("version"), new.get("version")
        if not isinstance(old_version, int) or not isinstance(new_version, int):
            return "credential revised"  # the loader reports the malformed version
        if new_version < old_version:
            self.fail(rel, f"lowers version from {old_version} to {new_version}; versions only go up")
        elif old_version in awarded:
            archive = f"credentials/{org}/{slug}.v{old_version}.yaml"
            if new_version == old_version:
                self.fail(
                    rel,
                    f"revises {ref} version {old_version}, which has awards, without raising version; set "
                    f"version: {old_version + 1} and keep the version {old_version} file unchanged as {archive}",
                )
            else:
                kept = self.new(archive)
                if kept is None:
                    what = "is missing" if not self.exists_new(archive) else "cannot be read"
                    self.fail(
                        rel,
                        f"version {old_version} has awards, so it must be kept unchanged as {archive}, which {what}",
                    )
                elif kept != old:
                    self.fail(
                        archive,
                        f"differs from version {old_version} of {ref} as published; copy the old file unchanged",
                    )
        return f"credential revised (version {old_version} -> {new_version})"

    # -- the transparency log -------------------------------------------------------------------

    def transparency_log(self, change: Change, rel: str) -> str:
        if rel == "log/log.vkey" and change.status == "A":
            return "transparency log key published"
        if rel == "log/log.vkey":
            self.fail(rel, "the log's public key is permanent: checkpoints signed with it must keep verifying")
            return "transparency log key changed"
        self.fail(rel, "the transparency log is written only by CI on main (`microcred log append`, "
                       "`microcred log checkpoint`); leave log/ out of pull requests")
        return "transparency log changed"

    # -- the site ------------------------------------------------------------------------------

    def site_config(self, change: Change, rel: str) -> str:
        old_url = _site_url(self.repo.text(self.base, self.full(rel)))
        new_url = _site_url(self.repo.text(self.head, self.full(rel)))
        if old_url and old_url != new_url and any(a.record.signed for a in self.head_reg.awards.values()):
            self.fail(
                rel,
                f"changes site_url from {old_url} to {new_url or 'nothing'}; every issuer's did:web identity and "
                "every signed award name the old address — keep the old site's did documents published (or "
                "re-issue) before moving",
            )
            return "site address changed"
        return "site configuration edited"

    # -- organisations -----------------------------------------------------------------------

    def organisation(self, change: Change, rel: str, org: str) -> str:
        if change.status == "A":
            return "organisation profile added"
        old = self.old(rel)
        old_keys = _keys(old)
        if change.status == "D":
            if old_keys:
                self.fail(
                    rel,
                    "deletes an organisation profile with published keys; keys stay published so that old "
                    "awards keep verifying",
                )
            return "organisation profile removed"
        new = self.new(rel)
        if new is None:
            return "organisation profile edited"
        new_keys = _keys(new)
        for key_id, old_key in old_keys.items():
            new_key = new_keys.get(key_id)
            if new_key is None:
                self.fail(
                    rel,
                    f"removes published key {key_id!r}; keys are never removed — retire it with not_after, or "
                    "set revoked_at if it was compromised",
                )
                continue
            for name, value in old_key.items():
                if new_key.get(name) != value:
                    self.fail(
                        rel,
                        f"alters {name} of published key {key_id!r}; a published key never changes — add a "
                        "new key instead",
                    )
            for name in new_key:
                if name not in old_key and name not in _KEY_LIFECYCLE:
                    self.fail(rel, f"adds {name} to published key {key_id!r}; only not_after or revoked_at may be set")
        return "organisation profile edited"


def _site_url(text: str | None) -> str | None:
    match = re.search(r"^site_url:[ \t]*['\"]?([^'\"\s#]+)", text or "", re.MULTILINE)
    return match.group(1) if match else None


def _attempt(submission: Any) -> int:
    if isinstance(submission, dict) and isinstance(submission.get("attempt", 1), int):
        return int(submission.get("attempt", 1))
    return 1


def _keys(data: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    keys = data.get("keys") if data else None
    if not isinstance(keys, list):
        return {}
    return {k["id"]: k for k in keys if isinstance(k, dict) and isinstance(k.get("id"), str)}


def _authorship_notes(
    repo: GitRepo, prefix: str, merge_base: str, head: str, changes: list[ClassifiedChange], head_reg: Registry
) -> list[Violation]:
    """Who authored each assessment the pull request adds, when it is not the assessor's git_email.

    Not a failure here: on GitHub the assessor's approval of the pull request is what counts, and
    the publish workflow checks it. Without that API, such an assessment will not be signed.
    """
    from .provenance import assessments_at  # provenance owns the reading of assessments from history

    notes: list[Violation] = []
    for change in changes:
        if change.status == "D" or "assessment" not in change.kind:
            continue
        rel = change.path[len(prefix) + 1:] if prefix else change.path
        m = _AWARD.match(rel)
        if not m:
            continue
        loaded = head_reg.awards.get(m.group("name"))
        org = head_reg.organisation(loaded.record.issuer) if loaded else None
        if loaded is None or org is None:
            continue
        previous = assessments_at(repo, merge_base, change.path) or {}
        for sha in repo.history(change.path, head):
            if repo.is_ancestor(sha, merge_base):
                continue
            now = assessments_at(repo, sha, change.path) or {}
            author = repo.info(sha).author_email
            for key, value in now.items():
                if previous.get(key) == value:
                    continue
                person = org.assessor(key[0])
                if person is None or (person.git_email and person.git_email.lower() == author.lower()):
                    continue
                handle = f"@{person.github}" if person.github else f"{person.id} (no github handle in the profile)"
                notes.append(Violation(
                    change.path,
                    f"the assessment by {person.id!r} was written in commit {sha[:12]} by {author or 'nobody'}, not "
                    f"the assessor's git_email; it will be signed only if {handle} approves this pull request",
                ))
            previous = now
    return notes


_PRIVATE_KEYS = (
    # ed25519-priv Multikey (multicodec 0x1300): what `microcred keygen` prints for a CI secret.
    (re.compile(r"z3u2[1-9A-HJ-NP-Za-km-z]{40,}"), "a private Multikey z3u2..."),
    # C2SP signed-note signing key, e.g. the transparency log's.
    (re.compile(r"PRIVATE\+KEY\+[^\s+]+\+[0-9a-f]{8}\+"), "a signed-note PRIVATE+KEY"),
    (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"), "a PEM private key"),
)


def private_key_in(text: str | None) -> str | None:
    """What kind of private key `text` seems to contain, or None."""
    if not text:
        return None
    for pattern, what in _PRIVATE_KEYS:
        if pattern.search(text):
            return what
    return None


def check_pr(root: Path, base: str, head: str = "HEAD") -> PrReport:
    """Check the pull request base...head of the registry at `root` (any folder of the repository)."""
    repo = GitRepo(root)
    prefix = repo.rel(root)
    prefix = "" if prefix == "." else prefix
    head_sha = repo.resolve(head)
    merge_base = repo.merge_base(base, head_sha)
    report = PrReport(base=base, head=head_sha, merge_base=merge_base)
    parts = tuple(f"{prefix}/{part}" if prefix else part for part in REGISTRY_PARTS)
    links: list[str] = []
    if repo.is_checked_out(head_sha, parts):
        # The usual case (CI, a local branch): the work tree is the head commit; read it in place.
        head_reg = load_registry(root)
    else:
        with tempfile.TemporaryDirectory(prefix="microcred-pr-") as tmp:
            links = repo.export(head_sha, Path(tmp), prefix)
            head_reg = load_registry(Path(tmp))
    check = _Check(repo, prefix, merge_base, head_sha, head_reg)
    for link in links:
        check.violations.append(Violation(link, "symbolic links are not allowed in the registry"))
    for change in repo.changes(merge_base, head_sha):
        path = PurePosixPath(change.path)
        if prefix:
            if PurePosixPath(prefix) not in path.parents:
                report.changes.append(ClassifiedChange(change.path, change.status, "other"))
                continue
            rel = path.relative_to(prefix).as_posix()
        else:
            rel = path.as_posix()
        kind = "other"
        if m := _AWARD.match(rel):
            kind = check.award(change, rel, m.group("org"), m.group("cred"), m.group("name"))
        elif m := _CREDENTIAL.match(rel):
            kind = check.credential(change, rel, m.group("org"), m.group("slug"), m.group("version"))
        elif m := _ISSUER.match(rel):
            kind = check.organisation(change, rel, m.group("org"))
        elif rel.startswith("log/"):
            kind = check.transparency_log(change, rel)
        elif rel == "mkdocs.yml":
            kind = check.site_config(change, rel)
        elif _STATUS_LIST.match(rel):
            kind = "status list changed"
            check.fail(rel, "the signed status list is written only by CI on main (`microcred sign`); leave it out")
        report.changes.append(ClassifiedChange(change.path, change.status, kind))
        if change.status in ("A", "M"):
            secret = private_key_in(repo.text(head_sha, change.path))
            if secret:
                check.violations.append(Violation(
                    change.path,
                    f"contains what looks like a private key ({secret}); never commit keys: drop the commit "
                    "from the branch and make a new key (`microcred keygen`), since this one is exposed",
                ))
    report.violations = check.violations
    report.notes = _authorship_notes(repo, prefix, merge_base, head_sha, report.changes, head_reg)
    report.problems = [
        Problem(check.full(p.path), p.line, p.column, p.message) for p in head_reg.problems
    ]
    return report
