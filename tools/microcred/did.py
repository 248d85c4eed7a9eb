"""did:web documents of issuers, and reading keys back out of them.

Every key the issuer ever had is a verification method, retired and revoked ones included, so
that an award signed years ago still finds its key. ``assertionMethod`` lists every key that is
not revoked: a retired key signs nothing new (its window says so) but must keep verifying what
it signed while it was current. A revoked (compromised) key is left out of assertionMethod, so
standard verifiers reject everything it signed; microcred's own verifiers apply the finer rule
of the registry (proofs created before ``revokedAt`` still verify) using the non-standard
``microcred:notBefore`` / ``microcred:notAfter`` / ``microcred:revokedAt`` fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import VerificationError
from .keys import iso
from .records import Organisation
from .urls import SiteUrls

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
NOT_BEFORE = "microcred:notBefore"
NOT_AFTER = "microcred:notAfter"
REVOKED_AT = "microcred:revokedAt"


def did_document(org: Organisation, urls: SiteUrls) -> dict[str, Any]:
    """The did.json of an organisation: a Multikey verification method per key."""
    did = urls.did(org.id)
    methods = []
    for key in org.keys:
        method: dict[str, Any] = {
            "id": urls.key_id(org.id, key.id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
            NOT_BEFORE: iso(key.not_before),
        }
        if key.not_after is not None:
            method[NOT_AFTER] = iso(key.not_after)
        if key.revoked_at is not None:
            method[REVOKED_AT] = iso(key.revoked_at)
        methods.append(method)
    usable = [urls.key_id(org.id, k.id) for k in org.keys if k.revoked_at is None]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": usable,
    }


@dataclass(frozen=True)
class ResolvedKey:
    """A verification method as a verifier needs it."""

    id: str
    controller: str
    public_key_multibase: str
    not_before: datetime | None
    not_after: datetime | None
    revoked_at: datetime | None
    assertion: bool  # listed in assertionMethod


def _time(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise VerificationError(f"did document: {what} {value!r} is not a timestamp") from None


def keys_from_did_document(document: Any, expected_did: str) -> dict[str, ResolvedKey]:
    """The verification methods of a did.json, by id; VerificationError if it is not for `expected_did`."""
    if not isinstance(document, dict) or document.get("id") != expected_did:
        got = document.get("id") if isinstance(document, dict) else None
        raise VerificationError(f"did document is for {got!r}, not {expected_did!r}")
    assertion = set()
    for item in document.get("assertionMethod") or []:
        assertion.add(item if isinstance(item, str) else item.get("id") if isinstance(item, dict) else None)
    found: dict[str, ResolvedKey] = {}
    for method in document.get("verificationMethod") or []:
        if not isinstance(method, dict) or not isinstance(method.get("id"), str):
            continue
        mid = method["id"]
        if mid.startswith("#"):
            mid = expected_did + mid
        found[mid] = ResolvedKey(
            id=mid,
            controller=str(method.get("controller", "")),
            public_key_multibase=str(method.get("publicKeyMultibase", "")),
            not_before=_time(method.get(NOT_BEFORE), NOT_BEFORE),
            not_after=_time(method.get(NOT_AFTER), NOT_AFTER),
            revoked_at=_time(method.get(REVOKED_AT), REVOKED_AT),
            assertion=mid in assertion or method["id"] in assertion,
        )
    return found


def keys_from_organisation(org: Organisation, urls: SiteUrls) -> dict[str, ResolvedKey]:
    """The same view straight from the registry's profile."""
    return keys_from_did_document(did_document(org, urls), urls.did(org.id))
