"""add_proof / verify_proof: proof sets, options, and precise failure reasons."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey
from proofdata import TEST_CREATED, TEST_SEED

from microcred.errors import CanonicalizationError, KeyMaterialError, SigningError, VerificationError
from microcred.proof import (
    add_proof,
    get_proofs,
    public_key_from_seed,
    unsecured_document,
    verify_proof,
    verify_proof_set,
)

SUITES = ["eddsa-jcs-2022", "eddsa-rdfc-2022"]


def _sign(doc: dict[str, Any], suite: str, vm: str, **kw: Any) -> dict[str, Any]:
    return add_proof(doc, seed_or_signing_key=TEST_SEED, verification_method=vm, cryptosuite=suite,  # type: ignore[arg-type]
                     created=kw.pop("created", TEST_CREATED), **kw)


@pytest.mark.parametrize("suite", SUITES)
def test_sign_then_verify(suite: str, ob3_credential: dict[str, Any], verification_method: str,
                          test_public_key: bytes) -> None:
    signed = _sign(ob3_credential, suite, verification_method)
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    proof = signed["proof"][0]
    assert proof["cryptosuite"] == suite and proof["proofValue"].startswith("z")
    # jcs proofs carry the document @context (as in the W3C vector); rdfc proofs do not.
    assert ("@context" in proof) == (suite == "eddsa-jcs-2022")
    verify_proof(signed, proof, test_public_key)


def test_proof_set_keeps_first_proof_and_each_verifies_alone(
    signed_ob3: dict[str, Any], ob3_credential: dict[str, Any], verification_method: str, test_public_key: bytes
) -> None:
    rdfc, jcs = signed_ob3["proof"]
    assert (rdfc["cryptosuite"], jcs["cryptosuite"]) == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
    only_rdfc = _sign(ob3_credential, "eddsa-rdfc-2022", verification_method)
    assert only_rdfc["proof"] == [rdfc]  # adding the jcs proof did not touch the first
    for proof in (rdfc, jcs):
        verify_proof(signed_ob3, proof, test_public_key)
        # Not chained: each proof verifies on the document without the other one, too.
        verify_proof({**unsecured_document(signed_ob3), "proof": [proof]}, proof, test_public_key)
        verify_proof(unsecured_document(signed_ob3), proof, test_public_key)


def test_proof_order_does_not_matter(ob3_credential: dict[str, Any], verification_method: str,
                                     signed_ob3: dict[str, Any]) -> None:
    jcs_first = _sign(_sign(ob3_credential, "eddsa-jcs-2022", verification_method), "eddsa-rdfc-2022",
                      verification_method)
    assert jcs_first["proof"] == list(reversed(signed_ob3["proof"]))


def test_input_is_not_modified_and_output_is_not_aliased(ob3_credential: dict[str, Any],
                                                          verification_method: str) -> None:
    before = json.dumps(ob3_credential, sort_keys=True)
    signed = _sign(ob3_credential, "eddsa-jcs-2022", verification_method)
    assert json.dumps(ob3_credential, sort_keys=True) == before
    signed["credentialSubject"]["achievement"]["name"] = "changed"
    signed["@context"].append("x")
    assert json.dumps(ob3_credential, sort_keys=True) == before


def test_single_proof_object_becomes_a_list(ob3_credential: dict[str, Any], verification_method: str,
                                            test_public_key: bytes) -> None:
    first = _sign(ob3_credential, "eddsa-rdfc-2022", verification_method)
    lone = {**first, "proof": first["proof"][0]}
    both = _sign(lone, "eddsa-jcs-2022", verification_method)
    assert both["proof"][0] == first["proof"][0] and len(both["proof"]) == 2
    assert get_proofs(lone) == first["proof"]
    verify_proof_set(both, {verification_method: test_public_key})


def test_signing_key_object_works_like_its_seed(ob3_credential: dict[str, Any], verification_method: str) -> None:
    by_seed = _sign(ob3_credential, "eddsa-jcs-2022", verification_method)
    by_key = add_proof(ob3_credential, seed_or_signing_key=SigningKey(TEST_SEED),
                       verification_method=verification_method, cryptosuite="eddsa-jcs-2022", created=TEST_CREATED)
    assert by_seed == by_key


@pytest.mark.parametrize(
    "created",
    ["2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00+02:00", "2024-02-29T00:00:00-05:30", "2024-05-01T24:00:00Z"],
    ids=["fraction", "offset", "leap-day", "end-of-day"],
)
def test_valid_created_values(created: str, ob3_credential: dict[str, Any], verification_method: str,
                              test_public_key: bytes) -> None:
    signed = _sign(ob3_credential, "eddsa-jcs-2022", verification_method, created=created)
    verify_proof(signed, signed["proof"][0], test_public_key)


BAD_OPTIONS = [
    ("unknown-suite", {"cryptosuite": "eddsa-2022"}, SigningError, "unknown cryptosuite 'eddsa-2022'"),
    ("ecdsa-suite", {"cryptosuite": "ecdsa-rdfc-2019"}, SigningError, "unknown cryptosuite"),
    ("no-timezone", {"created": "2024-05-01T12:00:00"}, SigningError, "not an XML Schema dateTimeStamp"),
    ("date-only", {"created": "2024-05-01"}, SigningError, "dateTimeStamp"),
    ("feb-30", {"created": "2024-02-30T00:00:00Z"}, SigningError, "dateTimeStamp"),
    ("not-leap", {"created": "2023-02-29T00:00:00Z"}, SigningError, "dateTimeStamp"),
    ("space-separator", {"created": "2024-05-01 12:00:00Z"}, SigningError, "dateTimeStamp"),
    ("empty-vm", {"verification_method": ""}, SigningError, "verification_method"),
    ("empty-purpose", {"proof_purpose": ""}, SigningError, "proof_purpose"),
    ("short-seed", {"seed_or_signing_key": bytes(16)}, KeyMaterialError, "32 bytes"),
    ("hex-seed", {"seed_or_signing_key": "00" * 32}, KeyMaterialError, "must be bytes"),
]


@pytest.mark.parametrize(("override", "error", "message"), [b[1:] for b in BAD_OPTIONS], ids=[b[0] for b in BAD_OPTIONS])
def test_bad_signing_options(override: dict[str, Any], error: type[Exception], message: str,
                             ob3_credential: dict[str, Any], verification_method: str) -> None:
    kwargs: dict[str, Any] = {
        "seed_or_signing_key": TEST_SEED, "verification_method": verification_method,
        "cryptosuite": "eddsa-jcs-2022", "created": TEST_CREATED,
    }
    kwargs.update(override)
    with pytest.raises(error, match=message):
        add_proof(ob3_credential, **kwargs)


@pytest.mark.parametrize("bad", ["a string", 42, ["not", "objects"]], ids=["string", "number", "list-of-strings"])
def test_existing_proof_of_wrong_shape_cannot_be_extended(bad: Any, ob3_credential: dict[str, Any],
                                                           verification_method: str) -> None:
    with pytest.raises(SigningError, match="proof must be an object"):
        _sign({**ob3_credential, "proof": bad}, "eddsa-jcs-2022", verification_method)


def test_rdfc_refuses_a_document_with_undefined_terms_jcs_signs_it(ob3_credential: dict[str, Any],
                                                                    verification_method: str) -> None:
    doc = {**ob3_credential, "internalNote": "not in any context"}
    with pytest.raises(CanonicalizationError, match="internalNote"):
        _sign(doc, "eddsa-rdfc-2022", verification_method)
    _sign(doc, "eddsa-jcs-2022", verification_method)


# ---------------------------------------------------------------- verify_proof_set


def test_verify_proof_set_returns_all_proofs(signed_ob3: dict[str, Any], verification_method: str,
                                             test_public_key: bytes) -> None:
    proofs = verify_proof_set(signed_ob3, {verification_method: test_public_key},
                              required_cryptosuites=("eddsa-rdfc-2022", "eddsa-jcs-2022"))
    assert [p["cryptosuite"] for p in proofs] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def test_verify_proof_set_failures(signed_ob3: dict[str, Any], verification_method: str,
                                   test_public_key: bytes) -> None:
    keys = {verification_method: test_public_key}
    with pytest.raises(VerificationError, match="document has no proof"):
        verify_proof_set(unsecured_document(signed_ob3), keys)
    with pytest.raises(VerificationError, match="no public key known for verification method"):
        verify_proof_set(signed_ob3, {"did:web:other#key-1": test_public_key})
    only_jcs = {**signed_ob3, "proof": [signed_ob3["proof"][1]]}
    with pytest.raises(VerificationError, match="no eddsa-rdfc-2022 proof"):
        verify_proof_set(only_jcs, keys, required_cryptosuites=("eddsa-rdfc-2022",))
    tampered = copy.deepcopy(signed_ob3)
    tampered["name"] = "Forged"
    with pytest.raises(VerificationError, match=r"proof\[0\] \(eddsa-rdfc-2022\): eddsa-rdfc-2022 signature"):
        verify_proof_set(tampered, keys)


# ---------------------------------------------------------------- properties


_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(extra=st.dictionaries(_text.filter(lambda k: k not in ("proof", "@context")), _json, max_size=5))
def test_jcs_signs_and_verifies_arbitrary_json(extra: dict[str, Any]) -> None:
    """JCS covers any JSON, whatever its characters: sign, verify, and detect a changed byte."""
    vm = "did:example:issuer#key-1"
    signed = _sign({"@context": ["https://www.w3.org/ns/credentials/v2"], **extra}, "eddsa-jcs-2022", vm)
    proof = signed["proof"][0]
    public = public_key_from_seed(TEST_SEED)
    verify_proof(signed, proof, public)
    changed = {**signed, "zzz-added": True}
    with pytest.raises(VerificationError, match="eddsa-jcs-2022 signature does not match"):
        verify_proof(changed, proof, public)
