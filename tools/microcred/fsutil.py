"""File-system helpers: atomic writes, so nothing is ever half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

# Read once at import (os.umask can only be read by setting it): new files get the usual mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes, *, durable: bool = True) -> bool:
    """Write `data` to `path` through a temp file and rename; False (no write) when unchanged.

    `durable=False` skips the fsync and writes a file that did not exist yet in place (nobody can
    be reading half of a file that was never there): for the site, which can be rebuilt from the
    registry at any time and where thousands of fsyncs cost more than the whole render.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
        mode = stat.S_IMODE(path.stat().st_mode)
        exists = True
    except OSError:
        mode = 0o666 & ~_UMASK
        exists = False
    if not durable and not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(raw)
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600; keep the mode a plain write would give (a site must be readable).
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def is_inside(child: Path, parent: Path) -> bool:
    """True when `child` (resolved) lies inside `parent` (resolved)."""
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True
