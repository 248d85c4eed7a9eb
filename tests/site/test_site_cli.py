"""`microcred build`: validates first (every problem, exit 1), then builds with mkdocs (exit 0)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitefactory import PUBLIC, write_site_registry

from microcred.cli import main


def test_build_validates_then_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_site_registry(tmp_path / "registry", sign=False)
    site = tmp_path / "out"
    assert main(["build", "--root", str(root), "--site-dir", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: site built in")
    assert (site / "catalog" / "index.html").is_file()
    assert (site / "awards" / PUBLIC / "index.html").is_file()


def test_build_refuses_a_broken_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_site_registry(tmp_path / "registry", sign=False)
    for path in list((root / "credentials").rglob("*.yaml"))[:2]:
        path.write_text(path.read_text(encoding="utf-8").replace("version: 1", "version: one"), encoding="utf-8")
    site = tmp_path / "out"
    assert main(["build", "--root", str(root), "--site-dir", str(site)]) == 1
    out = capsys.readouterr().out
    assert out.count("version") >= 2 and "FAIL:" in out
    assert not site.exists()


def test_build_needs_mkdocs_yml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--root", str(tmp_path)]) == 2
    assert "mkdocs.yml" in capsys.readouterr().err
