"""Factories for test registries: small, valid by default, every part overridable.

Use `RegistryFactory(tmp_path).write()` for a minimal valid registry on disk, or build the
dicts with the `*_data` functions, change one field, and write them with `write_yaml`.
Tests that need Git wrap the folder with `git init` (see tests that use `git_repo`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from microcred.registry import email_hash

ISSUER = "test-institute"
CREDENTIAL = "test-questioning"
RECIPIENT_EMAIL = "earner@example.org"
SALT = "00112233445566778899aabbccddeeff"
SITE_URL = "https://registry.example.org/"


def organisation_data(org_id: str = ISSUER, **overrides: Any) -> dict[str, Any]:
    """A valid issuer profile with one admin and two assessors."""
    data: dict[str, Any] = {
        "id": org_id,
        "name": "Test Institute",
        "kind": ["issuer"],
        "url": "https://test-institute.example.org/",
        "email": "contact@test-institute.example.org",
        "description": "A test issuer.",
        "admins": [{"id": "ada-admin", "name": "Ada Admin", "github": "ada-admin",
                    "git_email": "ada@test-institute.example.org"}],
        "assessors": [
            {"id": "sam-assessor", "name": "Sam Assessor", "github": "sam-assessor",
             "git_email": "sam@test-institute.example.org"},
            {"id": "kim-assessor", "name": "Kim Assessor", "github": "kim-assessor",
             "git_email": "kim@test-institute.example.org"},
        ],
        "keys": [],
    }
    data.update(overrides)
    return data


def recognizer_data(org_id: str = "test-district", credential_ref: str = f"{ISSUER}/{CREDENTIAL}") -> dict[str, Any]:
    """A valid recognizing organisation granting hours for one credential."""
    return {
        "id": org_id,
        "name": "Test District",
        "kind": ["recognizer"],
        "url": "https://district.example.org/",
        "email": "pd@district.example.org",
        "description": "A test school district.",
        "recognitions": [{"credential": credential_ref, "credit_hours": 5, "note": "Counts towards renewal."}],
    }


def credential_data(slug: str = CREDENTIAL, org_id: str = ISSUER, **overrides: Any) -> dict[str, Any]:
    """A valid credential with two evidence requirements and a two-criterion rubric."""
    levels = ["beginning", "developing", "proficient", "exemplary"]
    data: dict[str, Any] = {
        "id": slug,
        "issuer": org_id,
        "version": 1,
        "title": "Test Questioning",
        "competency": "Questioning strategies",
        "tags": ["questioning"],
        "summary": "Asks good questions.",
        "key_method": "Plan questions; wait; probe.",
        "evidence": [
            {"id": "video", "kind": "video", "description": "A clip.", "max_minutes": 10},
            {"id": "reflection", "kind": "reflection", "description": "A reflection.",
             "min_words": 100, "max_words": 500, "student_outcomes": True},
        ],
        "require_student_outcomes": True,
        "rubric": {
            "levels": [{"id": lv, "label": lv.title(), "score": i + 1} for i, lv in enumerate(levels)],
            "criteria": [
                {"id": "questions", "title": "Questions", "evidence": ["video"],
                 "descriptors": {lv: f"{lv} questions" for lv in levels}},
                {"id": "analysis", "title": "Analysis", "evidence": ["reflection"],
                 "descriptors": {lv: f"{lv} analysis" for lv in levels}},
            ],
            "passing": {"every_criterion_at_least": "proficient"},
        },
        "credit_hours": 5,
        "valid_for_months": 36,
    }
    data.update(overrides)
    return data


def award_data(
    award_id: str = "test-award-1",
    *,
    slug: str = CREDENTIAL,
    org_id: str = ISSUER,
    email: str = RECIPIENT_EMAIL,
    decision: str | None = "awarded",
    **overrides: Any,
) -> dict[str, Any]:
    """A valid public award; decision None leaves it unassessed (pending)."""
    data: dict[str, Any] = {
        "id": award_id,
        "issuer": org_id,
        "credential": slug,
        "credential_version": 1,
        "recipient": {
            "name": "Erin Earner",
            "email_hash": email_hash(email, SALT),
            "salt": SALT,
            "visibility": "public",
            "portfolio": "erin-earner",
        },
        "submission": {
            "submitted_on": "2026-03-01",
            "evidence": [
                {"requirement": "video", "title": "Clip", "url": "https://media.example.org/clip", "minutes": 8},
                {"requirement": "reflection", "title": "Reflection", "url": "https://media.example.org/r.pdf",
                 "words": 300},
            ],
        },
        "assessments": [],
    }
    if decision is not None:
        level = "proficient" if decision == "awarded" else "developing"
        data["assessments"] = [{
            "assessor": "sam-assessor",
            "date": "2026-03-10",
            "scores": {"questions": level, "analysis": "proficient"},
            "feedback": "Clear questions; keep going.",
            "decision": decision,
        }]
    data.update(overrides)
    return data


def site_mkdocs_yml(site_name: str = "Test registry", site_url: str = SITE_URL, repo_url: str | None = None) -> str:
    """An mkdocs.yml that builds a registry's full site (material + the microcred plugin)."""
    repo = f"repo_url: {repo_url}\n" if repo_url else ""
    return f"""site_name: {site_name}
site_url: {site_url}
{repo}theme:
  name: material
  font: false
  palette:
    primary: custom
    accent: custom
plugins:
  - search
  - microcred
markdown_extensions:
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
validation:
  omitted_files: ignore
"""


def write_yaml(path: Path, data: Any) -> Path:
    """Write `data` as YAML (dates stay quoted text, as the strict loader expects)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class RegistryFactory:
    """Builds a registry folder: one issuer, one credential, a recognizer and some awards."""

    root: Path
    organisations: list[dict[str, Any]] = field(default_factory=lambda: [organisation_data(), recognizer_data()])
    credentials: list[dict[str, Any]] = field(default_factory=lambda: [credential_data()])
    awards: list[dict[str, Any]] = field(default_factory=lambda: [award_data()])
    site_url: str = SITE_URL

    def write(self) -> Path:
        """Write every record and an mkdocs.yml; return the root."""
        self.root.mkdir(parents=True, exist_ok=True)
        for org in self.organisations:
            write_yaml(self.root / "issuers" / f"{org['id']}.yaml", org)
        for cred in self.credentials:
            write_yaml(self.root / "credentials" / cred["issuer"] / f"{cred['id']}.yaml", cred)
        for award in self.awards:
            write_yaml(self.root / "awards" / award["issuer"] / award["credential"] / f"{award['id']}.yaml", award)
        (self.root / "awards").mkdir(exist_ok=True)
        (self.root / "mkdocs.yml").write_text(
            f"site_name: Test registry\nsite_url: {self.site_url}\n", encoding="utf-8"
        )
        return self.root

    def copy(self) -> RegistryFactory:
        """An independent copy to modify."""
        return copy.deepcopy(self)
