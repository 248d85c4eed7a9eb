"""load: reading one record file into a model, with every problem located and worded for people."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import award_data, credential_data, organisation_data, write_yaml
from microcred.errors import LoadError, MicrocredError
from microcred.load import MAX_FILE_BYTES, load_record, read_text
from microcred.records import Award, Credential, Organisation


def problems_of(path: Path, model: type) -> list[str]:
    with pytest.raises(LoadError) as err:
        load_record(path, "r.yaml", model)
    assert isinstance(err.value, MicrocredError)
    return [str(p) for p in err.value.problems]


def test_valid_records_load_with_positions(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "a.yaml", award_data())
    loaded = load_record(path, "awards/x.yaml", Award)
    assert loaded.record.id == "test-award-1" and loaded.path == "awards/x.yaml"
    assert str(loaded.problem("msg", "submission", "evidence", 1, "words")) == "awards/x.yaml:21:12: msg"
    assert str(loaded.problem("msg", "submission", "evidence", 1, "nope")) == "awards/x.yaml:18:5: msg"
    assert str(loaded.problem("msg", "recipient", "name", key=True)) == "awards/x.yaml:6:3: msg"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    write_yaml(path, organisation_data())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_text(path, "o.yaml").startswith("id:")
    assert load_record(path, "o.yaml", Organisation).record.id == "test-institute"


def test_read_text_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(LoadError) as err:
        read_text(big, "big.yaml")
    assert str(err.value) == "big.yaml:1:1: file is 1,048,577 bytes; records may be at most 1 MiB"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"id: x\nname: Ren\xe9e\n")
    with pytest.raises(LoadError) as err:
        read_text(latin, "latin.yaml")
    assert str(err.value) == "latin.yaml:2:1: file is not UTF-8 text; save it as UTF-8"
    with pytest.raises(LoadError) as err:
        read_text(tmp_path / "missing.yaml", "missing.yaml")
    assert str(err.value) == "missing.yaml:1:1: cannot read file: No such file or directory"


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    data = credential_data(version="1", title=" Spaced", tags="questioning", valid_for_months=0)
    del data["summary"]
    path = write_yaml(tmp_path / "c.yaml", data)
    assert problems_of(path, Credential) == [
        "r.yaml:1:1: missing required field 'summary'",
        "r.yaml:3:10: version must be a whole number",
        "r.yaml:4:8: title: has leading or trailing spaces; remove them",
        "r.yaml:6:7: tags must be a list (lines starting with '- ')",
        "r.yaml:56:19: valid_for_months: must be greater than or equal to 1",
    ]


@pytest.mark.parametrize("typo,expected", [
    ("sumary", "r.yaml:8:1: unknown field 'sumary'; did you mean 'summary'?"),
    ("key_methods", "r.yaml:9:1: unknown field 'key_methods'; did you mean 'key_method'?"),
    ("Summary", "r.yaml:8:1: unknown field 'Summary'; did you mean 'summary'?"),
])
def test_misspelt_required_field_is_one_problem(tmp_path: Path, typo: str, expected: str) -> None:
    data = credential_data()
    field = "summary" if typo.lower().startswith("s") else "key_method"
    data = {typo if k == field else k: v for k, v in data.items()}
    path = write_yaml(tmp_path / "c.yaml", data)
    assert problems_of(path, Credential) == [expected]


def test_unknown_field_far_from_any_name(tmp_path: Path) -> None:
    data = award_data()
    data["recipient"]["favourite_colour"] = "blue"
    path = write_yaml(tmp_path / "a.yaml", data)
    assert problems_of(path, Award) == [
        "r.yaml:11:3: unknown field 'recipient.favourite_colour'; check the spelling against the schema"
    ]


def test_misspelt_field_in_a_list_item(tmp_path: Path) -> None:
    data = organisation_data()
    data["assessors"][1]["git_mail"] = data["assessors"][1].pop("git_email")
    path = write_yaml(tmp_path / "o.yaml", data)
    assert problems_of(path, Organisation) == [
        "r.yaml:21:3: unknown field 'assessors[1].git_mail'; did you mean 'git_email'?"
    ]


@pytest.mark.parametrize("text,expected", [
    ("", "r.yaml:1:1: a record must be a mapping of fields; this file is empty"),
    ("- a\n", "r.yaml:1:1: a record must be a mapping of fields; this file is a list, not a mapping of fields"),
    ("42\n", "r.yaml:1:1: a record must be a mapping of fields; this file is a number, not a mapping of fields"),
    ("true\n", "r.yaml:1:1: a record must be a mapping of fields; this file is true/false, not a mapping of fields"),
])
def test_not_a_mapping(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path, Award) == [expected]


def test_huge_and_special_numbers_are_problems_not_crashes(tmp_path: Path) -> None:
    data = credential_data(version=10**39, credit_hours=float("inf"), valid_for_months=float("nan"))
    data["evidence"][0]["max_minutes"] = float("nan")
    path = write_yaml(tmp_path / "c.yaml", data)
    assert problems_of(path, Credential) == [
        "r.yaml:14:16: evidence[0].max_minutes: must be greater than 0",
        "r.yaml:57:15: credit_hours: must be less than or equal to 500",
        "r.yaml:58:19: valid_for_months must be a whole number",
    ]


def test_model_wide_rules_point_at_the_field_that_breaks_them(tmp_path: Path) -> None:
    data = organisation_data(admins=[])
    path = write_yaml(tmp_path / "o.yaml", data)
    assert problems_of(path, Organisation) == ["r.yaml:8:9: an issuer needs at least one admin"]
    data = organisation_data(keys=[{
        "id": "key-2026", "public_key_multibase": "z6Mk" + "a" * 44,
        "not_before": "2026-01-01T00:00:00Z", "not_after": "2025-01-01T00:00:00Z",
    }])
    path = write_yaml(tmp_path / "o.yaml", data)
    assert problems_of(path, Organisation) == ["r.yaml:26:14: keys[0]: not_after must be later than not_before"]
