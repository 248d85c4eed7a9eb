"""Fixtures for signed awards (helpers live in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import ISSUER, KEY_START, Signed, keygen, make_registry, run_cli


@pytest.fixture
def signed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Signed:
    """A factory registry signed with a key made in the test."""
    root = make_registry(tmp_path / "registry")
    key_file = tmp_path / "secrets" / "issuer.key"
    keygen(capsys, root, key_file, "--not-before", KEY_START)
    code, out, err = run_cli(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key_file))
    assert code == 0, out + err
    return Signed(root, key_file, capsys)
