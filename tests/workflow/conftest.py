"""Fixtures of the workflow tests (helpers live in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import GitRegistry, make_git_registry


@pytest.fixture
def git_registry(tmp_path: Path) -> GitRegistry:
    """A fresh factory registry in a Git repository, on main."""
    return make_git_registry(tmp_path / "registry")
