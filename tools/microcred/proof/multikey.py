"""Ed25519 key material: base58btc, Multikey encoding and signing-key handling.

Formats (W3C Controlled Identifiers "Multikey", multicodec table):

- public key:  ``"z" + base58btc(0xed 0x01 || 32-byte public key)``   (``z6Mk...``)
- private key: ``"z" + base58btc(0x80 0x26 || 32-byte seed)``          (``z3u2...``)

Digital Bazaar's older tools (and 1EdTech's OB 3.0 example key) write the private key as
``0x80 0x26 || seed || public key`` (64 bytes after the header); :func:`seed_from_private_multikey`
accepts that form too, after checking that the public half belongs to the seed.

base58btc is written here (about twenty lines) rather than taken from a library: no base58
package is a dependency of the project, the alphabet and algorithm are fixed by the Bitcoin/
multibase specifications, and the W3C test vectors plus a round-trip property test pin it down.
Its inputs are tiny (34-byte keys, 64-byte signatures), so Python's big integers are fast enough.
"""

from __future__ import annotations

import secrets
from typing import Final

from nacl.exceptions import CryptoError
from nacl.signing import SigningKey, VerifyKey

from microcred.errors import KeyMaterialError

__all__ = [
    "BASE58_ALPHABET",
    "ED25519_PRIV_HEADER",
    "ED25519_PUB_HEADER",
    "PUBLIC_KEY_LENGTH",
    "SEED_LENGTH",
    "base58btc_decode",
    "base58btc_encode",
    "did_key_from_public_key",
    "generate_seed",
    "multikey_from_public_key",
    "private_multikey_from_seed",
    "public_key_from_multikey",
    "public_key_from_seed",
    "seed_from_private_multikey",
    "signing_key_from",
    "verify_key_from",
]

BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(BASE58_ALPHABET)}

#: multicodec varint for ed25519-pub (0xed)
ED25519_PUB_HEADER: Final = b"\xed\x01"
#: multicodec varint for ed25519-priv (0x1300)
ED25519_PRIV_HEADER: Final = b"\x80\x26"
SEED_LENGTH: Final = 32
PUBLIC_KEY_LENGTH: Final = 32

# Nothing legitimate here is longer than a 66-byte legacy private key (about 91 characters);
# the cap keeps a hostile multi-megabyte string from costing quadratic big-integer time.
_MAX_B58_CHARS: Final = 256


def base58btc_encode(data: bytes) -> str:
    """Encode bytes as base58btc (Bitcoin alphabet), without the multibase ``z`` prefix."""
    # Leading zero bytes carry no numeric value, so base58 writes each one as a "1".
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    digits: list[str] = []
    while n:
        n, r = divmod(n, 58)
        digits.append(BASE58_ALPHABET[r])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc text (no multibase prefix) to bytes.

    Raises KeyMaterialError naming the first character outside the alphabet, or if the text is
    implausibly long for key or signature material.
    """
    if not isinstance(text, str):
        raise KeyMaterialError(f"base58btc input must be a string, not {type(text).__name__}")
    if len(text) > _MAX_B58_CHARS:
        raise KeyMaterialError(f"base58btc input is {len(text)} characters; at most {_MAX_B58_CHARS} allowed")
    n = 0
    for pos, ch in enumerate(text):
        value = _B58_INDEX.get(ch)
        if value is None:
            raise KeyMaterialError(f"invalid base58btc character {ch!r} at position {pos}")
        n = n * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def _decode_multibase_z(text: str, what: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise KeyMaterialError(f"{what} must be a multibase base58btc string starting with 'z'")
    try:
        return base58btc_decode(text[1:])
    except KeyMaterialError as exc:
        raise KeyMaterialError(f"{what}: {exc}") from None


def multikey_from_public_key(public_key: bytes) -> str:
    """Return the Ed25519 Multikey (``z6Mk...``) for a 32-byte public key."""
    if not isinstance(public_key, (bytes, bytearray)) or len(public_key) != PUBLIC_KEY_LENGTH:
        raise KeyMaterialError(f"an Ed25519 public key is {PUBLIC_KEY_LENGTH} bytes")
    return "z" + base58btc_encode(ED25519_PUB_HEADER + bytes(public_key))


def public_key_from_multikey(multikey: str) -> bytes:
    """Return the 32 raw public-key bytes of an Ed25519 Multikey (``publicKeyMultibase``)."""
    raw = _decode_multibase_z(multikey, "publicKeyMultibase")
    if raw[:2] != ED25519_PUB_HEADER:
        raise KeyMaterialError(
            f"publicKeyMultibase has multicodec header {raw[:2].hex() or 'none'}, not ed25519-pub (ed01)"
        )
    key = raw[2:]
    if len(key) != PUBLIC_KEY_LENGTH:
        raise KeyMaterialError(f"publicKeyMultibase holds {len(key)} key bytes, not {PUBLIC_KEY_LENGTH}")
    return key


def private_multikey_from_seed(seed: bytes) -> str:
    """Return the Multikey form (``z3u2...``) of a 32-byte Ed25519 private-key seed."""
    _check_seed(seed)
    return "z" + base58btc_encode(ED25519_PRIV_HEADER + bytes(seed))


def seed_from_private_multikey(multikey: str) -> bytes:
    """Return the 32-byte seed from an Ed25519 private Multikey (``secretKeyMultibase``).

    Accepts the Multikey form (header + 32-byte seed) and the legacy form
    (header + seed + public key), whose public half must match the seed.
    """
    raw = _decode_multibase_z(multikey, "secretKeyMultibase")
    if raw[:2] != ED25519_PRIV_HEADER:
        raise KeyMaterialError(
            f"secretKeyMultibase has multicodec header {raw[:2].hex() or 'none'}, not ed25519-priv (8026)"
        )
    body = raw[2:]
    if len(body) == SEED_LENGTH:
        return body
    if len(body) == SEED_LENGTH + PUBLIC_KEY_LENGTH:
        seed, public = body[:SEED_LENGTH], body[SEED_LENGTH:]
        if public_key_from_seed(seed) != public:
            raise KeyMaterialError("secretKeyMultibase: the public half does not belong to the seed")
        return seed
    raise KeyMaterialError(
        f"secretKeyMultibase holds {len(body)} bytes; expected a {SEED_LENGTH}-byte seed "
        f"(or {SEED_LENGTH + PUBLIC_KEY_LENGTH} bytes seed + public key)"
    )


def _check_seed(seed: object) -> None:
    if not isinstance(seed, (bytes, bytearray)):
        raise KeyMaterialError(f"an Ed25519 seed must be bytes, not {type(seed).__name__}")
    if len(seed) != SEED_LENGTH:
        raise KeyMaterialError(f"an Ed25519 seed is {SEED_LENGTH} bytes, got {len(seed)}")


def generate_seed() -> bytes:
    """Return a fresh random 32-byte Ed25519 seed from the operating system's CSPRNG."""
    return secrets.token_bytes(SEED_LENGTH)


def signing_key_from(seed_or_signing_key: bytes | SigningKey) -> SigningKey:
    """Return a PyNaCl SigningKey from a 32-byte seed (or pass a SigningKey through)."""
    if isinstance(seed_or_signing_key, SigningKey):
        return seed_or_signing_key
    _check_seed(seed_or_signing_key)
    try:
        return SigningKey(bytes(seed_or_signing_key))
    except CryptoError as exc:  # pragma: no cover - libsodium accepts every 32-byte seed
        raise KeyMaterialError(f"invalid Ed25519 seed: {exc}") from None


def public_key_from_seed(seed: bytes) -> bytes:
    """Return the 32-byte Ed25519 public key belonging to a 32-byte seed."""
    return bytes(signing_key_from(seed).verify_key)


def verify_key_from(public_key: bytes) -> VerifyKey:
    """Return a PyNaCl VerifyKey for 32 raw public-key bytes (KeyMaterialError otherwise)."""
    if not isinstance(public_key, (bytes, bytearray)) or len(public_key) != PUBLIC_KEY_LENGTH:
        got = len(public_key) if isinstance(public_key, (bytes, bytearray)) else type(public_key).__name__
        raise KeyMaterialError(f"an Ed25519 public key is {PUBLIC_KEY_LENGTH} bytes, got {got}")
    return VerifyKey(bytes(public_key))


def did_key_from_public_key(public_key: bytes) -> tuple[str, str]:
    """Return ``(did, verification_method_id)`` of the did:key for an Ed25519 public key.

    did:key is handy for tests and examples; the registry itself uses did:web.
    """
    mk = multikey_from_public_key(public_key)
    return f"did:key:{mk}", f"did:key:{mk}#{mk}"
