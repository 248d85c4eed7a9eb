"""Bitstring Status List v1.0: the revocation list of one issuer, as a signed credential.

The list has at least 131,072 bits (16 KiB, so that one award's bit hides among many), is
gzip-compressed and written as multibase base64url without padding ("u..."). Bit order: index 0
is the most significant bit of the first byte.

Where it lives: ``issuers/<org>.status-list.json``, beside the profile, committed by CI on main
(``microcred sign`` writes it whenever the issuer's set of revoked awards changes). Keys exist
only in CI, and the site build has none, so the signed bytes travel through Git and the site
publishes them unchanged at ``urls.status_list(org)``. Revocation records are the source of truth;
the file is their signed projection, and :func:`status_list_is_current` says whether it is
up to date.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import VerificationError
from .keys import iso
from .ob3 import VC_CONTEXT
from .urls import SiteUrls

MIN_BITS = 131_072


def encode_bits(indexes: Iterable[int], length: int = MIN_BITS) -> str:
    """The encodedList of a list of `length` bits with `indexes` set."""
    size = max(length, MIN_BITS)
    raw = bytearray((size + 7) // 8)
    for index in indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list of {size} bits")
        raw[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 makes the gzip bytes a pure function of the bits (idempotent rebuilds).
    packed = gzip.compress(bytes(raw), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The raw bitstring of an encodedList; VerificationError when malformed."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise VerificationError("status list encodedList is not multibase base64url ('u...')")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        raw = gzip.decompress(packed)
    except (ValueError, OSError, EOFError) as err:
        raise VerificationError(f"status list encodedList cannot be decoded: {err}") from None
    if len(raw) * 8 < MIN_BITS:
        raise VerificationError(f"status list has {len(raw) * 8} bits; at least {MIN_BITS} are required")
    return raw


def bit(raw: bytes, index: int) -> bool:
    """Whether bit `index` is set (index 0 = most significant bit of the first byte)."""
    if not 0 <= index < len(raw) * 8:
        raise VerificationError(f"status index {index} is outside the list of {len(raw) * 8} bits")
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def set_indexes(raw: bytes) -> set[int]:
    """Every set index of a raw bitstring."""
    found = set()
    for i, byte in enumerate(raw):
        if byte:
            for b in range(8):
                if byte & (0x80 >> b):
                    found.add(i * 8 + b)
    return found


def status_list_credential(urls: SiteUrls, org: str, revoked: Iterable[int], valid_from: datetime) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential of `org` with the `revoked` indexes set."""
    url = urls.url(urls.status_list(org))
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.did(org),
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(sorted(set(revoked))),
        },
    }


def status_file(root: Path, org: str) -> Path:
    """Where the signed status list of `org` is committed: issuers/<org>.status-list.json."""
    return root / "issuers" / f"{org}.status-list.json"


def read_status_file(path: Path) -> tuple[bytes, dict[str, Any]] | None:
    """The committed file's bytes and parsed document, or None when absent or unreadable."""
    try:
        data = path.read_bytes()
        doc = json.loads(data)
    except (OSError, ValueError):
        return None
    return (data, doc) if isinstance(doc, dict) else None


def revoked_in(document: dict[str, Any]) -> set[int]:
    """The set indexes of a status list credential (VerificationError if malformed)."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise VerificationError("status list credential has no credentialSubject")
    return set_indexes(decode_bits(subject.get("encodedList", "")))


def status_list_is_current(document: dict[str, Any] | None, revoked: set[int]) -> bool:
    """True when a status list document sets exactly the `revoked` indexes."""
    if document is None:
        return False
    try:
        return revoked_in(document) == revoked
    except VerificationError:
        return False


def dumps(document: dict[str, Any]) -> bytes:
    """The committed and published bytes of a signed status list (stable, ASCII)."""
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True) + "\n").encode("ascii")
