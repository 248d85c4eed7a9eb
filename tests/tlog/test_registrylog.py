"""The registry's log: append, checkpoint, check (deleted, altered, back-dated awards), publishing."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import UsageError
from microcred.registry import load_registry
from microcred.tlog.checkpoint import Checkpoint, open_checkpoint
from microcred.tlog.checkpoint import sign_checkpoint as sign_checkpoint_note
from microcred.tlog.errors import LogError
from microcred.tlog.merkle import inclusion_proof, leaf_hash, verify_inclusion
from microcred.tlog.note import Signer
from microcred.tlog.registrylog import (
    CHECKPOINT,
    ENTRIES,
    LogEntry,
    append,
    check,
    check_append_only,
    has_log,
    iter_published,
    keygen,
    pending_entries,
    read_entries,
    sign_checkpoint,
    write_published,
)
from microcred.tlog.tiles import TileHashReader, site_fetcher
from microcred.urls import site_urls

from .loghelpers import award_path, make_registry, sign

ORIGIN = "registry.example.org/log"
IDS = ["award-a", "award-b", "award-c", "award-d"]


class Repo:
    """A registry with four awards, a log key and helpers to act on them."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = make_registry(tmp_path / "registry", IDS)
        self.key_file = tmp_path / "secrets" / "log.skey"
        keygen(self.root, self.key_file, ORIGIN)
        self.skey = self.key_file.read_text(encoding="utf-8")
        self.urls = site_urls(self.root)

    def sign(self, award_id: str, signed_at: str, note: str = "") -> None:
        sign(self.root, award_id, signed_at, note, status_index=IDS.index(award_id))

    def append(self) -> int:
        return append(load_registry(self.root), self.root)

    def checkpoint(self) -> str:
        return sign_checkpoint(self.root, self.skey, self.urls)

    def check(self) -> list[str]:
        return [str(p) for p in check(load_registry(self.root), self.root)]

    @property
    def entries_text(self) -> str:
        return (self.root / ENTRIES).read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path)
    r.sign("award-b", "2026-03-11T10:00:00Z")
    r.sign("award-a", "2026-03-11T10:00:00Z")
    r.sign("award-c", "2026-03-10T09:00:00Z")
    return r


def test_pending_entries_are_sorted_by_signed_at_then_id(repo: Repo) -> None:
    pending = pending_entries(load_registry(repo.root), repo.root / "log")
    assert [e.award for e in pending] == ["award-c", "award-a", "award-b"]
    assert pending[0].credential == "test-institute/test-questioning" and pending[0].version == 1


def test_entry_is_jcs_with_the_sha256_of_the_stored_bytes(repo: Repo) -> None:
    award = load_registry(repo.root).awards["award-a"].record
    entry = LogEntry.for_award(award)
    assert entry.sha256 == hashlib.sha256(award.signed.credential.encode()).hexdigest()  # type: ignore[union-attr]
    assert entry.to_bytes() == (
        b'{"award":"award-a","credential":"test-institute/test-questioning","issuer":"test-institute",'
        b'"sha256":"' + entry.sha256.encode() + b'","signed_at":"2026-03-11T10:00:00Z","version":1}'
    )
    assert LogEntry.parse(entry.to_bytes()) == entry


def test_append_is_idempotent_and_only_appends(repo: Repo) -> None:
    assert repo.append() == 3
    first = repo.entries_text
    assert repo.append() == 0
    assert repo.entries_text == first
    repo.sign("award-d", "2026-03-12T08:00:00Z")
    assert repo.append() == 1
    assert repo.entries_text.startswith(first)
    assert [e.award for e in read_entries(repo.root / "log")] == ["award-c", "award-a", "award-b", "award-d"]


def test_clean_log_checks_clean_and_checkpoint_is_idempotent(repo: Repo) -> None:
    repo.append()
    text = repo.checkpoint()
    assert text.startswith(f"{ORIGIN}\n3\n")
    assert repo.checkpoint() == text  # Ed25519 is deterministic: re-running changes nothing
    assert repo.check() == []


def test_no_log_and_no_signed_awards_is_fine(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r", IDS)
    assert check(load_registry(root), root) == []
    assert not has_log(root)


def _mutate_deleted(r: Repo) -> None:
    award_path(r.root, "award-a").unlink()


def _mutate_altered(r: Repo) -> None:
    r.sign("award-a", "2026-03-11T10:00:00Z", note="edited after signing")


def _mutate_unsigned(r: Repo) -> None:
    path = award_path(r.root, "award-a")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("signed:\n")], encoding="utf-8")


def _mutate_redated(r: Repo) -> None:
    r.sign("award-a", "2026-03-01T10:00:00Z")


def _mutate_unlogged(r: Repo) -> None:
    r.sign("award-d", "2026-03-12T10:00:00Z")


def _mutate_not_jcs(r: Repo) -> None:
    path = r.root / ENTRIES
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace('","', '", "', 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _mutate_duplicate(r: Repo) -> None:
    path = r.root / ENTRIES
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.split("\n")[0] + "\n", encoding="utf-8")


def _mutate_backdated_tail(r: Repo) -> None:
    r.sign("award-d", "2026-02-01T00:00:00Z")  # signed "earlier" than everything already logged
    r.append()
    r.checkpoint()


def _mutate_truncated(r: Repo) -> None:
    path = r.root / ENTRIES
    path.write_bytes(path.read_bytes()[:-1])


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        pytest.param(_mutate_deleted, f"{ENTRIES}:2:1", "record is gone: a signed award was deleted", id="deleted-award"),
        pytest.param(_mutate_altered, "award-a.yaml:", "changed after it was logged", id="altered-credential"),
        pytest.param(_mutate_unsigned, "award-a.yaml:", "signed block is gone", id="signature-removed"),
        pytest.param(_mutate_redated, "award-a.yaml:", "signed_at", id="signed-at-changed"),
        pytest.param(_mutate_unlogged, "award-d.yaml:", "not in the transparency log", id="signed-but-unlogged"),
        pytest.param(_mutate_not_jcs, f"{ENTRIES}:2:1", "canonical JCS", id="entry-not-jcs"),
        pytest.param(_mutate_duplicate, f"{ENTRIES}:4:1", "logged twice", id="duplicate-entry"),
        pytest.param(_mutate_backdated_tail, f"{ENTRIES}:4:1", "back-dated or inserted out of order",
                     id="back-dated-append"),
        pytest.param(_mutate_truncated, f"{ENTRIES}:1:1", "does not end with a newline", id="truncated-file"),
    ],
)
def test_check_detects(repo: Repo, mutate, where: str, message: str) -> None:  # type: ignore[no-untyped-def]
    repo.append()
    repo.checkpoint()
    mutate(repo)
    problems = repo.check()
    assert any(where in p and message in p for p in problems), problems


def test_backdating_tolerance_allows_small_clock_skew(repo: Repo) -> None:
    repo.append()
    repo.sign("award-d", "2026-03-11T09:30:00Z")  # 30 minutes before the last entry
    repo.append()
    repo.checkpoint()
    assert repo.check() == []
    problems = check(load_registry(repo.root), repo.root, tolerance=timedelta(minutes=10))
    assert any("back-dated" in str(p) for p in problems)


def test_back_dated_entry_inserted_in_the_middle(repo: Repo) -> None:
    repo.append()
    repo.checkpoint()
    old = repo.entries_text
    repo.sign("award-d", "2026-03-10T12:00:00Z")  # pretends to predate award-a and award-b
    forged_line = LogEntry.for_award(load_registry(repo.root).awards["award-d"].record).to_bytes().decode() + "\n"
    lines = old.splitlines(keepends=True)
    new = lines[0] + forged_line + "".join(lines[1:])
    (repo.root / ENTRIES).write_text(new, encoding="utf-8")
    problems = check_append_only(old, new)
    assert len(problems) == 1 and f"{ENTRIES}:2:" in problems[0] and "inserted before" in problems[0]
    assert "'award-d'" in problems[0]
    # The committed checkpoint no longer matches, and the log refuses to sign the fork.
    assert any("log was rewritten" in p for p in repo.check())
    with pytest.raises(LogError, match="refusing to sign a fork"):
        repo.checkpoint()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param("", "", None, id="both-empty"),
        pytest.param("a\n", "a\nb\n", None, id="appended"),
        pytest.param("a\nb\n", "a\nb\n", None, id="unchanged"),
        pytest.param("a\nb\n", "a\nc\n", ":2: the entry for award (not an entry) was removed or changed", id="changed"),
        pytest.param("a\nb\nc\n", "a\nc\n", ":2: the entry", id="removed-middle"),
        pytest.param("a\nb\n", "a\n", ":2: the entry", id="removed-last"),
        pytest.param("a\nb\n", "a\nx\nb\n", ":2: an entry for award (not an entry) was inserted", id="inserted"),
        pytest.param("a\nb", "a\nbc\n", "append-only", id="old-without-newline"),
    ],
)
def test_check_append_only(old: str, new: str, message: str | None) -> None:
    problems = check_append_only(old, new)
    if message is None:
        assert problems == []
    else:
        assert len(problems) == 1 and message in problems[0], problems


def _forge(repo: Repo, *, key: Signer | None = None, size: int | None = None, root: bytes | None = None,
           tamper: bool = False) -> None:
    signer = key or Signer.from_skey(repo.skey.strip())
    good = open_checkpoint((repo.root / CHECKPOINT).read_bytes(), Signer.from_skey(repo.skey.strip()).verifier)
    cp = Checkpoint(good.origin, good.size if size is None else size, good.root if root is None else root)
    text = sign_checkpoint_note(cp, signer)
    if tamper:
        text = text.replace(f"\n{good.size}\n", f"\n{good.size + 1}\n", 1)
    (repo.root / CHECKPOINT).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("forge", "where", "message"),
    [
        pytest.param({"key": Signer.generate(ORIGIN)}, f"{CHECKPOINT}:1:1", "no signature by a known key",
                     id="wrong-key"),
        pytest.param({"root": b"\x07" * 32}, f"{CHECKPOINT}:3:1", "root hash does not match", id="wrong-root"),
        pytest.param({"size": 2}, f"{CHECKPOINT}:3:1", "root hash does not match", id="wrong-size-smaller"),
        pytest.param({"size": 9}, f"{CHECKPOINT}:2:1", "entries were removed", id="wrong-size-larger"),
        pytest.param({"tamper": True}, f"{CHECKPOINT}:1:1", "invalid signature", id="edited-after-signing"),
    ],
)
def test_forged_checkpoints_are_rejected(repo: Repo, forge: dict, where: str, message: str) -> None:  # type: ignore[type-arg]
    repo.append()
    repo.checkpoint()
    _forge(repo, **forge)
    problems = repo.check()
    assert any(p.startswith(where) and message in p for p in problems), problems
    with pytest.raises(LogError):
        list(iter_published(repo.root, repo.urls))


def test_checkpoint_behind_the_entries_is_reported(repo: Repo) -> None:
    repo.append()
    repo.checkpoint()
    repo.sign("award-d", "2026-03-12T10:00:00Z")
    repo.append()
    assert any("sign a new one" in p for p in repo.check())


def test_sign_checkpoint_refuses_another_key(repo: Repo) -> None:
    repo.append()
    with pytest.raises(LogError, match="does not match"):
        sign_checkpoint(repo.root, Signer.generate(ORIGIN).skey, repo.urls)
    with pytest.raises(LogError, match="does not match"):
        sign_checkpoint(repo.root, Signer.generate("elsewhere.example/log").skey, repo.urls)


def test_moving_the_site_keeps_the_log_identity(repo: Repo) -> None:
    """The origin is the key's name, chosen at keygen: a new site_url neither breaks nor forks the log."""
    repo.append()
    repo.checkpoint()
    mkdocs = repo.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("registry.example.org", "new-home.example.net"))
    assert repo.checkpoint().startswith(f"{ORIGIN}\n3\n")
    assert repo.check() == []
    assert next(p for p, _ in iter_published(repo.root, site_urls(repo.root))) == "log/checkpoint"


def test_keygen_refuses_a_path_inside_the_repository(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r", IDS)
    with pytest.raises(UsageError, match="inside the registry"):
        keygen(root, root / "log.skey", ORIGIN)
    (tmp_path / ".git").mkdir()  # the registry inside a larger Git work tree
    with pytest.raises(UsageError, match="inside the Git work tree"):
        keygen(root, tmp_path / "log.skey", ORIGIN)
    (tmp_path / ".git").rmdir()
    keygen(root, tmp_path / "k" / "log.skey", ORIGIN)
    assert (tmp_path / "k" / "log.skey").stat().st_mode & 0o077 == 0
    with pytest.raises(UsageError, match="already exists"):
        keygen(root, tmp_path / "k2" / "log.skey", ORIGIN)


def test_published_log_verifies_from_the_site_alone(repo: Repo, tmp_path: Path) -> None:
    repo.append()
    repo.checkpoint()
    site = tmp_path / "site"
    assert write_published(repo.root, repo.urls, site) == 4
    assert write_published(repo.root, repo.urls, site) == 0  # a second run changes nothing
    paths = sorted(p for p, _ in iter_published(repo.root, repo.urls))
    assert paths == ["log/checkpoint", "log/log.vkey", "log/tile/0/000.p/3", "log/tile/entries/000.p/3"]
    verifier = Signer.from_skey(repo.skey.strip()).verifier
    cp = open_checkpoint((site / "log/checkpoint").read_bytes(), verifier, ORIGIN)
    reader = TileHashReader(cp.size, cp.root, site_fetcher(str(site)))
    entries = reader.entries(0, cp.size)
    assert [LogEntry.parse(e).award for e in entries] == ["award-c", "award-a", "award-b"]
    verify_inclusion(leaf_hash(entries[1]), 1, 3, inclusion_proof(reader, 1, 3), cp.root)


def test_previous_sizes_keep_old_partial_tiles(repo: Repo) -> None:
    repo.append()
    repo.sign("award-d", "2026-03-12T10:00:00Z")
    repo.append()
    repo.checkpoint()
    paths = {p for p, _ in iter_published(repo.root, repo.urls, previous_sizes=[3])}
    assert {"log/tile/0/000.p/3", "log/tile/0/000.p/4", "log/tile/entries/000.p/3"} <= paths


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    st.integers(min_value=1, max_value=1_000_000),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
)
def test_fast_serialisation_is_exactly_jcs(award: str, slug: str, version: int, moment: datetime) -> None:
    entry = LogEntry(award, "org-1", f"org-1/{slug}", version, hashlib.sha256(award.encode()).hexdigest(),
                     moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert entry.to_bytes() == rfc8785.dumps(dataclasses.asdict(entry))
    assert LogEntry.parse(entry.to_bytes()) == entry


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(b"not json", "not JSON", id="not-json"),
        pytest.param(b"[1]", "not a JSON object", id="array"),
        pytest.param(b'{"award":"a"}', "wrong fields", id="missing-fields"),
        pytest.param(b'{"award":"a","credential":"o/c","issuer":"o","sha256":"' + b"0" * 64
                     + b'","signed_at":"2026-01-01T00:00:00Z","version":true}', "positive integer", id="bool-version"),
        pytest.param(b'{"award":"a","credential":"x/c","issuer":"o","sha256":"' + b"0" * 64
                     + b'","signed_at":"2026-01-01T00:00:00Z","version":1}', "<issuer>/<slug>", id="foreign-credential"),
        pytest.param(b'{"award":"a","credential":"o/c","issuer":"o","sha256":"' + b"0" * 63
                     + b'","signed_at":"2026-01-01T00:00:00Z","version":1}', "64 lower-case hex", id="short-sha"),
        pytest.param(b'{"award":"a","credential":"o/c","issuer":"o","sha256":"' + b"0" * 64
                     + b'","signed_at":"2026-13-01T00:00:00Z","version":1}', "not a real time", id="month-13"),
        pytest.param(b'{"version":1,"award":"a","credential":"o/c","issuer":"o","sha256":"' + b"0" * 64
                     + b'","signed_at":"2026-01-01T00:00:00Z"}', "canonical JCS", id="unsorted-keys"),
    ],
)
def test_malformed_entries_are_refused(line: bytes, reason: str) -> None:
    with pytest.raises(LogError, match=reason):
        LogEntry.parse(line)
