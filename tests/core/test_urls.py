"""urls: the published layout and the did:web identities derived from the site URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.errors import UsageError
from microcred.urls import SiteUrls, site_url_from_mkdocs, site_urls


def test_did_web_at_the_root() -> None:
    urls = SiteUrls.from_site_url("https://registry.example.org")
    assert urls.base == "https://registry.example.org/"
    assert urls.did("riverbend") == "did:web:registry.example.org:issuers:riverbend"
    assert urls.key_id("riverbend", "key-2026") == "did:web:registry.example.org:issuers:riverbend#key-2026"
    assert urls.url(urls.did_document("riverbend")) == "https://registry.example.org/issuers/riverbend/did.json"


def test_did_web_with_a_path() -> None:
    urls = SiteUrls.from_site_url("https://example.github.io/micro-creds/")
    assert urls.did("riverbend") == "did:web:example.github.io:micro-creds:issuers:riverbend"
    # did:web resolution: replace ':' by '/', append /did.json -> the document the site publishes
    resolved = "https://" + urls.did("riverbend")[len("did:web:"):].replace(":", "/") + "/did.json"
    assert resolved == urls.url(urls.did_document("riverbend"))


def test_did_web_with_a_port_is_percent_encoded() -> None:
    urls = SiteUrls.from_site_url("http://127.0.0.1:8000/site")
    assert urls.base == "http://127.0.0.1:8000/site/"
    assert urls.did("org") == "did:web:127.0.0.1%3A8000:site:issuers:org"


def test_layout_paths() -> None:
    urls = SiteUrls.from_site_url("https://r.example.org/")
    assert urls.issuer_page("o") == "issuers/o/"
    assert urls.ob2_issuer("o") == "issuers/o/ob2-issuer.json"
    assert urls.status_list("o") == "issuers/o/status-list.json"
    assert urls.credential_page("o", "c") == "credentials/o/c/" == urls.stack_page("o", "c")
    assert urls.achievement("o", "c", 2) == "credentials/o/c/achievement-v2.json"
    assert urls.ob2_badgeclass("o", "c", 1) == "credentials/o/c/ob2-badgeclass-v1.json"
    assert urls.badge_image("o", "c") == "credentials/o/c/badge.svg"
    assert urls.award_page("a1") == "awards/a1/"
    assert urls.award_credential("a1") == "awards/a1/credential.json"
    assert urls.award_ob2_assertion("a1") == "awards/a1/ob2-assertion.json"
    assert urls.award_badge_png("a1") == "awards/a1/badge.png"
    assert urls.award_badge_svg("a1") == "awards/a1/badge.svg"
    assert urls.portfolio("erin") == "portfolios/erin/"


@pytest.mark.parametrize("bad", ["../etc", "a/b", "A", "", "x" * 65, "a b", "%2e%2e"])
def test_non_slug_input_never_becomes_a_path(bad: str) -> None:
    urls = SiteUrls.from_site_url("https://r.example.org/")
    for build in (urls.did, urls.issuer_page, urls.award_page, urls.portfolio, urls.status_list):
        with pytest.raises(ValueError, match="not a slug"):
            build(bad)
    with pytest.raises(ValueError, match="not a slug"):
        urls.credential_page("org", bad)
    with pytest.raises(ValueError, match="not a slug"):
        urls.key_id("org", bad)


@pytest.mark.parametrize("site_url", [
    "ftp://r.example.org/", "r.example.org", "https://", "https://r.example.org/?x=1", "https://r.example.org/#top",
    "https://user:secret@r.example.org/", "https://user@r.example.org/", "javascript:alert(1)",
    "https://exa mple.org/", "https://[::1]/", "https://r.example.org:99999/", "https://r.example.org/a:b/",
    "https://r.example.org/my%20registry/", "https://r_x.example.org/", "https://-r.example.org/",
])
def test_bad_site_urls(site_url: str) -> None:
    with pytest.raises(UsageError):
        SiteUrls.from_site_url(site_url)


def test_site_url_from_mkdocs(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://r.example.org/reg\nmarkdown_extensions:\n"
        "- pymdownx.emoji:\n    emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    assert site_url_from_mkdocs(tmp_path / "mkdocs.yml") == "https://r.example.org/reg"
    assert site_urls(tmp_path).did("o") == "did:web:r.example.org:reg:issuers:o"


@pytest.mark.parametrize("content", [None, "site_name: x\n", "- a list\n", "site_url: ''\n", "a: [unclosed\n"])
def test_site_url_missing_or_unreadable(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / "mkdocs.yml").write_text(content, encoding="utf-8")
    with pytest.raises(UsageError):
        site_urls(tmp_path)


def test_site_url_is_normalised_so_did_and_site_agree() -> None:
    urls = SiteUrls.from_site_url("https://Registry.Example.ORG//reg//v1")
    assert urls.base == "https://registry.example.org/reg/v1/"
    assert urls.did("o") == "did:web:registry.example.org:reg:v1:issuers:o"
    resolved = "https://" + urls.did("o")[len("did:web:"):].replace(":", "/") + "/did.json"
    assert resolved == urls.url(urls.did_document("o"))


def test_mkdocs_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: R\xe9seau\nsite_url: https://r.example.org/\n")
    with pytest.raises(UsageError, match="cannot read"):
        site_urls(tmp_path)
