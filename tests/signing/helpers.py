"""Helpers for signed-award tests: a factory registry, keys made through the CLI, signing through the CLI."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from factories import ISSUER, RegistryFactory, award_data, credential_data
from microcred.cli import main
from microcred.ids import new_award_id
from microcred.registry import Registry, load_registry
from microcred.urls import SiteUrls, site_urls

PUBLIC = "test-award-1"
UNLISTED = new_award_id("unlisted")
PRIVATE = new_award_id("private")
PENDING = "test-award-pending"
KEY_START = "2026-01-01T00:00:00Z"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `microcred ARGV` in-process; (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def factory_awards() -> list[dict[str, Any]]:
    """A public, an unlisted, a private and a pending award of the factory credential."""
    unlisted = award_data(UNLISTED)
    unlisted["recipient"] = {**unlisted["recipient"], "visibility": "unlisted", "name": "Uma Unlisted"}
    del unlisted["recipient"]["portfolio"]
    private = award_data(PRIVATE)
    private["recipient"] = {k: v for k, v in private["recipient"].items() if k not in ("name", "portfolio")}
    private["recipient"]["visibility"] = "private"
    return [award_data(PUBLIC), unlisted, private, award_data(PENDING, decision=None)]


@dataclass
class Signed:
    """A signed factory registry and the key that signed it."""

    root: Path
    key_file: Path
    capsys: pytest.CaptureFixture[str]

    def registry(self) -> Registry:
        """The registry as it is on disk now."""
        return load_registry(self.root)

    @property
    def urls(self) -> SiteUrls:
        """The site layout."""
        return site_urls(self.root)

    def award_path(self, award_id: str) -> Path:
        """The YAML file of a factory award."""
        return self.root / "awards" / ISSUER / "test-questioning" / f"{award_id}.yaml"

    def credential(self, award_id: str) -> dict[str, Any]:
        """The stored signed credential of an award."""
        award = self.registry().awards[award_id].record
        assert award.signed is not None
        data: dict[str, Any] = json.loads(award.signed.credential)
        return data

    def cli(self, *argv: str) -> tuple[int, str, str]:
        """Run the CLI."""
        return run_cli(self.capsys, *argv)

    def replace_credential(self, award_id: str, document: dict[str, Any]) -> None:
        """Store `document` (as the signer would format it) in place of the award's credential."""
        path = self.award_path(award_id)
        text = path.read_text(encoding="utf-8")
        head, _, _ = text.partition("  credential: |\n")
        body = json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True)
        path.write_text(head + "  credential: |\n" + "".join(f"    {line}\n" for line in body.split("\n")),
                        encoding="utf-8")

    def edit_profile(self, pattern: str, replacement: str) -> None:
        """Regex edit of the issuer profile (to move key windows in tests)."""
        path = self.root / "issuers" / f"{ISSUER}.yaml"
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert n, f"{pattern!r} not found in the profile"
        path.write_text(new, encoding="utf-8")


def make_registry(root: Path, **credential_overrides: Any) -> Path:
    """Write the factory registry with the four awards."""
    factory = RegistryFactory(root, awards=factory_awards(), credentials=[credential_data(**credential_overrides)])
    return factory.write()


def keygen(capsys: pytest.CaptureFixture[str], root: Path, key_file: Path, *extra: str) -> None:
    """microcred keygen through the CLI, into a file outside the registry."""
    code, out, err = run_cli(
        capsys, "keygen", "--issuer", ISSUER, "--root", str(root), "--out", str(key_file), *extra
    )
    assert code == 0, out + err
