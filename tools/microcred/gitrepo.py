"""Git access for the workflow commands: the one module that uses GitPython.

Everything the pull-request check and the provenance step need from Git goes through the small
functions here, so the rules themselves (prcheck, provenance) stay plain Python on plain data.
Every Git failure becomes a GitWorkflowError with a sentence a person can act on.
"""

from __future__ import annotations

import io
import stat
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import git
from git.exc import BadName, GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from .errors import GitWorkflowError

#: Top-level folders and files that make up the registry (what check-pr validates).
REGISTRY_PARTS = ("issuers", "credentials", "awards", "mkdocs.yml")


@dataclass(frozen=True)
class Change:
    """One changed path between two commits. status: A added, M modified, D deleted, T type changed."""

    status: str
    path: str


@dataclass(frozen=True)
class CommitInfo:
    """What the workflow records about a commit."""

    sha: str
    author_email: str
    author_name: str
    committed_at: datetime
    parents: int

    @property
    def is_merge(self) -> bool:
        """True for a merge commit (two or more parents)."""
        return self.parents > 1


class GitRepo:
    """A repository opened for reading history and blobs."""

    def __init__(self, root: Path) -> None:
        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise GitWorkflowError(f"{root} is not inside a Git repository") from None
        if self.repo.working_tree_dir is None:
            raise GitWorkflowError(f"{root} is a bare repository; run the command in a checkout")
        self.top = Path(self.repo.working_tree_dir).resolve()

    def rel(self, path: Path) -> str:
        """`path` relative to the top of the work tree, with forward slashes."""
        return path.resolve().relative_to(self.top).as_posix()

    def _commit(self, ref: str) -> git.Commit:
        try:
            return self.repo.commit(ref)
        except (BadName, ValueError, GitCommandError):
            raise GitWorkflowError(
                f"cannot find {ref!r} in the repository (fetch it first, e.g. `git fetch origin main`)"
            ) from None

    def resolve(self, ref: str) -> str:
        """The full commit id of `ref`."""
        return str(self._commit(ref).hexsha)

    def merge_base(self, base: str, head: str) -> str:
        """The commit where `head` branched from `base` (what base...head compares against)."""
        bases = self.repo.merge_base(self._commit(base), self._commit(head))
        if not bases:
            raise GitWorkflowError(f"{base!r} and {head!r} share no history")
        return str(bases[0].hexsha)

    def changes(self, old: str, new: str) -> list[Change]:
        """Every path that differs between two commits; a rename is a deletion plus an addition."""
        try:
            out = self.repo.git.diff("--name-status", "--no-renames", "-z", old, new, "--")
        except GitCommandError as err:
            raise GitWorkflowError(f"git diff {old}..{new} failed: {err.stderr.strip()}") from None
        fields = [f for f in out.split("\0") if f]
        result = []
        for status, path in zip(fields[0::2], fields[1::2]):
            result.append(Change(status[:1], path))
        return sorted(result, key=lambda c: c.path)

    def text(self, ref: str, path: str) -> str | None:
        """The UTF-8 text of `path` at commit `ref`, or None when it does not exist there."""
        try:
            blob = self._commit(ref).tree / path
        except KeyError:
            return None
        if blob.type != "blob":
            return None
        data: bytes = blob.data_stream.read()
        return data.decode("utf-8", errors="replace")

    def is_symlink(self, ref: str, path: str) -> bool:
        """True when `path` at `ref` is a symbolic link."""
        try:
            blob = self._commit(ref).tree / path
        except KeyError:
            return False
        return stat.S_ISLNK(blob.mode)

    def export(
        self, ref: str, dest: Path, prefix: str = "", parts: tuple[str, ...] = REGISTRY_PARTS
    ) -> list[str]:
        """Write the registry files of commit `ref` (those under `prefix`) to `dest`; no checkout.

        Symbolic links are not written (the registry allows none); their paths are returned so
        the caller can report them. Uses `git archive`, which is several times faster than
        reading blob by blob.
        """
        commit = self._commit(ref)
        wanted = [f"{prefix}/{part}" if prefix else part for part in parts]
        present = [w for w in wanted if self._exists_in(commit, w)]
        links: list[str] = []
        if not present:
            return links
        buffer = io.BytesIO()
        try:
            self.repo.archive(buffer, commit.hexsha, format="tar", path=present)
        except GitCommandError as err:
            raise GitWorkflowError(f"git archive {ref} failed: {err.stderr.strip()}") from None
        buffer.seek(0)
        base = PurePosixPath(prefix) if prefix else None
        with tarfile.open(fileobj=buffer, mode="r:") as archive:
            for member in archive:
                path = PurePosixPath(member.name)
                if member.issym() or member.islnk():
                    links.append(member.name)
                    continue
                if not member.isfile():
                    continue
                if base is not None:
                    path = path.relative_to(base)
                if ".." in path.parts or path.is_absolute():
                    continue  # never write outside dest, whatever the archive says
                source = archive.extractfile(member)
                if source is None:
                    continue
                target = dest.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read())
        return links

    @staticmethod
    def _exists_in(commit: git.Commit, path: str) -> bool:
        try:
            commit.tree / path
        except KeyError:
            return False
        return True

    def files_under(self, ref: str, folder: str) -> list[str]:
        """Paths of the files under `folder` at commit `ref` (empty when the folder is absent)."""
        try:
            tree = self._commit(ref).tree / folder
        except KeyError:
            return []
        if tree.type != "tree":
            return []
        return [str(item.path) for item in tree.traverse() if item.type == "blob"]  # type: ignore[union-attr]

    def is_checked_out(self, ref: str, paths: tuple[str, ...]) -> bool:
        """True when the work tree holds exactly commit `ref` for `paths` (HEAD, nothing changed or untracked)."""
        if self._commit(ref).hexsha != self.repo.head.commit.hexsha:
            return False
        try:
            status = self.repo.git.status("--porcelain", "--untracked-files=all", "--", *paths)
        except GitCommandError:
            return False
        return not status.strip()

    def info(self, sha: str) -> CommitInfo:
        """Author, date and parent count of a commit."""
        commit = self._commit(sha)
        return CommitInfo(
            sha=str(commit.hexsha),
            author_email=str(commit.author.email or ""),
            author_name=str(commit.author.name or ""),
            committed_at=commit.committed_datetime.astimezone(UTC),
            parents=len(commit.parents),
        )

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when `ancestor` is `descendant` or one of its ancestors."""
        try:
            self.repo.git.merge_base("--is-ancestor", ancestor, descendant)
        except GitCommandError:
            return False
        return True

    def exists(self, ref: str) -> bool:
        """True when `ref` names a commit in the repository."""
        try:
            self._commit(ref)
        except GitWorkflowError:
            return False
        return True

    def history(self, path: str, ref: str = "HEAD", *, first_parent: bool = False) -> Iterator[str]:
        """Commits that changed `path`, oldest first (ids)."""
        args = ["--reverse", "--format=%H"]
        if first_parent:
            args.append("--first-parent")
        try:
            out = self.repo.git.log(*args, ref, "--", path)
        except GitCommandError as err:
            raise GitWorkflowError(f"git log {path} failed: {err.stderr.strip()}") from None
        for line in out.splitlines():
            if line.strip():
                yield line.strip()

    def added_in(self, path: str, ref: str = "HEAD") -> str | None:
        """The earliest commit (reachable from `ref`) that added `path`."""
        try:
            out = self.repo.git.log("--reverse", "--diff-filter=A", "--format=%H", ref, "--", path)
        except GitCommandError as err:
            raise GitWorkflowError(f"git log {path} failed: {err.stderr.strip()}") from None
        lines = [line for line in out.splitlines() if line.strip()]
        return lines[0] if lines else None
