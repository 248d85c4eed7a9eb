"""Regenerate the golden files of the core tests: tests/data/bad/*/expected.txt.

Run after changing a message on purpose, then read the diff (`git diff tests/data/bad`) line by
line before committing: every expected line is what a teacher will see.

    python tests/regen_golden.py            # rewrite every case
    python tests/regen_golden.py CASE ...   # only these cases
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core.helpers import bad_cases
from microcred.cli import main


def regenerate(names: list[str]) -> int:
    """Rewrite expected.txt of the named cases (all when none); the number of files changed."""
    changed = 0
    for case in bad_cases():
        if names and case.name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            root = case.lay(Path(tmp) / "registry")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(["validate", "--root", str(root)])
        lines = out.getvalue().splitlines()
        if code != 1 or not lines[-1].startswith("FAIL"):
            print(f"{case.name}: validate did not fail; the case no longer shows its defect", file=sys.stderr)
            continue
        text = "".join(line + "\n" for line in lines[:-1])
        expected = case.folder / "expected.txt"
        if not expected.is_file() or expected.read_text(encoding="utf-8") != text:
            expected.write_text(text, encoding="utf-8")
            changed += 1
            print(f"wrote {expected.relative_to(Path.cwd()) if expected.is_relative_to(Path.cwd()) else expected}")
    return changed


if __name__ == "__main__":
    regenerate(sys.argv[1:])
