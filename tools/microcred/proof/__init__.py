"""microcred.proof: the cryptographic core for signed awards (W3C Data Integrity, EdDSA).

Knows JSON documents, keys and the two cryptosuites; knows nothing of registry records.

Signing and verifying (``microcred.proof.dataintegrity``)::

    add_proof(document, *, seed_or_signing_key, verification_method, cryptosuite, created,
              proof_purpose="assertionMethod") -> dict
        New dict whose "proof" is a list; each proof signs the document *without* any proof
        (a proof set: adding a second keeps the first and does not cover it).
        cryptosuite: "eddsa-jcs-2022" | "eddsa-rdfc-2022"; created: "2024-05-01T12:00:00Z".
    verify_proof(document, proof, public_key_bytes, *, expected_proof_purpose="assertionMethod")
        -> None, or VerificationError with the reason ("eddsa-jcs-2022 signature does not
        match", "proof config @context differs from document", "unknown cryptosuite ...").
    verify_proof_set(document, {verification_method_id: public_key_bytes}, *,
                     required_cryptosuites=()) -> list of verified proofs
    get_proofs(document), unsecured_document(document), proof_configuration(proof, document),
    canonicalize(cryptosuite, obj) -> bytes, hash_data(cryptosuite, config, document) -> bytes

Keys (``microcred.proof.multikey``): a private key is a 32-byte Ed25519 seed.
    multikey_from_public_key(pub) -> "z6Mk...";  public_key_from_multikey(s) -> 32 bytes
    private_multikey_from_seed(seed) -> "z3u2..."; seed_from_private_multikey(s) -> 32 bytes
    public_key_from_seed(seed), signing_key_from(seed_or_key), generate_seed(),
    base58btc_encode / base58btc_decode, did_key_from_public_key(pub) -> (did, vm id)

Canonicalisation: ``jcs.canonicalize_jcs(value) -> bytes`` (RFC 8785 via ``rfc8785``);
``rdfc.canonicalize_rdfc(doc) -> str`` (RDFC-1.0 N-Quads via pyld >= 3.1, with a jsonld.js-like
safe mode that refuses data JSON-LD would silently drop); ``rdfc.warm_up()`` preloads contexts.

Contexts (``microcred.proof.contexts``): ``document_loader`` serves only the contexts packaged
in ``microcred/data/contexts`` (see its NOTICE) and raises CanonicalizationError naming any
other URL. Nothing here ever uses the network.

Errors (``microcred.errors``): KeyMaterialError (bad key bytes or Multikey), SigningError (bad
options), CanonicalizationError (document cannot be canonicalised), VerificationError (proof
does not verify; the message names why).

Caveat for callers: pyld escapes fewer characters in N-Quads than RDFC-1.0 and JavaScript
canonicalisers (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+007F in text; space and
<>"{}|^`\\ in IRIs), so such a document would sign here and fail in every other verifier.
canonicalize_rdfc refuses these documents (CanonicalizationError); record validation should
reject the characters earlier, with a file:line message. Newline, CR and tab are fine.
"""

from __future__ import annotations

from microcred.proof.dataintegrity import (
    CRYPTOSUITES,
    PROOF_TYPE,
    Cryptosuite,
    add_proof,
    canonicalize,
    get_proofs,
    hash_data,
    proof_configuration,
    unsecured_document,
    verify_proof,
    verify_proof_set,
)
from microcred.proof.multikey import (
    base58btc_decode,
    base58btc_encode,
    did_key_from_public_key,
    generate_seed,
    multikey_from_public_key,
    private_multikey_from_seed,
    public_key_from_multikey,
    public_key_from_seed,
    seed_from_private_multikey,
    signing_key_from,
)

__all__ = [
    "CRYPTOSUITES",
    "PROOF_TYPE",
    "Cryptosuite",
    "add_proof",
    "base58btc_decode",
    "base58btc_encode",
    "canonicalize",
    "did_key_from_public_key",
    "generate_seed",
    "get_proofs",
    "hash_data",
    "multikey_from_public_key",
    "private_multikey_from_seed",
    "proof_configuration",
    "public_key_from_multikey",
    "public_key_from_seed",
    "seed_from_private_multikey",
    "signing_key_from",
    "unsecured_document",
    "verify_proof",
    "verify_proof_set",
]
