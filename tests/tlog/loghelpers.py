"""Helpers for log tests: a factory registry whose awards carry hand-written `signed:` blocks.

The log only hashes the stored credential bytes, so the credential JSON here is any JSON text;
no issuer key is involved.
"""

from __future__ import annotations

import json
from pathlib import Path

from factories import ISSUER, RegistryFactory, award_data

CREDENTIAL_DIR = Path("awards") / ISSUER / "test-questioning"


def award_path(root: Path, award_id: str) -> Path:
    """The YAML file of a factory award."""
    return root / CREDENTIAL_DIR / f"{award_id}.yaml"


def credential_json(award_id: str, note: str = "") -> str:
    """A stand-in for a signed credential's JSON text."""
    return json.dumps({"id": f"urn:example:{award_id}", "note": note, "proof": [{"proofValue": "z123"}]}, indent=1)


def sign(root: Path, award_id: str, signed_at: str, note: str = "", status_index: int | None = None) -> None:
    """Append a `signed:` block to an award file, as the signer does."""
    path = award_path(root, award_id)
    body = "".join(f"    {line}\n" for line in credential_json(award_id, note).split("\n"))
    index = status_index if status_index is not None else sum(1 for _ in (root / CREDENTIAL_DIR).glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    if "\nsigned:\n" in text:
        text = text[: text.index("\nsigned:\n") + 1]
    path.write_text(
        text + f'signed:\n  signed_at: "{signed_at}"\n  key: key-2026\n  status_index: {index}\n'
        "  credential: |\n" + body,
        encoding="utf-8",
    )


def make_registry(root: Path, ids: list[str]) -> Path:
    """A factory registry with one awarded award per id (unsigned)."""
    return RegistryFactory(root, awards=[award_data(i) for i in ids]).write()
