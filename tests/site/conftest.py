"""Site test fixtures: a signed factory registry built once per session, and the browser harness.

The browser fixtures are those of tests/browser/conftest.py, loaded by path (that folder is not a
package) so the site tests share one harness with the verifier's tests.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_HARNESS_PATH = Path(__file__).resolve().parents[1] / "browser" / "conftest.py"
_spec = importlib.util.spec_from_file_location("microcred_browser_harness", _HARNESS_PATH)
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
sys.modules["microcred_browser_harness"] = harness
_spec.loader.exec_module(harness)

serve_directory = harness.serve_directory
static_server = harness.static_server
browser_page = harness.browser_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The harness's headless Chromium, shared when it is already running.

    Playwright's sync API allows one running instance per thread, and the harness's own `browser`
    fixture (session-scoped, visible only under tests/browser/) keeps its instance until the
    session ends. When tests/browser ran first, that live Browser is found and reused (and left
    open); otherwise one is launched here, the harness's way, and closed after this module so
    that the harness can start its own later.
    """
    import gc

    try:
        from playwright.sync_api import Browser
    except ImportError:
        Browser = None
    live = [o for o in gc.get_objects() if Browser is not None and isinstance(o, Browser) and o.is_connected()]
    if live:
        yield live[0]
        return
    yield from harness.browser.__wrapped__()

from sitefactory import BuiltSite, build_site, write_site_registry

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The signed factory registry, built by mkdocs (shared by the session: tests only read it)."""
    base = tmp_path_factory.mktemp("site")
    root = write_site_registry(base / "registry")
    return build_site(root, base / "site")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's own sample registry, built by mkdocs into a temporary folder."""
    return build_site(REPO, tmp_path_factory.mktemp("sample") / "site")
