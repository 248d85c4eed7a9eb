"""Every machine-readable document the site publishes, as (site path, bytes) pairs.

The site build (mkdocs plugin) calls :func:`iter_published` and writes each pair under the site
folder; nothing here prints, touches the network or writes files. Paths come from
:class:`~microcred.urls.SiteUrls`, so signer, site and verifiers agree on them.

What is yielded, per kind:

- ``awards/<id>/credential.json`` for each signed award: the stored signed OB 3.0 JSON, exactly
  the bytes kept in the award's ``signed.credential`` (never re-serialised: they are what was signed);
- ``awards/<id>/ob2-assertion.json`` for each signed award: OB 2.0 hosted Assertion, with
  ``revoked: true`` and the reason once a revocation record exists;
- ``issuers/<org>/did.json`` for each issuer: every key ever used (see did.py);
- ``issuers/<org>/ob2-issuer.json``: the OB 2.0 Issuer profile;
- ``issuers/<org>/status-list.json``: the signed Bitstring Status List. Without keys (the normal
  site build) it is the committed ``issuers/<org>.status-list.json`` byte for byte; with
  ``signing_keys`` for the issuer and a stale committed list, a freshly signed one;
- ``credentials/<org>/<slug>/achievement-v<N>.json`` and ``ob2-badgeclass-v<N>.json`` for each
  published credential version and each version a signed award names.

Cost is linear in the number of awards with no canonicalisation or signing (unless keys are
given and a status list is stale): about 10,000 awards per second on the reference machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from . import ob2, ob3, statuslist
from .did import did_document
from .keys import SigningKey, find_key, key_problem_at, utc_now
from .registry import Registry
from .signing import revoked_indexes, sign_status_list
from .urls import SiteUrls


def _json(document: Any) -> bytes:
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def stale_status_lists(registry: Registry) -> list[str]:
    """Issuers whose committed status list is missing or does not match their revocation records
    (CI on main must run `microcred sign` to refresh it)."""
    stale = []
    for org_id in sorted(registry.organisations):
        has_signed = any(a.record.issuer == org_id and a.record.signed for a in registry.awards.values())
        if not has_signed:
            continue
        found = statuslist.read_status_file(statuslist.status_file(registry.root, org_id))
        if not statuslist.status_list_is_current(found[1] if found else None, revoked_indexes(registry, org_id)):
            stale.append(org_id)
    return stale


def iter_published(
    registry: Registry,
    urls: SiteUrls,
    *,
    signing_keys: Mapping[str, SigningKey] | None = None,
    now: datetime | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield (site path, bytes) for every published JSON document of the registry.

    `registry` should be loaded and checked; records that fail their checks are still published
    as far as they can be (the build decides whether problems stop it). `signing_keys` (org id ->
    key) is optional: only where keys exist (CI on main) can a stale status list be re-signed.
    """
    keys = signing_keys or {}
    stale = set(stale_status_lists(registry))
    signed_versions: set[tuple[str, int]] = set()
    for award_id in sorted(registry.awards):
        award = registry.awards[award_id].record
        if award.signed is None:
            continue
        credential = registry.credential(award.credential_ref, award.credential_version)
        yield urls.award_credential(award_id), award.signed.credential.encode("utf-8")
        if credential is None:
            continue
        signed_versions.add((award.credential_ref, award.credential_version))
        revocation = registry.revocations.get(award_id)
        yield urls.award_ob2_assertion(award_id), _json(
            ob2.assertion(award, credential, urls, revocation.record if revocation else None)
        )

    for (ref, version), loaded in sorted(registry.versions.items()):
        credential = loaded.record
        org = registry.organisation(credential.issuer)
        if org is None or not (credential.published or (ref, version) in signed_versions):
            continue
        achievement = {"@context": list(ob3.CONTEXT), **ob3.achievement(credential, org, urls)}
        yield urls.achievement(credential.issuer, credential.id, version), _json(achievement)
        yield urls.ob2_badgeclass(credential.issuer, credential.id, version), _json(ob2.badge_class(credential, urls))

    for org_id in sorted(registry.organisations):
        org = registry.organisations[org_id].record
        if "issuer" not in org.kind:
            continue
        yield urls.did_document(org_id), _json(did_document(org, urls))
        yield urls.ob2_issuer(org_id), _json(ob2.issuer_profile(org, urls))
        data = _status_list_bytes(registry, urls, org_id, org_id in stale, keys.get(org_id), now)
        if data is not None:
            yield urls.status_list(org_id), data


def _status_list_bytes(
    registry: Registry, urls: SiteUrls, org_id: str, stale: bool, key: SigningKey | None, now: datetime | None
) -> bytes | None:
    org = registry.organisations[org_id].record
    if stale and key is not None:
        entry = find_key(org, key.public_key)
        moment = (now or utc_now()).replace(microsecond=0)
        if entry is not None and key_problem_at(entry, moment) is None:
            return sign_status_list(urls, org_id, revoked_indexes(registry, org_id), key, entry, moment)
    found = statuslist.read_status_file(statuslist.status_file(registry.root, org_id))
    return found[0] if found else None
