"""Paths and helpers shared by the proof tests (imported by name; fixtures live in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The read-only standards copy sits beside the repository (see DESIGN.md / shared/standards).
STANDARDS = REPO_ROOT / ".." / "shared" / "standards"
VECTORS = STANDARDS / "test-vectors"
DATA = Path(__file__).resolve().parent / "data"

# A fixed test seed: Ed25519 signatures are deterministic, so signed samples are reproducible.
TEST_SEED = bytes(range(32))
TEST_CREATED = "2024-05-01T12:00:00Z"


def require_standards() -> Path:
    """Return the standards folder, failing (not skipping) if it is missing: vectors must run."""
    if not (STANDARDS / "README.md").is_file():
        pytest.fail(f"standards data not found at {STANDARDS.resolve()} (expected ../shared/standards)")
    return STANDARDS


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
