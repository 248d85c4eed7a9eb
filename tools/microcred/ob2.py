"""Open Badges 2.0 hosted documents: Assertion, BadgeClass and Issuer (pure, no I/O).

OB 2.0 "hosted" verification trusts the site: a verifier fetches the Assertion from its id and
checks that the BadgeClass and Issuer ids share its origin. So only signed awards get an
Assertion, and a revoked one is published with ``revoked: true`` and the reason.
"""

from __future__ import annotations

from typing import Any

from .keys import iso
from .ob3 import add_months, awarded_at, criteria_markdown
from .records import Award, Credential, Organisation, Revocation
from .urls import SiteUrls

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def issuer_profile(org: Organisation, urls: SiteUrls) -> dict[str, Any]:
    """The OB 2.0 Issuer (Profile) of an organisation."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": urls.url(urls.ob2_issuer(org.id)),
        "name": org.name,
        "url": org.url,
        "email": org.email,
        "description": org.description.strip(),
    }
    if org.image:
        doc["image"] = org.image
    return doc


def badge_class(credential: Credential, urls: SiteUrls) -> dict[str, Any]:
    """The OB 2.0 BadgeClass of one credential version."""
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": urls.url(urls.ob2_badgeclass(credential.issuer, credential.id, credential.version)),
        "name": credential.title,
        "description": credential.summary.strip(),
        "image": credential.image or urls.url(urls.badge_image(credential.issuer, credential.id)),
        "criteria": {
            "id": urls.url(urls.credential_page(credential.issuer, credential.id)),
            "narrative": criteria_markdown(credential),
        },
        "issuer": urls.url(urls.ob2_issuer(credential.issuer)),
    }
    if credential.tags:
        doc["tags"] = list(credential.tags)
    return doc


def assertion(
    award: Award, credential: Credential, urls: SiteUrls, revocation: Revocation | None = None
) -> dict[str, Any]:
    """The OB 2.0 hosted Assertion of a signed award (revoked: true with the reason when revoked)."""
    start = awarded_at(award)
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": urls.url(urls.award_ob2_assertion(award.id)),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient.salt,
            "identity": award.recipient.email_hash,
        },
        "badge": urls.url(urls.ob2_badgeclass(credential.issuer, credential.id, credential.version)),
        "issuedOn": iso(start),
        "verification": {"type": "hosted"},
    }
    if credential.valid_for_months:
        doc["expires"] = iso(add_months(start, credential.valid_for_months))
    if award.submission is not None:
        doc["evidence"] = [
            {"id": item.url, "name": item.title, **({"narrative": item.description.strip()} if item.description else {})}
            for item in award.submission.evidence
        ]
    if revocation is not None:
        doc["revoked"] = True
        doc["revocationReason"] = " ".join(revocation.reason.split())
    return doc
