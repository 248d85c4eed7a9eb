"""JSON Schemas of the record kinds, generated from the models and committed under schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .records import Award, Credential, Organisation, Revocation
from .records.common import Record

SCHEMA_FILES: dict[str, tuple[type[Record], str]] = {
    "organisation.schema.json": (Organisation, "An organisation profile: issuers/<org>.yaml"),
    "credential.schema.json": (Credential, "A credential: credentials/<org>/<slug>.yaml"),
    "award.schema.json": (Award, "An award record: awards/<org>/<credential>/<award-id>.yaml"),
    "revocation.schema.json": (Revocation, "A revocation: awards/<org>/<credential>/<award-id>.revocation.yaml"),
}


def render_schema(model: type[Record], title: str, name: str) -> str:
    """The schema document for one record kind, as the exact text committed to the repository."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://microcred.dev/schemas/{name}",
        **model.model_json_schema(mode="validation"),
    }
    schema["title"] = title
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def expected_schemas() -> dict[str, str]:
    """File name -> text, for every schema."""
    return {name: render_schema(model, title, name) for name, (model, title) in SCHEMA_FILES.items()}


def stale_schemas(folder: Path) -> list[str]:
    """Names of schema files in `folder` that are missing or differ from the models."""
    stale = []
    for name, text in expected_schemas().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def write_schemas(folder: Path) -> list[str]:
    """Write every schema atomically; the names of files that changed."""
    from .fsutil import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_schemas().items():
        if write_atomic(folder / name, text):
            changed.append(name)
    return changed
