"""The log over awards signed by the real signer (`microcred keygen` + `microcred sign`), end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import ISSUER, RegistryFactory, award_data
from microcred.cli import main
from microcred.registry import load_registry
from microcred.tlog.registrylog import ENTRIES, LogEntry, credential_sha256, read_entries

from .loghelpers import award_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_log_of_really_signed_awards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = RegistryFactory(tmp_path / "registry", awards=[award_data("award-a"), award_data("award-b")]).write()
    issuer_key, log_key = tmp_path / "secrets" / "issuer.key", tmp_path / "secrets" / "log.skey"
    code, out = run(capsys, "keygen", "--issuer", ISSUER, "--root", str(root), "--out", str(issuer_key),
                    "--not-before", "2026-01-01T00:00:00Z")
    assert code == 0, out
    code, out = run(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(issuer_key))
    assert code == 0, out
    for verb in (["keygen", "--out", str(log_key)], ["append"], ["checkpoint", "--key-file", str(log_key)], ["check"]):
        code, out = run(capsys, "log", verb[0], "--root", str(root), *verb[1:])
        assert code == 0, out
    registry = load_registry(root)
    logged = read_entries(root / "log")
    assert {e.award for e in logged} == {"award-a", "award-b"}
    for entry in logged:
        award = registry.awards[entry.award].record
        assert entry == LogEntry.for_award(award) and entry.sha256 == credential_sha256(award)
    # Editing one character of the signed credential is caught, pointing into the award file.
    path = award_path(root, "award-a")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Erin Earner"', '"Erin Earnest"', 1), encoding="utf-8")
    code, out = run(capsys, "log", "check", "--root", str(root))
    assert code == 1 and "award-a.yaml:" in out and "changed after it was logged" in out
    assert (root / ENTRIES).read_text().count("\n") == 2
