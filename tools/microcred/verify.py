"""Verifying signed awards: proofs, keys, issuer binding, dates, revocation and the OB 3.0 schema.

The checks, in order (the first failure is the reason reported):

1. ``schema``    the official OB 3.0 AchievementCredential JSON Schema (draft 2019-09, offline);
2. ``binding``   (registry awards) the credential is this award's: id, issuer, status index, key;
3. ``issuer``    the issuer is a did:web the verifier can resolve (registry or the site's did.json);
4. ``proof``     each required cryptosuite is present and every proof's signature verifies;
5. ``key``       each proof's verification method is a key of the issuer (controller = issuer),
                 listed for assertion (or revoked later, see did.py), and inside its window at the
                 proof's ``created``; a key revoked at or before ``created`` fails;
6. ``dates``     validFrom is not in the future, validUntil is not past (expired);
7. ``status``    the revocation bit in the issuer's signed status list (whose own proof is
                 checked with the issuer's keys); in a registry, a revocation record also counts.

Sources of keys and status lists are pluggable (:class:`Resolver`): the registry on disk, a built
site folder, or an https site (fetched only when the user named an https target or site).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from . import ob3, statuslist
from .did import ResolvedKey, keys_from_did_document, keys_from_organisation
from .errors import KeyMaterialError, MicrocredError, VerificationError
from .keys import iso, utc_now
from .proof import get_proofs, public_key_from_multikey, verify_proof
from .registry import ProgressObserver, Registry
from .urls import SiteUrls

ALL_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
FAST_SUITES = ("eddsa-jcs-2022",)
MAX_FETCH_BYTES = 4 * 1024 * 1024


class CheckFailed(VerificationError):
    """One named check failed."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(f"{check}: {message}")
        self.check = check
        self.detail = message


@dataclass
class VerifyResult:
    """The outcome of verifying one credential."""

    target: str
    ok: bool
    reason: str | None = None
    failed_check: str | None = None
    credential_id: str | None = None
    issuer: str | None = None
    valid_until: str | None = None
    checks: list[str] = field(default_factory=list)  # checks that passed, in order
    notes: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        """ok; revoked or expired (a sound credential that is no longer valid); or failed."""
        if self.ok:
            return "ok"
        if self.failed_check == "status" and self.reason and self.reason.startswith("status: revoked"):
            return "revoked"
        if self.failed_check == "dates" and self.reason and self.reason.startswith("dates: expired"):
            return "expired"
        return "failed"

    def line(self) -> str:
        """The one-line text result."""
        if self.ok:
            extra = f", valid until {self.valid_until}" if self.valid_until else ""
            note = f" ({'; '.join(self.notes)})" if self.notes else ""
            return f"OK: {self.target}: {', '.join(self.checks)} verified{extra}{note}"
        return f"FAIL: {self.target}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """For --format json."""
        return {
            "target": self.target, "ok": self.ok, "reason": self.reason, "failed_check": self.failed_check,
            "state": self.state, "credential_id": self.credential_id, "issuer": self.issuer,
            "valid_until": self.valid_until,
            "checks_passed": self.checks, "notes": self.notes,
        }


# -- schema -------------------------------------------------------------------------------------


@cache
def _validator() -> Any:
    from jsonschema import Draft201909Validator  # type: ignore[import-untyped]
    from referencing import Registry as SchemaRegistry
    from referencing import Resource

    schema = ob3.schema()
    resource = Resource.from_contents(schema)
    # Only the schema itself is registered: every $ref is internal, and nothing is ever fetched.
    registry = SchemaRegistry().with_resource(schema["$id"], resource)
    return Draft201909Validator(schema, registry=registry, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(document: Any) -> list[str]:
    """Every violation of the OB 3.0 AchievementCredential schema, as 'path: message'."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


# -- sources of keys and status lists -------------------------------------------------------------


class Resolver:
    """Finds an issuer's keys (by did) and status list credentials (by URL)."""

    def keys(self, did: str) -> dict[str, ResolvedKey]:
        """The issuer's verification methods; CheckFailed('issuer', ...) if unknown."""
        raise NotImplementedError

    def status_list(self, url: str) -> dict[str, Any] | None:
        """The status list credential at `url`, or None when it is not available."""
        raise NotImplementedError

    def revoked_by_record(self, credential_id: str) -> str | None:
        """A revocation known outside the status list (registry records), as a reason."""
        return None


class RegistryResolver(Resolver):
    """Keys from issuers/*.yaml, status lists from issuers/<org>.status-list.json, revocation records."""

    def __init__(self, registry: Registry, urls: SiteUrls) -> None:
        self.registry = registry
        self.urls = urls
        self._orgs = {urls.did(org): org for org in registry.organisations}
        self._status_urls = {urls.url(urls.status_list(org)): org for org in registry.organisations}
        self._awards_by_url = {urls.url(urls.award_page(a)): a for a in registry.awards}
        self._keys: dict[str, dict[str, ResolvedKey]] = {}

    def keys(self, did: str) -> dict[str, ResolvedKey]:
        org = self._orgs.get(did)
        if org is None:
            raise CheckFailed("issuer", f"{did} is not an organisation of this registry")
        if did not in self._keys:
            self._keys[did] = keys_from_organisation(self.registry.organisations[org].record, self.urls)
        return self._keys[did]

    def status_list(self, url: str) -> dict[str, Any] | None:
        org = self._status_urls.get(url)
        if org is None:
            return None
        found = statuslist.read_status_file(statuslist.status_file(self.registry.root, org))
        return found[1] if found else None

    def revoked_by_record(self, credential_id: str) -> str | None:
        award_id = self._awards_by_url.get(credential_id)
        if award_id is not None and award_id in self.registry.revocations:
            revocation = self.registry.revocations[award_id].record
            return f"revoked at {iso(revocation.revoked_at)}: {' '.join(revocation.reason.split())}"
        return None


class SiteResolver(Resolver):
    """Keys from did.json and status lists as published: a built site folder or an https site."""

    def __init__(self, site: str, base: str | None = None) -> None:
        self.site = site
        self.is_url = site.startswith("https://")
        self.base = base
        self._cache: dict[str, Any] = {}

    def _fetch(self, url: str) -> Any:
        if url in self._cache:
            return self._cache[url]
        data: Any = None
        if self.is_url:
            if not url.startswith("https://"):
                raise CheckFailed("issuer", f"refusing to fetch non-https {url}")
            try:
                with urllib.request.urlopen(url, timeout=15) as response:
                    data = json.loads(response.read(MAX_FETCH_BYTES))
            except (OSError, ValueError):
                data = None
        else:
            if self.base is None or not url.startswith(self.base):
                data = None
            else:
                path = Path(self.site) / url[len(self.base):]
                try:
                    data = json.loads(path.read_bytes())
                except (OSError, ValueError):
                    data = None
        self._cache[url] = data
        return data

    def keys(self, did: str) -> dict[str, ResolvedKey]:
        url = did_web_url(did)
        document = self._fetch(url)
        if document is None:
            raise CheckFailed("issuer", f"cannot read the did document of {did} ({url})")
        try:
            return keys_from_did_document(document, did)
        except VerificationError as err:
            raise CheckFailed("issuer", str(err)) from None

    def status_list(self, url: str) -> dict[str, Any] | None:
        document = self._fetch(url)
        return document if isinstance(document, dict) else None


def did_web_url(did: str) -> str:
    """The https URL of a did:web's document (did:web:host:path:seg -> https://host/path/seg/did.json)."""
    parts = did.split(":")
    if len(parts) < 3 or parts[:2] != ["did", "web"]:
        raise CheckFailed("issuer", f"issuer {did!r} is not a did:web")
    from urllib.parse import unquote

    host = unquote(parts[2])
    path = "/".join(parts[3:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


# -- the verifier ---------------------------------------------------------------------------------


def _parse_time(value: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise CheckFailed("dates", f"{what} {value!r} is not a timestamp") from None
    if moment.tzinfo is None:
        raise CheckFailed("dates", f"{what} {value!r} has no time zone")
    return moment


def _key_window(key: ResolvedKey, created: datetime) -> None:
    name = key.id.rsplit("#", 1)[-1]
    if key.revoked_at is not None and created >= key.revoked_at:
        raise CheckFailed("key", f"key {name} was revoked at {iso(key.revoked_at)}, the proof was created {iso(created)}")
    if not key.assertion and key.revoked_at is None:
        raise CheckFailed("key", f"key {name} is not listed for assertionMethod in the issuer's did document")
    if key.not_before is not None and created < key.not_before:
        raise CheckFailed(
            "key", f"key {name} is not valid before {iso(key.not_before)}, the proof was created {iso(created)}"
        )
    if key.not_after is not None and created >= key.not_after:
        raise CheckFailed(
            "key", f"key {name} was retired at {iso(key.not_after)}, the proof was created {iso(created)}"
        )


class Verifier:
    """Verifies OB 3.0 credentials against one resolver; caches keys and verified status lists."""

    def __init__(
        self,
        resolver: Resolver,
        *,
        now: datetime | None = None,
        suites: Iterable[str] = ALL_SUITES,
        check_schema: bool = True,
    ) -> None:
        self.resolver = resolver
        self.now = now or utc_now()
        self.suites = tuple(suites)
        self.check_schema = check_schema
        self._bits_cache: dict[str, bytes] = {}

    # Proofs of one document with one issuer's keys: the signature first (a tampered field shows
    # as a bad signature), then whether that key could sign at that time.
    def _check_proofs(self, document: dict[str, Any], issuer: str, keys: dict[str, ResolvedKey], what: str) -> None:
        try:
            proofs = get_proofs(document)
        except VerificationError as err:
            raise CheckFailed("proof", f"{what}: {err}") from None
        if not proofs:
            raise CheckFailed("proof", f"{what} has no proof")
        present = [p.get("cryptosuite") for p in proofs]
        for suite in present:
            if suite not in ALL_SUITES:
                raise CheckFailed("proof", f"{what}: unknown cryptosuite {suite!r}")
        for suite in self.suites:
            if suite not in present:
                raise CheckFailed("proof", f"{what} has no {suite} proof")
        for proof in proofs:
            suite = proof.get("cryptosuite")
            if suite not in self.suites and suite in ALL_SUITES:
                continue  # the fast path checks only the jcs proof
            method = proof.get("verificationMethod")
            if not isinstance(method, str) or not method.startswith(issuer + "#"):
                raise CheckFailed("key", f"{what}: verification method {method!r} does not belong to issuer {issuer}")
            key = keys.get(method)
            if key is None:
                raise CheckFailed("key", f"{what}: verification method {method} is not a key of {issuer}")
            if key.controller != issuer:
                raise CheckFailed("key", f"{what}: key {method} is controlled by {key.controller!r}, not the issuer")
            try:
                public = public_key_from_multikey(key.public_key_multibase)
            except KeyMaterialError as err:
                raise CheckFailed("key", f"{what}: key {method}: {err}") from None
            try:
                verify_proof(document, proof, public)
            except VerificationError as err:
                raise CheckFailed("proof", f"{what}: {suite} proof: {err}") from None
            _key_window(key, _parse_time(proof.get("created"), "proof created"))

    def _status_bits(self, url: str, issuer: str) -> bytes:
        if url in self._bits_cache:
            return self._bits_cache[url]
        document = self.resolver.status_list(url)
        if document is None:
            raise CheckFailed("status", f"status list {url} is not available")
        if document.get("id") != url:
            raise CheckFailed("status", f"status list at {url} names itself {document.get('id')!r}")
        list_issuer = document.get("issuer")
        list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
        if list_issuer != issuer:
            raise CheckFailed("status", f"status list {url} is issued by {list_issuer!r}, not {issuer}")
        try:
            self._check_proofs(document, issuer, self.resolver.keys(issuer), "status list")
        except CheckFailed as err:
            raise CheckFailed("status", err.detail) from None
        subject = document.get("credentialSubject")
        if not isinstance(subject, dict) or subject.get("statusPurpose") != "revocation":
            raise CheckFailed("status", f"status list {url} is not a revocation list")
        try:
            raw = statuslist.decode_bits(subject.get("encodedList", ""))
        except VerificationError as err:
            raise CheckFailed("status", str(err)) from None
        self._bits_cache[url] = raw
        return raw

    def verify(self, document: Any, target: str, *, binding: Callable[[dict[str, Any]], None] | None = None) -> VerifyResult:
        """Verify one credential document; never raises for a bad credential."""
        result = VerifyResult(target=target, ok=False)
        try:
            self._verify(document, result, binding)
            result.ok = True
        except CheckFailed as err:
            result.reason, result.failed_check = str(err), err.check
        except MicrocredError as err:
            result.reason, result.failed_check = f"error: {err}", "error"
        return result

    def _verify(self, document: Any, result: VerifyResult, binding: Callable[[dict[str, Any]], None] | None) -> None:
        if not isinstance(document, dict):
            raise CheckFailed("schema", "the credential is not a JSON object")
        result.credential_id = document.get("id") if isinstance(document.get("id"), str) else None
        if self.check_schema:
            errors = schema_errors(document)
            if errors:
                more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
                raise CheckFailed("schema", f"OB 3.0 schema: {errors[0]}{more}")
            result.checks.append("schema")
        if document.get("@context", [None])[:2] != ob3.CONTEXT[:2]:
            raise CheckFailed("schema", f"@context {document.get('@context')!r} is not the OB 3.0 context")
        if binding is not None:
            binding(document)
            result.checks.append("binding")
        issuer_field = document.get("issuer")
        issuer = issuer_field.get("id") if isinstance(issuer_field, dict) else issuer_field
        if not isinstance(issuer, str):
            raise CheckFailed("issuer", "the credential has no issuer id")
        result.issuer = issuer
        keys = self.resolver.keys(issuer)
        self._check_proofs(document, issuer, keys, "credential")
        result.checks.append("+".join(s.removeprefix("eddsa-").removesuffix("-2022") for s in self.suites) + " proofs")
        result.checks.append("keys")
        if "validFrom" in document and _parse_time(document["validFrom"], "validFrom") > self.now:
            raise CheckFailed("dates", f"not valid before {document['validFrom']}")
        if "validUntil" in document:
            result.valid_until = document["validUntil"]
            if _parse_time(document["validUntil"], "validUntil") <= self.now:
                raise CheckFailed("dates", f"expired: validUntil {document['validUntil']} is past")
        result.checks.append("dates")
        self._check_status(document, issuer, result)

    def _check_status(self, document: dict[str, Any], issuer: str, result: VerifyResult) -> None:
        if result.credential_id:
            revoked = self.resolver.revoked_by_record(result.credential_id)
            if revoked:
                raise CheckFailed("status", revoked)
        status = document.get("credentialStatus")
        if status is None:
            raise CheckFailed("status", "the credential has no credentialStatus; revocation cannot be checked")
        entries = status if isinstance(status, list) else [status]
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
                raise CheckFailed("status", "credentialStatus is not a BitstringStatusListEntry")
            if entry.get("statusPurpose") != "revocation":
                continue
            url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
            if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
                raise CheckFailed("status", "credentialStatus needs statusListCredential and a numeric statusListIndex")
            raw = self._status_bits(url, issuer)
            if statuslist.bit(raw, int(index)):
                raise CheckFailed("status", f"revoked (bit {index} is set in {url})")
        result.checks.append("status")


# -- registry awards -------------------------------------------------------------------------------


def award_binding(registry: Registry, urls: SiteUrls, award_id: str) -> Callable[[dict[str, Any]], None]:
    """The check that a stored credential belongs to its award record."""
    award = registry.awards[award_id].record
    assert award.signed is not None

    def check(document: dict[str, Any]) -> None:
        expected_id = urls.url(urls.award_page(award.id))
        if document.get("id") != expected_id:
            raise CheckFailed("binding", f"credential id {document.get('id')!r} is not this award's ({expected_id})")
        issuer_field = document.get("issuer")
        issuer = issuer_field.get("id") if isinstance(issuer_field, dict) else issuer_field
        if issuer != urls.did(award.issuer):
            raise CheckFailed("binding", f"issuer {issuer!r} is not the award's issuer {urls.did(award.issuer)}")
        status = document.get("credentialStatus")
        index = status.get("statusListIndex") if isinstance(status, dict) else None
        if index != str(award.signed.status_index):  # type: ignore[union-attr]
            raise CheckFailed("binding", f"statusListIndex {index!r} is not the award's index {award.signed.status_index}")  # type: ignore[union-attr]
        # The record's facts must match what was signed (a record edited after signing is caught
        # here even though the signature itself is intact; CI also refuses such edits from Git).
        subject = document.get("credentialSubject")
        subject = subject if isinstance(subject, dict) else {}
        identifiers = subject.get("identifier") or [{}]
        identity = identifiers[0] if isinstance(identifiers, list) and isinstance(identifiers[0], dict) else {}
        if identity.get("identityHash") != award.recipient.email_hash or identity.get("salt") != award.recipient.salt:
            raise CheckFailed("binding", "the recipient in the credential is not the award record's recipient")
        expected_name = award.recipient.name if award.recipient.visibility != "private" else None
        if subject.get("name") != expected_name:
            raise CheckFailed("binding", f"the credential names {subject.get('name')!r}; the award record says {expected_name!r}")
        achievement = subject.get("achievement")
        achievement_id = achievement.get("id") if isinstance(achievement, dict) else None
        expected_achievement = urls.url(urls.achievement(award.issuer, award.credential, award.credential_version))
        if achievement_id != expected_achievement:
            raise CheckFailed("binding", f"achievement {achievement_id!r} is not the award's credential version {expected_achievement}")
        method = urls.key_id(award.issuer, award.signed.key)  # type: ignore[union-attr]
        for proof in get_proofs(document):
            if proof.get("verificationMethod") != method:
                raise CheckFailed(
                    "binding", f"proof verificationMethod {proof.get('verificationMethod')!r} is not the award's key {method}"
                )

    return check


def stored_document(registry: Registry, award_id: str) -> dict[str, Any]:
    """The signed credential of an award, parsed from its stored bytes."""
    award = registry.awards[award_id].record
    if award.signed is None:
        raise CheckFailed("binding", f"award {award_id} is not signed")
    try:
        document = json.loads(award.signed.credential)
    except ValueError as err:
        raise CheckFailed("schema", f"the stored credential is not JSON: {err}") from None
    if not isinstance(document, dict):
        raise CheckFailed("schema", "the stored credential is not a JSON object")
    return document


def verify_award(verifier: Verifier, registry: Registry, urls: SiteUrls, award_id: str) -> VerifyResult:
    """Verify one award of the registry from its stored bytes."""
    if award_id not in registry.awards:
        return VerifyResult(award_id, False, reason=f"binding: no award {award_id!r} in the registry", failed_check="binding")
    try:
        document = stored_document(registry, award_id)
    except CheckFailed as err:
        return VerifyResult(award_id, False, reason=str(err), failed_check=err.check)
    return verifier.verify(document, award_id, binding=award_binding(registry, urls, award_id))


@dataclass
class Summary:
    """Result of verifying every signed award."""

    results: list[VerifyResult]
    unsigned_awarded: list[str]

    @property
    def failed(self) -> list[VerifyResult]:
        """The results that failed: a proof, key, binding, schema or status-list problem."""
        return [r for r in self.results if r.state == "failed"]

    @property
    def revoked(self) -> list[VerifyResult]:
        """Sound credentials that their issuer revoked."""
        return [r for r in self.results if r.state == "revoked"]

    @property
    def expired(self) -> list[VerifyResult]:
        """Sound credentials past their validUntil."""
        return [r for r in self.results if r.state == "expired"]


def verify_all(
    registry: Registry, urls: SiteUrls, *, now: datetime | None = None, observer: ProgressObserver | None = None,
    suites: Iterable[str] = FAST_SUITES, check_schema: bool = False, resolver: Resolver | None = None,
) -> Summary:
    """Verify every signed award (fast path: the jcs proof, keys, dates and status)."""
    observer = observer or ProgressObserver()
    verifier = Verifier(resolver or RegistryResolver(registry, urls), now=now, suites=suites, check_schema=check_schema)
    signed = sorted(a for a, loaded in registry.awards.items() if loaded.record.signed is not None)
    from .signing import shared_status_indexes

    shared = {award_id: (org, index, ids) for (org, index), ids in shared_status_indexes(registry).items() for award_id in ids}
    results = []
    observer.start("Verifying awards", len(signed))
    for award_id in signed:
        result = verify_award(verifier, registry, urls, award_id)
        if result.ok and award_id in shared:
            org, index, ids = shared[award_id]
            others = ", ".join(i for i in ids if i != award_id)
            result = VerifyResult(award_id, False, reason=f"status: index {index} of {org} is also used by {others}",
                                  failed_check="status")
        results.append(result)
        observer.advance()
    observer.finish()
    unsigned = sorted(
        a for a, loaded in registry.awards.items()
        if loaded.record.signed is None and registry.status(loaded.record) == "awarded" and not registry.is_revoked(a)
    )
    return Summary(results, unsigned)


def site_base_from_credential(document: Any) -> str | None:
    """The site URL a credential was published under (its id is <site>/awards/<award-id>/)."""
    cid = document.get("id") if isinstance(document, dict) else None
    if isinstance(cid, str) and cid.endswith("/") and "/awards/" in cid:
        return cid[: cid.rindex("/awards/") + 1]
    return None


def now_utc() -> datetime:
    """Current time (UTC)."""
    return datetime.now(UTC)
