"""Revoking a signed award: a new record beside it, never an edit of the award.

``awards/<org>/<credential>/<award-id>.revocation.yaml`` holds the Revocation model. It is
append-only: refused when one exists or when the award was never signed. Once merged, CI's
``microcred sign`` sets the award's bit in the issuer's signed status list.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pydantic

from .errors import LoadError, UsageError
from .fsutil import write_atomic
from .keys import iso, utc_now
from .load import model_problems
from .records import Revocation
from .registry import load_registry
from .yamlstrict import YamlProblem, parse


def revocation_text(award_id: str, revoked_at: datetime, reason: str, revoked_by: str) -> str:
    """The YAML of a revocation record (the reason as a literal block, so any text is safe)."""
    lines = reason.strip("\n").split("\n")
    body = "".join(f"  {line}\n" if line.strip() else "\n" for line in lines)
    return (
        "# Revocation record. Schema: schemas/revocation.schema.json\n"
        f"award: {award_id}\n"
        f"revoked_at: {json.dumps(iso(revoked_at))}\n"
        f"revoked_by: {revoked_by}\n"
        "reason: |\n" + body
    )


def revoke_award(root: Path, award_id: str, reason: str, revoked_by: str, *, now: datetime | None = None) -> Path:
    """Write the revocation record of a signed award; return its path. UsageError when refused."""
    registry = load_registry(root, check=False)
    loaded = registry.awards.get(award_id)
    if loaded is None:
        raise UsageError(f"no award {award_id!r} in the registry at {root}")
    award = loaded.record
    if award.signed is None:
        raise UsageError(f"award {award_id} was never signed; remove the award instead of revoking it")
    org = registry.organisation(award.issuer)
    if org is None or all(admin.id != revoked_by for admin in org.admins):
        admins = ", ".join(a.id for a in org.admins) if org else "none"
        raise UsageError(f"{revoked_by!r} is not an admin of {award.issuer} (admins: {admins})")
    path = registry.root / Path(loaded.path).with_name(f"{award_id}.revocation.yaml")
    if path.exists() or award_id in registry.revocations:
        raise UsageError(f"{path.relative_to(registry.root)} exists; a revocation is never rewritten")
    if not reason.strip():
        raise UsageError("a revocation needs a reason")
    text = revocation_text(award_id, now or utc_now(), reason, revoked_by)
    display = path.relative_to(registry.root).as_posix()
    try:
        data, positions = parse(text, display)
        Revocation.model_validate(data)
    except YamlProblem as problem:
        raise LoadError([problem.problem]) from None
    except pydantic.ValidationError as err:
        raise LoadError(model_problems(err, display, positions)) from None
    write_atomic(path, text)
    return path
