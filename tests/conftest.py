"""Shared fixtures. Fixtures are factories: see tests/factories.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so tests can `import factories`

from factories import RegistryFactory

REPO_ROOT = Path(__file__).resolve().parents[1]
STANDARDS = REPO_ROOT.parent / "shared" / "standards"


@pytest.fixture
def registry_factory(tmp_path: Path) -> RegistryFactory:
    """A factory for a small valid registry in a temporary folder; call .write() to lay it down."""
    return RegistryFactory(tmp_path / "registry")


@pytest.fixture
def repo_root() -> Path:
    """The repository root (holds the sample registry)."""
    return REPO_ROOT
