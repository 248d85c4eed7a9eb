"""W3C Data Integrity proofs with the EdDSA cryptosuites eddsa-jcs-2022 and eddsa-rdfc-2022.

Follows "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation) and "Verifiable Credential
Data Integrity 1.0":

- proof configuration = the proof options (``type``, ``cryptosuite``, ``created``,
  ``verificationMethod``, ``proofPurpose``) plus the document's ``@context``;
- hashData = SHA-256(canonical proof configuration) || SHA-256(canonical document), where the
  document is taken *without* any ``proof`` and canonical means RFC 8785 JCS (jcs suite) or
  RDFC-1.0 N-Quads (rdfc suite);
- signature = Ed25519(hashData); ``proofValue`` = "z" + base58btc(signature).

Proof sets, not chains: :func:`add_proof` appends to ``proof`` (always a list in its output) and
each proof covers the document without any proof, so the proofs can be checked independently
and in any order. ``previousProof`` (chains) is refused by the verifier with a clear reason.

The proofs this module writes match the W3C vectors in shape: the jcs proof carries
``@context`` (the spec has the signer put it there), the rdfc proof does not (its canonical
configuration takes ``@context`` from the document).

This module knows nothing of registry records, keys' validity windows or DID resolution: the
caller picks the key, checks that the verification method is allowed, and passes raw bytes.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final, Literal, get_args

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey

from microcred.errors import CanonicalizationError, KeyMaterialError, SigningError, VerificationError
from microcred.proof.jcs import canonicalize_jcs
from microcred.proof.multikey import base58btc_decode, base58btc_encode, signing_key_from, verify_key_from
from microcred.proof.rdfc import canonicalize_rdfc

__all__ = [
    "CRYPTOSUITES",
    "PROOF_TYPE",
    "Cryptosuite",
    "add_proof",
    "canonicalize",
    "get_proofs",
    "hash_data",
    "proof_configuration",
    "unsecured_document",
    "verify_proof",
    "verify_proof_set",
]

Cryptosuite = Literal["eddsa-jcs-2022", "eddsa-rdfc-2022"]
CRYPTOSUITES: Final[tuple[str, ...]] = get_args(Cryptosuite)
PROOF_TYPE: Final = "DataIntegrityProof"
_SIGNATURE_LENGTH: Final = 64

# XML Schema 1.1 dateTimeStamp (a dateTime that must carry a time zone), as VC Data Integrity
# requires for `created` and `expires`. Day-of-month validity is checked separately.
_DATETIME_STAMP: Final = re.compile(
    r"-?(?P<year>[1-9][0-9]{3,}|0[0-9]{3})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


def _is_datetime_stamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    m = _DATETIME_STAMP.fullmatch(value)
    if m is None:
        return False
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    # calendar handles year 0 (proleptic) poorly; years outside 1..9999 are not awards anyway.
    return 1 <= year <= 9999 and day <= calendar.monthrange(year, month)[1]


def get_proofs(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the document's proofs as a list (a lone proof object becomes a one-item list).

    Raises VerificationError if ``proof`` is neither an object nor a list of objects.
    """
    raw = document.get("proof")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(p, dict) for p in items):
        raise VerificationError("proof must be an object or a list of objects")
    return list(items)


def unsecured_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return a shallow copy of the document without its ``proof`` member."""
    return {k: v for k, v in document.items() if k != "proof"}


def canonicalize(cryptosuite: str, value: Mapping[str, Any]) -> bytes:
    """Return the cryptosuite's canonical bytes of a document or proof configuration."""
    if cryptosuite == "eddsa-jcs-2022":
        return canonicalize_jcs(value)
    if cryptosuite == "eddsa-rdfc-2022":
        return canonicalize_rdfc(value).encode("utf-8")
    raise CanonicalizationError(f"unknown cryptosuite {cryptosuite!r}")


def proof_configuration(proof: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the proof configuration that is hashed: the proof minus ``proofValue``.

    For eddsa-rdfc-2022 the configuration takes the document's ``@context`` (the spec's Proof
    Configuration step); for eddsa-jcs-2022 it is the proof options as they stand, which already
    hold the ``@context`` the signer copied in.
    """
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if proof.get("cryptosuite") == "eddsa-rdfc-2022" and "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(cryptosuite: str, proof_config: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
    """Return SHA-256(canonical proof config) || SHA-256(canonical document): what is signed.

    ``document`` must already be without ``proof``.
    """
    config_hash = hashlib.sha256(canonicalize(cryptosuite, proof_config)).digest()
    document_hash = hashlib.sha256(canonicalize(cryptosuite, document)).digest()
    return config_hash + document_hash


def add_proof(
    document: Mapping[str, Any],
    *,
    seed_or_signing_key: bytes | SigningKey,
    verification_method: str,
    cryptosuite: Cryptosuite,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more Data Integrity proof in its ``proof`` list.

    The new proof signs the document without any existing proof (a proof set, not a chain), so
    adding a second proof keeps and does not cover the first. ``created`` must be an XML Schema
    dateTimeStamp such as ``2024-05-01T12:00:00Z``. The input is not modified.

    Raises KeyMaterialError for a bad seed, SigningError for bad options or an existing
    ``proof`` of the wrong shape, CanonicalizationError if the document cannot be canonicalised
    (for rdfc: an unknown context URL, or data JSON-LD would silently drop).
    """
    if not isinstance(document, Mapping):
        raise SigningError(f"document must be a JSON object, not {type(document).__name__}")
    if cryptosuite not in CRYPTOSUITES:
        raise SigningError(f"unknown cryptosuite {cryptosuite!r}; expected one of {', '.join(CRYPTOSUITES)}")
    if not isinstance(verification_method, str) or not verification_method:
        raise SigningError("verification_method must be a non-empty string (a URL or DID URL)")
    if not isinstance(proof_purpose, str) or not proof_purpose:
        raise SigningError("proof_purpose must be a non-empty string")
    if not _is_datetime_stamp(created):
        raise SigningError(f"created {created!r} is not an XML Schema dateTimeStamp (e.g. 2024-05-01T12:00:00Z)")
    key = signing_key_from(seed_or_signing_key)
    try:
        existing = get_proofs(document)
    except VerificationError as exc:
        raise SigningError(str(exc)) from None

    # Deep copy: the caller keeps an unaliased input and we hash exactly what we return.
    unsecured = copy.deepcopy(unsecured_document(document))
    # Key order follows the W3C test vectors, so a signed document reads like theirs.
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if cryptosuite == "eddsa-jcs-2022" and "@context" in unsecured:
        # Spec step "if unsecuredDocument.@context is present, set proof.@context to it".
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    to_sign = hash_data(cryptosuite, proof_configuration(proof, unsecured), unsecured)
    signature = key.sign(to_sign).signature
    proof["proofValue"] = "z" + base58btc_encode(signature)

    signed = unsecured
    signed["proof"] = copy.deepcopy(existing) + [proof]
    return signed


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key_bytes: bytes,
    *,
    expected_proof_purpose: str | None = "assertionMethod",
) -> None:
    """Verify one Data Integrity proof of ``document`` with a 32-byte Ed25519 public key.

    ``document`` may hold any proofs (all are removed before hashing); ``proof`` is the one to
    check. Returns None on success and raises VerificationError naming the first failure, e.g.
    "unknown cryptosuite 'x'", "proof config @context differs from document",
    "malformed proofValue: ...", "eddsa-jcs-2022 signature does not match". A public key that
    is not 32 bytes raises KeyMaterialError (a caller error, not a property of the document).

    Stricter than the spec in one place, on purpose: a proof ``@context`` must equal the
    document's, where the spec lets it be a prefix (that would let a verifier accept contexts
    appended after signing). Time windows (``created``, ``expires``, key validity) are the
    caller's concern; here they are only checked for form.
    """
    verify_key = verify_key_from(public_key_bytes)
    if not isinstance(document, Mapping):
        raise VerificationError(f"document must be a JSON object, not {type(document).__name__}")
    if not isinstance(proof, Mapping):
        raise VerificationError(f"proof must be a JSON object, not {type(proof).__name__}")
    if proof.get("type") != PROOF_TYPE:
        raise VerificationError(f"proof type {proof.get('type')!r} is not {PROOF_TYPE!r}")
    cryptosuite = proof.get("cryptosuite")
    if cryptosuite not in CRYPTOSUITES:
        raise VerificationError(f"unknown cryptosuite {cryptosuite!r}")
    purpose = proof.get("proofPurpose")
    if expected_proof_purpose is not None and purpose != expected_proof_purpose:
        raise VerificationError(f"proofPurpose {purpose!r} is not the expected {expected_proof_purpose!r}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise VerificationError("proof has no verificationMethod string")
    for field in ("created", "expires"):
        if field in proof and not _is_datetime_stamp(proof[field]):
            raise VerificationError(f"proof {field} {proof[field]!r} is not an XML Schema dateTimeStamp")
    if "previousProof" in proof:
        raise VerificationError("proof chains (previousProof) are not supported")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise VerificationError("proof config @context differs from document")
    signature = _decode_proof_value(proof.get("proofValue"))

    unsecured = unsecured_document(document)
    try:
        to_verify = hash_data(cryptosuite, proof_configuration(proof, unsecured), unsecured)
    except CanonicalizationError as exc:
        raise VerificationError(f"{cryptosuite}: cannot canonicalise: {exc}") from None
    try:
        verify_key.verify(to_verify, signature)
    except BadSignatureError:
        raise VerificationError(f"{cryptosuite} signature does not match") from None


def _decode_proof_value(value: object) -> bytes:
    if not isinstance(value, str):
        raise VerificationError("malformed proofValue: missing or not a string")
    if not value.startswith("z"):
        raise VerificationError("malformed proofValue: not multibase base58btc (must start with 'z')")
    try:
        signature = base58btc_decode(value[1:])
    except KeyMaterialError as exc:
        raise VerificationError(f"malformed proofValue: {exc}") from None
    if len(signature) != _SIGNATURE_LENGTH:
        raise VerificationError(f"malformed proofValue: {len(signature)} bytes, an Ed25519 signature has 64")
    return signature


def verify_proof_set(
    document: Mapping[str, Any],
    public_keys: Mapping[str, bytes],
    *,
    expected_proof_purpose: str | None = "assertionMethod",
    required_cryptosuites: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Verify every proof of ``document``; return the proofs (all verified) in document order.

    ``public_keys`` maps verification-method ids to 32-byte public keys; a proof naming any
    other method fails. Raises VerificationError if the document has no proof, a required
    cryptosuite is missing, or any proof fails (the message says which, by index and suite).
    """
    proofs = get_proofs(document)
    if not proofs:
        raise VerificationError("document has no proof")
    present = {p.get("cryptosuite") for p in proofs}
    missing = [cs for cs in required_cryptosuites if cs not in present]
    if missing:
        raise VerificationError(f"no {', '.join(missing)} proof")
    for index, proof in enumerate(proofs):
        label = f"proof[{index}] ({proof.get('cryptosuite')!s})"
        method = proof.get("verificationMethod")
        key = public_keys.get(method) if isinstance(method, str) else None
        if key is None:
            raise VerificationError(f"{label}: no public key known for verification method {method!r}")
        try:
            verify_proof(document, proof, key, expected_proof_purpose=expected_proof_purpose)
        except VerificationError as exc:
            raise VerificationError(f"{label}: {exc}") from None
    return proofs
