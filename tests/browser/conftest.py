"""Reusable fixtures for tests that drive a real headless browser.

Any test module under ``tests/browser/`` gets these fixtures (put the site's browser tests there
too, e.g. ``tests/browser/test_site_pages.py``; mark them ``@pytest.mark.browser``):

``serve_directory`` (session)
    A factory: ``serve_directory(path)`` starts a threaded ``http.server`` on 127.0.0.1 at a free
    port serving ``path`` and returns a :class:`StaticServer` (``.url``, ``.origin``,
    ``.url_for(rel)``). Responses carry ``Cache-Control: no-store`` so a test may rewrite files
    between page loads. Every server is stopped at the end of the session.

``static_server`` (session)
    One such server over a fresh empty directory (``static_server.root``): write files there.

``browser`` (session)
    Debian's Chromium (``/usr/bin/chromium``) launched through Playwright for Python, headless,
    with background networking off. Playwright's own browser downloads are never used (this
    machine cannot fetch them and CI must not try); ``.ci/install-browser.sh`` installs both.
    Tests are skipped, with the reason, only when Chromium or Playwright is really absent.

``browser_page`` (function)
    A :class:`BrowserPage`: a fresh browser context and page that records console errors,
    uncaught page exceptions and every request whose origin is not one of the local servers.
    Requests to any other origin are aborted before they leave the machine (and recorded), so a
    page that reaches for a CDN fails loudly instead of silently working online.
    Tests end with ``browser_page.assert_clean()`` (both lists empty); a test that deliberately
    loads e.g. a ``file://`` page first calls ``browser_page.allow(prefix)``.

All servers listen on 127.0.0.1 only: no test traffic leaves the loopback interface.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Flags for a quiet, deterministic, offline headless Chromium: no sandbox (we run as root in CI),
# no GPU, no QUIC, and none of the background services that would phone home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Module scripts must be served with a JavaScript MIME type or the browser refuses them, and
# mimetypes' answer depends on the host's /etc/mime.types, so the types that matter are fixed here.
_MIME_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr and never lets the browser cache."""

    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **_MIME_TYPES}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class StaticServer:
    """A running static HTTP server on 127.0.0.1 serving one directory."""

    root: Path
    httpd: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash), as browsers write origins."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The URL of the served directory's root, with a trailing slash."""
        return self.origin + "/"

    def url_for(self, relative: str) -> str:
        """Absolute URL of ``relative`` (a path inside ``root``, with ``/`` separators)."""
        return self.url + relative.lstrip("/")

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_static_server(root: Path) -> StaticServer:
    """Serve ``root`` on 127.0.0.1 at a free port from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name=f"static-server:{root}", daemon=True)
    thread.start()
    return StaticServer(root=Path(root), httpd=httpd, thread=thread)


@pytest.fixture(scope="session")
def serve_directory() -> Iterator[Callable[[Path], StaticServer]]:
    """Factory fixture: ``serve_directory(path) -> StaticServer``; all are stopped at session end."""
    servers: list[StaticServer] = []

    def serve(root: Path) -> StaticServer:
        server = start_static_server(root)
        servers.append(server)
        _LOCAL_ORIGINS.add(server.origin)
        return server

    yield serve
    for server in servers:
        _LOCAL_ORIGINS.discard(server.origin)
        server.stop()


# Origins of the servers started by this session: requests to them are "local".
_LOCAL_ORIGINS: set[str] = set()


@pytest.fixture(scope="session")
def static_server(
    serve_directory: Callable[[Path], StaticServer], tmp_path_factory: pytest.TempPathFactory
) -> StaticServer:
    """A server over a fresh, initially empty session directory; tests write into ``.root``."""
    return serve_directory(tmp_path_factory.mktemp("static-site"))


def _chromium_missing_reason() -> str | None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        return f"{CHROMIUM} is not installed (run .ci/install-browser.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (run .ci/install-browser.sh)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, shared by the whole session."""
    reason = _chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class BrowserPage:
    """A page plus what it did that tests must check: console errors and non-local requests."""

    page: Any
    context: Any
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    allowed_prefixes: list[str] = field(default_factory=list)

    def allow(self, prefix: str) -> None:
        """Treat requests whose URL starts with ``prefix`` as local (e.g. a ``file://`` test page)."""
        self.allowed_prefixes.append(prefix)

    def is_local(self, url: str) -> bool:
        """Whether a request to ``url`` stays on this machine's test servers (or is allowed)."""
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "about"):
            return True  # never touch the network
        if any(url.startswith(prefix) for prefix in self.allowed_prefixes):
            return True
        if scheme not in ("http", "https"):
            return False
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" in _LOCAL_ORIGINS

    def assert_clean(self) -> None:
        """Fail if the page logged a console error or asked for anything non-local."""
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.foreign_requests == [], f"non-local requests: {self.foreign_requests}"


@pytest.fixture
def browser_page(browser: Any, serve_directory: Callable[[Path], StaticServer]) -> Iterator[BrowserPage]:
    """A fresh context and page that record console errors and non-local requests (see module doc)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    recorder = BrowserPage(page=page, context=context)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            recorder.console_errors.append(f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def on_request(request: Any) -> None:
        if not recorder.is_local(request.url):
            recorder.foreign_requests.append(request.url)

    def guard(route: Any) -> None:
        # Abort before the request leaves the machine; on_request has already recorded it.
        if recorder.is_local(route.request.url):
            route.fallback()
        else:
            route.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: recorder.console_errors.append(f"uncaught: {exc}"))
    context.on("request", on_request)
    context.route("**/*", guard)
    try:
        yield recorder
    finally:
        context.close()
