"""base58btc, Ed25519 Multikey and seed handling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.signing import SigningKey

from microcred.errors import KeyMaterialError
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
    verify_key_from,
)

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC_HEX = "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
W3C_SEED_HEX = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"
OB3_PUBLIC = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
OB3_PUBLIC_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
# Legacy form: 0x8026 || seed || public key
OB3_SECRET = "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx"


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"hello world", "StV1DL6CwTryKyV"),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (bytes.fromhex("61"), "2g"),
        (bytes.fromhex("626262"), "a3gV"),
    ],
    ids=["empty", "zero", "leading-zeros", "hello-world", "zeros-then-value", "one-byte", "three-bytes"],
)
def test_base58btc_known_values(raw: bytes, encoded: str) -> None:
    assert base58btc_encode(raw) == encoded
    assert base58btc_decode(encoded) == raw


@given(st.binary(max_size=120))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0abc", "invalid base58btc character '0' at position 0"),
        ("abOc", "invalid base58btc character 'O' at position 2"),
        ("abIc", "'I'"),
        ("abl", "'l'"),
        ("ab c", "' '"),
        ("2" * 300, "at most 256"),
    ],
    ids=["zero", "capital-o", "capital-i", "small-l", "space", "too-long"],
)
def test_base58btc_rejects_bad_text(text: str, message: str) -> None:
    with pytest.raises(KeyMaterialError, match=message.replace("(", r"\(")):
        base58btc_decode(text)


def test_w3c_public_multikey_round_trip() -> None:
    raw = public_key_from_multikey(W3C_PUBLIC)
    assert raw.hex() == W3C_PUBLIC_HEX
    assert multikey_from_public_key(raw) == W3C_PUBLIC


def test_w3c_private_multikey_round_trip() -> None:
    seed = seed_from_private_multikey(W3C_PRIVATE)
    assert seed.hex() == W3C_SEED_HEX
    assert private_multikey_from_seed(seed) == W3C_PRIVATE
    assert public_key_from_seed(seed).hex() == W3C_PUBLIC_HEX


def test_legacy_64_byte_private_key_is_accepted_after_checking_its_public_half() -> None:
    seed = seed_from_private_multikey(OB3_SECRET)
    assert public_key_from_seed(seed).hex() == OB3_PUBLIC_HEX
    assert multikey_from_public_key(bytes.fromhex(OB3_PUBLIC_HEX)) == OB3_PUBLIC


def test_legacy_private_key_with_foreign_public_half_is_refused() -> None:
    seed = bytes(32)
    forged = "z" + base58btc_encode(b"\x80\x26" + seed + bytes.fromhex(OB3_PUBLIC_HEX))
    with pytest.raises(KeyMaterialError, match="public half does not belong"):
        seed_from_private_multikey(forged)


def _z(raw: bytes) -> str:
    return "z" + base58btc_encode(raw)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (W3C_PUBLIC[1:], "must be a multibase base58btc string starting with 'z'"),
        ("u" + W3C_PUBLIC[1:], "starting with 'z'"),
        (_z(b"\xec\x01" + bytes(32)), "not ed25519-pub"),
        (_z(b"\x80\x26" + bytes(32)), "not ed25519-pub"),
        (_z(b"\xed\x01" + bytes(31)), "31 key bytes"),
        (_z(b"\xed\x01" + bytes(33)), "33 key bytes"),
        ("z" + "0" * 40, "invalid base58btc character"),
        ("z", "header none"),
    ],
    ids=["no-prefix", "base64url-prefix", "wrong-codec", "private-codec", "short", "long", "bad-char", "empty"],
)
def test_public_multikey_rejects(value: str, message: str) -> None:
    with pytest.raises(KeyMaterialError, match=message):
        public_key_from_multikey(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_z(b"\xed\x01" + bytes(32)), "not ed25519-priv"),
        (_z(b"\x80\x26" + bytes(31)), "holds 31 bytes"),
        (_z(b"\x80\x26" + bytes(48)), "holds 48 bytes"),
        ("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", "starting with 'z'"),
    ],
    ids=["public-codec", "short", "odd-length", "no-prefix"],
)
def test_private_multikey_rejects(value: str, message: str) -> None:
    with pytest.raises(KeyMaterialError, match=message):
        seed_from_private_multikey(value)


@pytest.mark.parametrize(
    "seed",
    [b"", bytes(31), bytes(33), bytes(64), "0" * 32, None],
    ids=["empty", "31-bytes", "33-bytes", "64-bytes", "str", "none"],
)
def test_bad_seed_is_key_material_error(seed: object) -> None:
    with pytest.raises(KeyMaterialError, match="seed"):
        signing_key_from(seed)  # type: ignore[arg-type]
    with pytest.raises(KeyMaterialError):
        private_multikey_from_seed(seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [b"", bytes(31), bytes(64), "z6Mk"], ids=["empty", "31-bytes", "64-bytes", "str"])
def test_bad_public_key_bytes_are_key_material_errors(key: object) -> None:
    with pytest.raises(KeyMaterialError, match="32 bytes"):
        verify_key_from(key)  # type: ignore[arg-type]
    with pytest.raises(KeyMaterialError):
        multikey_from_public_key(key)  # type: ignore[arg-type]


def test_signing_key_passes_through_and_seed_derives_same_key() -> None:
    seed = generate_seed()
    assert len(seed) == 32 and generate_seed() != seed
    key = SigningKey(seed)
    assert signing_key_from(key) is key
    assert bytes(signing_key_from(seed).verify_key) == bytes(key.verify_key) == public_key_from_seed(seed)


def test_did_key_uses_the_multikey_as_fragment() -> None:
    did, vm = did_key_from_public_key(bytes.fromhex(W3C_PUBLIC_HEX))
    assert did == f"did:key:{W3C_PUBLIC}"
    assert vm == f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
