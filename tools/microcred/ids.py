"""Identifiers: every id is a slug, and only a checked slug ever becomes part of a path."""

from __future__ import annotations

import re
import secrets

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
_SLUG = re.compile(SLUG_PATTERN)

#: An award id that cannot be guessed: ends in at least 16 random base-32 characters.
UNGUESSABLE_PATTERN = r"[a-z0-9]{16,}$"
_UNGUESSABLE = re.compile(UNGUESSABLE_PATTERN)
_TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1/o/0: read aloud without confusion


def is_slug(value: object) -> bool:
    """True when `value` is a string of the registry's slug form."""
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def is_unguessable(award_id: str) -> bool:
    """True when an award id ends in a random token long enough to serve as a secret URL."""
    return _UNGUESSABLE.search(award_id) is not None and len(award_id.rsplit("-", 1)[-1]) >= 16


def new_award_id(prefix: str = "") -> str:
    """A fresh award id: an optional slug prefix and a 20-character random token (100 bits)."""
    token = "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(20))
    award_id = f"{prefix}-{token}" if prefix else token
    if not is_slug(award_id):  # a prefix over 43 characters, or not a slug, would make a bad id
        raise ValueError(f"award id prefix {prefix!r} must be a slug of at most 43 characters")
    return award_id
