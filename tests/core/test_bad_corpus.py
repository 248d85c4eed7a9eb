"""The bad-input corpus: every broken record is reported exactly, as `path:line:column: message`.

Each folder of tests/data/bad/ holds one defect: one or a few files laid over the valid factory
registry (case.json says where), and expected.txt, the exact problem lines `microcred validate`
prints. To add a case, copy a folder, break one thing, and write the lines a teacher should see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from microcred.errors import Problem

from .helpers import BAD, BadCase, bad_cases, validate

CASES = bad_cases()


def test_corpus_is_large_enough_and_well_formed() -> None:
    assert len(CASES) >= 35
    for case in CASES:
        assert case.defect and case.expected, case.name
        used = set(case.files.values()) | {"case.json", "expected.txt"}
        assert {p.name for p in case.folder.iterdir()} == used, f"{case.name}: stray or missing files"
        for line in case.expected:
            _path, line_no, column, message = line.split(":", 3)
            assert int(line_no) >= 1 and int(column) >= 1 and message.startswith(" "), line


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_reports_exactly(case: BadCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = case.lay(tmp_path / "registry")
    code, out, err = validate(root, capsys)
    assert code == 1
    assert out[:-1] == case.expected, case.defect
    assert out[-1].startswith(f"FAIL: {len(case.expected)} problem")
    assert "Traceback" not in err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_in_json(case: BadCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    root = case.lay(tmp_path / "registry")
    code, out, _ = validate(root, capsys, "--format", "json")
    report = json.loads("\n".join(out))
    assert code == 1 and report["ok"] is False
    assert [str(Problem(**p)) for p in report["problems"]] == case.expected


def test_file_over_one_mib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from factories import RegistryFactory

    root = RegistryFactory(tmp_path / "registry").write()
    big = root / "awards/test-institute/test-questioning/test-award-1.yaml"
    text = big.read_text(encoding="utf-8")
    big.write_text(text + "# padding\n" * (1024 * 1024 // 10), encoding="utf-8")
    size = big.stat().st_size
    assert size > 1024 * 1024
    code, out, _ = validate(root, capsys)
    assert code == 1
    assert out[:-1] == [
        (f"awards/test-institute/test-questioning/test-award-1.yaml:1:1: file is {size:,} bytes; "
         "records may be at most 1 MiB")
    ]


def test_file_of_exactly_one_mib_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from factories import RegistryFactory

    root = RegistryFactory(tmp_path / "registry").write()
    award = root / "awards/test-institute/test-questioning/test-award-1.yaml"
    text = award.read_text(encoding="utf-8")
    pad = 1024 * 1024 - len(text.encode()) - 1
    award.write_text(text + "#" + "x" * (pad - 1) + "\n", encoding="utf-8")
    assert award.stat().st_size == 1024 * 1024
    code, out, _ = validate(root, capsys)
    assert code == 0, out


SUBPROCESS_CASES = ["yaml-duplicate-key", "unknown-field-typo", "assessor-is-recipient", "stack-cycle"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_case_through_the_installed_command(name: str, tmp_path: Path) -> None:
    """The real `microcred` command: same lines, exit code 1, the FAIL summary line last."""
    case = next(c for c in CASES if c.name == name)
    root = case.lay(tmp_path / "registry")
    command = shutil.which("microcred")
    result = subprocess.run(
        [*([command] if command else [sys.executable, "-m", "microcred"]), "validate", "--root", str(root)],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    assert lines[:-1] == case.expected
    assert lines[-1].startswith("FAIL: 1 problem in ")
    assert lines[-1].endswith("s") and "organisations" in lines[-1]
    assert "Traceback" not in result.stderr


def test_corpus_lives_where_the_tests_look() -> None:
    assert BAD.is_dir() and (BAD / "yaml-tab-indentation" / "case.json").is_file()
