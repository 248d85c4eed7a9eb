"""checks: registry rules beyond the corpus: resubmissions, recipients found by GitHub, rule plumbing."""

from __future__ import annotations

from factories import RegistryFactory, award_data, credential_data
from microcred.checks import RULES, check_registry
from microcred.registry import load_registry


def messages(factory: RegistryFactory) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in load_registry(factory.write()).problems]


def test_every_rule_is_registered_and_a_clean_registry_passes_them(registry_factory: RegistryFactory) -> None:
    assert {rule.__name__ for rule in RULES} >= {
        "organisations_are_consistent", "credentials_have_issuers", "awards_are_sound", "revocations_are_sound",
    }
    registry = load_registry(registry_factory.write(), check=False)
    assert check_registry(registry) == []


def test_resubmission_after_not_yet_is_judged_on_the_latest_attempt(registry_factory: RegistryFactory) -> None:
    award = award_data()
    first = {**award["assessments"][0], "decision": "not-yet",
             "scores": {"questions": "developing", "analysis": "proficient"}}
    second = {**award["assessments"][0], "attempt": 2, "date": "2026-04-10"}
    award["submission"] = {**award["submission"], "attempt": 2, "submitted_on": "2026-04-01"}
    award["assessments"] = [first, second]
    registry_factory.awards = [award]
    registry = load_registry(registry_factory.write())
    assert registry.problems == []
    assert registry.status(registry.awards["test-award-1"].record) == "awarded"


def test_assessor_is_recipient_by_github_handle(registry_factory: RegistryFactory) -> None:
    award = award_data()
    award["recipient"]["github"] = "Sam-Assessor"  # GitHub names are case-insensitive
    registry_factory.awards = [award]
    assert messages(registry_factory) == [
        "24:13: assessor 'sam-assessor' is the recipient; nobody may assess their own submission"
    ]


def test_pending_award_needs_no_scores_and_a_draft_credential_is_fine(registry_factory: RegistryFactory) -> None:
    registry_factory.credentials = [credential_data(published=False)]
    registry_factory.awards = [award_data(decision=None)]
    assert messages(registry_factory) == []


def test_archived_version_newer_than_current(registry_factory: RegistryFactory) -> None:
    from factories import write_yaml

    root = registry_factory.write()
    write_yaml(root / "credentials/test-institute/test-questioning.v2.yaml", credential_data(version=2))
    problems = [str(p) for p in load_registry(root).problems]
    assert problems == [
        ("credentials/test-institute/test-questioning.yaml:3:10: version 1 is older than the archived version 2; "
         "the current file must hold the newest version")
    ]
