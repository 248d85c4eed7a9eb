"""The site built by a real mkdocs build: pages, privacy rules, escaping, baking, failure modes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort, PluginError
from sitefactory import (
    NOT_YET,
    OTHER_NAME,
    PENDING,
    PRIVATE,
    PUBLIC,
    PUBLIC_NAME,
    REVOKED,
    SECOND,
    UNLISTED,
    UNLISTED_NAME,
    BuiltSite,
    build_site,
    write_site_registry,
)

from factories import ISSUER, SITE_URL
from microcred.site.badges import read_baked_png
from microcred.urls import SiteUrls

URLS = SiteUrls.from_site_url(SITE_URL)
CREDENTIAL_PAGE = URLS.credential_page(ISSUER, "test-questioning")


def all_html(site: BuiltSite) -> dict[str, str]:
    return {p.relative_to(site.site_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in site.site_dir.rglob("*.html")}


# -- pages exist ----------------------------------------------------------------------------------


def test_generated_pages_are_built(built_site: BuiltSite) -> None:
    for rel in ("", "catalog/", CREDENTIAL_PAGE, URLS.credential_page(ISSUER, "test-stack"),
                URLS.issuer_page(ISSUER), URLS.issuer_page("test-district"), "portfolios/",
                URLS.portfolio("erin-earner"), "analytics/"):
        assert (built_site.site_dir / rel / "index.html").is_file(), rel
    catalog = built_site.page("catalog/")
    assert catalog.count('class="mc-card"') == 3
    assert 'id="mc-catalog-filters"' in catalog


def test_nothing_generated_is_left_in_the_registry(built_site: BuiltSite) -> None:
    docs = built_site.root / "docs"
    assert list(docs.iterdir()) == []  # every page was a virtual file


def test_credential_page_content(built_site: BuiltSite) -> None:
    html = built_site.page(CREDENTIAL_PAGE)
    assert "Rubric" in html and "mc-rubric" in html
    assert "Test District" in html  # credit hours per recognizer
    assert "Test Pathway" in html  # the stack it belongs to
    assert PUBLIC_NAME in html  # mentor
    assert UNLISTED_NAME not in html
    apply = re.search(r'href="(https://github\.com/example/test-registry/new/main\?[^"]+)"', html)
    assert apply, "apply link prefilled from repo_url"
    assert "filename=awards%2Ftest-institute%2Ftest-questioning%2F" in apply.group(1)


def test_stack_page_explains_progress(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.credential_page(ISSUER, "test-stack"))
    assert "Components" in html and "How progress works" in html
    assert "Test Feedback" in html


def test_issuer_page_lists_keys_and_did(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.issuer_page(ISSUER))
    assert URLS.did(ISSUER) in html
    assert "key-test" in html and "Sam Assessor" in html


def test_home_page_has_figures(built_site: BuiltSite) -> None:
    html = built_site.page("")
    figures = dict(re.findall(r'mc-figure__n">([^<]+)</span><span class="mc-figure__l">([^<]+)<', html))
    assert figures == {"3": "credentials", "1": "issuers", "4": "awards", "20": "hours recognised"} or \
        sorted(figures.values()) == sorted(["credentials", "issuers", "awards", "hours recognised"])
    assert re.search(r'mc-figure__n">3</span><span class="mc-figure__l">credentials', html)


def test_analytics_has_inline_svg_charts(built_site: BuiltSite) -> None:
    html = built_site.page("analytics/")
    assert html.count("<svg class=\"mc-chart\"") == 2
    assert "Questioning strategies" in html and "not-yet" in html.lower()
    assert "<script src=\"http" not in html


def test_portfolio_and_transcripts(built_site: BuiltSite) -> None:
    folder = built_site.site_dir / URLS.portfolio("erin-earner")
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert PUBLIC_NAME in html and "Test District" in html
    assert f'href="../../{URLS.award_page(PUBLIC)}"' in html
    transcript = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    assert {row["award_url"] for row in transcript["awards"]} == {URLS.url(URLS.award_page(a)) for a in (PUBLIC, SECOND)}
    sitemap = (built_site.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{URLS.url(URLS.portfolio('erin-earner'))}</loc>" in sitemap
    csv_text = (folder / "transcript.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("credential,competency,issuer")
    assert len(csv_text.splitlines()) == 3


# -- award pages ---------------------------------------------------------------------------------


def test_award_pages_only_for_awarded(built_site: BuiltSite) -> None:
    awards = {p.name for p in (built_site.site_dir / "awards").iterdir()}
    assert awards == {PUBLIC, SECOND, REVOKED, UNLISTED, PRIVATE}
    assert PENDING not in awards and NOT_YET not in awards


def test_award_page_is_standalone_and_shares_the_theme(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.award_page(PUBLIC))
    css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any(re.search(r"assets/stylesheets/main\.[0-9a-f]+\.min\.css$", c) for c in css)
    for href in css:
        assert (built_site.site_dir / URLS.award_page(PUBLIC) / href).resolve().is_file(), href
    assert 'class="md-header' in html
    panel = re.search(r'<div id="mc-verify"[^>]*>', html)
    assert panel and f'data-site-url="{SITE_URL}"' in panel.group(0)
    assert 'data-credential="../../awards/test-award-1/credential.json"' in panel.group(0)
    assert '<script type="module" src="../../assets/microcred/award.js">' in html
    assert (built_site.site_dir / "assets/microcred/verify.js").is_file()
    assert 'property="og:title"' in html and 'property="og:url"' in html
    assert "linkedin.com/profile/add?" in html and "certUrl=https%3A%2F%2Fregistry.example.org%2Fawards%2Ftest-award-1%2F" in html
    assert 'href="mailto:?' in html
    assert "<svg" in html and "QR code" in html
    assert PUBLIC_NAME in html
    assert "Clear questions; keep going." in html  # share_feedback
    assert 'name="robots"' not in html
    # the award pages are not in mkdocs' nav or search index
    index = (built_site.site_dir / "search/search_index.json").read_text(encoding="utf-8")
    assert not [d["location"] for d in json.loads(index)["docs"] if d["location"].startswith("awards/")]


def test_feedback_hidden_unless_shared(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.award_page(SECOND))
    assert "Clear questions; keep going." not in html


def test_unlisted_award_is_noindex_and_listed_nowhere(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.award_page(UNLISTED))
    assert '<meta name="robots" content="noindex' in html
    assert UNLISTED_NAME in html
    sitemap = (built_site.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    search = (built_site.site_dir / "search/search_index.json").read_text(encoding="utf-8")
    for text in (sitemap, search):
        assert UNLISTED not in text and UNLISTED_NAME not in text
    for rel, page in all_html(built_site).items():
        if not rel.startswith(f"awards/{UNLISTED}/"):
            assert UNLISTED not in page and UNLISTED_NAME not in page, rel


def test_private_award_has_no_name(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.award_page(PRIVATE))
    assert "keeps their name private" in html
    for name in (PUBLIC_NAME, UNLISTED_NAME, OTHER_NAME, "Erin"):
        assert name not in html
    assert "media.example.org" not in html  # evidence links could identify the earner
    assert '<meta name="robots" content="noindex' in html


def test_revoked_award_says_so(built_site: BuiltSite) -> None:
    html = built_site.page(URLS.award_page(REVOKED))
    assert "Revoked award" in html
    portfolio = built_site.site_dir / URLS.portfolio("ola-other")
    assert not portfolio.exists()


def test_baked_badges_carry_the_credential(built_site: BuiltSite) -> None:
    folder = built_site.site_dir / URLS.award_page(PUBLIC)
    credential = (folder / "credential.json").read_text(encoding="utf-8")
    png = (folder / "badge.png").read_bytes()
    assert read_baked_png(png) == credential
    svg = (folder / "badge.svg").read_text(encoding="utf-8")
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    body = re.search(r"<openbadges:credential><!\[CDATA\[(.*)\]\]></openbadges:credential>", svg, re.DOTALL)
    assert body and json.loads(body.group(1)) == json.loads(credential)
    import xml.dom.minidom

    xml.dom.minidom.parseString(svg)  # well-formed


# -- hostile record text ---------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every tag with its attributes, and the text of every <script> element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_record_text_is_inert(built_site: BuiltSite) -> None:
    for rel, html in all_html(built_site).items():
        parsed = _Tags()
        parsed.feed(html)
        for tag, attrs in parsed.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), (rel, tag, name)  # no event handlers at all
                if name in ("href", "src", "action", "formaction"):
                    assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:", "data:text")), \
                        (rel, tag, value)
            if tag == "img":
                assert attrs.get("src") != "x", rel
            if tag == "b":
                raise AssertionError(f"{rel}: record markup became a <b> element")
        for script in parsed.scripts:
            assert "alert(" not in script, rel
    credential = built_site.page(CREDENTIAL_PAGE)
    assert "&lt;script&gt;alert(" in credential
    assert "Test Questioning &lt;b&gt;bold&lt;/b&gt;" in credential
    assert "&lt;script&gt;" in built_site.page(URLS.award_page(PUBLIC))
    assert "&lt;script&gt;" in built_site.page(URLS.issuer_page(ISSUER))


def test_only_safe_link_schemes_survive() -> None:
    from microcred.site.safe import link, safe_url

    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" javascript:alert(1)") is None
    assert safe_url("JaVaScRiPt:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("mailto:a@example.org") == "mailto:a@example.org"
    assert str(link("javascript:alert(1)", "<b>x</b>")) == "<span>&lt;b&gt;x&lt;/b&gt;</span>"


def test_markdown_text_is_escaped_without_visible_backslashes() -> None:
    import markdown

    from microcred.site.safe import md_text

    source = "Ms. O'Neil & co <img src=x onerror=y> [a](javascript:x) *b* a=b #1 | c_d"
    html = markdown.markdown("# " + md_text(source), extensions=["attr_list", "tables"])
    assert html == "<h1>Ms. O&#39;Neil &amp; co &lt;img src=x onerror=y&gt; [a](javascript:x) *b* a=b #1 | c_d</h1>"


# -- failures and rebuilds -------------------------------------------------------------------------


def test_registry_problems_fail_the_build_all_listed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_site_registry(tmp_path / "registry", sign=False)
    cred = root / "credentials" / ISSUER / "test-feedback.yaml"
    data = yaml.safe_load(cred.read_text(encoding="utf-8"))
    data["credit_hours"] = "many"
    cred.write_text(yaml.safe_dump(data), encoding="utf-8")
    award = root / "awards" / ISSUER / "test-questioning" / f"{PUBLIC}.yaml"
    award.write_text(award.read_text(encoding="utf-8").replace("visibility: public", "visibility: loud"), encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        build_site(root, tmp_path / "site")
    message = caplog.text
    assert "test-feedback.yaml" in message and f"{PUBLIC}.yaml" in message
    assert re.search(r"\d+ problem", message)


def test_rebuild_after_one_new_award_renders_one_page(tmp_path: Path) -> None:
    root = write_site_registry(tmp_path / "registry", sign=False)
    site_dir = tmp_path / "site"
    first = build_site(root, site_dir)
    assert first.stats.rendered == first.stats.pages
    again = build_site(root, site_dir)
    assert again.stats.rendered == 0 and again.stats.skipped == first.stats.pages
    src = root / "awards" / ISSUER / "test-questioning" / f"{PUBLIC}.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data["id"] = "test-award-new"
    (src.parent / "test-award-new.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    portfolio = site_dir / URLS.portfolio("erin-earner") / "index.html"
    assert "test-award-new" not in portfolio.read_text(encoding="utf-8")
    after = build_site(root, site_dir)
    assert after.stats.rendered == 1 and after.stats.pages == first.stats.pages + 1
    assert "awards/test-award-new/" in portfolio.read_text(encoding="utf-8")  # its portfolio was re-rendered
    (src.parent / "test-award-new.yaml").unlink()
    removed = build_site(root, site_dir)
    assert removed.stats.removed == 1 and not (site_dir / "awards" / "test-award-new").exists()


def test_sample_registry_builds(sample_site: BuiltSite) -> None:
    from microcred.registry import load_registry

    registry = load_registry(sample_site.root)
    urls = SiteUrls.from_site_url("https://microcred.example.org/")
    for ref in registry.credentials:
        org, slug = ref.split("/")
        assert (sample_site.site_dir / urls.credential_page(org, slug) / "index.html").is_file()
    awarded = [a for a in registry.awards.values() if registry.status(a.record) == "awarded"]
    for loaded in awarded:
        assert (sample_site.site_dir / urls.award_page(loaded.record.id) / "index.html").is_file()


def test_sample_site_publishes_its_transparency_log(sample_site: BuiltSite) -> None:
    """The built site carries the log's checkpoint, key and tiles, and a monitor accepts them."""
    from microcred.tlog.client import monitor
    from microcred.tlog.registrylog import read_verifier
    from microcred.tlog.tiles import site_fetcher

    log_dir = sample_site.site_dir / "log"
    assert (log_dir / "checkpoint").read_bytes() == (sample_site.root / "log" / "checkpoint").read_bytes()
    assert (log_dir / "log.vkey").is_file() and any((log_dir / "tile").rglob("*"))
    report = monitor(site_fetcher(str(sample_site.site_dir)), read_verifier(sample_site.root), None)
    assert report.ok, report
