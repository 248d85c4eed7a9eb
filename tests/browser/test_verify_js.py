"""The in-browser verifier (tools/microcred/site/assets/verify.js) in headless Chromium.

Every fixture is made here from Python: a did:web DID document with keys in several states, OB 3.0
credentials signed with eddsa-jcs-2022 (good ones and spoiled ones), Bitstring Status Lists, and
award pages built from fixtures/award.html. The signer below is deliberately independent of the
package's own (tools/microcred/proof/): the browser is checked against the standards, not
against our other code.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import shutil
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

nacl_signing = pytest.importorskip("nacl.signing")
rfc8785 = pytest.importorskip("rfc8785")

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "tools" / "microcred" / "site" / "assets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VECTORS = REPO.parent / "shared" / "standards" / "test-vectors"

SITE_URL = "https://microcred.example.org/"
ISSUER_DID = "did:web:microcred.example.org:issuers:test-org"
STATUS_LIST_URL = SITE_URL + "status/revocation-1.json"
TAMPERED_LIST_URL = SITE_URL + "status/revocation-tampered.json"
MISMATCH_DID = "did:web:microcred.example.org:issuers:mismatch-org"

PROOF_CREATED = "2025-06-01T12:00:00Z"
REVOKED_INDEX = 13
# Index 10 reads the same byte as 13; a verifier with the bit order backwards (LSB first) would
# read bit 13's mask for index 10 and wrongly call the "verified" award revoked.
GOOD_INDEX = 10

# --------------------------------------------------------------------------------------------
# A minimal eddsa-jcs-2022 signer (W3C VC DI EdDSA v1.0, section 3.3)
# --------------------------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    """base58btc, Bitcoin alphabet."""
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def multikey(verify_key: Any) -> str:
    """Ed25519 Multikey: "z" + base58btc(0xed 0x01 || key)."""
    return "z" + b58encode(b"\xed\x01" + bytes(verify_key))


def signing_key(seed_byte: int) -> Any:
    """A deterministic key, so failures reproduce."""
    return nacl_signing.SigningKey(bytes([seed_byte]) * 32)


def sign_jcs(document: dict[str, Any], key: Any, verification_method: str, created: str) -> dict[str, Any]:
    """Return ``document`` with an eddsa-jcs-2022 proof appended to its proof set."""
    doc = copy.deepcopy(document)
    existing = doc.pop("proof", [])
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    config = {**proof, "@context": doc["@context"]}
    hash_data = hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(doc)).digest()
    proof["proofValue"] = "z" + b58encode(key.sign(hash_data).signature)
    doc["proof"] = [*existing, proof]
    return doc


# A decoy first in every proof set: the verifier must pick the jcs proof, not the first one.
DECOY_RDFC_PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": PROOF_CREATED,
    "verificationMethod": ISSUER_DID + "#key-1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z" + b58encode(b"\x01" * 64),
}

# --------------------------------------------------------------------------------------------
# The issuer's keys and DID document
# --------------------------------------------------------------------------------------------

KEYS = {
    "key-1": signing_key(1),  # current: valid 2024 .. 2099
    "key-revoked": signing_key(2),  # compromised: revoked 2025-03-01
    "key-retired": signing_key(3),  # retired: valid 2023 .. 2025-01-01
    "key-future": signing_key(4),  # not valid before 2099
    "key-auth-only": signing_key(5),  # published but not an assertionMethod
    "key-other-controller": signing_key(6),  # listed, but controlled by another DID
}
STRANGER = signing_key(99)  # nobody's key

KEY_WINDOWS = {
    "key-1": {"microcred:notBefore": "2024-01-01T00:00:00Z", "microcred:notAfter": "2099-01-01T00:00:00Z"},
    "key-revoked": {
        "microcred:notBefore": "2024-01-01T00:00:00Z",
        "microcred:revokedAt": "2025-03-01T00:00:00Z",
    },
    "key-retired": {
        "microcred:notBefore": "2023-01-01T00:00:00Z",
        "microcred:notAfter": "2025-01-01T00:00:00Z",
    },
    "key-future": {"microcred:notBefore": "2099-01-01T00:00:00Z"},
    "key-auth-only": {},
    "key-other-controller": {},
}


def did_document(did: str) -> dict[str, Any]:
    """The issuer's did:web document, with microcred's key-window fields on each key."""
    methods = [
        {
            "id": f"{did}#{name}",
            "type": "Multikey",
            "controller": "did:web:elsewhere.example.net" if name == "key-other-controller" else did,
            "publicKeyMultibase": multikey(KEYS[name].verify_key),
            **KEY_WINDOWS[name],
        }
        for name in KEYS
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        # Relative and absolute references are both legal; use one of each.
        "assertionMethod": [
            "#key-1",
            f"{did}#key-revoked",
            f"{did}#key-retired",
            f"{did}#key-future",
            {"id": f"{did}#key-other-controller"},
        ],
        "authentication": [f"{did}#key-auth-only"],
    }


# --------------------------------------------------------------------------------------------
# Credentials and status lists
# --------------------------------------------------------------------------------------------

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def credential(site_url: str, did: str, slug: str, **overrides: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 AchievementCredential for award ``slug``."""
    doc: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": f"{site_url}awards/test-org/{slug}/credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Test Org \u2014 Teaching Lab"},
        "validFrom": "2025-06-01T00:00:00Z",
        "name": "Formative Assessment Practitioner",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "ab" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": f"{site_url}credentials/test-org/formative-assessment/",
                "type": ["Achievement"],
                "name": "Formative Assessment Practitioner",
                "description": "Uses exit tickets and hinge questions to adjust teaching \u00e0 la minute.",
                "criteria": {"narrative": "Evidence of three cycles of formative assessment."},
                # Numbers exercise JCS number serialisation on both sides.
                "creditHours": 2.5,
            },
        },
        "credentialStatus": {
            "id": f"{STATUS_LIST_URL}#{GOOD_INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(GOOD_INDEX),
            "statusListCredential": STATUS_LIST_URL,
        },
    }
    doc.update(overrides)
    return doc


def encoded_list(set_bits: list[int], length_bits: int = 131_072) -> str:
    """Bitstring Status List v1.0 encodedList: "u" + base64url(gzip(bits)), bit 0 = MSB of byte 0."""
    bits = bytearray(length_bits // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def status_list(url: str, did: str, set_bits: list[int]) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(set_bits),
        },
    }


# --------------------------------------------------------------------------------------------
# Building a site on disk
# --------------------------------------------------------------------------------------------


@dataclass
class Site:
    """A generated static site: its directory and the award pages in it, by case id."""

    root: Path
    site_url: str
    pages: dict[str, str] = field(default_factory=dict)  # case id -> page path relative to root


def write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")


def write_award_page(site: Site, slug: str, doc: dict[str, Any], *, with_site_root: bool = True) -> str:
    """Write awards/test-org/<slug>/{credential.json,index.html}; return the page's relative path."""
    folder = site.root / "awards" / "test-org" / slug
    write_json(folder / "credential.json", doc)
    template = string.Template((FIXTURES / "award.html").read_text(encoding="utf-8"))
    html = template.substitute(
        title=f"fixture {slug}",
        root="../../../",
        credential="credential.json",
        site_url=site.site_url,
        site_root_attr=' data-site-root="../../../"' if with_site_root else "",
        production_url=f"{site.site_url}awards/test-org/{slug}/credential.json",
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    rel = f"awards/test-org/{slug}/index.html"
    site.pages[slug] = rel
    return rel


def copy_assets(root: Path) -> None:
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for name in ("verify.js", "verify-panel.css"):
        shutil.copy(ASSETS / name, root / "assets" / name)
    shutil.copy(FIXTURES / "blank.html", root / "blank.html")


def spoil(doc: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A copy of a signed document changed after signing."""
    spoiled = copy.deepcopy(doc)
    edit(spoiled)
    return spoiled


def jcs_proof(doc: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in doc["proof"] if p["cryptosuite"] == "eddsa-jcs-2022")


def signed(
    doc: dict[str, Any], key_name: str = "key-1", *, key: Any = None, created: str = PROOF_CREATED
) -> dict[str, Any]:
    """``doc`` with the decoy rdfc proof and a jcs proof by ``key_name`` (or by ``key``, claiming ``key_name``)."""
    did = doc["issuer"]["id"] if isinstance(doc["issuer"], dict) else doc["issuer"]
    with_decoy = {**doc, "proof": [DECOY_RDFC_PROOF]}
    return sign_jcs(with_decoy, key or KEYS[key_name], f"{did}#{key_name}", created)


@dataclass(frozen=True)
class Case:
    """One award page and what the verifier must say about it."""

    id: str
    status: str
    code: str
    reason_has: str
    build: Callable[[], dict[str, Any]]


def _cred(slug: str, **kw: Any) -> dict[str, Any]:
    return credential(SITE_URL, ISSUER_DID, slug, **kw)


def _set_name(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["name"] = "Chief Inspector of Schools"


def _backdate(doc: dict[str, Any]) -> None:
    jcs_proof(doc)["created"] = "2025-01-01T00:00:00Z"


CASES = [
    Case("verified", "verified", "ok", "Signed by Test Org", lambda: signed(_cred("verified"))),
    Case(
        "tampered-name",
        "invalid",
        "signature-mismatch",
        "altered",
        lambda: spoil(signed(_cred("tampered-name")), _set_name),
    ),
    Case(
        "wrong-key",
        "invalid",
        "signature-mismatch",
        "signature does not match",
        lambda: signed(_cred("wrong-key"), "key-1", key=STRANGER),
    ),
    Case(
        "key-revoked-before-proof",
        "invalid",
        "key-revoked",
        "revoked on 2025-03-01",
        lambda: signed(_cred("key-revoked-before-proof"), "key-revoked"),
    ),
    # Moving `created` to before the revocation breaks the signature: the date is signed too.
    Case(
        "backdated-proof",
        "invalid",
        "signature-mismatch",
        "signature does not match",
        lambda: spoil(signed(_cred("backdated-proof"), "key-revoked"), _backdate),
    ),
    Case(
        "proof-after-not-after",
        "invalid",
        "key-expired",
        "after its key was retired",
        lambda: signed(_cred("proof-after-not-after"), "key-retired"),
    ),
    Case(
        "proof-before-not-before",
        "invalid",
        "key-not-yet-valid",
        "before its key became valid",
        lambda: signed(_cred("proof-before-not-before"), "key-future"),
    ),
    Case(
        "key-not-assertion-method",
        "invalid",
        "not-assertion-key",
        "assertionMethod",
        lambda: signed(_cred("key-not-assertion-method"), "key-auth-only"),
    ),
    Case(
        "key-other-controller",
        "invalid",
        "bad-controller",
        "is not controlled by",
        lambda: signed(_cred("key-other-controller"), "key-other-controller"),
    ),
    # The DID document found at the issuer's URL belongs to someone else.
    Case(
        "did-document-mismatch",
        "invalid",
        "did-mismatch",
        "is not for",
        lambda: signed(
            _cred(
                "did-document-mismatch", issuer={"id": MISMATCH_DID, "type": ["Profile"], "name": "Mismatch"}
            )
        ),
    ),
    Case(
        "unknown-key",
        "invalid",
        "unknown-key",
        "does not publish the key",
        lambda: signed(_cred("unknown-key"), "key-nobody", key=STRANGER),
    ),
    Case(
        "expired",
        "expired",
        "expired",
        "expired on 2025-12-31",
        lambda: signed(_cred("expired", validUntil="2025-12-31T00:00:00Z")),
    ),
    Case(
        "not-yet-valid",
        "invalid",
        "not-yet-valid",
        "not valid before 2099",
        lambda: signed(_cred("not-yet-valid", validFrom="2099-01-01T00:00:00Z")),
    ),
    Case(
        "revoked-bit",
        "revoked",
        "status-revocation",
        "revoked this award",
        lambda: signed(
            _cred(
                "revoked-bit",
                credentialStatus={
                    "id": f"{STATUS_LIST_URL}#{REVOKED_INDEX}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(REVOKED_INDEX),
                    "statusListCredential": STATUS_LIST_URL,
                },
            )
        ),
    ),
    # Revocation outranks expiry.
    Case(
        "revoked-and-expired",
        "revoked",
        "status-revocation",
        "revoked this award",
        lambda: signed(
            _cred(
                "revoked-and-expired",
                validUntil="2025-12-31T00:00:00Z",
                credentialStatus={
                    "id": f"{STATUS_LIST_URL}#{REVOKED_INDEX}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(REVOKED_INDEX),
                    "statusListCredential": STATUS_LIST_URL,
                },
            )
        ),
    ),
    Case(
        "status-list-tampered",
        "invalid",
        "signature-mismatch",
        "status list's signature",
        lambda: signed(
            _cred(
                "status-list-tampered",
                credentialStatus={
                    "id": f"{TAMPERED_LIST_URL}#{GOOD_INDEX}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(GOOD_INDEX),
                    "statusListCredential": TAMPERED_LIST_URL,
                },
            )
        ),
    ),
    Case(
        "foreign-did",
        "unsupported",
        "foreign-origin",
        "microcred verify",
        lambda: signed(
            _cred(
                "foreign-did",
                issuer={
                    "id": "did:web:issuer.example.net:issuers:elsewhere",
                    "type": ["Profile"],
                    "name": "Elsewhere",
                },
            )
        ),
    ),
    Case(
        "foreign-status-list",
        "unsupported",
        "foreign-origin",
        "microcred verify",
        lambda: signed(
            _cred(
                "foreign-status-list",
                credentialStatus={
                    "id": "https://status.example.net/list.json#10",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "10",
                    "statusListCredential": "https://status.example.net/list.json",
                },
            )
        ),
    ),
    Case(
        "no-jcs-proof",
        "invalid",
        "no-proof",
        "no eddsa-jcs-2022 proof",
        lambda: {**_cred("no-jcs-proof"), "proof": [DECOY_RDFC_PROOF]},
    ),
]

STATUS_WORDS = {
    "verified": "Verified",
    "invalid": "Not valid",
    "expired": "Expired",
    "revoked": "Revoked",
    "unsupported": "Cannot verify here",
}


def build_site(root: Path) -> Site:
    """The main test site: one issuer, two status lists, one award page per case."""
    site = Site(root=root, site_url=SITE_URL)
    copy_assets(root)
    write_json(root / "issuers" / "test-org" / "did.json", did_document(ISSUER_DID))
    # Served at mismatch-org's address but naming test-org: a copied DID document.
    write_json(root / "issuers" / "mismatch-org" / "did.json", did_document(ISSUER_DID))
    good_list = sign_jcs(
        status_list(STATUS_LIST_URL, ISSUER_DID, [REVOKED_INDEX]),
        KEYS["key-1"],
        ISSUER_DID + "#key-1",
        PROOF_CREATED,
    )
    write_json(root / "status" / "revocation-1.json", good_list)
    # Someone "un-revokes" an award by clearing its bit without the key: the list's proof must fail.
    tampered = sign_jcs(
        status_list(TAMPERED_LIST_URL, ISSUER_DID, [GOOD_INDEX]),
        KEYS["key-1"],
        ISSUER_DID + "#key-1",
        PROOF_CREATED,
    )
    tampered["credentialSubject"]["encodedList"] = encoded_list([])
    write_json(root / "status" / "revocation-tampered.json", tampered)
    for case in CASES:
        write_award_page(site, case.id, case.build())
    return site


@pytest.fixture(scope="module")
def site(serve_directory: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Any]:
    root = tmp_path_factory.mktemp("verify-site")
    built = build_site(root)
    return built, serve_directory(root)


def wait_for_result(page: Any) -> dict[str, Any]:
    """Wait for the panel's final result and return it as verifyAward returned it."""
    return page.evaluate("() => window.verificationResult")  # a Promise: evaluate awaits it


def panel_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const el = document.getElementById("verification");
            return {status: el.dataset.status, text: el.innerText, role: el.getAttribute("role"),
                    live: el.getAttribute("aria-live"), busy: el.getAttribute("aria-busy"),
                    html: el.innerHTML};
        }"""
    )


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_award_page_verification(case: Case, site: tuple[Site, Any], browser_page: Any) -> None:
    built, server = site
    page = browser_page.page
    page.goto(server.url_for(built.pages[case.id]))
    result = wait_for_result(page)

    assert (result["status"], result["details"]["code"]) == (case.status, case.code), result["reason"]
    assert case.reason_has in result["reason"]

    shown = panel_state(page)
    assert shown["status"] == case.status
    assert shown["role"] == "status" and shown["live"] == "polite" and shown["busy"] == "false"
    # The outcome is in words, not only in colour.
    assert STATUS_WORDS[case.status] in shown["text"]
    assert result["reason"].replace("`", "") in shown["text"]  # backticked commands become <code>
    if case.status == "verified":
        assert "Formative Assessment Practitioner" in shown["text"]
    if case.status in ("invalid", "unsupported"):
        # A forged award's claims are never shown as facts.
        assert "Chief Inspector" not in shown["text"]
        assert "Issuer" not in shown["text"]
    if case.status == "unsupported":
        command = f"microcred verify {SITE_URL}awards/test-org/{case.id}/credential.json"
        assert f"<code>{command}</code>" in shown["html"]
    browser_page.assert_clean()


def test_untrusted_text_is_not_parsed_as_html(site: tuple[Site, Any], browser_page: Any) -> None:
    """Credential text reaches the page only through textContent."""
    built, server = site
    doc = _cred("markup", name="<img src=x onerror=alert(1)>")
    doc["credentialSubject"]["achievement"]["name"] = "<b id=injected>bold</b>"
    doc = signed(doc)
    write_award_page(built, "markup", doc)
    page = browser_page.page
    page.goto(server.url_for(built.pages["markup"]))
    result = wait_for_result(page)
    assert result["status"] == "verified", result["reason"]
    assert page.locator("#injected").count() == 0
    assert "<b id=injected>bold</b>" in panel_state(page)["text"]
    browser_page.assert_clean()


def test_site_under_a_path_without_site_root(
    serve_directory: Any, tmp_path_factory: Any, browser_page: Any
) -> None:
    """Like `mkdocs serve` for a project site: served under the site URL's path, no data-site-root."""
    site_url = "https://teachers.example.github.io/microcred/"
    did = "did:web:teachers.example.github.io:microcred:issuers:test-org"
    served = tmp_path_factory.mktemp("served")
    root = served / "microcred"
    built = Site(root=root, site_url=site_url)
    copy_assets(root)
    write_json(root / "issuers" / "test-org" / "did.json", did_document(did))
    list_url = site_url + "status/revocation-1.json"
    write_json(
        root / "status" / "revocation-1.json",
        sign_jcs(status_list(list_url, did, [REVOKED_INDEX]), KEYS["key-1"], did + "#key-1", PROOF_CREATED),
    )
    doc = credential(
        site_url,
        did,
        "sub",
        credentialStatus={
            "id": f"{list_url}#{GOOD_INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(GOOD_INDEX),
            "statusListCredential": list_url,
        },
    )
    write_award_page(built, "sub", signed(doc), with_site_root=False)
    server = serve_directory(served)
    page = browser_page.page
    page.goto(server.url_for("microcred/" + built.pages["sub"]))
    result = wait_for_result(page)
    assert result["status"] == "verified", result["reason"]
    browser_page.assert_clean()


def test_insecure_http_host_says_it_cannot_verify(site: tuple[Site, Any], browser_page: Any) -> None:
    """Plain http on a host that is not localhost: no WebCrypto, so "unsupported", never a verdict."""
    built, _server = site
    host = "http://microcred-preview.test/"
    requested: list[str] = []

    def serve_from_disk(route: Any) -> None:
        # Answered inside the browser from the site's files: nothing is resolved or sent anywhere.
        requested.append(route.request.url)
        rel = route.request.url[len(host) :].split("?")[0]
        path = built.root / rel
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="not found")

    browser_page.allow(host)
    browser_page.context.route(host + "**", serve_from_disk)
    page = browser_page.page
    page.goto(host + built.pages["verified"])
    result = wait_for_result(page)
    assert page.evaluate("() => window.isSecureContext") is False
    assert result["status"] == "unsupported"
    assert result["details"]["code"] == "no-webcrypto"
    shown = panel_state(page)
    assert "Cannot verify here" in shown["text"]
    assert "cannot verify the award here" in shown["text"]
    assert f"microcred verify {SITE_URL}awards/test-org/verified/credential.json" in shown["text"]
    # It gave up before fetching anything: only the page and its module were loaded.
    assert not any(u.endswith(".json") for u in requested), requested
    browser_page.assert_clean()


def test_file_url_shows_the_static_fallback(site: tuple[Site, Any], browser_page: Any) -> None:
    """Opened from disk, the browser refuses to load the module (origin "null"); the page's own
    text must then tell the reader it is not verified and how to check it."""
    built, _server = site
    page_file = built.root / built.pages["verified"]
    browser_page.allow(built.root.as_uri() + "/")
    page = browser_page.page
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    shown = panel_state(page)
    assert shown["role"] == "status"
    assert "Not verified in this browser" in shown["text"]
    assert f"microcred verify {SITE_URL}awards/test-org/verified/credential.json" in shown["text"]
    assert "Verified" not in shown["text"].replace("Not verified", "")
    # The only error allowed is Chromium refusing the module script on file://.
    assert browser_page.console_errors, "expected Chromium to refuse the module on file://"
    assert all("assets/verify.js" in e for e in browser_page.console_errors), browser_page.console_errors
    assert any("CORS" in e or "origin 'null'" in e for e in browser_page.console_errors), (
        browser_page.console_errors
    )
    assert browser_page.foreign_requests == []


def test_verify_award_from_a_file_page_is_unsupported(site: tuple[Site, Any], browser_page: Any) -> None:
    """Where a page from disk does run the code (e.g. inlined), an opaque origin means "unsupported",
    not an "invalid" caused by the fetch that cannot work there."""
    built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    file_page = (built.root / built.pages["verified"]).as_uri()
    result = page.evaluate(
        """async ([pageUrl, siteUrl, baseUrl]) => (await import("/assets/verify.js"))
               .verifyAward("credential.json", {pageUrl, siteUrl, baseUrl})""",
        [file_page, SITE_URL, built.root.as_uri() + "/"],
    )
    assert result["status"] == "unsupported"
    assert result["details"]["code"] == "opaque-origin"
    assert f"microcred verify {SITE_URL}awards/test-org/verified/credential.json" in result["reason"]
    browser_page.assert_clean()


def test_verify_award_reports_insecure_context_via_options(site: tuple[Site, Any], browser_page: Any) -> None:
    """With no WebCrypto (as in an insecure context) verifyAward says "unsupported", even for a good award."""
    built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    result = page.evaluate(
        """async ([url, siteUrl]) => {
            const m = await import("/assets/verify.js");
            // A SubtleCrypto without Ed25519, as in browsers that lack it.
            const noEd = {importKey: () => Promise.reject(new DOMException("no", "NotSupportedError")),
                          digest: (...a) => crypto.subtle.digest(...a)};
            return m.verifyAward(url, {siteUrl, subtle: noEd});
        }""",
        [server.url_for(built.pages["verified"].replace("index.html", "credential.json")), SITE_URL],
    )
    assert result["status"] == "unsupported"
    assert "Ed25519" in result["reason"] and "microcred verify" in result["reason"]
    browser_page.assert_clean()


# --- the lower-level API -------------------------------------------------------------------------


def test_w3c_eddsa_jcs_2022_vector(site: tuple[Site, Any], browser_page: Any) -> None:
    """The W3C test vector: JCS bytes, hashData and signature verification, in the browser."""
    vec = VECTORS / "eddsa-jcs-2022"
    if not vec.is_dir():
        pytest.skip(f"standards test vectors not found at {vec}")
    signed_doc = json.loads((vec / "signedJCS.json").read_text(encoding="utf-8"))
    key_pair = json.loads((VECTORS / "keyPair.json").read_text(encoding="utf-8"))
    _built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    out = page.evaluate(
        """async ([doc, keyMultibase]) => {
            const m = await import("/assets/verify.js");
            const key = m.decodeEd25519Multikey(keyMultibase);
            const unsigned = {...doc}; delete unsigned.proof;
            const config = {...doc.proof}; delete config.proofValue;
            const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
            const tampered = structuredClone(doc); tampered.credentialSubject.alumniOf = "Elsewhere";
            return {
                canonDoc: m.canonicalize(unsigned),
                canonProof: m.canonicalize(config),
                hashData: hex(await m.jcsHashData(doc, doc.proof)),
                verified: await m.verifyJcsProof(doc, doc.proof, key),
                tampered: await m.verifyJcsProof(tampered, tampered.proof, key),
                otherKey: await m.verifyJcsProof(doc, doc.proof, new Uint8Array(32).fill(7)).catch(() => false),
            };
        }""",
        [signed_doc, key_pair["publicKeyMultibase"]],
    )
    assert out["canonDoc"].encode("utf-8") == (vec / "canonDocJCS.txt").read_bytes()
    assert out["canonProof"].encode("utf-8") == (vec / "proofCanonJCS.txt").read_bytes()
    assert out["hashData"] == (vec / "combinedHashJCS.txt").read_text().strip()
    assert out["verified"] is True
    assert out["tampered"] is False
    assert out["otherKey"] is False
    browser_page.assert_clean()


# RFC 8785's own examples plus the corners where implementations differ: number formatting,
# escaping, and key order by UTF-16 code units (U+1F600 sorts before U+FB33 as a surrogate pair).
JCS_CASES = {
    "numbers": [
        333333333.33333329,
        1e30,
        4.50,
        2e-3,
        1e-27,
        0,
        -0.0,
        1e21,
        1e-7,
        5e-324,
        1.7976931348623157e308,
        9007199254740991,
        -1.5,
        100,
        0.1,
    ],
    "strings": [
        '\u20ac$\u000f\nA\'B"\\\\"/',
        "\u2028\u2029",
        "\u007f\u0080",
        "\U0001f600",
        "tab\there",
        "\b\f\r\u001f",
    ],
    "key-order": {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
        "a": {"b": [True, False, None, {}, []], "A": "upper"},
    },
    "nested": {"z": [{"y": 1, "x": [2, {"w": "v"}]}], "": "empty key"},
}


@pytest.mark.parametrize("name", list(JCS_CASES))
def test_jcs_matches_rfc8785(name: str, site: tuple[Site, Any], browser_page: Any) -> None:
    """The browser's canonicalize() equals the Python rfc8785 package byte for byte."""
    value = JCS_CASES[name]
    expected = rfc8785.dumps(value).decode("utf-8")
    _built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    # Passed as JSON text so the browser parses exactly what a fetched document would contain.
    got = page.evaluate(
        """async (text) => (await import("/assets/verify.js")).canonicalize(JSON.parse(text))""",
        json.dumps(value),
    )
    assert got == expected
    browser_page.assert_clean()


DID_WEB = [
    ("did:web:microcred.example.org", "https://microcred.example.org/.well-known/did.json"),
    (
        "did:web:microcred.example.org:issuers:test-org",
        "https://microcred.example.org/issuers/test-org/did.json",
    ),
    ("did:web:localhost%3A8443:a:b", "https://localhost:8443/a/b/did.json"),
    ("did:web:example.org:..:secret", None),
    ("did:web:example.org:a/b", None),
    ("did:web:example.org#key-1", None),
    ("did:key:z6Mk", None),
]


@pytest.mark.parametrize(("did", "url"), DID_WEB, ids=[d for d, _ in DID_WEB])
def test_did_web_to_url(did: str, url: str | None, site: tuple[Site, Any], browser_page: Any) -> None:
    _built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    got = page.evaluate(
        """async (did) => { const m = await import("/assets/verify.js");
                            try { return m.didWebToUrl(did); } catch (e) { return null; } }""",
        did,
    )
    assert got == url
    browser_page.assert_clean()


def test_localize_url(site: tuple[Site, Any], browser_page: Any) -> None:
    _built, server = site
    page = browser_page.page
    page.goto(server.url_for("blank.html"))
    got = page.evaluate(
        """async () => { const m = await import("/assets/verify.js");
            const w = {siteUrl: "https://microcred.example.org/sub", baseUrl: "http://127.0.0.1:9/x/"};
            return [m.localizeUrl("https://microcred.example.org/sub/issuers/a/did.json", w),
                    m.localizeUrl("https://microcred.example.org/subway/did.json", w),
                    m.localizeUrl("https://other.example.org/sub/did.json", w)]; }"""
    )
    assert got == [
        "http://127.0.0.1:9/x/issuers/a/did.json",
        "https://microcred.example.org/subway/did.json",  # a prefix of the path, not the site
        "https://other.example.org/sub/did.json",
    ]
    browser_page.assert_clean()
