"""`microcred validate` on good input, on many problems at once, and on inputs that are not registries."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from factories import RegistryFactory, award_data, credential_data, write_yaml
from microcred.cli import main

from .helpers import bad_cases, validate


def test_factory_registry_is_clean(registry_factory: RegistryFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = registry_factory.write()
    code, out, err = validate(root, capsys)
    assert code == 0
    assert len(out) == 1
    assert out[0].startswith("OK: 2 organisations, 1 credentials, 1 awards, 0 revocations in ")
    assert out[0].endswith("s")
    assert err == ""  # stderr is not a terminal here: no progress bar


def test_json_output_shape(registry_factory: RegistryFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = registry_factory.write()
    code, out, _ = validate(root, capsys, "--format", "json")
    report = json.loads("\n".join(out))
    assert code == 0
    assert set(report) == {"ok", "counts", "problems", "seconds"}
    assert report["ok"] is True and report["problems"] == []
    assert report["counts"] == {
        "organisations": 2, "credentials": 1, "credential_versions": 1, "awards": 1, "revocations": 0, "files": 4,
    }
    assert isinstance(report["seconds"], (int, float)) and report["seconds"] >= 0


def test_json_problem_shape(registry_factory: RegistryFactory, capsys: pytest.CaptureFixture[str]) -> None:
    registry_factory.awards = [award_data(decision="not-yet") | {"credential_version": 3}]
    root = registry_factory.write()
    code, out, _ = validate(root, capsys, "--format", "json")
    report = json.loads("\n".join(out))
    assert code == 1 and report["ok"] is False
    assert report["problems"] == [{
        "path": "awards/test-institute/test-questioning/test-award-1.yaml",
        "line": 4, "column": 21,
        "message": "test-institute/test-questioning has no version 3 (current version is 1)",
    }]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lay many corpus cases that touch different files into one registry: all their lines come out."""
    chosen = {
        "yaml-tab-indentation": "issuers/test-institute.yaml",
        "recognition-unknown-credential": "issuers/test-district.yaml",
        "unknown-field-typo": "credentials/test-institute/test-questioning.yaml",
        "yml-extension": None,
        "award-wrong-depth": None,
    }
    root = RegistryFactory(tmp_path / "registry").write()
    expected: list[str] = []
    for case in bad_cases():
        if case.name in chosen:
            for target, name in case.files.items():
                (root / target).parent.mkdir(parents=True, exist_ok=True)
                (root / target).write_bytes((case.folder / name).read_bytes())
            expected.extend(case.expected)
    # A second, independent award with three problems of its own.
    write_yaml(
        root / "awards/test-institute/test-questioning/test-award-3.yaml",
        award_data("test-award-3", decision="awarded") | {"credential_version": 1}
        | {"recipient": {"name": " Erin", "email_hash": "sha256$x", "salt": "00112233445566778899aabbccddeeff",
                         "visibility": "public"}},
    )
    code, out, _ = validate(root, capsys)
    assert code == 1
    problems = out[:-1]
    # Registry rules cannot run against the broken issuer, so its awards are not checked twice.
    for line in expected:
        assert line in problems
    award3 = [p for p in problems if "test-award-3" in p]
    assert award3 == [
        ("awards/test-institute/test-questioning/test-award-3.yaml:6:9: recipient.name: has leading or trailing "
         "spaces; remove them"),
        ("awards/test-institute/test-questioning/test-award-3.yaml:7:15: recipient.email_hash 'sha256$x' is not in "
         "the expected form (sha256$ followed by 64 lower-case hex digits: the SHA-256 of the lower-cased email "
         "and the salt)"),
    ]
    assert problems == sorted(problems, key=lambda p: (p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])))
    assert out[-1].startswith(f"FAIL: {len(problems)} problems in ")
    assert len({p.split(":")[0] for p in problems}) >= 5


def test_schema_and_rule_problems_of_one_file_come_together(
    registry_factory: RegistryFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    registry_factory.awards = [award_data(decision="awarded")]
    registry_factory.awards[0]["submission"]["evidence"][0]["minutes"] = 12
    registry_factory.awards[0]["submission"]["evidence"][1]["words"] = 900
    registry_factory.awards[0]["assessments"][0]["scores"]["questions"] = "developing"
    root = registry_factory.write()
    code, out, _ = validate(root, capsys)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in out[:-1]] == [
        "evidence 'Clip' runs 12 minutes; 'video' allows at most 10",
        "evidence 'Reflection' has 900 words; 'reflection' allows at most 500",
        "decision is awarded but the scores do not meet the passing rule (every criterion at least 'proficient')",
    ]


@pytest.mark.parametrize("layout", ["missing", "file", "empty", "only-issuers", "symlink", "junk", "fifo"])
def test_no_traceback_for_non_registries(layout: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "registry"
    if layout == "file":
        root.write_text("not a folder")
    elif layout == "empty":
        root.mkdir()
    elif layout == "only-issuers":
        (root / "issuers").mkdir(parents=True)
    elif layout == "symlink":
        RegistryFactory(root).write()
        os.symlink(root / "issuers/test-district.yaml", root / "issuers/linked.yaml")
    elif layout == "junk":
        RegistryFactory(root).write()
        (root / "issuers" / "notes.txt").write_text("free text beside records is fine")
        (root / "issuers" / ".draft.yaml").write_text("{{{ hidden files are not records")
        (root / "awards" / "Bad Folder").mkdir()
        (root / "credentials" / "test-institute" / "sub").mkdir()
    elif layout == "fifo":
        RegistryFactory(root).write()
        os.mkfifo(root / "issuers" / "pipe.yaml")  # reading it would block for ever
    code, out, err = validate(root, capsys)
    assert "Traceback" not in err
    if layout == "fifo":
        assert out[:-1] == ["issuers/pipe.yaml:1:1: not a regular file; records are plain text files"]
    if layout == "missing":
        assert out[:-1] == [f"{root.resolve()}:1:1: registry folder does not exist"]
    elif layout == "empty":
        assert out[:-1] == [
            "credentials:1:1: missing folder credentials/",
            "issuers:1:1: missing folder issuers/ (organisation profiles)",
        ]
    elif layout == "symlink":
        assert out[:-1] == ["issuers/linked.yaml:1:1: symbolic links are not allowed in the registry"]
    elif layout == "junk":
        assert out[:-1] == [
            "awards/Bad Folder:1:1: folder name 'Bad Folder' is not a slug (lower-case letters, digits, hyphens)",
            "credentials/test-institute/sub:1:1: unexpected folder; credentials are credentials/<org>/<slug>.yaml",
        ]
    assert code == 1


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_archived_version_and_stack_validate_clean(
    registry_factory: RegistryFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good input beyond the minimum: an archived version with its award, and a stack awarded properly."""
    v1 = credential_data()
    v2 = credential_data(version=2, title="Test Questioning, revised")
    stack = {
        "id": "test-stack", "issuer": "test-institute", "version": 1, "title": "Test Stack",
        "competency": "Questioning", "summary": "Hold the components.", "key_method": "Hold them.",
        "requires": ["test-institute/test-questioning"],
    }
    registry_factory.credentials = [v2, stack]
    stack_award = award_data("test-award-2", slug="test-stack", decision=None)
    del stack_award["submission"]
    stack_award["assessments"] = [{"assessor": "sam-assessor", "date": "2026-04-01", "scores": {},
                                   "feedback": "Well done.", "decision": "awarded"}]
    registry_factory.awards = [award_data(), stack_award]
    root = registry_factory.write()
    write_yaml(root / "credentials/test-institute/test-questioning.v1.yaml", v1)
    code, out, _ = validate(root, capsys)
    assert (code, out[-1].split(" in ")[0]) == (0, "OK: 2 organisations, 2 credentials, 2 awards, 0 revocations")
