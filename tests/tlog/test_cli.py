"""`microcred log ...` end to end: keygen, append, checkpoint, check, prove, monitor (extension, fork, rollback)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from microcred.cli import main
from microcred.tlog.registrylog import CHECKPOINT, ENTRIES, VKEY, write_published
from microcred.urls import site_urls

from .loghelpers import award_path, make_registry, sign

IDS = ["award-a", "award-b", "award-c", "award-d", "award-e"]


class Cli:
    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp = tmp_path
        self.capsys = capsys
        self.root = make_registry(tmp_path / "registry", IDS)
        self.key = tmp_path / "secret" / "log.skey"

    def run(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    def log(self, verb: str, *argv: str) -> tuple[int, str, str]:
        return self.run("log", verb, "--root", str(self.root), *argv)

    def sign(self, award_id: str, signed_at: str) -> None:
        sign(self.root, award_id, signed_at, status_index=IDS.index(award_id))

    def publish(self, site: Path) -> Path:
        write_published(self.root, site_urls(self.root), site)
        return site


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    c = Cli(tmp_path, capsys)
    code, out, err = c.log("keygen", "--out", str(c.key))
    assert code == 0, out + err
    c.sign("award-a", "2026-03-10T10:00:00Z")
    c.sign("award-b", "2026-03-11T10:00:00Z")
    c.sign("award-c", "2026-03-12T10:00:00Z")
    return c


def _ready(cli: Cli) -> None:
    assert cli.log("append")[0] == 0
    assert cli.log("checkpoint", "--key-file", str(cli.key))[0] == 0


def test_keygen_refuses_inside_the_repository_and_a_wrong_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Cli(tmp_path, capsys)
    code, _, err = c.log("keygen", "--out", str(c.root / "log.skey"))
    assert code == 2 and "inside the registry" in err
    code, _, err = c.log("keygen", "--out", str(c.key), "--name", "other.example/log")
    assert code == 2 and "registry.example.org/log" in err
    code, _, _ = c.log("keygen", "--out", str(c.key), "--name", "registry.example.org/log")
    assert code == 0 and (c.root / VKEY).read_text().startswith("registry.example.org/log+")


def test_append_twice_then_checkpoint_with_key_file_or_environment(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = cli.log("append")
    assert (code, out.strip()) == (0, f"OK: appended 3 entries to {ENTRIES} (3 in the log)")
    code, out, _ = cli.log("append")
    assert (code, out.strip()) == (0, "OK: nothing to append (3 entries in the log)")
    code, _, err = cli.log("checkpoint")
    assert code == 2 and "MICROCRED_LOG_KEY" in err
    monkeypatch.setenv("MICROCRED_LOG_KEY", cli.key.read_text())
    code, out, _ = cli.log("checkpoint")
    assert code == 0 and out.startswith("OK: signed checkpoint of registry.example.org/log: 3 entries")
    first = (cli.root / CHECKPOINT).read_bytes()
    assert cli.log("checkpoint", "--key-file", str(cli.key))[0] == 0
    assert (cli.root / CHECKPOINT).read_bytes() == first


def test_check_ok_then_deleted_award_fails_with_locations(cli: Cli) -> None:
    _ready(cli)
    code, out, _ = cli.log("check")
    assert code == 0 and out.startswith("OK: 3 log entries match the registry")
    award_path(cli.root, "award-b").unlink()
    code, out, _ = cli.log("check")
    assert code == 1
    assert f"{ENTRIES}:2:1: award award-b is in the log but its record is gone" in out
    assert out.strip().endswith("FAIL: 1 problem(s) in the transparency log")
    code, out, _ = cli.log("check", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["problems"][0]["line"] == 2


def test_check_with_previous_entries_catches_an_insertion(cli: Cli, tmp_path: Path) -> None:
    _ready(cli)
    old = tmp_path / "base-entries.jsonl"
    shutil.copy(cli.root / ENTRIES, old)
    lines = (cli.root / ENTRIES).read_text().splitlines(keepends=True)
    (cli.root / ENTRIES).write_text(lines[1] + lines[0] + lines[2])
    code, out, _ = cli.log("check", "--previous-entries", str(old))
    assert code == 1 and f"{ENTRIES}:1: " in out and "append-only" in out


def test_prove_from_repository_and_from_site(cli: Cli, tmp_path: Path) -> None:
    _ready(cli)
    code, out, _ = cli.log("prove", "award-b")
    assert code == 0 and "OK: award award-b is entry 1 of 3 in registry.example.org/log" in out
    site = cli.publish(tmp_path / "site")
    code, out, _ = cli.log("prove", "award-c", "--site", str(site), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["index"] == 2 and data["verified"] and len(data["proof"]) == 1
    # A verifier without the repository: only the site and the public key.
    vkey = tmp_path / "log.vkey"
    shutil.copy(cli.root / VKEY, vkey)
    code, out, _ = cli.run("log", "prove", "award-a", "--site", str(site), "--vkey", str(vkey),
                           "--root", str(tmp_path / "nowhere"))
    assert code == 0 and "entry 0 of 3" in out
    code, out, _ = cli.log("prove", "award-e")
    assert code == 1 and "FAIL: award award-e is not among the 3 entries" in out


def test_monitor_accepts_an_extension(cli: Cli, tmp_path: Path) -> None:
    _ready(cli)
    site = cli.publish(tmp_path / "site")
    seen = tmp_path / "monitor" / "checkpoint"
    code, out, _ = cli.log("monitor", "--site", str(site), "--previous", str(seen), "--save", str(seen))
    assert code == 0, out
    assert out.startswith("OK: no previous checkpoint") and "FAIL" not in out and seen.exists()
    cli.sign("award-d", "2026-03-13T10:00:00Z")
    cli.sign("award-e", "2026-03-13T11:00:00Z")
    _ready(cli)
    cli.publish(site)
    code, out, _ = cli.log("monitor", "--site", str(site), "--previous", str(seen), "--save", str(seen))
    assert code == 0, out
    assert "OK: extends the previous checkpoint (size 3 -> 5, 2 new entries)" in out
    assert "OK: 2 new entries are well-formed" in out
    assert b"\n5\n" in seen.read_bytes()


def _fork(cli: Cli, site: Path) -> None:
    """Rewrite history with the log's own key: drop award-a's entry, re-sign from scratch, republish."""
    lines = (cli.root / ENTRIES).read_text().splitlines(keepends=True)
    (cli.root / ENTRIES).write_text("".join(lines[1:]))
    (cli.root / CHECKPOINT).unlink()
    award_path(cli.root, "award-a").unlink()
    cli.sign("award-d", "2026-03-13T10:00:00Z")
    cli.sign("award-e", "2026-03-13T11:00:00Z")
    _ready(cli)
    shutil.rmtree(site / "log")
    cli.publish(site)


def _rollback(cli: Cli, site: Path) -> None:
    lines = (cli.root / ENTRIES).read_text().splitlines(keepends=True)
    (cli.root / ENTRIES).write_text("".join(lines[:2]))
    (cli.root / CHECKPOINT).unlink()
    assert cli.log("checkpoint", "--key-file", str(cli.key))[0] == 0
    shutil.rmtree(site / "log")
    cli.publish(site)


def _tamper_tile(cli: Cli, site: Path) -> None:
    tile = site / "log" / "tile" / "0" / "000.p" / "3"
    data = bytearray(tile.read_bytes())
    data[0] ^= 0xFF
    tile.write_bytes(bytes(data))


def _other_key(cli: Cli, site: Path) -> None:
    (cli.root / VKEY).unlink()
    other = cli.tmp / "other.skey"
    assert cli.log("keygen", "--out", str(other))[0] == 0


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        pytest.param(_fork, "FAIL: not consistent with the previous checkpoint (size 3", id="rewritten-history"),
        pytest.param(_rollback, "FAIL: not consistent with the previous checkpoint (size 3", id="rollback"),
        pytest.param(_tamper_tile, "FAIL: tiles: the published partial tiles do not hash", id="tampered-tile"),
        pytest.param(_other_key, "FAIL: checkpoint: note has no signature by a known key", id="checked-with-another-key"),
    ],
)
def test_monitor_rejects(cli: Cli, tmp_path: Path, attack, reason: str) -> None:  # type: ignore[no-untyped-def]
    _ready(cli)
    site = cli.publish(tmp_path / "site")
    seen = tmp_path / "seen"
    assert cli.log("monitor", "--site", str(site), "--previous", str(seen), "--save", str(seen))[0] == 0
    before = seen.read_bytes()
    attack(cli, site)
    code, out, err = cli.log("monitor", "--site", str(site), "--previous", str(seen), "--save", str(seen))
    assert code == 1 and reason in out, out
    assert seen.read_bytes() == before  # a failed run never replaces what the monitor trusts
    assert "failed a check" in err


def test_monitor_json_and_bad_site(cli: Cli, tmp_path: Path) -> None:
    _ready(cli)
    site = cli.publish(tmp_path / "site")
    code, out, _ = cli.log("monitor", "--site", str(site), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["checkpoint"]["size"] == 3
    code, out, _ = cli.log("monitor", "--site", str(tmp_path / "missing"))
    assert code == 1 and "FAIL: checkpoint: cannot fetch the checkpoint" in out
    code, _, err = cli.log("monitor", "--site", "http://example.org/")
    assert code == 2 and "https" in err


def test_append_refuses_a_registry_with_problems(cli: Cli) -> None:
    path = award_path(cli.root, "award-d")
    path.write_text(path.read_text().replace("credential_version: 1", "credential_version: 0"))
    code, out, _ = cli.log("append")
    assert code == 1 and "award-d.yaml:" in out and "FAIL:" in out
    assert not (cli.root / ENTRIES).exists()


def test_monitor_and_prove_over_http_from_localhost(cli: Cli, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    _ready(cli)
    site = cli.publish(tmp_path / "site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a, **k: None  # type: ignore[attr-defined,method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        code, out, _ = cli.log("monitor", "--site", url)
        assert code == 0 and "OK: published tiles hash to the checkpoint root" in out, out
        code, out, _ = cli.log("prove", "award-b", "--site", url)
        assert code == 0 and "entry 1 of 3" in out
        code, out, _ = cli.log("monitor", "--site", url + "missing/")
        assert code == 1 and "HTTP 404" in out
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_an_empty_log_signs_publishes_and_monitors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Cli(tmp_path, capsys)
    assert c.log("keygen", "--out", str(c.key))[0] == 0
    code, out, _ = c.log("check")
    assert code == 0, out  # a new, empty log attests nothing yet: no checkpoint is missing
    assert c.log("append")[0] == 0
    code, out, _ = c.log("checkpoint", "--key-file", str(c.key))
    assert code == 0 and ": 0 entries, root 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" in out
    assert c.log("check")[0] == 0
    site = c.publish(tmp_path / "site")
    assert sorted(p.name for p in (site / "log").iterdir()) == ["checkpoint", "log.vkey"]
    seen = tmp_path / "seen"
    assert c.log("monitor", "--site", str(site), "--previous", str(seen), "--save", str(seen))[0] == 0
    c.sign("award-a", "2026-03-10T10:00:00Z")
    _ready(c)
    c.publish(site)
    code, out, _ = c.log("monitor", "--site", str(site), "--previous", str(seen))
    assert code == 0 and "size 0 -> 1, 1 new entries" in out


def test_entries_without_a_checkpoint_are_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = Cli(tmp_path, capsys)
    assert c.log("keygen", "--out", str(c.key))[0] == 0
    c.sign("award-a", "2026-03-10T10:00:00Z")
    assert c.log("append")[0] == 0
    code, out, _ = c.log("check")
    assert code == 1 and f"{CHECKPOINT}:1:1: missing" in out
