"""Shared helpers of the core tests: lay a corpus case into a factory registry, run the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from factories import RegistryFactory
from microcred.cli import main

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


@dataclass(frozen=True)
class BadCase:
    """One bad-input case: files laid over a valid factory registry, and the exact lines expected."""

    name: str
    folder: Path
    defect: str
    files: dict[str, str]  # registry path -> file name inside the case folder
    expected: list[str]

    def lay(self, root: Path) -> Path:
        """Write a valid factory registry at `root`, then the case's files over it."""
        RegistryFactory(root).write()
        for target, name in self.files.items():
            destination = root / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes((self.folder / name).read_bytes())
        return root


def bad_cases() -> list[BadCase]:
    """Every case under tests/data/bad/, by folder name."""
    cases = []
    for folder in sorted(p for p in BAD.iterdir() if p.is_dir()):
        manifest = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
        cases.append(BadCase(folder.name, folder, manifest["defect"], manifest["files"], expected))
    return cases


def validate(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str], str]:
    """Run `microcred validate --root root` in-process; exit code, stdout lines, stderr."""
    capsys.readouterr()
    code = main(["validate", "--root", str(root), *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err
