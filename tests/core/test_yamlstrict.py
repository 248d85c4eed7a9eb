"""yamlstrict: YAML 1.2 core scalars, refusals, and the positions every later problem points at."""

from __future__ import annotations

import math

import pytest

from microcred.yamlstrict import MAX_DEPTH, Positions, YamlProblem, parse


def value(text: str) -> object:
    data, _ = parse(f"v: {text}\n", "f.yaml")
    assert isinstance(data, dict)
    return data["v"]


@pytest.mark.parametrize("text", [
    "no", "No", "off", "on", "yes", "y", "n", "2026-01-01", "2026-01-01T10:00:00Z", "1_000", "0b101",
    "1e", "12:30", "0x", ".5.5", "+.inf.", "sha256$00", "007abc", "Infinity", "NaN",
])
def test_yaml_1_1_booleans_dates_and_oddities_stay_text(text: str) -> None:
    assert value(text) == text


@pytest.mark.parametrize("text,expected", [
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False),
    ("5", 5), ("-5", -5), ("+5", 5), ("007", 7), ("0x1f", 31), ("0o17", 15),
    ("1.5", 1.5), ("1e3", 1000.0), ("-1.5e-3", -0.0015), (".5", 0.5), ("1.", 1.0),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None),
])
def test_core_schema_typed_scalars(text: str, expected: object) -> None:
    got = value(text)
    assert got == expected and type(got) is type(expected)


def test_infinity_and_nan() -> None:
    assert value(".inf") == math.inf and value("-.Inf") == -math.inf and value("+.INF") == math.inf
    nan = value(".nan")
    assert isinstance(nan, float) and math.isnan(nan)


@pytest.mark.parametrize("text", ["'5'", '"true"', "!!str 5", "! 5", "|\n  5", ">\n  true"])
def test_quoted_block_and_str_tagged_scalars_are_text(text: str) -> None:
    got = value(text)
    assert isinstance(got, str) and got.strip() in ("5", "true")


def test_numbers_over_40_digits_are_refused() -> None:
    assert value("9" * 40) == int("9" * 40)
    with pytest.raises(YamlProblem) as err:
        value("9" * 41)
    assert str(err.value) == "f.yaml:1:4: number is too long"


def test_positions_of_nested_values_and_keys() -> None:
    text = (
        "id: x\n"                    # 1
        "recipient:\n"               # 2
        "  name: Erin\n"             # 3
        "  tags: [a,  b]\n"          # 4
        "items:\n"                   # 5
        "- title: one\n"             # 6
        "  url: 'https://x'\n"       # 7
        "-   title: two\n"           # 8
        "empty:\n"                   # 9
    )
    data, positions = parse(text, "f.yaml")
    assert data == {
        "id": "x", "recipient": {"name": "Erin", "tags": ["a", "b"]},
        "items": [{"title": "one", "url": "https://x"}, {"title": "two"}], "empty": None,
    }
    assert positions.values[()] == (1, 1)
    assert positions.values[("id",)] == (1, 5)
    assert positions.keys[("id",)] == (1, 1)
    assert positions.values[("recipient",)] == (3, 3)
    assert positions.keys[("recipient", "name")] == (3, 3)
    assert positions.values[("recipient", "name")] == (3, 9)
    assert positions.values[("recipient", "tags", 0)] == (4, 10)
    assert positions.values[("recipient", "tags", 1)] == (4, 14)
    assert positions.values[("items", 0)] == (6, 3)
    assert positions.keys[("items", 0, "url")] == (7, 3)
    assert positions.values[("items", 0, "url")] == (7, 8)
    assert positions.keys[("items", 1, "title")] == (8, 5)
    assert positions.values[("items", 1, "title")] == (8, 12)
    assert positions.values[("empty",)] == (9, 7)


def test_locate_falls_back_to_the_nearest_written_ancestor() -> None:
    _, positions = parse("a:\n  b:\n    c: 1\nlist:\n- x\n", "f.yaml")
    assert positions.locate(("a", "b", "c")) == (3, 8)
    assert positions.locate(("a", "b", "missing")) == (3, 5)  # the mapping that lacks it
    assert positions.locate(("a", "b", "c"), key=True) == (3, 5)
    assert positions.locate(("a", "nope", "deeper", 3)) == (2, 3)
    assert positions.locate(("list", 7)) == (5, 1)
    assert positions.locate(("a", "b", "missing"), key=True) == (3, 5)  # no such key: value fallback
    assert positions.locate(()) == (1, 1)
    assert Positions().locate(("anything",)) == (1, 1)


def test_positions_count_characters_not_bytes() -> None:
    _, positions = parse("name: Renée 😀\nnext: x\n", "f.yaml")
    assert positions.values[("next",)] == (2, 7)


@pytest.mark.parametrize("text,expected", [
    ("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a' (first given at line 1)"),
    ("a: &x 1\n", "f.yaml:1:4: anchors (&name) are not allowed in records; write the value out"),
    ("a: *x\n", "f.yaml:1:4: aliases (*name) are not allowed in records; write the value out"),
    ("<<: {a: 1}\n", "f.yaml:1:1: merge keys (<<) are not allowed in records"),
    ("1: a\n", "f.yaml:1:1: keys must be plain text, not '1'; quote it"),
    ("[a]: b\n", "f.yaml:1:1: keys must be plain text, not a list or mapping"),
    ("a: !!python/name:os.system\n", "f.yaml:1:4: the tag !!python/name:os.system is not allowed in records; remove it"),
    ("a: !!binary aGk=\n", "f.yaml:1:4: the tag !!binary is not allowed in records; remove it"),
    ("a: !!set {x}\n", "f.yaml:1:4: the tag !!set is not allowed in records; remove it"),
    ("a: 1\n---\nb: 2\n", "f.yaml:2:1: a record file holds one YAML document; remove the extra '---'"),
    ("a: 'open\n", "f.yaml:1:4: YAML syntax: while scanning a quoted scalar: found unexpected end of stream"),
    ("a: \x07\n", "f.yaml:1:4: YAML: special character U+0007 is not allowed in YAML text; remove it"),
])
def test_refusals_are_located(text: str, expected: str) -> None:
    with pytest.raises(YamlProblem) as err:
        parse(text, "f.yaml")
    assert str(err.value.problem) == expected


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    data, _ = parse("'<<': x\n", "f.yaml")
    assert data == {"<<": "x"}


def test_depth_limit() -> None:
    ok = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    parse(ok, "f.yaml")
    with pytest.raises(YamlProblem) as err:
        parse("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "f.yaml")
    assert err.value.problem.message == f"nested more than {MAX_DEPTH} levels deep"


def test_top_level_scalars_and_empty_documents() -> None:
    assert parse("", "f.yaml")[0] is None
    assert parse("# only a comment\n", "f.yaml")[0] is None
    assert parse("--- \nhello\n...\n", "f.yaml")[0] == "hello"


@pytest.mark.parametrize("text,where", [
    ("name: ab\x07\n", "1:9"),
    ("name: éé\x07\n", "1:9"),            # libyaml reports a byte offset; columns count characters
    ("x: 😀😀\nname: éé\x07\n", "2:9"),
    ("x: 'é\x1b'\n", "1:6"),
])
def test_special_characters_are_located_by_character(text: str, where: str) -> None:
    with pytest.raises(YamlProblem) as err:
        parse(text, "f.yaml")
    assert f"{err.value.problem.line}:{err.value.problem.column}" == where
