"""microcred keygen: private key files, the textual profile edit, rotation."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
import yaml

from factories import ISSUER
from microcred.keys import parse_private_key
from microcred.proof import multikey_from_public_key, public_key_from_seed
from microcred.registry import load_registry

from .helpers import make_registry, run_cli

PROFILE_WITH_COMMENTS = """\
# Organisation profile. Schema: schemas/organisation.schema.json
id: test-institute
name: Test Institute   # shown on every page
kind: [issuer]
url: https://test-institute.example.org/
email: contact@test-institute.example.org
description: |
  A test issuer.

  With two paragraphs.
admins:
  - id: ada-admin
    name: Ada Admin
assessors:
  - id: sam-assessor
    name: Sam Assessor
    github: sam-assessor
{keys}
# Policy below: keep it.
assessment:
  assessors_required: 1
"""


def _profile(root: Path) -> Path:
    return root / "issuers" / f"{ISSUER}.yaml"


def _keygen(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "keygen", "--issuer", ISSUER, "--root", str(root), *args)


def test_private_key_file_is_private_and_matches_the_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    out = tmp_path / "secrets" / "k.key"
    code, stdout, err = _keygen(capsys, root, "--out", str(out), "--key-id", "main-2026", "--not-before", "2026-01-01")
    assert code == 0, err
    assert stdout == ""  # nothing secret on stdout when a file is written
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="ascii")
    assert text.startswith("z3u2") and text.endswith("\n")  # private Multikey (ed25519-priv + seed)
    seed = parse_private_key(text, "test")
    org = load_registry(root).organisation(ISSUER)
    assert org is not None and org.key("main-2026") is not None
    assert org.key("main-2026").public_key_multibase == multikey_from_public_key(public_key_from_seed(seed))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "where",
    ["registry-root", "registry-subfolder", "issuers-folder"],
)
def test_refuses_a_key_file_inside_the_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    root = make_registry(tmp_path / "registry")
    before = _profile(root).read_bytes()
    target = {
        "registry-root": root / "signing.key",
        "registry-subfolder": root / "secrets" / "signing.key",
        "issuers-folder": root / "issuers" / "signing.key",
    }[where]
    code, _, err = _keygen(capsys, root, "--out", str(target))
    assert code == 2 and "inside the registry" in err
    assert not target.exists()
    assert _profile(root).read_bytes() == before


def test_refuses_to_overwrite_a_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    out = tmp_path / "k.key"
    out.write_text("precious\n", encoding="ascii")
    code, _, err = _keygen(capsys, root, "--out", str(out))
    assert code == 2 and "refusing to overwrite" in err
    assert out.read_text(encoding="ascii") == "precious\n"


def test_no_out_prints_the_key_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    code, stdout, err = _keygen(capsys, root)
    assert code == 0
    assert len(stdout.split()) == 1 and stdout.startswith("z3u2")
    assert "MICROCRED_SIGNING_KEY_TEST_INSTITUTE" in err


@pytest.mark.parametrize(
    "keys_block",
    [
        "keys: []",
        "keys: []  # none yet",
        "",
        ("keys:\n  - id: old-key\n    public_key_multibase: {mk}\n"
         "    not_before: \"2025-01-01T00:00:00Z\"  # the first one"),
    ],
    ids=["flow-empty", "flow-empty-with-comment", "no-keys-field", "block-list-rotation"],
)
def test_profile_edit_keeps_comments_and_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys_block: str
) -> None:
    root = make_registry(tmp_path / "registry")
    old_mk = multikey_from_public_key(public_key_from_seed(b"\x01" * 32))
    original = PROFILE_WITH_COMMENTS.format(keys=keys_block.format(mk=old_mk))
    _profile(root).write_text(original, encoding="utf-8")
    code, _, err = _keygen(capsys, root, "--out", str(tmp_path / "k.key"), "--not-before", "2036-02-01T00:00:00Z")
    assert code == 0, err
    new = _profile(root).read_text(encoding="utf-8")
    # Every original line survives (the emptied `keys: []` becomes `keys:`), in order.
    kept = [re.sub(r" \[\]\s*", " ", line).rstrip() for line in original.splitlines()]
    lines = iter(new.splitlines())
    assert all(any(line == other for other in lines) for line in kept), new
    data = yaml.safe_load(new)
    assert data["keys"][-1]["id"] == "key-20360201"
    assert data["keys"][-1]["not_before"] == "2036-02-01T00:00:00Z"
    if keys_block.startswith("keys:\n"):
        assert data["keys"][0]["not_after"] == "2036-02-01T00:00:00Z"  # rotation retired the old key
        assert "# the first one" in new
    assert load_registry(root).problems == []


def test_rotation_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    for n, start in enumerate(["2026-01-01", "2036-06-01", "2036-09-01"]):
        code, _, err = _keygen(capsys, root, "--out", str(tmp_path / f"k{n}.key"), "--not-before", start)
        assert code == 0, err
    org = load_registry(root).organisation(ISSUER)
    assert org is not None
    windows = [(k.not_before.date().isoformat(), k.not_after.date().isoformat() if k.not_after else None) for k in org.keys]
    assert windows == [("2026-01-01", "2036-06-01"), ("2036-06-01", "2036-09-01"), ("2036-09-01", None)]


def test_refuses_to_back_date_a_rotation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The current key may have signed until now; retiring it in the past would break those awards.
    root = make_registry(tmp_path / "registry")
    assert _keygen(capsys, root, "--out", str(tmp_path / "a.key"), "--not-before", "2026-01-01")[0] == 0
    code, _, err = _keygen(capsys, root, "--out", str(tmp_path / "b.key"), "--not-before", "2026-02-01")
    assert code == 2 and "may have signed" in err


def test_refuses_a_start_before_the_current_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    assert _keygen(capsys, root, "--out", str(tmp_path / "a.key"), "--not-before", "2026-06-01")[0] == 0
    before = _profile(root).read_bytes()
    code, _, err = _keygen(capsys, root, "--out", str(tmp_path / "b.key"), "--not-before", "2026-01-01")
    assert code == 2 and "must start later" in err
    assert _profile(root).read_bytes() == before
    assert not (tmp_path / "b.key").exists()  # no orphan private key left behind


def test_refuses_a_reused_key_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    assert _keygen(capsys, root, "--out", str(tmp_path / "a.key"), "--key-id", "k1", "--not-before", "2026-01-01")[0] == 0
    code, _, err = _keygen(capsys, root, "--out", str(tmp_path / "b.key"), "--key-id", "k1")
    assert code == 2 and "never reused" in err


def test_refuses_a_one_line_key_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    mk = multikey_from_public_key(public_key_from_seed(b"\x01" * 32))
    flow = f'keys: [{{id: k0, public_key_multibase: {mk}, not_before: "2025-01-01T00:00:00Z"}}]'
    _profile(root).write_text(PROFILE_WITH_COMMENTS.format(keys=flow), encoding="utf-8")
    code, out, _ = _keygen(capsys, root, "--out", str(tmp_path / "k.key"))
    assert code == 1 and "block list" in out


def test_refuses_an_organisation_that_does_not_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    code, _, err = run_cli(capsys, "keygen", "--issuer", "test-district", "--root", str(root), "--out", str(tmp_path / "k"))
    assert code == 2 and "not an issuer" in err
    assert not (tmp_path / "k").exists()


def test_refuses_a_key_file_in_the_git_work_tree_around_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "monorepo"
    (repo / ".git").mkdir(parents=True)  # enough for the check: a work tree's marker
    root = make_registry(repo / "registry")
    target = repo / "secrets" / "signing.key"
    code, _, err = _keygen(capsys, root, "--out", str(target))
    assert code == 2 and "inside the Git work tree" in err
    assert not target.exists()
