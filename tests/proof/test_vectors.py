"""Official test vectors, reproduced byte for byte: W3C vc-di-eddsa (jcs, rdfc) and 1EdTech OB 3.0.

The vector files are read at test time from ../shared/standards; the contexts come from the
copies packaged in microcred/data/contexts (the only ones our loader serves).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey
from proofdata import VECTORS, read_json, require_standards

from microcred.proof import (
    add_proof,
    canonicalize,
    hash_data,
    proof_configuration,
    public_key_from_multikey,
    public_key_from_seed,
    seed_from_private_multikey,
    unsecured_document,
    verify_proof,
)


@dataclass(frozen=True)
class Vector:
    """One vector set; None where the publisher gives no file for that step."""

    id: str
    cryptosuite: str
    folder: str
    keypair: str
    signed: str
    canon_doc: str
    canon_proof: str
    proof_config: str | None = None
    doc_hash: str | None = None
    proof_hash: str | None = None
    combined_hash: str | None = None
    sig_hex: str | None = None
    sig_b58: str | None = None

    def path(self, name: str) -> Path:
        require_standards()
        return VECTORS / self.folder / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8").strip()

    def signed_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = read_json(self.path(self.signed))
        return doc

    def seed(self) -> bytes:
        keys = read_json(VECTORS / self.keypair)
        secret = keys.get("privateKeyMultibase") or keys["secretKeyMultibase"]
        return seed_from_private_multikey(secret)

    def public_key(self) -> bytes:
        return public_key_from_multikey(read_json(VECTORS / self.keypair)["publicKeyMultibase"])

    def config(self) -> dict[str, Any]:
        """The proof configuration: the published one, or the signed proof minus proofValue."""
        if self.proof_config is not None:
            published: dict[str, Any] = read_json(self.path(self.proof_config))
            return published
        signed = self.signed_doc()
        return proof_configuration(signed["proof"], unsecured_document(signed))


W3C_JCS = Vector(
    id="w3c-eddsa-jcs-2022", cryptosuite="eddsa-jcs-2022", folder="eddsa-jcs-2022",
    keypair="keyPair.json", signed="signedJCS.json", canon_doc="canonDocJCS.txt",
    canon_proof="proofCanonJCS.txt", proof_config="proofConfigJCS.json", doc_hash="docHashJCS.txt",
    proof_hash="proofHashJCS.txt", combined_hash="combinedHashJCS.txt", sig_hex="sigHexJCS.txt",
    sig_b58="sigBTC58JCS.txt",
)
W3C_RDFC = Vector(
    id="w3c-eddsa-rdfc-2022", cryptosuite="eddsa-rdfc-2022", folder="eddsa-rdfc-2022",
    keypair="keyPair.json", signed="signedDataInt.json", canon_doc="canonDocDataInt.txt",
    canon_proof="proofCanonDataInt.txt", proof_config="proofConfigDataInt.json",
    doc_hash="docHashDataInt.txt", proof_hash="proofHashDataInt.txt",
    combined_hash="combinedHashDataInt.txt", sig_hex="sigHexDataInt.txt", sig_b58="sigBTC58DataInt.txt",
)
OB3_RDFC = Vector(
    id="1edtech-ob3-eddsa-rdfc-2022", cryptosuite="eddsa-rdfc-2022", folder="ob3-linked-data-proof",
    keypair="ob3-linked-data-proof/keyPair.json", signed="signed-credential.json",
    canon_doc="document-canon.txt", canon_proof="proof-canon.txt",
)
ALL = [W3C_JCS, W3C_RDFC, OB3_RDFC]
WITH_HASHES = [W3C_JCS, W3C_RDFC]


def ids(vectors: list[Vector]) -> list[str]:
    return [v.id for v in vectors]


@pytest.mark.parametrize("v", ALL, ids=ids(ALL))
def test_canonical_document_is_byte_identical(v: Vector) -> None:
    doc = unsecured_document(v.signed_doc())
    assert canonicalize(v.cryptosuite, doc) == v.path(v.canon_doc).read_bytes()


@pytest.mark.parametrize("v", ALL, ids=ids(ALL))
def test_canonical_proof_config_is_byte_identical(v: Vector) -> None:
    assert canonicalize(v.cryptosuite, v.config()) == v.path(v.canon_proof).read_bytes()


@pytest.mark.parametrize("v", WITH_HASHES, ids=ids(WITH_HASHES))
def test_published_proof_config_is_what_we_derive_from_the_signed_proof(v: Vector) -> None:
    signed = v.signed_doc()
    derived = proof_configuration(signed["proof"], unsecured_document(signed))
    assert derived == read_json(v.path(v.proof_config or ""))


@pytest.mark.parametrize("v", WITH_HASHES, ids=ids(WITH_HASHES))
def test_hashes_match(v: Vector) -> None:
    doc = unsecured_document(v.signed_doc())
    assert hashlib.sha256(canonicalize(v.cryptosuite, doc)).hexdigest() == v.text(v.doc_hash or "")
    assert hashlib.sha256(canonicalize(v.cryptosuite, v.config())).hexdigest() == v.text(v.proof_hash or "")
    assert hash_data(v.cryptosuite, v.config(), doc).hex() == v.text(v.combined_hash or "")


@pytest.mark.parametrize("v", WITH_HASHES, ids=ids(WITH_HASHES))
def test_signature_matches(v: Vector) -> None:
    combined = bytes.fromhex(v.text(v.combined_hash or ""))
    signature = SigningKey(v.seed()).sign(combined).signature
    assert signature.hex() == v.text(v.sig_hex or "")
    assert v.signed_doc()["proof"]["proofValue"] == v.text(v.sig_b58 or "")


@pytest.mark.parametrize("v", ALL, ids=ids(ALL))
def test_key_pair_is_consistent(v: Vector) -> None:
    assert public_key_from_seed(v.seed()) == v.public_key()


@pytest.mark.parametrize("v", ALL, ids=ids(ALL))
def test_published_signed_document_verifies(v: Vector) -> None:
    signed = v.signed_doc()
    verify_proof(signed, signed["proof"], v.public_key())


@pytest.mark.parametrize("v", ALL, ids=ids(ALL))
def test_add_proof_reproduces_the_signed_document(v: Vector) -> None:
    signed = v.signed_doc()
    published = signed["proof"]
    ours = add_proof(
        unsecured_document(signed),
        seed_or_signing_key=v.seed(),
        verification_method=published["verificationMethod"],
        cryptosuite=v.cryptosuite,  # type: ignore[arg-type]
        created=published["created"],
        proof_purpose=published["proofPurpose"],
    )
    # Same members, same order (so the same JSON text), as a one-proof set.
    assert ours["proof"] == [published]
    assert list(ours["proof"][0]) == list(published) or v is OB3_RDFC  # 1EdTech orders keys differently
    assert {k: val for k, val in ours.items() if k != "proof"} == unsecured_document(signed)
    assert list(ours) == list(signed)


def test_ob3_vector_public_key_hex_matches_multikey() -> None:
    keys = read_json(VECTORS / OB3_RDFC.keypair)
    assert bytes.fromhex(keys["publicKeyHex"]) == OB3_RDFC.public_key()


def test_vectors_folder_is_present() -> None:
    assert (require_standards() / "test-vectors" / "keyPair.json").is_file()
