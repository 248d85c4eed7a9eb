"""Tampering: any change to a signed award, its proofs or the key makes verification fail, with a reason."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from proofdata import DATA, read_json

from microcred.errors import KeyMaterialError, VerificationError
from microcred.proof import base58btc_decode, base58btc_encode, public_key_from_seed, verify_proof

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]  # order of the proofs in the signed_ob3 fixture


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path, value


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str) and "://" in value or isinstance(value, str) and value.startswith(("did:", "urn:")):
        return value + "x"  # stays an absolute IRI, so rdfc must notice through the signature
    if isinstance(value, str):
        return value + " (edited)"
    raise AssertionError(f"unexpected leaf {value!r}")


def _at(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


# Every leaf of the unsigned sample (outside @context, which has its own cases below).
_SAMPLE = read_json(DATA / "ob3-achievement-credential.json")
LEAVES = [(p, v) for p, v in _leaves(_SAMPLE) if p[0] != "@context"]


def _path_id(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
@pytest.mark.parametrize(("path", "value"), LEAVES, ids=[_path_id(p) for p, _ in LEAVES])
def test_changing_any_field_breaks_every_proof(path: tuple[Any, ...], value: Any, suite_index: int,
                                               signed_ob3: dict[str, Any], test_public_key: bytes) -> None:
    tampered = _at(signed_ob3, path, _changed(value))
    proof = signed_ob3["proof"][suite_index]
    # Under rdfc an edited type can also un-define the terms it scopes; safe mode then refuses
    # the document before any signature check. Either way it fails, and says why.
    expected = f"{SUITES[suite_index]} signature does not match"
    if SUITES[suite_index] == "eddsa-rdfc-2022":
        expected += "|eddsa-rdfc-2022: cannot canonicalise: .* would be left out of the signature"
    with pytest.raises(VerificationError, match=expected):
        verify_proof(tampered, proof, test_public_key)


STRUCTURAL = [
    # (id, mutate) -- changes that are not a single leaf edit
    ("remove-description", lambda d: d.pop("description")),
    ("remove-evidence", lambda d: d.pop("evidence")),
    ("remove-issuer-description", lambda d: d["issuer"].pop("description")),
    ("add-tag", lambda d: d["credentialSubject"]["achievement"]["tag"].append("extra")),
    ("drop-type", lambda d: d["type"].pop()),
    ("add-validUntil", lambda d: d.update(validUntil="2030-01-01T00:00:00Z")),
    ("swap-alignment-for-copy", lambda d: d["credentialSubject"]["achievement"]["alignment"].append(
        copy.deepcopy(d["credentialSubject"]["achievement"]["alignment"][0]) | {"targetCode": "5.2"})),
]


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
@pytest.mark.parametrize("mutate", [s[1] for s in STRUCTURAL], ids=[s[0] for s in STRUCTURAL])
def test_structural_changes_break_every_proof(mutate: Any, suite_index: int, signed_copy: dict[str, Any],
                                              test_public_key: bytes) -> None:
    proof = copy.deepcopy(signed_copy["proof"][suite_index])
    mutate(signed_copy)
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_proof(signed_copy, proof, test_public_key)


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
def test_undefined_term_added_after_signing(suite_index: int, signed_copy: dict[str, Any],
                                            test_public_key: bytes) -> None:
    """rdfc would not even see an undefined term; the safe mode turns it into a failure."""
    signed_copy["credentialSubject"]["internalNote"] = "added later"
    with pytest.raises(VerificationError, match="signature does not match|internalNote"):
        verify_proof(signed_copy, signed_copy["proof"][suite_index], test_public_key)


CONTEXT_TAMPER = [
    ("append-extensions", lambda c: c + ["https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]),
    ("drop-ob-context", lambda c: c[:1]),
    ("unknown-context", lambda c: c + ["https://contexts.example/evil"]),
]


@pytest.mark.parametrize("change", [c[1] for c in CONTEXT_TAMPER], ids=[c[0] for c in CONTEXT_TAMPER])
def test_jcs_proof_context_must_equal_document_context(change: Any, signed_copy: dict[str, Any],
                                                       test_public_key: bytes) -> None:
    signed_copy["@context"] = change(signed_copy["@context"])
    with pytest.raises(VerificationError, match="proof config @context differs from document"):
        verify_proof(signed_copy, signed_copy["proof"][1], test_public_key)


@pytest.mark.parametrize("change", [c[1] for c in CONTEXT_TAMPER[1:]], ids=[c[0] for c in CONTEXT_TAMPER[1:]])
def test_rdfc_proof_fails_when_document_context_changes_meaning(change: Any, signed_copy: dict[str, Any],
                                                        test_public_key: bytes) -> None:
    signed_copy["@context"] = change(signed_copy["@context"])
    with pytest.raises(VerificationError, match="eddsa-rdfc-2022"):
        verify_proof(signed_copy, signed_copy["proof"][0], test_public_key)


def test_proof_context_that_differs_is_refused_even_for_rdfc(signed_copy: dict[str, Any],
                                                            test_public_key: bytes) -> None:
    proof = {**signed_copy["proof"][0], "@context": ["https://www.w3.org/ns/credentials/v2"]}
    with pytest.raises(VerificationError, match="proof config @context differs from document"):
        verify_proof(signed_copy, proof, test_public_key)


def _flip_signature_bit(value: str) -> str:
    raw = bytearray(base58btc_decode(value[1:]))
    raw[10] ^= 0x01
    return "z" + base58btc_encode(bytes(raw))


PROOF_TAMPER = [
    # (id, changes to the proof, expected message; {suite} is filled in)
    ("created", {"created": "2024-05-01T12:00:01Z"}, "{suite} signature does not match"),
    ("verificationMethod", {"verificationMethod": "did:web:microcred.example.org:issuers:other#key-1"},
     "{suite} signature does not match"),
    ("proofValue-bit-flip", {"proofValue": _flip_signature_bit}, "{suite} signature does not match"),
    ("proofValue-missing", {"proofValue": None}, "malformed proofValue: missing"),
    ("proofValue-number", {"proofValue": 42}, "malformed proofValue: missing or not a string"),
    ("proofValue-base64url", {"proofValue": lambda v: "u" + v[1:]}, "malformed proofValue: not multibase base58btc"),
    ("proofValue-bad-char", {"proofValue": lambda v: v[:5] + "0" + v[6:]},
     "malformed proofValue: invalid base58btc character '0' at position 4"),
    ("proofValue-truncated", {"proofValue": lambda v: v[:40]}, "malformed proofValue: .* bytes, an Ed25519 signature has 64"),
    ("proofValue-empty", {"proofValue": ""}, "malformed proofValue: not multibase"),
    ("cryptosuite-unknown", {"cryptosuite": "eddsa-2022"}, "unknown cryptosuite 'eddsa-2022'"),
    ("cryptosuite-missing", {"cryptosuite": None}, "unknown cryptosuite None"),
    ("type", {"type": "Ed25519Signature2020"}, "proof type 'Ed25519Signature2020' is not 'DataIntegrityProof'"),
    ("proofPurpose", {"proofPurpose": "authentication"},
     "proofPurpose 'authentication' is not the expected 'assertionMethod'"),
    ("created-malformed", {"created": "yesterday"}, "proof created 'yesterday' is not an XML Schema dateTimeStamp"),
    ("expires-malformed", {"expires": "2030-01-01"}, "proof expires '2030-01-01' is not an XML Schema dateTimeStamp"),
    ("verificationMethod-missing", {"verificationMethod": None}, "no verificationMethod"),
    ("previousProof", {"previousProof": "urn:uuid:1"}, "proof chains \\(previousProof\\) are not supported"),
    ("expires-added", {"expires": "2030-01-01T00:00:00Z"}, "{suite} signature does not match"),
]


def _apply(proof: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(proof)
    for key, change in changes.items():
        if change is None:
            out.pop(key, None)
        elif callable(change):
            out[key] = change(out[key])
        else:
            out[key] = change
    return out


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
@pytest.mark.parametrize(("changes", "message"), [t[1:] for t in PROOF_TAMPER], ids=[t[0] for t in PROOF_TAMPER])
def test_tampered_proof_fails_with_reason(changes: dict[str, Any], message: str, suite_index: int,
                                          signed_ob3: dict[str, Any], test_public_key: bytes) -> None:
    proof = _apply(signed_ob3["proof"][suite_index], changes)
    with pytest.raises(VerificationError, match=message.format(suite=SUITES[suite_index])):
        verify_proof(signed_ob3, proof, test_public_key)


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
def test_suite_swap_fails(suite_index: int, signed_ob3: dict[str, Any], test_public_key: bytes) -> None:
    proof = dict(signed_ob3["proof"][suite_index])
    proof["cryptosuite"] = SUITES[1 - suite_index]
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_proof(signed_ob3, proof, test_public_key)


@pytest.mark.parametrize("suite_index", [0, 1], ids=SUITES)
def test_wrong_key_fails(suite_index: int, signed_ob3: dict[str, Any]) -> None:
    other = public_key_from_seed(bytes(32))
    with pytest.raises(VerificationError, match=f"{SUITES[suite_index]} signature does not match"):
        verify_proof(signed_ob3, signed_ob3["proof"][suite_index], other)


@pytest.mark.parametrize("key", [b"", bytes(31), bytes(33)], ids=["empty", "31-bytes", "33-bytes"])
def test_malformed_key_is_key_material_error(key: bytes, signed_ob3: dict[str, Any]) -> None:
    with pytest.raises(KeyMaterialError, match="32 bytes"):
        verify_proof(signed_ob3, signed_ob3["proof"][1], key)


def test_purpose_check_can_be_left_to_the_caller(signed_ob3: dict[str, Any], test_public_key: bytes) -> None:
    proof = signed_ob3["proof"][1]
    verify_proof(signed_ob3, proof, test_public_key, expected_proof_purpose=None)
    with pytest.raises(VerificationError, match="not the expected 'authentication'"):
        verify_proof(signed_ob3, proof, test_public_key, expected_proof_purpose="authentication")


@pytest.mark.parametrize(
    ("document", "proof", "message"),
    [
        ("not a dict", {}, "document must be a JSON object"),
        ({}, "not a dict", "proof must be a JSON object"),
    ],
    ids=["document-string", "proof-string"],
)
def test_non_objects_are_refused(document: Any, proof: Any, message: str, test_public_key: bytes) -> None:
    with pytest.raises(VerificationError, match=message):
        verify_proof(document, proof, test_public_key)


def test_signed_sample_survives_a_json_round_trip(signed_ob3: dict[str, Any], test_public_key: bytes,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "award.json"
    path.write_text(json.dumps(signed_ob3, ensure_ascii=False, indent=2), encoding="utf-8")
    reread = json.loads(path.read_text(encoding="utf-8"))
    for proof in reread["proof"]:
        verify_proof(reread, proof, test_public_key)



def _reorder_keys(d: dict[str, Any]) -> None:
    items = list(d.items())
    d.clear()
    d.update(reversed(items))


RDF_EQUIVALENT = [
    # (id, mutate, what the jcs proof says: None = still valid)
    ("issuer-name-also-given-on-creator", lambda d: d["issuer"].pop("name"),
     "eddsa-jcs-2022 signature does not match"),
    ("context-adding-unused-terms",
     lambda d: d["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"),
     "proof config @context differs from document"),
    ("json-key-order", _reorder_keys, None),
]


@pytest.mark.parametrize(("mutate", "jcs_error"), [r[1:] for r in RDF_EQUIVALENT], ids=[r[0] for r in RDF_EQUIVALENT])
def test_rdfc_signs_meaning_not_bytes_so_jcs_is_the_byte_check(mutate: Any, jcs_error: str | None,
                                                                signed_copy: dict[str, Any],
                                                                test_public_key: bytes) -> None:
    """rdfc signs the RDF graph: an issuer whose name is also stated on the achievement's creator
    (same id) loses nothing in RDF when one copy goes; a context that only adds unused terms
    changes nothing either. That is the spec, not a weakness to fix here. The jcs proof, which
    the site and registry checks rely on, catches such edits; JCS sorts keys, so key order is free."""
    rdfc, jcs = copy.deepcopy(signed_copy["proof"])
    mutate(signed_copy)
    verify_proof(signed_copy, rdfc, test_public_key)
    if jcs_error is None:
        verify_proof(signed_copy, jcs, test_public_key)
    else:
        with pytest.raises(VerificationError, match=jcs_error):
            verify_proof(signed_copy, jcs, test_public_key)
