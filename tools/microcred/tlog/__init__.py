"""The registry's transparency log: C2SP tlog-tiles with signed-note checkpoints.

Layers, each usable alone: `merkle` (RFC 6962 / 9162 tree hash and proofs), `note` (C2SP
signed-note with Ed25519), `checkpoint` (C2SP tlog-checkpoint bodies), `tiles` (tile paths,
building tiles, reading authenticated hashes back from published tiles) and `registrylog`
(the log of this registry: log/entries.jsonl, log/checkpoint, log/log.vkey).
"""

from __future__ import annotations

from .errors import LogError, NoteError, ProofError, TileError

__all__ = ["LogError", "NoteError", "ProofError", "TileError"]
