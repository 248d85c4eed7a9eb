"""registry: discovery, email hashing, queries, and not reporting one defect twice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from factories import (
    RECIPIENT_EMAIL,
    SALT,
    RegistryFactory,
    award_data,
    credential_data,
    organisation_data,
    recognizer_data,
)
from microcred.registry import ProgressObserver, email_hash, emails_in, load_registry


def test_email_hash_is_salted_sha256_of_the_normalised_address() -> None:
    expected = "sha256$" + hashlib.sha256(("earner@example.org" + SALT).encode()).hexdigest()
    assert email_hash("earner@example.org", SALT) == expected
    assert email_hash("  Earner@Example.ORG\n", SALT) == expected
    assert email_hash("earner@example.org", "ff" * 8) != expected
    assert email_hash("renée@example.org", SALT) == (
        "sha256$" + hashlib.sha256(("renée@example.org" + SALT).encode("utf-8")).hexdigest()
    )
    assert len(expected) == len("sha256$") + 64


def test_emails_in_text() -> None:
    assert emails_in("write to a.b+c@school.example.org today") == ["a.b+c@school.example.org"]
    assert emails_in("two: x@y.org, z@w.co.uk") == ["x@y.org", "z@w.co.uk"]
    assert emails_in("https://medium.com/@teacher/post and @handle and sha256$00") == []


def test_queries_on_a_small_registry(registry_factory: RegistryFactory) -> None:
    stack = {
        "id": "test-stack", "issuer": "test-institute", "version": 1, "title": "Stack", "competency": "Q",
        "summary": "S.", "key_method": "K.", "requires": ["test-institute/test-questioning"],
    }
    registry_factory.credentials = [credential_data(), stack]
    registry_factory.awards = [
        award_data(),
        award_data("test-award-2", decision="not-yet"),
        award_data("test-award-3", decision=None),
    ]
    registry = load_registry(registry_factory.write())
    assert registry.problems == []
    ref = "test-institute/test-questioning"
    assert registry.credential(ref) is registry.credential(ref, 1) is not None
    assert registry.credential(ref, 2) is None and registry.credential("nope/nope") is None
    assert [a.id for a in registry.awards_of(ref)] == ["test-award-1", "test-award-2", "test-award-3"]
    statuses = {a.id: registry.status(a) for a in registry.awards_of(ref)}
    assert statuses == {"test-award-1": "awarded", "test-award-2": "not-yet", "test-award-3": "pending"}
    assert [a.id for a in registry.portfolio("erin-earner")] == ["test-award-1"]
    assert registry.portfolios() == ["erin-earner"]
    assert [(o.id, r.credit_hours) for o, r in registry.recognitions_of(ref)] == [("test-district", 5)]
    assert [c.id for c in registry.stacks_containing(ref)] == ["test-stack"]
    assert not registry.is_revoked("test-award-1")
    assert registry.files_read == 7
    registry.raise_for_problems()


def test_two_assessors_required(registry_factory: RegistryFactory) -> None:
    registry_factory.organisations = [organisation_data(assessment={"assessors_required": 2}), recognizer_data()]
    second = award_data("test-award-2")
    second["assessments"].append({**second["assessments"][0], "assessor": "kim-assessor", "decision": "not-yet",
                                  "scores": {"questions": "developing", "analysis": "proficient"}})
    registry_factory.awards = [award_data(), second]
    registry = load_registry(registry_factory.write())
    assert registry.problems == []
    assert registry.status(registry.awards["test-award-1"].record) == "pending"
    assert registry.status(registry.awards["test-award-2"].record) == "disagreement"


def test_a_broken_record_is_reported_once_not_again_by_its_references(tmp_path: Path) -> None:
    """An unreadable credential or issuer must not make every award and recognition report it too."""
    factory = RegistryFactory(tmp_path / "r")
    factory.awards = [award_data(f"test-award-{i}") for i in range(1, 4)]
    root = factory.write()
    (root / "credentials/test-institute/test-questioning.yaml").write_text("id: [broken\n", encoding="utf-8")
    registry = load_registry(root)
    assert [p.path for p in registry.problems] == ["credentials/test-institute/test-questioning.yaml"]
    (root / "credentials/test-institute/test-questioning.yaml").write_text("", encoding="utf-8")
    profile = root / "issuers/test-institute.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("id: test-institute", "id: other-name", 1))
    registry = load_registry(root)
    assert sorted({p.path for p in registry.problems}) == [
        "credentials/test-institute/test-questioning.yaml", "issuers/test-institute.yaml",
    ]


def test_load_without_checks_and_progress(registry_factory: RegistryFactory) -> None:
    registry_factory.awards = [award_data(decision="not-yet") | {"credential_version": 9}]
    seen: list[tuple[str, int]] = []

    class Recorder(ProgressObserver):
        def start(self, task: str, total: int) -> None:
            seen.append((task, total))

        def advance(self, steps: int = 1) -> None:
            seen.append(("advance", steps))

        def finish(self) -> None:
            seen.append(("finish", 0))

    root = registry_factory.write()
    assert load_registry(root, check=False).problems == []
    assert len(load_registry(root, Recorder()).problems) == 1
    assert seen == [("Loading awards", 1), ("advance", 1), ("finish", 0)]


@pytest.mark.parametrize("email", [RECIPIENT_EMAIL, RECIPIENT_EMAIL.upper()])
def test_factory_recipient_hash(email: str) -> None:
    assert award_data()["recipient"]["email_hash"] == email_hash(email, SALT)
