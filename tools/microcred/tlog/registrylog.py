"""The transparency log of this registry: every signed award, in signing order, append-only.

In the repository:
    log/entries.jsonl   one entry per line (JCS JSON), never edited, only appended to
    log/checkpoint      the signed checkpoint (C2SP tlog-checkpoint) over all entries
    log/log.vkey        the log's public key (C2SP signed-note verifier key)
On the site, under `log/`: checkpoint, log.vkey and the tiles (`iter_published`).

An entry records which award was signed, of which credential version, when, and the SHA-256 of
the exact stored signed-credential bytes. The leaf data is the entry's bytes without the newline.
So a deleted award, an altered credential, a back-dated award inserted in the middle, or a
rewritten history all show: `check` against the repository, `check_append_only` against the
previous commit, and monitors against the previous checkpoint they saw.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import rfc8785

from ..errors import Problem, UsageError
from ..fsutil import write_atomic
from ..ids import is_slug
from ..keys import refuse_inside_repository
from ..records import Award
from ..registry import Registry
from ..urls import SiteUrls
from .checkpoint import Checkpoint, open_checkpoint
from .checkpoint import sign_checkpoint as sign_checkpoint_note
from .errors import LogError, NoteError
from .merkle import MemoryTree, leaf_hash
from .note import Signer, Verifier
from .tiles import (
    DATA_LEVEL,
    TILE_WIDTH,
    Tile,
    build_tiles,
    encode_bundle,
    partial_tiles_for_size,
    tile_bytes,
)

LOG_DIR = "log"
ENTRIES = f"{LOG_DIR}/entries.jsonl"
CHECKPOINT = f"{LOG_DIR}/checkpoint"
VKEY = f"{LOG_DIR}/log.vkey"
#: How far an entry's signed_at may fall behind an earlier entry's (clock skew between CI runs).
DEFAULT_TOLERANCE = timedelta(hours=1)

_FIELDS = ("award", "issuer", "credential", "version", "sha256", "signed_at")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PLAIN = re.compile(r"^[A-Za-z0-9:/._-]*$")
_ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_sha256(award: Award) -> str:
    """Hex SHA-256 of the stored signed credential text (UTF-8), exactly as stored."""
    if award.signed is None:
        raise LogError(f"award {award.id} is not signed")
    return hashlib.sha256(award.signed.credential.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LogEntry:
    """One line of log/entries.jsonl."""

    award: str
    issuer: str
    credential: str  # <org>/<slug>
    version: int
    sha256: str
    signed_at: str  # ISO 8601 UTC, ...Z

    @classmethod
    def for_award(cls, award: Award) -> LogEntry:
        """The entry recording a signed award."""
        if award.signed is None:
            raise LogError(f"award {award.id} is not signed; only signed awards are logged")
        return cls(award.id, award.issuer, award.credential_ref, award.credential_version,
                   credential_sha256(award), _iso(award.signed.signed_at))

    def to_bytes(self) -> bytes:
        """The entry as JCS (RFC 8785) JSON: the leaf data."""
        texts = (self.award, self.credential, self.issuer, self.sha256, self.signed_at)
        if type(self.version) is int and 0 <= self.version < 2**53 and all(_PLAIN.match(t) for t in texts):
            # Only [A-Za-z0-9:/._-] and a safe integer: these sorted keys with no spaces are already
            # JCS, written directly (the general canonicaliser costs 50 µs an entry at 100,000).
            return (
                f'{{"award":"{self.award}","credential":"{self.credential}","issuer":"{self.issuer}",'
                f'"sha256":"{self.sha256}","signed_at":"{self.signed_at}","version":{self.version}}}'
            ).encode("ascii")
        return bytes(rfc8785.dumps(asdict(self)))

    @property
    def moment(self) -> datetime:
        """signed_at as a datetime."""
        return datetime.fromisoformat(self.signed_at)

    @classmethod
    def parse(cls, line: bytes) -> LogEntry:
        """Parse one line (without its newline); LogError naming what is wrong."""
        try:
            data = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise LogError("entry is not UTF-8") from None
        except json.JSONDecodeError as err:
            raise LogError(f"entry is not JSON ({err.msg} at column {err.colno})") from None
        if not isinstance(data, dict):
            raise LogError("entry is not a JSON object")
        if sorted(data) != sorted(_FIELDS):
            missing = [f for f in _FIELDS if f not in data]
            extra = sorted(set(data) - set(_FIELDS))
            raise LogError(f"entry has the wrong fields (missing: {', '.join(missing) or 'none'}; "
                           f"unexpected: {', '.join(extra) or 'none'})")
        for name in ("award", "issuer", "credential", "sha256", "signed_at"):
            if not isinstance(data[name], str):
                raise LogError(f"entry field {name} must be a string")
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 1_000_000:
            raise LogError("entry field version must be a positive integer")
        if not is_slug(data["award"]) or not is_slug(data["issuer"]):
            raise LogError("entry award and issuer must be slugs")
        org, _, slug = data["credential"].partition("/")
        if org != data["issuer"] or not is_slug(slug):
            raise LogError("entry credential must be <issuer>/<slug>")
        if not _HEX64.match(data["sha256"]):
            raise LogError("entry sha256 must be 64 lower-case hex digits")
        if not _ISO_Z.match(data["signed_at"]):
            raise LogError("entry signed_at must read YYYY-MM-DDTHH:MM:SSZ")
        try:
            datetime.fromisoformat(data["signed_at"])
        except ValueError:
            raise LogError(f"entry signed_at {data['signed_at']!r} is not a real time") from None
        entry = cls(**data)
        if entry.to_bytes() != line:
            raise LogError("entry is not in canonical JCS form (RFC 8785: sorted keys, no spaces)")
        return entry


# -- reading and writing the files -----------------------------------------------------------------


def read_entry_lines(log_dir: Path) -> list[bytes]:
    """The raw entry lines of log_dir/entries.jsonl (none if the file does not exist)."""
    path = log_dir / "entries.jsonl"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise LogError(f"cannot read {ENTRIES}: {err.strerror}") from None
    if not data:
        return []
    if not data.endswith(b"\n"):
        raise LogError(f"{ENTRIES} does not end with a newline: it was cut short or edited")
    return data[:-1].split(b"\n")


def read_entries(log_dir: Path) -> list[LogEntry]:
    """Every entry, parsed; LogError at the first malformed line (run `check` for all of them)."""
    entries = []
    for number, line in enumerate(read_entry_lines(log_dir), start=1):
        try:
            entries.append(LogEntry.parse(line))
        except LogError as err:
            raise LogError(f"{ENTRIES}:{number}: {err}") from None
    return entries


def has_log(root: Path) -> bool:
    """True when the registry has a transparency log (log/log.vkey exists): publish it then."""
    return (root / VKEY).is_file()


def read_verifier(root: Path) -> Verifier:
    """The log's public key from log/log.vkey."""
    path = root / VKEY
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LogError(f"{VKEY} does not exist; create the log key with `microcred log keygen`") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LogError(f"cannot read {VKEY}: {err}") from None
    return Verifier.from_vkey(text.strip())


def pending_entries(registry: Registry, log_dir: Path) -> list[LogEntry]:
    """Signed awards not yet in the log, sorted by (signed_at, id)."""
    logged = {e.award for e in read_entries(log_dir)}
    pending = [
        LogEntry.for_award(loaded.record)
        for award_id, loaded in registry.awards.items()
        if loaded.record.signed is not None and award_id not in logged
    ]
    return sorted(pending, key=lambda e: (e.moment, e.award))


def append(registry: Registry, root: Path) -> int:
    """Append every signed award not yet logged; the number appended (0: nothing written)."""
    log_dir = root / LOG_DIR
    pending = pending_entries(registry, log_dir)
    if not pending:
        return 0
    path = log_dir / "entries.jsonl"
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    write_atomic(path, old + b"".join(e.to_bytes() + b"\n" for e in pending))
    return len(pending)


def tree_over(lines: Iterable[bytes]) -> MemoryTree:
    """The Merkle tree over entry lines."""
    return MemoryTree(leaf_hash(line) for line in lines)


def sign_checkpoint(root: Path, skey_text: str, urls: SiteUrls | None = None) -> str:
    """Sign a checkpoint over log/entries.jsonl with the log key and write log/checkpoint.

    The origin is the log key's name, fixed when the key was made (from site_url, by `keygen`):
    a log is identified by its key, so moving the site does not change it and `urls` is not
    needed (accepted so publish code can pass the layout it has). Refuses a key other than
    log/log.vkey, and refuses to sign a checkpoint that does not extend the one already
    committed (a log must never sign two inconsistent checkpoints).
    """
    del urls
    signer = Signer.from_skey(skey_text.strip())
    verifier = read_verifier(root)
    if verifier != signer.verifier:
        raise LogError(f"the signing key does not match {VKEY} ({verifier.vkey})")
    origin = verifier.name
    lines = read_entry_lines(root / LOG_DIR)
    read_entries(root / LOG_DIR)  # well-formed, or LogError naming the line
    tree = tree_over(lines)
    path = root / CHECKPOINT
    if path.exists():
        try:
            previous = open_checkpoint(path.read_bytes(), verifier, origin)
        except NoteError as err:
            raise LogError(f"the committed {CHECKPOINT} does not verify ({err}); fix it before signing") from None
        if previous.size > tree.size or tree.root(previous.size) != previous.root:
            raise LogError(
                f"{ENTRIES} no longer extends the last checkpoint (size {previous.size}): "
                "the log's history was changed; refusing to sign a fork"
            )
    text = sign_checkpoint_note(Checkpoint(origin, tree.size, tree.root()), signer)
    write_atomic(path, text)
    return text


def keygen(root: Path, out: Path, origin: str) -> Verifier:
    """Create the log key: the private key to `out` (outside the repository), the public key to log/log.vkey."""
    refuse_inside_repository(out, root)  # the registry and the Git work tree around it
    if out.exists():
        raise UsageError(f"{out} already exists; refusing to overwrite a key")
    if (root / VKEY).exists():
        raise UsageError(f"{VKEY} already exists; the log key is replaced only deliberately (delete it first)")
    signer = Signer.generate(origin)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the first byte
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.skey + "\n")
    write_atomic(root / VKEY, signer.verifier.vkey + "\n")
    return signer.verifier


# -- checks -------------------------------------------------------------------------------------------


def check(registry: Registry, root: Path, *, tolerance: timedelta = DEFAULT_TOLERANCE) -> list[Problem]:
    """Every problem of the log against the registry, as path:line:column problems.

    Every signed award must appear exactly once with its credential's sha256; no entry may name a
    deleted or changed award; entries must be canonical JCS; signed_at may not go backwards by
    more than `tolerance`; log/checkpoint must be signed by log/log.vkey and match the entries.
    """
    problems: list[Problem] = []
    log_dir = root / LOG_DIR
    try:
        lines = read_entry_lines(log_dir)
    except LogError as err:
        return [Problem(ENTRIES, 1, 1, str(err))]
    seen: dict[str, int] = {}
    latest: tuple[datetime, int] | None = None
    for number, line in enumerate(lines, start=1):
        try:
            entry = LogEntry.parse(line)
        except LogError as err:
            problems.append(Problem(ENTRIES, number, 1, str(err)))
            continue
        if entry.award in seen:
            problems.append(Problem(ENTRIES, number, 1,
                                    f"award {entry.award} is logged twice (first on line {seen[entry.award]})"))
            continue
        seen[entry.award] = number
        if latest is not None and entry.moment < latest[0] - tolerance:
            problems.append(Problem(
                ENTRIES, number, 1,
                f"award {entry.award} signed at {entry.signed_at} was logged after an award signed at "
                f"{_iso(latest[0])} (line {latest[1]}): back-dated or inserted out of order",
            ))
        if latest is None or entry.moment > latest[0]:
            latest = (entry.moment, number)
        problems.extend(_check_entry_against_registry(registry, entry, number))
    for award_id, loaded in sorted(registry.awards.items()):
        if loaded.record.signed is not None and award_id not in seen:
            problems.append(loaded.problem(
                f"signed award {award_id} is not in the transparency log; run `microcred log append`",
                "signed",
            ))
    if lines or (root / CHECKPOINT).exists() or (root / VKEY).exists():
        problems.extend(_check_checkpoint(root, lines))
    return sorted(problems)


def _check_entry_against_registry(registry: Registry, entry: LogEntry, number: int) -> list[Problem]:
    loaded = registry.awards.get(entry.award)
    if loaded is None:
        if f"award:{entry.award}" in registry.unreadable:
            return []  # the loader already reported that file
        return [Problem(ENTRIES, number, 1, f"award {entry.award} is in the log but its record is gone: "
                                            "a signed award was deleted")]
    award = loaded.record
    if award.signed is None:
        return [loaded.problem(f"award {entry.award} was logged as signed (line {number} of {ENTRIES}) "
                               "but its signed block is gone")]
    now = LogEntry.for_award(award)
    problems = []
    if now.sha256 != entry.sha256:
        problems.append(loaded.problem(
            f"the signed credential of award {entry.award} changed after it was logged "
            f"(line {number} of {ENTRIES}: sha256 {entry.sha256[:16]}…, now {now.sha256[:16]}…)",
            "signed", "credential",
        ))
    for name in ("issuer", "credential", "version", "signed_at"):
        if getattr(now, name) != getattr(entry, name):
            problems.append(loaded.problem(
                f"award {entry.award} now has {name} {getattr(now, name)!r}, but the log "
                f"(line {number} of {ENTRIES}) recorded {getattr(entry, name)!r}",
            ))
    return problems


def _check_checkpoint(root: Path, lines: list[bytes]) -> list[Problem]:
    try:
        verifier = read_verifier(root)
    except (LogError, NoteError) as err:
        return [Problem(VKEY, 1, 1, str(err))]
    path = root / CHECKPOINT
    if not path.exists():
        if not lines:
            return []  # a new, empty log: nothing is attested yet, so nothing can be missing
        return [Problem(CHECKPOINT, 1, 1, "missing; sign one with `microcred log checkpoint`")]
    try:
        checkpoint = open_checkpoint(path.read_bytes(), verifier)
    except (NoteError, OSError) as err:
        return [Problem(CHECKPOINT, 1, 1, f"does not verify with {VKEY}: {err}")]
    tree = tree_over(lines)
    problems = []
    if checkpoint.size > tree.size:
        return [Problem(CHECKPOINT, 2, 1, f"signs {checkpoint.size} entries but {ENTRIES} holds only "
                                          f"{tree.size}: entries were removed")]
    if tree.root(checkpoint.size) != checkpoint.root:
        problems.append(Problem(CHECKPOINT, 3, 1, f"root hash does not match the first {checkpoint.size} "
                                                  f"entries of {ENTRIES}: the log was rewritten"))
    if checkpoint.size < tree.size:
        problems.append(Problem(CHECKPOINT, 2, 1, f"signs {checkpoint.size} entries but {ENTRIES} holds "
                                                  f"{tree.size}; sign a new one with `microcred log checkpoint`"))
    return problems


def check_append_only(old_entries_text: str, new_entries_text: str) -> list[str]:
    """Problems when the new entries file is not the old one plus appended lines (empty list: fine).

    For check-pr (base vs head) and publish (last published vs now).
    """
    if new_entries_text.startswith(old_entries_text) and (not old_entries_text or old_entries_text.endswith("\n")):
        return []
    tail = "the log is append-only: entries may only be added at the end"
    old_lines = old_entries_text.split("\n")
    new_lines = new_entries_text.split("\n")
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if old == new:
            continue
        if new and old in new_lines[number:]:
            return [(f"{ENTRIES}:{number}: an entry for award {_award_of(new)} was inserted before the "
                    f"already logged award {_award_of(old)}; {tail}")]
        if not new or old not in new_lines:
            return [(f"{ENTRIES}:{number}: the entry for award {_award_of(old)} was removed or changed "
                    f"(line {number} now: {_award_of(new)}); {tail}")]
        return [f"{ENTRIES}:{number}: the entry for award {_award_of(old)} moved; {tail}"]
    return [f"{ENTRIES}: the old file does not end where expected (entries removed from the end); {tail}"]


def _award_of(line: str) -> str:
    try:
        value = json.loads(line)
        return repr(value["award"]) if isinstance(value, dict) and "award" in value else "(not an entry)"
    except (ValueError, TypeError):
        return "(empty)" if not line else "(not an entry)"


# -- publishing -----------------------------------------------------------------------------------------


def committed_log(root: Path, verifier: Verifier) -> tuple[Checkpoint, bytes, list[bytes]]:
    """The committed checkpoint (verified), its bytes, and the repository's entry lines.

    Raises LogError when the checkpoint is missing or signs more entries than the file holds.
    """
    try:
        raw = (root / CHECKPOINT).read_bytes()
    except FileNotFoundError:
        raise LogError(f"{CHECKPOINT} does not exist; sign one with `microcred log checkpoint`") from None
    checkpoint = open_checkpoint(raw, verifier)
    lines = read_entry_lines(root / LOG_DIR)
    if checkpoint.size > len(lines):
        raise LogError(f"{CHECKPOINT} signs {checkpoint.size} entries but {ENTRIES} holds {len(lines)}")
    return checkpoint, raw, lines


def iter_published(
    root: Path, urls: SiteUrls | None = None, previous_sizes: Iterable[int] = ()
) -> Iterator[tuple[str, bytes]]:
    """Site paths and bytes of the log: log/checkpoint, log/log.vkey, every tile and entry bundle.

    Paths are relative to the site root (the log lives under `log/` wherever the site is, so
    `urls` is not needed; accepted for the site build's call).

    The tiles are those of the committed checkpoint's size (entries appended after it are not
    published until a checkpoint signs them). `previous_sizes`, the sizes of earlier published
    checkpoints, adds their partial tiles too, which tlog-tiles asks logs to keep serving.
    Raises LogError if the checkpoint does not verify or does not match the entries.
    """
    del urls
    verifier = read_verifier(root)
    checkpoint, checkpoint_bytes, lines = committed_log(root, verifier)
    lines = lines[: checkpoint.size]
    tree = tree_over(lines)
    if tree.root() != checkpoint.root:
        raise LogError(f"{CHECKPOINT} does not match {ENTRIES}: refusing to publish a log that does not verify")
    prefix = LOG_DIR + "/"
    yield prefix + "checkpoint", checkpoint_bytes
    yield prefix + "log.vkey", (verifier.vkey + "\n").encode("ascii")
    for tile, data in build_tiles(lines, tree):
        yield prefix + tile.path, data
    done: set[Tile] = set()
    for size in sorted(set(previous_sizes)):
        if not 0 < size < checkpoint.size:
            continue
        for tile in partial_tiles_for_size(size):
            if tile not in done:
                done.add(tile)
                yield prefix + tile.path, tile_bytes(tree, tile)
        width = size % TILE_WIDTH
        if width:
            start = size - width
            bundle = Tile(DATA_LEVEL, size // TILE_WIDTH, width)
            if bundle not in done:
                done.add(bundle)
                yield prefix + bundle.path, encode_bundle(lines[start:size])


def write_published(
    root: Path, urls: SiteUrls | None, site_dir: Path, previous_sizes: Iterable[int] = ()
) -> int:
    """Write the published log files into a built site folder; the number of files written or changed."""
    changed = 0
    for site_path, data in iter_published(root, urls, previous_sizes):
        changed += write_atomic(site_dir / site_path, data)
    return changed
