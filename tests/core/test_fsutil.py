"""fsutil: atomic writes that leave nothing behind and skip unchanged content."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from unittest import mock

import pytest

from microcred.fsutil import is_inside, write_atomic


def test_write_creates_parents_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.json"
    assert write_atomic(target, "héllo\n") is True
    assert target.read_bytes() == "héllo\n".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    write_atomic(target, b"same")
    before = os.stat(target)
    os.utime(target, ns=(before.st_atime_ns, 1_000_000_000))
    assert write_atomic(target, "same") is False
    after = os.stat(target)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, 1_000_000_000)
    assert write_atomic(target, "changed") is True
    assert target.read_text() == "changed"


def test_new_files_get_the_usual_mode_and_existing_modes_are_kept(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "page.html"
    write_atomic(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    target.chmod(0o640)
    write_atomic(target, "y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    write_atomic(target, "old")
    with mock.patch("microcred.fsutil.os.replace", side_effect=OSError("disk full")), pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_is_inside(tmp_path: Path) -> None:
    assert is_inside(tmp_path / "a" / "b", tmp_path)
    assert not is_inside(tmp_path / ".." / "elsewhere", tmp_path)
    link = tmp_path / "link"
    link.symlink_to("/")
    assert not is_inside(link / "etc", tmp_path)


def test_site_writes_keep_a_readable_mode_when_replacing(tmp_path: Path) -> None:
    """A rewritten site file keeps the mode a plain write gives (mkstemp alone would make it 0600)."""
    target = tmp_path / "page.html"
    assert write_atomic(target, "one", durable=False)
    first = stat.S_IMODE(target.stat().st_mode)
    assert write_atomic(target, "two", durable=False)
    assert target.read_text() == "two"
    assert stat.S_IMODE(target.stat().st_mode) == first and first & 0o044
    assert not write_atomic(target, "two", durable=False)
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
