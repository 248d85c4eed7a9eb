"""C2SP tlog-checkpoint: the signed statement "the log <origin> has <size> entries with root <hash>".

Body: `<origin>\\n<size>\\n<base64 root hash>\\n` then optional non-empty extension lines. The
origin of this registry's log is its site URL without the scheme, plus `log`:
`https://microcred.example.org/` -> `microcred.example.org/log`. The log key's name is the origin.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..urls import SiteUrls
from .errors import NoteError
from .merkle import HASH_SIZE
from .note import Signer, Verifier, is_valid_name, open_note, sign_note

#: Where the log lives on the site, relative to the site root.
LOG_PREFIX = "log/"


def log_origin(urls: SiteUrls) -> str:
    """The checkpoint origin (and log key name) for a site: host[:port]/path/log."""
    parts = urlsplit(urls.base)
    origin = f"{parts.netloc}{parts.path}{LOG_PREFIX}".rstrip("/")
    if not is_valid_name(origin):
        raise NoteError(f"the site URL gives the log origin {origin!r}, which may not contain spaces or '+'")
    return origin


@dataclass(frozen=True)
class Checkpoint:
    """A parsed checkpoint body."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text of the checkpoint."""
        if not self.origin or "\n" in self.origin:
            raise NoteError("a checkpoint origin must be one non-empty line")
        if self.size < 0:
            raise NoteError("a checkpoint size cannot be negative")
        if len(self.root) != HASH_SIZE:
            raise NoteError(f"a checkpoint root hash is {HASH_SIZE} bytes, not {len(self.root)}")
        for ext in self.extensions:
            if not ext or "\n" in ext:
                raise NoteError("checkpoint extension lines must be non-empty single lines")
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text; NoteError naming the bad line."""
        if not text.endswith("\n"):
            raise NoteError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError(f"a checkpoint has at least 3 lines (origin, size, root), this one {len(lines)}")
        origin, size_text, root_text, *extensions = lines
        if not origin:
            raise NoteError("checkpoint line 1 (origin) is empty")
        if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise NoteError(f"checkpoint line 2 (tree size) {size_text!r} is not a decimal number without leading zeros")
        try:
            root = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise NoteError("checkpoint line 3 (root hash) is not base64") from None
        if len(root) != HASH_SIZE:
            raise NoteError(f"checkpoint line 3 (root hash) holds {len(root)} bytes, not {HASH_SIZE}")
        for number, ext in enumerate(extensions, start=4):
            if not ext:
                raise NoteError(f"checkpoint line {number} (extension) is empty")
        return cls(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The signed checkpoint note; the key name must be the origin."""
    if signer.name != checkpoint.origin:
        raise NoteError(f"the log key is named {signer.name!r} but the log origin is {checkpoint.origin!r}")
    return sign_note(checkpoint.body(), signer)


def open_checkpoint(message: bytes | str, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint with the log key and parse it; NoteError with the reason."""
    note = open_note(message, [verifier])
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != verifier.name:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not the log key's name {verifier.name!r}")
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"checkpoint is for the log {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint
