"""C2SP signed-note and tlog-checkpoint: the Go note package's vectors byte for byte, bad notes refused."""

from __future__ import annotations

import base64

import pytest

from microcred.tlog.checkpoint import Checkpoint, log_origin, open_checkpoint, sign_checkpoint
from microcred.tlog.errors import NoteError
from microcred.tlog.merkle import EMPTY_ROOT
from microcred.tlog.note import Signer, Verifier, key_id, open_note, parse_note, sign_note
from microcred.urls import SiteUrls

# golang.org/x/mod/sumdb/note note_test.go
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = ("\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6"
             "RyyBwJnAM=\n")
ENOCH_SIG = ("\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1R"
             "vMc+QQ=\n")


def test_go_vector_signs_byte_for_byte() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    assert sign_note(TEXT, signer) == TEXT + "\n" + PETER_SIG
    assert signer.verifier.vkey == PETER_VKEY
    assert signer.skey == PETER_SKEY


def test_go_vector_key_ids() -> None:
    peter = Verifier.from_vkey(PETER_VKEY)
    assert peter.key_id == 0xC74F20A3 == key_id("PeterNeumann", b"\x01" + peter.public_key)
    assert Verifier.from_vkey(ENOCH_VKEY).key_id == 0xAF0CFE78


def test_go_vector_opens_with_one_known_key() -> None:
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [Verifier.from_vkey(PETER_VKEY)])
    assert note.text == TEXT
    assert [s.name for s in note.verified] == ["PeterNeumann"]
    assert [s.name for s in note.unverified] == ["EnochRoot"]


def test_go_vector_opens_with_both_keys() -> None:
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [Verifier.from_vkey(PETER_VKEY), Verifier.from_vkey(ENOCH_VKEY)])
    assert [s.name for s in note.verified] == ["PeterNeumann", "EnochRoot"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        pytest.param(TEXT, "no blank line", id="no-signatures"),
        pytest.param(TEXT + "\n", "no signature lines", id="blank-line-only"),
        pytest.param(TEXT + "\n" + PETER_SIG[:-1], "newline", id="no-final-newline"),
        pytest.param("\x01" + TEXT + "\n" + PETER_SIG, "control character", id="control-character"),
        pytest.param(TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
                     "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "base64", id="space-in-name"),
        pytest.param(TEXT + "\n" + PETER_SIG + "Unexpected line.\n", "em dash", id="unexpected-line"),
        pytest.param(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], "invalid signature", id="bad-signature"),
        pytest.param(TEXT + "\n" + ENOCH_SIG, "no signature by a known key", id="unknown-key-only"),
        pytest.param(TEXT + "\n" + PETER_SIG * 101, "more than 100", id="too-many-signatures"),
        pytest.param(TEXT + "\n" + "\u2014 PeterNeumann AAAA\n", "too short", id="short-signature"),
    ],
)
def test_malformed_notes_are_refused_with_a_reason(message: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        open_note(message, [Verifier.from_vkey(PETER_VKEY)])


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(NoteError, match="UTF-8"):
        parse_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode())


@pytest.mark.parametrize(
    ("vkey", "reason"),
    [
        pytest.param(PETER_VKEY[:-4], "base64|32 bytes|does not match", id="truncated"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f20a4"), "does not match", id="wrong-id"),
        pytest.param("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", "32 bytes|does not match",
                     id="wrong-length-key"),
        pytest.param("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "algorithm|does not match",
                     id="unknown-algorithm"),
        pytest.param("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name", id="space-in-name"),
        pytest.param("PeterNeumann+c74f20a3", "reads", id="missing-key"),
        pytest.param(PETER_SKEY, "reads", id="private-key-given"),
    ],
)
def test_malformed_vkeys_are_refused(vkey: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        Verifier.from_vkey(vkey)


def test_every_mangled_vkey_is_refused() -> None:
    """As the Go tests do: every proper substring and every one-byte change fails."""
    b = PETER_VKEY
    for i in range(len(b)):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(NoteError):
                    Verifier.from_vkey(b[i:j])
    for i in range(len(b)):
        mangled = b[:i] + chr(ord(b[i]) + 1) + b[i + 1:]
        with pytest.raises(NoteError):
            Verifier.from_vkey(mangled)


@pytest.mark.parametrize(
    "skey",
    [
        pytest.param(PETER_SKEY.replace("PRIVATE+KEY", "PUBLIC+KEY"), id="not-private"),
        pytest.param(PETER_SKEY.replace("c74f20a3", "c74f20a4"), id="wrong-id"),
        pytest.param(PETER_SKEY[:-4], id="truncated"),
        pytest.param(PETER_VKEY, id="public-key-given"),
    ],
)
def test_malformed_skeys_are_refused(skey: str) -> None:
    with pytest.raises(NoteError):
        Signer.from_skey(skey)


def test_signer_repr_hides_the_seed() -> None:
    signer = Signer.from_skey(PETER_SKEY)
    assert "AYEKFALV" not in repr(signer) and str(signer.seed) not in repr(signer)


def test_generated_keys_round_trip() -> None:
    signer = Signer.generate("example.org/log")
    again = Signer.from_skey(signer.skey)
    assert again.verifier.vkey == Verifier.from_vkey(signer.verifier.vkey).vkey
    note = sign_note("hello\n", signer)
    assert open_note(note, [signer.verifier]).text == "hello\n"


# -- checkpoints -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("site", "origin"),
    [
        pytest.param("https://microcred.example.org/", "microcred.example.org/log", id="root"),
        pytest.param("https://example.org/registry/", "example.org/registry/log", id="path"),
        pytest.param("http://127.0.0.1:8000/", "127.0.0.1:8000/log", id="port"),
    ],
)
def test_origin_from_site_url(site: str, origin: str) -> None:
    assert log_origin(SiteUrls.from_site_url(site)) == origin


def test_checkpoint_body_and_signature() -> None:
    signer = Signer.generate("example.org/log")
    cp = Checkpoint("example.org/log", 0, EMPTY_ROOT)
    assert cp.body() == "example.org/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    signed = sign_checkpoint(cp, signer)
    assert open_checkpoint(signed, signer.verifier, "example.org/log") == cp


def test_c2sp_checkpoint_example_parses() -> None:
    cp = Checkpoint.parse("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    assert cp.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("o\n1\n", "at least 3 lines", id="too-short"),
        pytest.param("\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "origin", id="empty-origin"),
        pytest.param("o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "leading zeros", id="leading-zero"),
        pytest.param("o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "decimal", id="negative"),
        pytest.param("o\n1\nnot base64!\n", "base64", id="bad-root"),
        pytest.param("o\n1\nAAAA\n", "3 bytes", id="short-root"),
        pytest.param("o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n", "extension", id="empty-extension"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str, reason: str) -> None:
    with pytest.raises(NoteError, match=reason):
        Checkpoint.parse(text)


def test_checkpoint_by_another_key_or_origin_is_refused() -> None:
    signer, other = Signer.generate("example.org/log"), Signer.generate("example.org/log")
    signed = sign_checkpoint(Checkpoint("example.org/log", 3, EMPTY_ROOT), signer)
    with pytest.raises(NoteError, match="no signature by a known key"):
        open_checkpoint(signed, other.verifier)
    with pytest.raises(NoteError, match="expected 'elsewhere.org/log'"):
        open_checkpoint(signed, signer.verifier, "elsewhere.org/log")
    with pytest.raises(NoteError, match="origin"):
        sign_checkpoint(Checkpoint("elsewhere.org/log", 3, EMPTY_ROOT), signer)
