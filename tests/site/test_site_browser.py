"""The built site in headless Chromium: filters, search, verification, accessibility, no third parties.

Served from 127.0.0.1 by the shared harness (tests/browser/conftest.py), which records console
errors and aborts (and records) every request that leaves the local servers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitefactory import PRIVATE, PUBLIC, REVOKED, UNLISTED, BuiltSite

from factories import ISSUER, SITE_URL
from microcred.urls import SiteUrls

pytestmark = pytest.mark.browser

URLS = SiteUrls.from_site_url(SITE_URL)
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

PAGES = {
    "home": "",
    "catalog": "catalog/",
    "credential": URLS.credential_page(ISSUER, "test-questioning"),
    "stack": URLS.credential_page(ISSUER, "test-stack"),
    "issuer": URLS.issuer_page(ISSUER),
    "portfolio": URLS.portfolio("erin-earner"),
    "portfolios": "portfolios/",
    "analytics": "analytics/",
    "award": URLS.award_page(PUBLIC),
    "award-unlisted": URLS.award_page(UNLISTED),
    "award-private": URLS.award_page(PRIVATE),
    "award-revoked": URLS.award_page(REVOKED),
}


@pytest.fixture(scope="module")
def server(built_site: BuiltSite, serve_directory: Callable[[Path], Any]) -> Any:
    return serve_directory(built_site.site_dir)


def verification(page: Any) -> dict[str, Any]:
    """Wait for the award page's verification panel and return its result."""
    page.wait_for_function("window.microcredVerification !== undefined")
    result: dict[str, Any] = page.evaluate("window.microcredVerification")
    page.wait_for_selector("#mc-verify[aria-busy=false]")
    return result


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_cleanly(name: str, server: Any, browser_page: Any) -> None:
    page = browser_page.page
    page.goto(server.url_for(PAGES[name]))
    page.wait_for_load_state("networkidle")
    if name.startswith("award"):
        verification(page)
    browser_page.assert_clean()


def test_catalog_filters(server: Any, browser_page: Any) -> None:
    page = browser_page.page
    page.goto(server.url_for("catalog/"))
    cards = page.locator("#mc-catalog .mc-card:visible")
    assert cards.count() == 3
    page.select_option("#f-competency", "Formative feedback")
    assert cards.count() == 1
    assert "Test Feedback" in cards.first.inner_text()
    assert "Showing 1 of 3" in page.inner_text("#mc-catalog-count")
    page.click("#mc-catalog-filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('#mc-catalog .mc-card:not([hidden])').length === 3")
    page.select_option("#f-tag", "discussion")
    assert cards.count() == 1 and "Test Questioning" in cards.first.inner_text()
    page.select_option("#f-tag", "")
    page.select_option("#f-hours", "0-3")
    assert cards.count() == 2  # 3 h feedback credential and the stack (no hours)
    page.select_option("#f-hours", "")
    page.fill("#f-text", "pathway")
    assert cards.count() == 1 and "Test Pathway" in cards.first.inner_text()
    page.fill("#f-text", "no such words anywhere")
    assert cards.count() == 0 and page.is_visible("#mc-catalog-empty")
    browser_page.assert_clean()


def test_search_finds_a_credential(server: Any, browser_page: Any) -> None:
    page = browser_page.page
    page.goto(server.url_for(""))
    page.click("input[data-md-component=search-query]")
    page.keyboard.type("Pathway")
    result = page.locator(".md-search-result__item").first
    result.wait_for()
    assert "Test Pathway" in page.inner_text(".md-search-result")
    browser_page.assert_clean()


def test_verified_award(server: Any, browser_page: Any) -> None:
    page = browser_page.page
    page.goto(server.url_for(URLS.award_page(PUBLIC)))
    result = verification(page)
    assert result["status"] == "verified", result
    assert "Verified" in page.inner_text("#mc-verify")
    browser_page.assert_clean()


def test_revoked_award(server: Any, browser_page: Any) -> None:
    page = browser_page.page
    page.goto(server.url_for(URLS.award_page(REVOKED)))
    result = verification(page)
    assert result["status"] == "revoked", result
    assert "Revoked" in page.inner_text("#mc-verify")
    browser_page.assert_clean()


def test_altered_award_is_invalid(
    built_site: BuiltSite, serve_directory: Callable[[Path], Any], browser_page: Any, tmp_path: Path
) -> None:
    site = tmp_path / "altered"
    shutil.copytree(built_site.site_dir, site)
    target = site / URLS.award_credential(PUBLIC)
    document = json.loads(target.read_text(encoding="utf-8"))
    document["credentialSubject"]["achievement"]["name"] = "Something the earner never earned"
    target.write_text(json.dumps(document), encoding="utf-8")
    altered = serve_directory(site)
    page = browser_page.page
    page.goto(altered.url_for(URLS.award_page(PUBLIC)))
    result = verification(page)
    assert result["status"] == "invalid", result
    assert result["details"]["code"] == "signature-mismatch"
    assert "Not valid" in page.inner_text("#mc-verify")
    browser_page.assert_clean()


def test_copy_link_button(server: Any, browser_page: Any) -> None:
    page = browser_page.page
    browser_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server.url_for(URLS.award_page(PUBLIC)))
    page.click("button[data-copy]")
    page.wait_for_function("document.querySelector('button[data-copy]').textContent !== 'Copy link'")
    assert page.evaluate("navigator.clipboard.readText()") == URLS.url(URLS.award_page(PUBLIC))
    browser_page.assert_clean()


@pytest.mark.parametrize("name", ["home", "catalog", "credential", "portfolio", "award", "analytics", "issuer"])
def test_accessibility_axe(name: str, server: Any, browser_page: Any) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `npm ci` in tests/site (see .ci)")
    page = browser_page.page
    page.goto(server.url_for(PAGES[name]))
    page.wait_for_load_state("networkidle")
    if name == "award":
        verification(page)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], "\n".join(bad)


def test_screenshots(
    sample_site: BuiltSite, built_site: BuiltSite, serve_directory: Callable[[Path], Any], browser_page: Any
) -> None:
    """Screenshots for people to look at (artifacts/ is not committed)."""
    from microcred.registry import load_registry

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    registry = load_registry(REPO)
    sample_urls = SiteUrls.from_site_url("https://microcred.example.org/")
    credential = min(registry.credentials)
    awarded = sorted(a for a, loaded in registry.awards.items() if registry.status(loaded.record) == "awarded")
    sample = serve_directory(sample_site.site_dir)
    factory = serve_directory(built_site.site_dir)
    shots = {
        "home": sample.url_for(""),
        "catalog": sample.url_for("catalog/"),
        "credential": sample.url_for(sample_urls.credential_page(*credential.split("/"))),
        "analytics": sample.url_for("analytics/"),
        "award-verified": factory.url_for(URLS.award_page(PUBLIC)),
        "award-revoked": factory.url_for(URLS.award_page(REVOKED)),
    }
    if awarded:
        shots["award-sample"] = sample.url_for(sample_urls.award_page(awarded[0]))
    page = browser_page.page
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, url in shots.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if page.locator("#mc-verify").count():
            verification(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
    browser_page.assert_clean()


def test_mkdocs_serve_verifies_awards(built_site: BuiltSite, browser_page: Any) -> None:
    """`mkdocs serve` on 127.0.0.1 replaces site_url with the local address; award pages still name
    the real site (data-site-url) and verify.js maps its did:web and status URLs to the local server."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=built_site.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(origin + "/" + URLS.award_page(PUBLIC), timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("mkdocs serve did not come up: " + (proc.stderr.read().decode() if proc.stderr else ""))
            time.sleep(0.5)
        browser_page.allow(origin + "/")
        page = browser_page.page
        page.goto(f"{origin}/{URLS.award_page(PUBLIC)}")
        assert page.get_attribute("#mc-verify", "data-site-url") == SITE_URL
        result = verification(page)
        assert result["status"] == "verified", result
        page.goto(f"{origin}/{URLS.award_page(REVOKED)}")
        assert verification(page)["status"] == "revoked"
        browser_page.assert_clean()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
