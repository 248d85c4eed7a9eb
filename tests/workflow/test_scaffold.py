"""`microcred new credential|submission|issuer`: valid records, no plain email, no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from factories import CREDENTIAL, ISSUER, RegistryFactory
from microcred.registry import email_hash

from .helpers import run_cli

EMAIL = "Jordan.Avery@School.example.org"
EVIDENCE = [
    "--evidence", "video|Clip|https://media.example.org/c|minutes=5",
    "--evidence", "reflection|Notes|https://media.example.org/n|words=150",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return RegistryFactory(tmp_path / "registry").write()


def _new(root: Path, *argv: str) -> tuple[int, str, str]:
    result = run_cli("new", *argv, "--root", root)
    return result.code, result.out, result.err


def _award_files(root: Path) -> set[Path]:
    return set((root / "awards").rglob("*.yaml"))


def test_submission_hashes_the_email_and_never_writes_it(root: Path) -> None:
    before = _award_files(root)
    code, out, err = _new(root, "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EMAIL,
                          "--name", "Jordan Avery", "--visibility", "public", "--portfolio", "jordan-avery", *EVIDENCE)
    assert code == 0, out + err
    (path,) = _award_files(root) - before
    text = path.read_text(encoding="utf-8")
    assert EMAIL.lower() not in text.lower() and "school.example.org" not in text.lower()
    data = yaml.safe_load(text)
    recipient = data["recipient"]
    assert recipient["email_hash"] == email_hash(EMAIL, recipient["salt"])
    assert len(recipient["salt"]) == 32
    assert data["assessments"] == [] and "provenance" not in data and "signed" not in data
    assert path.stem == data["id"] and data["id"].startswith(f"{CREDENTIAL}-")
    assert run_cli("validate", "--root", root).code == 0


def test_each_submission_gets_a_fresh_salt_and_id(root: Path) -> None:
    for _ in range(2):
        assert _new(root, "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", "--email", EMAIL, *EVIDENCE)[0] == 0
    new = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in _award_files(root) if "test-award" not in p.name]
    assert len(new) == 2
    assert new[0]["recipient"]["salt"] != new[1]["recipient"]["salt"]
    assert new[0]["recipient"]["email_hash"] != new[1]["recipient"]["email_hash"]
    assert all(d["recipient"]["visibility"] == "private" and "name" not in d["recipient"] for d in new)


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--email", EMAIL, "--evidence", "video|Clip|https://media.example.org/c|minutes=5"],
         "missing required evidence 'reflection'"),
        (["--email", "not-an-email", *EVIDENCE], "not an email address"),
        (["--email", EMAIL], "give the evidence"),
        (["--email", EMAIL, "--evidence", "video|Clip"], "requirement|title|url"),
        (["--email", EMAIL, "--visibility", "public", *EVIDENCE], "missing --name"),
    ],
    ids=["missing-evidence", "bad-email", "no-evidence", "bad-evidence-flag", "public-without-name"],
)
def test_invalid_submission_writes_nothing(root: Path, argv: list[str], message: str) -> None:
    before = _award_files(root)
    code, out, err = _new(root, "submission", "--credential", f"{ISSUER}/{CREDENTIAL}", *argv)
    assert code in (1, 2)
    assert message in out + err
    assert _award_files(root) == before


def test_unknown_credential(root: Path) -> None:
    code, _, err = _new(root, "submission", "--credential", f"{ISSUER}/nope", "--email", EMAIL, *EVIDENCE)
    assert code == 2 and "no credential" in err


CREDENTIAL_ARGS = ["credential", "--issuer", ISSUER, "--id", "wait-time", "--title", "Wait Time", "--competency",
                   "Questioning", "--summary", "Waits.", "--key-method", "Count to five.", "--criterion",
                   "wait|Waiting", "--credit-hours", "3"]
ISSUER_ARGS = ["issuer", "--id", "new-org", "--name", "New Org", "--url", "https://new.example.org/", "--email",
               "info@new.example.org", "--description", "A new issuer.", "--admin",
               "ann-admin|Ann Admin|ann-gh|ann@new.example.org", "--assessor", "al-assessor|Al Assessor|al-gh"]


@pytest.mark.parametrize(
    "argv,path",
    [(CREDENTIAL_ARGS, f"credentials/{ISSUER}/wait-time.yaml"), (ISSUER_ARGS, "issuers/new-org.yaml")],
    ids=["credential", "issuer"],
)
def test_new_record_is_valid_and_never_overwritten(root: Path, argv: list[str], path: str) -> None:
    code, out, err = _new(root, *argv)
    assert code == 0, out + err
    assert (root / path).exists()
    validate = run_cli("validate", "--root", root)
    assert validate.code == 0, validate.out
    before = (root / path).read_bytes()
    code, out, err = _new(root, *argv)
    assert code == 2 and "refusing to overwrite" in err
    assert (root / path).read_bytes() == before


def test_new_credential_is_a_draft(root: Path) -> None:
    assert _new(root, *CREDENTIAL_ARGS)[0] == 0
    data = yaml.safe_load((root / f"credentials/{ISSUER}/wait-time.yaml").read_text(encoding="utf-8"))
    assert data["published"] is False
    assert [c["id"] for c in data["rubric"]["criteria"]] == ["wait"]


def test_missing_flags_without_a_terminal_is_a_usage_error(root: Path) -> None:
    code, _, err = _new(root, "credential", "--issuer", ISSUER)
    assert code == 2 and "missing --id" in err


def test_submission_prompts_on_a_terminal(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without flags, in a terminal: every question is asked; the email is read, hashed, never written."""
    import microcred.cli.scaffold as cli_scaffold

    answers = iter([
        f"{ISSUER}/{CREDENTIAL}",          # credential
        EMAIL,                              # email
        "public",                           # visibility
        "Jordan Avery",                     # name
        "jordan-avery",                     # portfolio
        "",                                 # github (optional)
        "Clip", "https://media.example.org/c", "5",             # video: title, link, minutes
        "Notes", "https://media.example.org/n", "150",          # reflection: title, link, words
    ])
    monkeypatch.setattr(cli_scaffold, "_interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    before = _award_files(root)
    code, out, err = _new(root, "submission")
    assert code == 0, out + err
    (path,) = _award_files(root) - before
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["recipient"]["name"] == "Jordan Avery" and data["recipient"]["portfolio"] == "jordan-avery"
    assert [e["requirement"] for e in data["submission"]["evidence"]] == ["video", "reflection"]
    assert EMAIL.lower() not in path.read_text(encoding="utf-8").lower()
    assert run_cli("validate", "--root", root).code == 0
