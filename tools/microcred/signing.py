"""Signing awards: build the OB 3.0 credential, add both proofs, append the `signed:` block.

Only CI on main signs (the key is a CI secret). What `sign_registry` does, in order:

1. load and check the whole registry; any problem stops everything (nothing half-signed);
2. check the key: it must be one of the issuer's published keys, inside its window, unrevoked;
3. for every award that is awarded, unrevoked and unsigned (by id, so indexes are stable):
   take the next status index (max used by the issuer + 1), build the credential, add an
   eddsa-rdfc-2022 and an eddsa-jcs-2022 proof, and append the `signed:` block to the award's
   YAML as text (the rest of the file is untouched), atomically; then read the file back and
   require the stored JSON text to equal what was signed, byte for byte;
4. re-sign the issuer's status list (issuers/<org>.status-list.json) when its revoked set
   changed (see statuslist.py for why it is committed).

Running it again signs nothing: signed awards have a `signed:` block, the status list is current.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import ob3, statuslist
from .errors import KeyMaterialError, SigningError
from .fsutil import write_atomic
from .keys import SigningKey, find_key, iso, key_problem_at, utc_now
from .load import Loaded, load_record, read_text
from .proof import add_proof, get_proofs
from .records import Award, Organisation, PublicKey
from .registry import ProgressObserver, Registry, load_registry
from .urls import SiteUrls, site_urls

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def sign_document(document: Mapping[str, Any], seed: bytes, verification_method: str, created: datetime) -> dict[str, Any]:
    """`document` with the proof set: eddsa-rdfc-2022 then eddsa-jcs-2022, same key and time."""
    signed = dict(document)
    for suite in SUITES:
        signed = add_proof(
            signed, seed_or_signing_key=seed, verification_method=verification_method,
            cryptosuite=suite, created=iso(created),  # type: ignore[arg-type]
        )
    return signed


def signed_block(signed_at: datetime, key_id: str, status_index: int, json_text: str) -> str:
    """The `signed:` block appended to an award file; the JSON as a literal block (ASCII)."""
    body = "".join(f"    {line}\n" if line else "\n" for line in json_text.split("\n"))
    return (
        "signed:\n"
        f'  signed_at: "{iso(signed_at)}"\n'
        f"  key: {key_id}\n"
        f"  status_index: {status_index}\n"
        "  credential: |\n" + body
    )


def signable(registry: Registry, org: str | None = None) -> list[Loaded[Award]]:
    """Awards to sign: registry status awarded, not revoked, no `signed` block; ordered by id."""
    return [
        loaded
        for award_id, loaded in sorted(registry.awards.items())
        if (org is None or loaded.record.issuer == org)
        and loaded.record.signed is None
        and not registry.is_revoked(award_id)
        and registry.status(loaded.record) == "awarded"
    ]


def next_status_index(registry: Registry, org: str) -> int:
    """The next free status-list index of `org`: one more than the highest used (0 first)."""
    used = [
        a.record.signed.status_index
        for a in registry.awards.values()
        if a.record.issuer == org and a.record.signed is not None
    ]
    return max(used) + 1 if used else 0


def revoked_indexes(registry: Registry, org: str) -> set[int]:
    """Status indexes of the issuer's signed awards that have a revocation record."""
    found = set()
    for award_id in registry.revocations:
        loaded = registry.awards.get(award_id)
        if loaded and loaded.record.issuer == org and loaded.record.signed is not None:
            found.add(loaded.record.signed.status_index)
    return found


def shared_status_indexes(registry: Registry) -> dict[tuple[str, int], list[str]]:
    """(issuer, index) used by more than one signed award: revoking one would revoke them all."""
    seen: dict[tuple[str, int], list[str]] = {}
    for award_id, loaded in sorted(registry.awards.items()):
        signed = loaded.record.signed
        if signed is not None:
            seen.setdefault((loaded.record.issuer, signed.status_index), []).append(award_id)
    return {k: v for k, v in seen.items() if len(v) > 1}


def check_signing_key(org: Organisation, key: SigningKey, moment: datetime) -> PublicKey:
    """The published key entry of `key`; KeyMaterialError if unpublished, outside its window or revoked."""
    entry = find_key(org, key.public_key)
    if entry is None:
        published = ", ".join(k.id for k in org.keys) or "none"
        raise KeyMaterialError(
            f"the key from {key.source} ({key.multikey}) is not a published key of {org.id} "
            f"(published: {published}); run `microcred keygen --issuer {org.id}` and merge the profile change"
        )
    problem = key_problem_at(entry, moment)
    if problem:
        raise KeyMaterialError(f"cannot sign for {org.id}: {problem}")
    return entry


@dataclass
class SignReport:
    """What one run signed."""

    signed: list[str] = field(default_factory=list)  # award ids
    status_lists: list[str] = field(default_factory=list)  # org ids whose list was (re)written
    skipped_orgs: dict[str, int] = field(default_factory=dict)  # org -> awards waiting, no key given
    stale_without_key: list[str] = field(default_factory=list)  # orgs whose status list needs a key


def _append_signed(root: Path, loaded: Loaded[Award], block: str, json_text: str) -> None:
    path = root / loaded.path
    old = read_text(path, loaded.path)
    if not old.endswith("\n"):
        old += "\n"
    write_atomic(path, old + block)
    try:
        again = load_record(path, loaded.path, Award).record
        ok = again.signed is not None and again.signed.credential == json_text + "\n"
    except Exception:  # noqa: BLE001 - any failure to read back is the same failure
        ok = False
    if not ok:
        write_atomic(path, old)
        raise SigningError(f"{loaded.path}: the signed credential did not read back byte for byte; left unsigned")


def sign_status_list(
    urls: SiteUrls, org: str, revoked: set[int], key: SigningKey, entry: PublicKey, moment: datetime
) -> bytes:
    """The signed status list credential of `org` as committed/published bytes."""
    document = statuslist.status_list_credential(urls, org, revoked, moment)
    return statuslist.dumps(sign_document(document, key.seed, urls.key_id(org, entry.id), moment))


def _status_list_needs_signing(root: Path, org: Organisation, revoked: set[int], has_signed: bool) -> bool:
    found = statuslist.read_status_file(statuslist.status_file(root, org.id))
    if found is None:
        return has_signed
    document = found[1]
    if not statuslist.status_list_is_current(document, revoked):
        return True
    # A list signed by a key revoked since must be signed again by a good key.
    for proof in get_proofs(document) if isinstance(document.get("proof"), (list, dict)) else []:
        method = str(proof.get("verificationMethod", ""))
        key = org.key(method.rsplit("#", 1)[-1])
        if key is None or key.revoked_at is not None:
            return True
    return False


def sign_registry(
    root: Path,
    keys: Mapping[str, SigningKey],
    *,
    now: datetime | None = None,
    observer: ProgressObserver | None = None,
) -> SignReport:
    """Sign every signable award of the issuers in `keys` and refresh their status lists.

    Raises RegistryError when the registry has problems (nothing is written), KeyMaterialError
    when a key is not published for its issuer or may not sign now.
    """
    observer = observer or ProgressObserver()
    registry = load_registry(root, observer)
    registry.raise_for_problems()
    shared = shared_status_indexes(registry)
    if shared:
        listing = "; ".join(f"{org} index {i}: {', '.join(ids)}" for (org, i), ids in sorted(shared.items()))
        raise SigningError(f"status-list indexes are shared by several signed awards ({listing}); fix the records first")
    root = registry.root
    urls = site_urls(root)
    moment = (now or utc_now()).replace(microsecond=0)
    report = SignReport()
    entries: dict[str, PublicKey] = {}
    for org_id, key in sorted(keys.items()):
        org = registry.organisation(org_id)
        if org is None:
            raise KeyMaterialError(f"no organisation {org_id!r} in the registry")
        entries[org_id] = check_signing_key(org, key, moment)
    for org_id in sorted({a.record.issuer for a in signable(registry)} - set(keys)):
        report.skipped_orgs[org_id] = len(signable(registry, org_id))
    for org_id in sorted(set(registry.organisations) - set(keys)):
        org = registry.organisations[org_id].record
        has_signed = any(a.record.issuer == org_id and a.record.signed for a in registry.awards.values())
        if _status_list_needs_signing(root, org, revoked_indexes(registry, org_id), has_signed):
            report.stale_without_key.append(org_id)
    for org_id, key in sorted(keys.items()):
        org = registry.organisation(org_id)
        assert org is not None
        entry = entries[org_id]
        method = urls.key_id(org_id, entry.id)
        todo = signable(registry, org_id)
        index = next_status_index(registry, org_id)
        observer.start(f"Signing {org_id}", len(todo))
        for loaded in todo:
            award = loaded.record
            credential = registry.credential(award.credential_ref, award.credential_version)
            assert credential is not None  # the registry checks passed
            document = ob3.build_credential(award, credential, org, urls, status_index=index)
            signed = sign_document(document, key.seed, method, moment)
            json_text = ob3.dumps(signed)
            if json.loads(json_text) != signed:  # pragma: no cover - json round trip is exact
                raise SigningError(f"{loaded.path}: credential does not survive JSON serialisation")
            _append_signed(root, loaded, signed_block(moment, entry.id, index, json_text), json_text)
            report.signed.append(award.id)
            index += 1
            observer.advance()
        observer.finish()
        # Awards signed just now cannot be revoked yet, so the loaded registry still knows the
        # revoked set; no need to load it again.
        revoked = revoked_indexes(registry, org_id)
        has_signed = bool(todo) or any(a.record.issuer == org_id and a.record.signed for a in registry.awards.values())
        if _status_list_needs_signing(root, org, revoked, has_signed):
            data = sign_status_list(urls, org_id, revoked, key, entry, moment)
            write_atomic(statuslist.status_file(root, org_id), data)
            report.status_lists.append(org_id)
    return report
