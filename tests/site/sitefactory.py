"""A factory registry built into a real mkdocs-material site, signed with a throwaway key.

It holds what the site tests need: hostile text (a <script> and javascript: links) in records,
public, unlisted, private, pending, not-yet and revoked awards, a recognizer and a stack.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from factories import (
    ISSUER,
    SITE_URL,
    RegistryFactory,
    award_data,
    credential_data,
    organisation_data,
    recognizer_data,
    site_mkdocs_yml,
)
from microcred.ids import new_award_id
from microcred.keys import SigningKey, generate_key
from microcred.revoke import revoke_award
from microcred.signing import sign_registry

XSS_SCRIPT = "<script>alert('xss')</script>"
XSS_JS_LINK = "[click me](javascript:alert(1)) <a href=\"javascript:alert(2)\">or me</a>"
PUBLIC = "test-award-1"
SECOND = "test-award-feedback"
REVOKED = "test-award-revoked"
UNLISTED = new_award_id("unlisted")
PRIVATE = new_award_id("private")
PENDING = "test-award-pending"
NOT_YET = "test-award-not-yet"
PUBLIC_NAME = "Erin Earner"
UNLISTED_NAME = "Uma Unlisted"
OTHER_NAME = "Ola Other"
SEED = bytes(range(32))

MKDOCS_YML = site_mkdocs_yml(site_url=SITE_URL, repo_url="https://github.com/example/test-registry")


def _award(award_id: str, **recipient: Any) -> dict[str, Any]:
    data = award_data(award_id)
    data["recipient"] = {**data["recipient"], **recipient}
    return {k: v for k, v in data.items()}


def site_factory(root: Path) -> RegistryFactory:
    """The factory (unwritten): two credentials and a stack, two organisations, seven awards."""
    hostile = credential_data(
        title="Test Questioning <b>bold</b>",
        summary=f"Asks good questions. {XSS_SCRIPT} {XSS_JS_LINK}",
        key_method="Plan questions; wait; probe. <img src=x onerror=alert(3)>",
        resources=[{"title": "Guide <script>alert(4)</script>", "url": "https://example.org/guide", "kind": "guide"}],
        tags=["questioning", "discussion"],
    )
    feedback = credential_data("test-feedback", title="Test Feedback", competency="Formative feedback",
                               tags=["feedback"], credit_hours=3)
    stack = {
        "id": "test-stack", "issuer": ISSUER, "version": 1, "title": "Test Pathway", "competency": "Pathway",
        "summary": "Both credentials.", "key_method": "Earn both.",
        "requires": [f"{ISSUER}/test-questioning", f"{ISSUER}/test-feedback"],
    }
    public = _award(PUBLIC, mentor=True, share_feedback=True, github="erin-earner")
    public["submission"]["evidence"][0]["title"] = f"Clip {XSS_SCRIPT}"
    second = award_data(SECOND, slug="test-feedback")
    revoked = _award(REVOKED, name=OTHER_NAME, portfolio="ola-other")
    unlisted = _award(UNLISTED, visibility="unlisted", name=UNLISTED_NAME)
    del unlisted["recipient"]["portfolio"]
    private = award_data(PRIVATE)
    private["recipient"] = {k: v for k, v in private["recipient"].items() if k not in ("name", "portfolio")}
    private["recipient"]["visibility"] = "private"
    awards = [public, second, revoked, unlisted, private, award_data(PENDING, decision=None),
              award_data(NOT_YET, decision="not-yet")]
    org = organisation_data(
        name="Test Institute </title><script>alert(6)</script><img src=x onerror=alert(7)>",
        description=f"A test issuer. {XSS_SCRIPT}",
    )
    return RegistryFactory(
        root,
        organisations=[org, recognizer_data()],
        credentials=[hostile, feedback, stack],
        awards=awards,
    )


@dataclass
class BuiltSite:
    """A built site and the registry it came from."""

    root: Path
    site_dir: Path
    stats: Any = None

    def page(self, rel: str) -> str:
        """The HTML of a page by its directory URL."""
        return (self.site_dir / rel / "index.html").read_text(encoding="utf-8")


def write_site_registry(root: Path, *, sign: bool = True) -> Path:
    """Write the registry and its mkdocs.yml; sign it (and revoke one award) with a throwaway key."""
    site_factory(root).write()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    if sign:
        generate_key(root, ISSUER, not_before=datetime(2026, 1, 1, tzinfo=UTC), seed=SEED, key_id="key-test")
        key = SigningKey(seed=SEED, source="test")
        sign_registry(root, {ISSUER: key})
        revoke_award(root, REVOKED, "Evidence was not the earner's own work.", "ada-admin")
        sign_registry(root, {ISSUER: key})
    return root


def build_site(root: Path, site_dir: Path, **plugin_options: Any) -> BuiltSite:
    """A real mkdocs build of the registry at `root` into `site_dir`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir))
    plugin = config.plugins["microcred"]
    for key, value in plugin_options.items():
        setattr(plugin.config, key, value)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    config.plugins.on_shutdown()
    return BuiltSite(root, site_dir, plugin.stats)


def copy_factory(factory: RegistryFactory) -> RegistryFactory:
    """An independent copy."""
    return copy.deepcopy(factory)
