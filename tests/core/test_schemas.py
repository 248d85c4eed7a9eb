"""schemas: the committed JSON Schemas match the models, and `schemas --check` notices when not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main
from microcred.schemas import SCHEMA_FILES, expected_schemas, stale_schemas, write_schemas

REPO = Path(__file__).resolve().parents[2]


def test_repository_schemas_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert stale_schemas(REPO / "schemas") == []
    assert main(["schemas", "--check", "--root", str(REPO)]) == 0
    assert capsys.readouterr().out == "OK: schemas are up to date\n"


def test_check_fails_on_a_stale_copy_and_writing_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    award = tmp_path / "schemas" / "award.schema.json"
    schema = json.loads(award.read_text(encoding="utf-8"))
    del schema["properties"]["recipient"]
    award.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    (tmp_path / "schemas" / "revocation.schema.json").unlink()

    assert main(["schemas", "--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "FAIL: schemas/award.schema.json is out of date; run `microcred schemas`",
        "FAIL: schemas/revocation.schema.json is out of date; run `microcred schemas`",
    ]
    assert award.read_text(encoding="utf-8") != expected_schemas()["award.schema.json"]  # --check wrote nothing

    assert main(["schemas", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "wrote schemas/award.schema.json", "wrote schemas/revocation.schema.json",
    ]
    assert main(["schemas", "--root", str(tmp_path)]) == 0  # twice changes nothing
    assert capsys.readouterr().out == "OK: schemas already up to date\n"
    assert main(["schemas", "--check", "--root", str(tmp_path)]) == 0


def test_schemas_describe_every_record_kind(tmp_path: Path) -> None:
    assert sorted(write_schemas(tmp_path)) == sorted(SCHEMA_FILES)
    for name in SCHEMA_FILES:
        schema = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith("/" + name)
        assert schema["additionalProperties"] is False
        assert (tmp_path / name).read_text(encoding="utf-8").endswith("}\n")


def test_factory_records_satisfy_the_committed_schemas() -> None:
    """Editors that check YAML against schemas/ must accept what microcred accepts."""
    import jsonschema  # type: ignore[import-untyped,unused-ignore]

    from factories import award_data, credential_data, organisation_data, recognizer_data

    def validator(name: str) -> Any:
        schema = json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        return cls(schema)

    organisation = validator("organisation.schema.json")
    organisation.validate(organisation_data())
    organisation.validate(recognizer_data())
    validator("credential.schema.json").validate(credential_data())
    award = validator("award.schema.json")
    award.validate(award_data())
    assert not award.is_valid(award_data() | {"titel": "x"})
    assert not award.is_valid({k: v for k, v in award_data().items() if k != "recipient"})
    validator("revocation.schema.json").validate(
        {"award": "a", "revoked_at": "2026-04-01T00:00:00Z", "reason": "r", "revoked_by": "ada-admin"}
    )


def test_unwritable_schema_folder_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schemas").write_text("a file where the folder belongs", encoding="utf-8")
    assert main(["schemas", "--root", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("microcred schemas: error: ") and "File exists" in captured.err
    assert "Traceback" not in captured.err
