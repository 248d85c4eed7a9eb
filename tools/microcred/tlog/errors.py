"""Errors of the transparency log: every one is a MicrocredError, so the CLI reports it as FAIL."""

from __future__ import annotations

from ..errors import MicrocredError


class LogError(MicrocredError):
    """Root of the transparency-log errors."""


class ProofError(LogError):
    """An inclusion or consistency proof does not verify (or cannot be built for these sizes)."""


class NoteError(LogError):
    """A signed note, key or checkpoint is malformed or its signature does not verify."""


class TileError(LogError):
    """A tile path is malformed, or a tile is missing, has the wrong size or does not match the tree."""
