"""`microcred codeowners`: CODEOWNERS from the profiles, and --check when stale."""

from __future__ import annotations

from pathlib import Path

from factories import ISSUER, RegistryFactory, organisation_data, recognizer_data, write_yaml

from .helpers import run_cli


def test_write_then_check(tmp_path: Path) -> None:
    root = RegistryFactory(tmp_path / "registry").write()
    assert run_cli("codeowners", "--check", "--root", root).code == 1  # missing counts as stale
    result = run_cli("codeowners", "--root", root)
    assert result.code == 0 and "wrote .github/CODEOWNERS" in result.out
    text = (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert f"/awards/{ISSUER}/ @kim-assessor @sam-assessor\n" in text
    assert f"/credentials/{ISSUER}/ @ada-admin\n" in text
    assert f"/issuers/{ISSUER}.yaml @ada-admin\n" in text
    assert "/credentials/test-district/" not in text  # a recognizer issues nothing
    assert run_cli("codeowners", "--check", "--root", root).code == 0
    again = run_cli("codeowners", "--root", root)
    assert "already up to date" in again.out


def test_check_fails_when_a_profile_changes(tmp_path: Path) -> None:
    root = RegistryFactory(tmp_path / "registry").write()
    assert run_cli("codeowners", "--root", root).code == 0
    org = organisation_data()
    org["assessors"].append({"id": "lee-new", "name": "Lee New", "github": "lee-new"})
    write_yaml(root / "issuers" / f"{ISSUER}.yaml", org)
    result = run_cli("codeowners", "--check", "--root", root)
    assert result.code == 1 and "out of date" in result.out


def test_profiles_without_handles(tmp_path: Path) -> None:
    org = organisation_data()
    for person in org["admins"] + org["assessors"]:
        person.pop("github")
    root = RegistryFactory(tmp_path / "registry", organisations=[org, recognizer_data()]).write()
    assert run_cli("codeowners", "--root", root).code == 0
    text = (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "no GitHub handles in the profile" in text
    assert f"/awards/{ISSUER}/" not in text
