"""The whole registry: discovery of record files, loading, cross-checks and queries.

Loading never stops at the first problem: every file is read, every problem collected, so that
`microcred validate` can report them all at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from .errors import LoadError, Problem, RegistryError
from .ids import is_slug, is_unguessable
from .load import Loaded, load_record
from .records import Award, Credential, Organisation, Revocation
from .records.common import Record
from .records.issuer import Recognition

R = TypeVar("R", bound=Record)

Status = Literal["pending", "not-yet", "awarded", "disagreement"]

_VERSIONED = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9-]{0,63})\.v(?P<version>[1-9][0-9]{0,3})$")
_REVOCATION_SUFFIX = ".revocation"
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class ProgressObserver:
    """Receives progress from long work; the library never prints. Subclass to show a bar."""

    def start(self, task: str, total: int) -> None:
        """A task of `total` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps are done."""

    def finish(self) -> None:
        """The task is done."""


@dataclass
class Registry:
    """Every record of a registry, loaded, with the problems found while loading and checking."""

    root: Path
    organisations: dict[str, Loaded[Organisation]] = field(default_factory=dict)
    credentials: dict[str, Loaded[Credential]] = field(default_factory=dict)  # "<org>/<slug>" -> current
    versions: dict[tuple[str, int], Loaded[Credential]] = field(default_factory=dict)
    awards: dict[str, Loaded[Award]] = field(default_factory=dict)
    revocations: dict[str, Loaded[Revocation]] = field(default_factory=dict)  # by award id
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    #: Records whose files exist but could not be loaded ("issuer:<org>", "credential:<org>/<slug>",
    #: "award:<id>"):
    #: checks skip references to them rather than report the same defect again as a dangling name.
    unreadable: set[str] = field(default_factory=set)

    # -- queries -------------------------------------------------------------------------------

    def credential(self, ref: str, version: int | None = None) -> Credential | None:
        """The credential `<org>/<slug>`, at `version` if given, else the current one."""
        if version is None:
            loaded = self.credentials.get(ref)
        else:
            loaded = self.versions.get((ref, version))
        return loaded.record if loaded else None

    def organisation(self, org_id: str) -> Organisation | None:
        """The organisation profile with this id."""
        loaded = self.organisations.get(org_id)
        return loaded.record if loaded else None

    def awards_of(self, credential_ref: str) -> list[Award]:
        """Every award record of one credential (any status), ordered by id."""
        return sorted(
            (a.record for a in self.awards.values() if a.record.credential_ref == credential_ref),
            key=lambda a: a.id,
        )

    def status(self, award: Award) -> Status:
        """Where the award stands: pending review, not yet, awarded, or assessors disagree."""
        credential = self.credential(award.credential_ref, award.credential_version)
        org = self.organisation(award.issuer)
        required = org.assessment.assessors_required if org else 1
        if credential is not None and credential.is_stack:
            required = 1
        current = award.current_assessments()
        if len(current) < required:
            return "pending"
        decisions = {a.decision for a in current}
        if decisions == {"awarded"}:
            return "awarded"
        if decisions == {"not-yet"}:
            return "not-yet"
        return "disagreement"

    def is_revoked(self, award_id: str) -> bool:
        """True when a revocation record exists for the award."""
        return award_id in self.revocations

    def recognitions_of(self, credential_ref: str) -> list[tuple[Organisation, Recognition]]:
        """Which organisations recognise this credential, and for how many hours."""
        found = []
        for loaded in sorted(self.organisations.values(), key=lambda o: o.record.id):
            for recognition in loaded.record.recognitions:
                if recognition.credential == credential_ref:
                    found.append((loaded.record, recognition))
        return found

    def stacks_containing(self, credential_ref: str) -> list[Credential]:
        """Stacks that require this credential."""
        return sorted(
            (c.record for c in self.credentials.values() if credential_ref in c.record.requires),
            key=lambda c: c.ref,
        )

    def portfolio(self, slug: str) -> list[Award]:
        """Public, awarded, unrevoked awards listed on the portfolio `slug`."""
        return sorted(
            (
                a.record
                for a in self.awards.values()
                if a.record.recipient.portfolio == slug
                and a.record.recipient.visibility == "public"
                and self.status(a.record) == "awarded"
                and not self.is_revoked(a.record.id)
            ),
            key=lambda a: (a.assessments[-1].date if a.assessments else None, a.id),
        )

    def portfolios(self) -> list[str]:
        """Every portfolio slug with at least one public, awarded, unrevoked award (never an empty page)."""
        return sorted(
            {
                a.record.recipient.portfolio
                for a in self.awards.values()
                if a.record.recipient.portfolio
                and a.record.recipient.visibility == "public"
                and self.status(a.record) == "awarded"
                and not self.is_revoked(a.record.id)
            }
        )

    def raise_for_problems(self) -> None:
        """Raise RegistryError if anything was found wrong."""
        if self.problems:
            raise RegistryError(self.problems)


# -- discovery and loading ---------------------------------------------------------------------


def _rel(root: Path, path: Path) -> str:
    # String slicing, not Path.relative_to: this runs once per file of a 100,000-award registry.
    return str(path)[len(str(root)) + 1 :].replace("\\", "/")


def _entries(folder: Path) -> Iterator[Path]:
    # Hidden files (editor swap files, .gitkeep) and notes are not records.
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name.lower() in ("readme.md", "readme"):
            continue
        yield entry


def _load_into(
    registry: Registry, path: Path, model: type[R], sink: Callable[[Loaded[R]], None], name: str = ""
) -> None:
    display = _rel(registry.root, path)
    registry.files_read += 1
    try:
        sink(load_record(path, display, model))
    except LoadError as err:
        registry.problems.extend(err.problems)
        if name:
            registry.unreadable.add(name)


def _record_name(registry: Registry, entry: Path, where: str) -> str | None:
    """The record name of a file (its stem), or None after reporting why it is not a record file."""
    display = _rel(registry.root, entry)
    if entry.is_symlink():
        registry.problems.append(Problem(display, 1, 1, "symbolic links are not allowed in the registry"))
        return None
    if entry.is_dir():
        registry.problems.append(Problem(display, 1, 1, f"unexpected folder; {where}"))
        return None
    if entry.suffix == ".yml":
        registry.problems.append(Problem(display, 1, 1, "record files end in .yaml, not .yml; rename it"))
        return None
    if entry.suffix != ".yaml":
        return None  # images and other files may sit beside records
    return entry.name[: -len(".yaml")]


def _folder(registry: Registry, entry: Path, where: str) -> bool:
    display = _rel(registry.root, entry)
    if entry.is_symlink() or not entry.is_dir():
        if entry.suffix in (".yaml", ".yml"):
            registry.problems.append(Problem(display, 1, 1, f"record in the wrong place; {where}"))
        return False
    if not is_slug(entry.name):
        registry.problems.append(
            Problem(display, 1, 1, f"folder name {entry.name!r} is not a slug (lower-case letters, digits, hyphens)")
        )
        return False
    return True


def _check_id(registry: Registry, loaded: Loaded[R], expected: str, field_name: str = "id") -> bool:
    actual = getattr(loaded.record, field_name)
    if actual != expected:
        registry.problems.append(
            loaded.problem(f"{field_name} is {actual!r} but the file's place says {expected!r}; they must match", field_name)
        )
        return False
    return True


def load_registry(
    root: Path, observer: ProgressObserver | None = None, *, check: bool = True, include_log: bool = True
) -> Registry:
    """Load every record under `root` and (by default) run every cross-check.

    Never raises for bad records: problems are collected in `Registry.problems`.
    """
    root = root.resolve()
    registry = Registry(root=root)
    observer = observer or ProgressObserver()
    if not root.is_dir():
        registry.problems.append(Problem(str(root), 1, 1, "registry folder does not exist"))
        return registry

    issuers_dir = root / "issuers"
    if issuers_dir.is_dir():
        for entry in _entries(issuers_dir):
            name = _record_name(registry, entry, "organisation profiles are issuers/<org>.yaml")
            if name is None:
                continue
            if not is_slug(name):
                registry.problems.append(Problem(_rel(root, entry), 1, 1, f"file name {name!r} is not a slug"))
                continue

            def add_org(loaded: Loaded[Organisation], name: str = name) -> None:
                if _check_id(registry, loaded, name):
                    registry.organisations[name] = loaded
                else:  # reported once here; records naming it should not report it missing too
                    registry.unreadable.add(f"issuer:{name}")

            _load_into(registry, entry, Organisation, add_org, f"issuer:{name}")
    else:
        registry.problems.append(Problem("issuers", 1, 1, "missing folder issuers/ (organisation profiles)"))

    credentials_dir = root / "credentials"
    where_credential = "credentials are credentials/<org>/<slug>.yaml"
    if credentials_dir.is_dir():
        for org_dir in _entries(credentials_dir):
            if not _folder(registry, org_dir, where_credential):
                continue
            for entry in _entries(org_dir):
                name = _record_name(registry, entry, where_credential)
                if name is None:
                    continue
                versioned = _VERSIONED.match(name)
                slug = versioned.group("slug") if versioned else name
                if not is_slug(slug):
                    registry.problems.append(Problem(_rel(root, entry), 1, 1, f"file name {name!r} is not a slug"))
                    continue

                def add_credential(
                    loaded: Loaded[Credential], slug: str = slug, org: str = org_dir.name,
                    archived: int | None = int(versioned.group("version")) if versioned else None,
                ) -> None:
                    if not (_check_id(registry, loaded, slug) and _check_id(registry, loaded, org, "issuer")):
                        if archived is None:  # reported here; awards of it should not add "does not exist"
                            registry.unreadable.add(f"credential:{org}/{slug}")
                        return
                    ref = f"{org}/{slug}"
                    version = loaded.record.version
                    if archived is not None and archived != version:
                        registry.problems.append(
                            loaded.problem(f"version is {version} but the file name says v{archived}", "version")
                        )
                        return
                    if (ref, version) in registry.versions:
                        other = registry.versions[(ref, version)].path
                        registry.problems.append(
                            loaded.problem(f"version {version} of {ref} is also defined in {other}", "version")
                        )
                        return
                    registry.versions[(ref, version)] = loaded
                    if archived is None:
                        registry.credentials[ref] = loaded

                _load_into(registry, entry, Credential, add_credential, f"credential:{org_dir.name}/{slug}")
    else:
        registry.problems.append(Problem("credentials", 1, 1, "missing folder credentials/"))

    awards_dir = root / "awards"
    where_award = "awards are awards/<org>/<credential>/<award-id>.yaml"
    award_files: list[tuple[Path, str, str]] = []
    if awards_dir.is_dir():
        for org_dir in _entries(awards_dir):
            if not _folder(registry, org_dir, where_award):
                continue
            for cred_dir in _entries(org_dir):
                if not _folder(registry, cred_dir, where_award):
                    continue
                award_files.extend((entry, org_dir.name, cred_dir.name) for entry in _entries(cred_dir))
    observer.start("Loading awards", len(award_files))
    for entry, org, cred in award_files:
        observer.advance()
        name = _record_name(registry, entry, where_award)
        if name is None:
            continue
        is_revocation = name.endswith(_REVOCATION_SUFFIX)
        award_id = name[: -len(_REVOCATION_SUFFIX)] if is_revocation else name
        if not is_slug(award_id):
            registry.problems.append(Problem(_rel(root, entry), 1, 1, f"file name {name!r} is not a slug"))
            continue
        if is_revocation:

            def add_revocation(loaded: Loaded[Revocation], award_id: str = award_id) -> None:
                if _check_id(registry, loaded, award_id, "award"):
                    registry.revocations[award_id] = loaded

            _load_into(registry, entry, Revocation, add_revocation)
            continue

        def add_award(loaded: Loaded[Award], award_id: str = award_id, org: str = org, cred: str = cred) -> None:
            if not (
                _check_id(registry, loaded, award_id)
                and _check_id(registry, loaded, org, "issuer")
                and _check_id(registry, loaded, cred, "credential")
            ):
                registry.unreadable.add(f"award:{award_id}")
                return
            if award_id in registry.awards:
                other = registry.awards[award_id].path
                registry.problems.append(loaded.problem(f"award id {award_id!r} is already used by {other}", "id"))
                return
            registry.awards[award_id] = loaded

        _load_into(registry, entry, Award, add_award, f"award:{award_id}")
    observer.finish()

    if check:
        from .checks import check_registry  # the rules live apart from discovery

        registry.problems.extend(check_registry(registry, include_log=include_log))
    registry.problems.sort()
    return registry


def email_hash(email: str, salt: str) -> str:
    """The recipient identifier Open Badges uses: sha256$ hex of the lower-cased email plus salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def emails_in(text: str) -> list[str]:
    """Email-like strings in free text (to keep plain addresses out of award records)."""
    return _EMAIL_IN_TEXT.findall(text)


__all__ = [
    "ProgressObserver", "Registry", "Status", "email_hash", "emails_in", "is_unguessable", "load_registry",
]
