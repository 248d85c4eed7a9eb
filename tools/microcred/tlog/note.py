"""C2SP signed-note with Ed25519: keys, signing, parsing and verifying notes.

A signed note is a text ending in a newline, a blank line, then signature lines
`— <key name> <base64(4-byte key ID || signature)>` (U+2014 EM DASH, space). The key ID of an
Ed25519 key is the first four bytes of SHA-256(name || "\\n" || 0x01 || 32-byte public key).

Key texts (as golang.org/x/mod/sumdb/note writes them):
  verifier key  `<name>+<8 hex key ID>+<base64(0x01 || public key)>`
  signer key    `PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || 32-byte seed)>`
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

from .errors import NoteError

ALG_ED25519 = 0x01
EM_DASH = "\u2014"
SIG_PREFIX = EM_DASH + " "
#: Notes with more signatures are refused (the spec asks to accept at least 16).
MAX_SIGNATURES = 100
#: A checkpoint is a few hundred bytes; anything far larger is not one of ours.
MAX_NOTE_BYTES = 1 << 20


def is_valid_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces or '+'."""
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, encoded_key: bytes) -> int:
    """The 32-bit key ID: first four bytes of SHA-256(name || 0x0A || type byte || public key)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8") + b"\n" + encoded_key).digest()[:4], "big")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} is not standard base64") from None


@dataclass(frozen=True)
class Verifier:
    """A public Ed25519 note key: checks signatures by one (name, key ID)."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_public_key(cls, name: str, public_key: bytes) -> Verifier:
        """The verifier for a raw 32-byte Ed25519 public key."""
        if not is_valid_name(name):
            raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
        if len(public_key) != 32:
            raise NoteError(f"an Ed25519 public key is 32 bytes, not {len(public_key)}")
        return cls(name, key_id(name, bytes([ALG_ED25519]) + public_key), public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse `<name>+<hex key ID>+<base64 key>`; NoteError saying what is wrong."""
        if vkey.startswith("PRIVATE+KEY+"):
            raise NoteError("this is a private signer key, not a verifier key: it reads <name>+<8 hex digits>+<base64 key>")
        parts = vkey.split("+", 2)  # the base64 key data may itself contain "+"
        if len(parts) != 3:
            raise NoteError("a verifier key reads <name>+<8 hex digits>+<base64 key>")
        name, hex_id, b64 = parts
        if not is_valid_name(name):
            raise NoteError(f"verifier key name {name!r} must be non-empty, without spaces or '+'")
        if len(hex_id) != 8 or any(c not in "0123456789abcdefABCDEF" for c in hex_id):
            raise NoteError(f"verifier key ID {hex_id!r} must be 8 hexadecimal digits")
        key = _b64decode(b64, "verifier key data")
        if not key:
            raise NoteError("verifier key data is empty")
        if int(hex_id, 16) != key_id(name, key):
            raise NoteError(f"verifier key ID {hex_id} does not match the key and name")
        if key[0] != ALG_ED25519:
            raise NoteError(f"unknown verifier key algorithm {key[0]} (only Ed25519, 1, is supported)")
        if len(key) != 33:
            raise NoteError(f"an Ed25519 verifier key holds 32 bytes, not {len(key) - 1}")
        return cls(name, int(hex_id, 16), key[1:])

    @property
    def vkey(self) -> str:
        """The verifier key text."""
        data = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{data}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when `signature` (64 bytes, without the key ID) signs `message`."""
        try:
            nacl.signing.VerifyKey(self.public_key).verify(message, signature)
        except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private Ed25519 note key. The seed never appears in repr or messages."""

    name: str
    key_id: int
    seed: bytes = field(repr=False)

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        """The signer for a 32-byte Ed25519 seed."""
        if len(seed) != 32:
            raise NoteError(f"an Ed25519 seed is 32 bytes, not {len(seed)}")
        public = bytes(nacl.signing.SigningKey(seed).verify_key)
        return cls(name, Verifier.from_public_key(name, public).key_id, seed)

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse `PRIVATE+KEY+<name>+<hex key ID>+<base64 seed>`; NoteError saying what is wrong."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise NoteError("a signer key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>")
        _, _, name, hex_id, b64 = parts
        if not is_valid_name(name):
            raise NoteError(f"signer key name {name!r} must be non-empty, without spaces or '+'")
        if len(hex_id) != 8 or any(c not in "0123456789abcdefABCDEF" for c in hex_id):
            raise NoteError("signer key ID must be 8 hexadecimal digits")
        key = _b64decode(b64, "signer key data")
        if not key:
            raise NoteError("signer key data is empty")
        if key[0] != ALG_ED25519:
            raise NoteError(f"unknown signer key algorithm {key[0]} (only Ed25519, 1, is supported)")
        if len(key) != 33:
            raise NoteError(f"an Ed25519 signer key holds a 32-byte seed, not {len(key) - 1} bytes")
        signer = cls.from_seed(name, key[1:])
        if signer.key_id != int(hex_id, 16):
            raise NoteError("signer key ID does not match the key and name")
        return signer

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key."""
        if not is_valid_name(name):
            raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
        return cls.from_seed(name, bytes(nacl.signing.SigningKey.generate()))

    @property
    def skey(self) -> str:
        """The signer key text (secret)."""
        data = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{data}"

    @property
    def verifier(self) -> Verifier:
        """The matching public key."""
        return Verifier.from_public_key(self.name, bytes(nacl.signing.SigningKey(self.seed).verify_key))

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return nacl.signing.SigningKey(self.seed).sign(message).signature


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: int
    base64: str  # base64(key ID || signature), as written

    @property
    def line(self) -> str:
        """The signature line, with its newline."""
        return f"{SIG_PREFIX}{self.name} {self.base64}\n"


@dataclass(frozen=True)
class Note:
    """A note's text and its signatures: those verified by a known key, and the others."""

    text: str
    verified: tuple[Signature, ...] = ()
    unverified: tuple[Signature, ...] = ()


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note: `text` (ending in a newline), a blank line, one signature line per signer."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_characters(text)
    if not signers:
        raise NoteError("a note needs at least one signer")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        if not is_valid_name(signer.name):
            raise NoteError(f"signer name {signer.name!r} is not a valid key name")
        raw = signer.key_id.to_bytes(4, "big") + signer.sign(message)
        lines.append(Signature(signer.name, signer.key_id, base64.b64encode(raw).decode("ascii")).line)
    return text + "\n" + "".join(lines)


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text):
        if ch < " " and ch != "\n":
            raise NoteError(f"note contains the control character {ch!r} at offset {i}")


def parse_note(message: bytes | str) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and signature lines; NoteError naming the defect."""
    if isinstance(message, bytes):
        if len(message) > MAX_NOTE_BYTES:
            raise NoteError(f"note is larger than {MAX_NOTE_BYTES} bytes")
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as err:
            raise NoteError(f"note is not valid UTF-8 (byte {err.start})") from None
    _check_characters(message)
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block:
        raise NoteError("note has no signature lines after the blank line")
    if not block.endswith("\n"):
        raise NoteError("note's last signature line does not end with a newline")
    signatures: list[Signature] = []
    for number, line in enumerate(block[:-1].split("\n"), start=1):
        if not line.startswith(SIG_PREFIX):
            raise NoteError(f"signature line {number} does not start with an em dash and a space")
        name, sep, b64 = line[len(SIG_PREFIX) :].partition(" ")
        if not sep or not is_valid_name(name):
            raise NoteError(f"signature line {number} has no valid key name")
        raw = _b64decode(b64, f"signature line {number}")
        if len(raw) < 5:
            raise NoteError(f"signature line {number} is too short to hold a key ID and a signature")
        signatures.append(Signature(name, int.from_bytes(raw[:4], "big"), b64))
        if len(signatures) > MAX_SIGNATURES:
            raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return text, signatures


def open_note(message: bytes | str, verifiers: list[Verifier] | tuple[Verifier, ...]) -> Note:
    """Parse and verify a note against known keys.

    Signatures by unknown keys are kept as unverified (the spec says to ignore them); a known key
    whose signature fails rejects the whole note; so does a note no known key signed.
    """
    text, signatures = parse_note(message)
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known and known[(v.name, v.key_id)] != v:
            raise NoteError(f"ambiguous key {v.name}+{v.key_id:08x}: two different keys share the name and ID")
        known[(v.name, v.key_id)] = v
    body = text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if (sig.name, sig.key_id) in seen:
            continue
        seen.add((sig.name, sig.key_id))
        raw = base64.b64decode(sig.base64)
        if not verifier.verify(body, raw[4:]):
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_id:08x}")
        verified.append(sig)
    if not verified:
        names = ", ".join(f"{s.name}+{s.key_id:08x}" for s in signatures)
        wanted = ", ".join(f"{v.name}+{v.key_id:08x}" for v in verifiers) or "none given"
        raise NoteError(f"note has no signature by a known key (signed by {names}; known: {wanted})")
    return Note(text, tuple(verified), tuple(unverified))
