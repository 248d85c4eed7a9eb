"""Site test fixtures: a signed factory registry built once per session, and the browser harness.

The browser fixtures are those of tests/browser/conftest.py, loaded by path (that folder is not a
package) so the site tests share one harness with the verifier's tests.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_HARNESS_PATH = Path(__file__).resolve().parents[1] / "browser" / "conftest.py"
_spec = importlib.util.spec_from_file_location("microcred_browser_harness", _HARNESS_PATH)
assert _spec is not None and _spec.loader is not None
harness = importlib.util.module_from_spec(_spec)
sys.modules["microcred_browser_harness"] = harness
_spec.loader.exec_module(harness)

serve_directory = harness.serve_directory
static_server = harness.static_server
browser = harness.browser
browser_page = harness.browser_page

from sitefactory import BuiltSite, build_site, write_site_registry  # noqa: E402

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
