"""Offline context loading and the RDFC-1.0 canonicaliser's safe mode."""

from __future__ import annotations

import copy
import json
import socket
from typing import Any

import pytest
from proofdata import VECTORS, read_json, require_standards

from microcred.errors import CanonicalizationError
from microcred.proof.contexts import context_path, document_loader, load_context, packaged_context_urls
from microcred.proof.jcs import canonicalize_jcs
from microcred.proof.rdfc import canonicalize_rdfc, warm_up

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


# ---------------------------------------------------------------- context loader


@pytest.mark.parametrize("url", sorted(packaged_context_urls()))
def test_loader_serves_each_packaged_context_unchanged(url: str) -> None:
    remote = document_loader(url, {})
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    assert remote["tag"] == "static"  # lets pyld cache the processed context
    assert remote["document"] == json.loads(context_path(url).read_bytes())


@pytest.mark.parametrize(
    "url",
    [
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://www.w3.org/ns/credentials/v2/",  # near miss: trailing slash
        "http://www.w3.org/ns/credentials/v2",  # near miss: http
        "file:///etc/passwd",
    ],
    ids=["ed25519-2020", "vc-v1", "ob-unversioned", "trailing-slash", "http-scheme", "file-url"],
)
def test_unknown_url_is_refused_with_its_name(url: str) -> None:
    with pytest.raises(CanonicalizationError, match="not packaged") as info:
        document_loader(url)
    assert url in str(info.value)


def test_loaded_contexts_are_private_copies() -> None:
    first = load_context(CREDENTIALS_V2)
    first["@context"]["VerifiableCredential"] = "tampered"
    assert load_context(CREDENTIALS_V2)["@context"]["VerifiableCredential"] != "tampered"


def test_unknown_context_in_a_document_names_the_url() -> None:
    doc = {"@context": [CREDENTIALS_V2, "https://contexts.example/evil.jsonld"], "id": "urn:x"}
    with pytest.raises(CanonicalizationError, match="https://contexts.example/evil.jsonld"):
        canonicalize_rdfc(doc)


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Canonicalise every vector and an unknown-context document with sockets disabled."""

    def no_network(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    require_standards()
    for name in ["eddsa-rdfc-2022/signedDataInt.json", "ob3-linked-data-proof/signed-credential.json"]:
        doc = read_json(VECTORS / name)
        doc.pop("proof")
        canonicalize_rdfc(doc)
    with pytest.raises(CanonicalizationError, match="not packaged"):
        canonicalize_rdfc({"@context": "https://unpackaged.example/ctx", "id": "urn:x"})


def test_warm_up_processes_every_packaged_context() -> None:
    warm_up()


# ---------------------------------------------------------------- safe mode


def _base(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_303],
        "id": "urn:uuid:3f0c2a9e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "Example"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a/1",
                "type": ["Achievement"],
                "name": "A",
                "description": "D",
                "criteria": {"narrative": "N"},
            },
        },
    }
    doc.update(extra)
    return doc


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def test_base_document_canonicalises() -> None:
    assert canonicalize_rdfc(_base()).endswith(" .\n")


UNSAFE = [
    # (id, path, value, expected message fragment)
    ("undefined-top-level-term", ("favouriteColour",), "blue", "'favouriteColour' is not defined"),
    ("undefined-nested-term", ("credentialSubject", "achievement", "shoeSize"), 42, "'shoeSize' is not defined"),
    ("relative-node-id", ("issuer", "id"), "issuers/example", "id 'issuers/example'"),
    ("relative-achievement-id", ("credentialSubject", "achievement", "id"), "a/1", "id 'a/1'"),
    ("undefined-type", ("type",), ["VerifiableCredential", "FancyCredential"], "type 'FancyCredential'"),
    ("relative-credential-id", ("id",), "award-1", "id 'award-1'"),
    ("form-feed-in-text", ("name",), "Bad\x0cge", "U\\+000C"),
    ("nul-in-text", ("name",), "Bad\x00ge", "U\\+0000"),
    ("delete-in-text", ("credentialSubject", "achievement", "description"), "x\x7fy", "U\\+007F"),
    ("vertical-tab-in-text", ("name",), "a\x0bb", "U\\+000B"),
    ("brace-in-iri", ("credentialSubject", "achievement", "id"), "https://example.org/a{1}", "U\\+007B"),
]


@pytest.mark.parametrize(("path", "value", "message"), [u[1:] for u in UNSAFE], ids=[u[0] for u in UNSAFE])
def test_data_that_would_be_silently_dropped_or_diverge_is_refused(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    doc = _set(_base(), path, value)
    with pytest.raises(CanonicalizationError, match=message):
        canonicalize_rdfc(doc)
    # JCS signs JSON as it is: the same document is fine there.
    canonicalize_jcs(doc)


SAFE_TEXT = [
    ("newline", "line 1\nline 2"),
    ("crlf", "line 1\r\nline 2"),
    ("tab", "a\tb"),
    ("quote-backslash", 'say "hi" \\o/'),
    ("non-ascii", "Évaluation formative — naïve 🎓"),
    ("line-separator", "a\u2028b"),
]


@pytest.mark.parametrize("text", [t[1] for t in SAFE_TEXT], ids=[t[0] for t in SAFE_TEXT])
def test_text_that_all_canonicalisers_escape_alike_is_accepted(text: str) -> None:
    canonicalize_rdfc(_set(_base(), ("name",), text))


def test_invalid_json_ld_is_a_canonicalization_error() -> None:
    with pytest.raises(CanonicalizationError, match="RDFC-1.0"):
        canonicalize_rdfc({"@context": {"@version": 2.0}, "id": "urn:x"})


def test_inline_context_terms_are_accepted() -> None:
    doc = {"@context": {"name": "https://schema.org/name"}, "@id": "urn:x", "name": "n"}
    assert canonicalize_rdfc(doc) == '<urn:x> <https://schema.org/name> "n" .\n'


def test_json_values_that_jcs_cannot_carry_are_refused() -> None:
    for bad in [float("nan"), 2**60, {1: "non-string key"}]:
        with pytest.raises(CanonicalizationError, match="JCS"):
            canonicalize_jcs({"x": bad})
