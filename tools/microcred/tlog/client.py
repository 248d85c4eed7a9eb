"""What a reader of the log does: prove an award is in it, and monitor that it only ever grows.

Both work from the repository (log/entries.jsonl, log/checkpoint) or from a published site
alone (log/checkpoint and tiles, fetched from a folder or an https:// URL). Nothing fetched is
trusted until the checkpoint's signature verifies with the log key the caller holds, and every
tile is authenticated against that checkpoint (see tiles.TileHashReader).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .checkpoint import Checkpoint, open_checkpoint
from .errors import LogError, NoteError, ProofError, TileError
from .merkle import HashReader, MemoryTree, consistency_proof, inclusion_proof, leaf_hash, verify_consistency
from .merkle import verify_inclusion as verify_inclusion_proof
from .note import Verifier
from .registrylog import DEFAULT_TOLERANCE, LOG_DIR, LogEntry, committed_log, read_entry_lines, tree_over
from .tiles import Fetch, TileHashReader


def b64(data: bytes) -> str:
    """Standard base64, as checkpoints write hashes."""
    return base64.b64encode(data).decode("ascii")


def fetch_checkpoint(fetch: Fetch, verifier: Verifier) -> tuple[Checkpoint, bytes]:
    """The site's checkpoint, verified with `verifier`; LogError / NoteError with the reason."""
    try:
        raw = fetch("checkpoint")
    except TileError as err:
        raise LogError(f"cannot fetch the checkpoint: {err}") from None
    return open_checkpoint(raw, verifier), raw


@dataclass
class Inclusion:
    """An inclusion proof of one award's entry in a signed checkpoint, verified."""

    award: str
    index: int
    checkpoint: Checkpoint
    entry: bytes
    proof: list[bytes]
    source: str  # "repository" or the site

    def to_dict(self) -> dict[str, object]:
        """For --format json."""
        return {
            "award": self.award,
            "index": self.index,
            "origin": self.checkpoint.origin,
            "size": self.checkpoint.size,
            "root": b64(self.checkpoint.root),
            "entry": self.entry.decode("utf-8"),
            "leaf_hash": b64(leaf_hash(self.entry)),
            "proof": [b64(h) for h in self.proof],
            "source": self.source,
            "verified": True,
        }


def _find_entry(lines: list[bytes], award_id: str, size: int) -> int:
    for index, line in enumerate(lines[:size]):
        try:
            if LogEntry.parse(line).award == award_id:
                return index
        except LogError:
            continue
    raise LogError(f"award {award_id} is not among the {size} entries the checkpoint signs")


def prove(award_id: str, verifier: Verifier, *, root: Path | None = None, fetch: Fetch | None = None,
          source: str = "repository") -> Inclusion:
    """Find the award's entry and prove it is in the signed checkpoint; verify the proof.

    With `fetch` (a site), the checkpoint and hashes come from the site, the entry from the
    repository if given, else from the site's entry bundles. Without, all from the repository.
    """
    reader: HashReader
    if fetch is not None:
        checkpoint, _ = fetch_checkpoint(fetch, verifier)
        tiles = TileHashReader(checkpoint.size, checkpoint.root, fetch)
        reader = tiles
        lines = read_entry_lines(root / LOG_DIR) if root is not None else []
        if not any(_award_is(line, award_id) for line in lines[: checkpoint.size]):
            lines = tiles.entries(0, checkpoint.size)  # a whole-log scan: the site only
    else:
        if root is None:
            raise LogError("prove needs a repository or a site")
        checkpoint, _, lines = committed_log(root, verifier)
        reader = tree_over(lines[: checkpoint.size])
    index = _find_entry(lines, award_id, checkpoint.size)
    entry = lines[index]
    proof = inclusion_proof(reader, index, checkpoint.size)
    verify_inclusion_proof(leaf_hash(entry), index, checkpoint.size, proof, checkpoint.root)
    return Inclusion(award_id, index, checkpoint, entry, proof, source)


def _award_is(line: bytes, award_id: str) -> bool:
    try:
        return LogEntry.parse(line).award == award_id
    except LogError:
        return False


@dataclass
class MonitorReport:
    """What one monitor run found: OK/FAIL lines, and the checkpoint to remember if all is OK."""

    lines: list[tuple[bool, str]] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    checkpoint_text: bytes | None = None

    @property
    def ok(self) -> bool:
        """No FAIL line."""
        return all(ok for ok, _ in self.lines) and self.checkpoint is not None

    def add(self, ok: bool, message: str) -> None:
        """Record a line."""
        self.lines.append((ok, message))

    def to_dict(self) -> dict[str, object]:
        """For --format json."""
        cp = self.checkpoint
        return {
            "ok": self.ok,
            "results": [{"ok": ok, "message": m} for ok, m in self.lines],
            "checkpoint": None if cp is None else {"origin": cp.origin, "size": cp.size, "root": b64(cp.root)},
        }


def monitor(fetch: Fetch, verifier: Verifier, previous: bytes | None, *,
            tolerance: timedelta = DEFAULT_TOLERANCE) -> MonitorReport:
    """Check a publication of the log against the last checkpoint this monitor saw.

    Verifies the checkpoint's signature, that the published tiles hash to its root, that it is
    consistent with `previous` (the log only grew: no entry removed, changed or inserted), and
    that the new entries are well-formed and in signing order.
    """
    report = MonitorReport()
    try:
        checkpoint, raw = fetch_checkpoint(fetch, verifier)
    except (LogError, NoteError) as err:
        report.add(False, f"checkpoint: {err}")
        return report
    report.add(True, f"checkpoint {checkpoint.origin} size {checkpoint.size} root {b64(checkpoint.root)} "
                     f"signed by {verifier.name}+{verifier.key_id:08x}")
    try:
        reader = TileHashReader(checkpoint.size, checkpoint.root, fetch)
    except (TileError, ProofError) as err:
        report.add(False, f"tiles: {err}")
        return report
    report.add(True, f"published tiles hash to the checkpoint root ({len(reader.fetched)} tiles read)")
    old: Checkpoint | None = None
    if previous is not None:
        try:
            old = open_checkpoint(previous, verifier)
        except NoteError as err:
            report.add(False, f"the previous checkpoint does not verify with this key: {err}")
            return report
        if old.origin != checkpoint.origin:
            report.add(False, f"the previous checkpoint is for {old.origin!r}, this one for {checkpoint.origin!r}")
            return report
        try:
            proof = consistency_proof(reader, old.size, checkpoint.size) if old.size <= checkpoint.size else []
            verify_consistency(old.size, checkpoint.size, proof, old.root, checkpoint.root)
        except (ProofError, TileError) as err:
            report.add(False, f"not consistent with the previous checkpoint (size {old.size}, root "
                              f"{b64(old.root)}): {err}")
            return report
        grown = checkpoint.size - old.size
        report.add(True, f"extends the previous checkpoint (size {old.size} -> {checkpoint.size}, "
                         f"{grown} new entries); proof of {len(proof)} hashes verified")
    start = old.size if old is not None else 0
    # The entry before the new ones sets the time the new ones may not fall behind.
    first = max(start - 1, 0)
    try:
        entries = reader.entries(first, checkpoint.size)
    except (TileError, ProofError) as err:
        report.add(False, f"entry bundles: {err}")
        return report
    problems = _entry_problems(entries, first, start, tolerance)
    for problem in problems:
        report.add(False, problem)
    if not problems:
        report.add(True, f"{checkpoint.size - start} new entries are well-formed, match the tiles and are in "
                         "signing order")
    report.checkpoint, report.checkpoint_text = checkpoint, raw
    return report


def _entry_problems(entries: list[bytes], first: int, start: int, tolerance: timedelta) -> list[str]:
    problems = []
    latest = None
    seen: dict[str, int] = {}
    for offset, raw in enumerate(entries):
        index = first + offset
        try:
            entry = LogEntry.parse(raw)
        except LogError as err:
            if index >= start:
                problems.append(f"entry {index}: {err}")
            continue
        if index >= start:
            if entry.award in seen:
                problems.append(f"entry {index}: award {entry.award} is logged twice (also entry {seen[entry.award]})")
            if latest is not None and entry.moment < latest - tolerance:
                problems.append(f"entry {index}: award {entry.award} signed at {entry.signed_at} comes after a "
                                "later-signed entry: back-dated")
        seen.setdefault(entry.award, index)
        latest = entry.moment if latest is None or entry.moment > latest else latest
    return problems


def tree_for_repository(root: Path) -> MemoryTree:
    """The tree over the repository's entries (for callers that prove many awards)."""
    return tree_over(read_entry_lines(root / LOG_DIR))
