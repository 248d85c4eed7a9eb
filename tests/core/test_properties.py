"""Property-based tests: whatever bytes a record file holds, the core reports problems and never crashes.

Only YamlProblem (from yamlstrict.parse) and MicrocredError subclasses (from load_record) may come
out; load_registry and `microcred validate` never raise at all.
"""

from __future__ import annotations

import contextlib
import copy
import io
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import RegistryFactory, award_data, credential_data, organisation_data
from microcred.cli import main
from microcred.errors import MicrocredError, Problem
from microcred.load import MODEL_FOR_KIND, load_record
from microcred.registry import load_registry
from microcred.yamlstrict import YamlProblem, parse

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AWARD_PATH = "awards/test-institute/test-questioning/test-award-1.yaml"


def _problem_is_sound(problem: Problem) -> None:
    assert problem.line >= 1 and problem.column >= 1
    assert problem.message and "Traceback" not in problem.message
    printed = str(problem)
    assert len(printed.splitlines()) == 1 and printed.isprintable()  # one line, no escape sequences


# -- strategies -------------------------------------------------------------------------------

_TOKENS = st.sampled_from([
    "id", "title", "a", "- ", ": ", ":", "\n", "\n  ", "\n    ", "\t", " ", "'", '"', "[", "]", "{", "}", ",",
    "&x ", "*x", "!!python/object:os.system ", "!tag ", "!!str ", "!!int ", "<<: ", "---\n", "...\n", "? ",
    "#", "|\n  ", ">\n  ", "~", "null", "true", "no", "on", "0x1f", "0o17", "1e3", ".inf", ".nan", "-1",
    "2026-01-01", "2026-01-01T00:00:00", "\\f", "\\x00", "\\u2028", "\f", "\x00", "\x85", "\u2028", "\ufeff",
    "é", "😀", "9" * 45, "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "@", "`",
])
yamlish = st.lists(_TOKENS, max_size=40).map("".join)

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**39),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", " x", "x ", "a\fb", "a\x00b", "a\u2028b", "yes", "2026-13-01", "javascript:alert(1)",
                     "sha256$" + "0" * 64, "x@example.org", "Test_Slug", "-lead", "a" * 70]),
)
json_values = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            found.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(_paths(v, prefix + (i,)))
    return found


def _get_parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_records(draw: st.DrawFn) -> tuple[str, str]:
    """(kind, YAML text) of a valid factory record with one or more random mutations."""
    kind, data = draw(st.sampled_from([
        ("award", award_data()), ("credential", credential_data()), ("issuer", organisation_data()),
    ]))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent = _get_parent(data, path)
        op = draw(st.sampled_from(["delete", "replace", "nest", "add-key"]))
        if op == "delete":
            del parent[path[-1]]
        elif op == "replace":
            parent[path[-1]] = draw(json_values)
        elif op == "nest":
            value: Any = parent[path[-1]]
            for _ in range(draw(st.integers(min_value=1, max_value=60))):
                value = draw(st.sampled_from([[value], {"x": value}]))
            parent[path[-1]] = value
        elif op == "add-key" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(json_values)
    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except (yaml.YAMLError, RecursionError):
        text = repr(data)
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        edit = draw(st.sampled_from(["duplicate-line", "insert", "delete-char", "tab"]))
        lines = text.splitlines(keepends=True) or [""]
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if edit == "duplicate-line":
            lines.insert(i, lines[i])  # a duplicate key, most of the time
        elif edit == "insert":
            lines[i] = lines[i][: len(lines[i]) // 2] + draw(_TOKENS) + lines[i][len(lines[i]) // 2:]
        elif edit == "delete-char" and lines[i]:
            j = draw(st.integers(min_value=0, max_value=len(lines[i]) - 1))
            lines[i] = lines[i][:j] + lines[i][j + 1:]
        elif edit == "tab":
            lines[i] = "\t" + lines[i]
        text = "".join(lines)
    return kind, text


# -- yamlstrict.parse ----------------------------------------------------------------------------


def _parse_ok_or_problem(text: str) -> None:
    try:
        _, positions = parse(text, "f.yaml")
    except YamlProblem as problem:
        assert problem.problem.path == "f.yaml"
        _problem_is_sound(problem.problem)
        return
    for line, column in list(positions.values.values()) + list(positions.keys.values()):
        assert line >= 1 and column >= 1


@SETTINGS
@given(st.text(max_size=300))
def test_parse_random_text(text: str) -> None:
    _parse_ok_or_problem(text)


@SETTINGS
@given(yamlish)
def test_parse_yamlish_documents(text: str) -> None:
    _parse_ok_or_problem(text)


@SETTINGS
@given(st.integers(min_value=1, max_value=400), st.sampled_from(["[", "{", "- ", "a:\n "]))
def test_parse_deep_nesting(depth: int, opener: str) -> None:
    if opener == "- ":
        text = "".join("  " * i + "- \n" for i in range(depth)) + "  " * depth + "x\n"
    elif opener == "a:\n ":
        text = "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "b: 1\n"
    else:
        text = opener * depth + ("]" if opener == "[" else "}") * depth
    _parse_ok_or_problem(text)


# -- load_record and load_registry ---------------------------------------------------------------


def _load_ok_or_error(path: Path, kind: str) -> None:
    try:
        load_record(path, "record.yaml", MODEL_FOR_KIND[kind])
    except MicrocredError as err:
        for problem in getattr(err, "problems", []):
            _problem_is_sound(problem)


@SETTINGS
@given(mutated_records())
def test_load_record_mutations(record: tuple[str, str]) -> None:
    kind, text = record
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _load_ok_or_error(path, kind)


@SETTINGS
@given(st.binary(max_size=400), st.sampled_from(sorted(MODEL_FOR_KIND)))
def test_load_record_random_bytes(data: bytes, kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.yaml"
        path.write_bytes(data)
        _load_ok_or_error(path, kind)


@SETTINGS
@given(mutated_records(), st.binary(max_size=8), st.integers(min_value=0))
def test_load_registry_never_raises(record: tuple[str, str], noise: bytes, where: int) -> None:
    kind, text = record
    target = {
        "award": AWARD_PATH,
        "credential": "credentials/test-institute/test-questioning.yaml",
        "issuer": "issuers/test-institute.yaml",
    }[kind]
    raw = text.encode("utf-8", "surrogatepass")
    if noise:
        at = where % (len(raw) + 1)
        raw = raw[:at] + noise + raw[at:]
    with tempfile.TemporaryDirectory() as tmp:
        root = RegistryFactory(Path(tmp) / "registry").write()
        (root / target).write_bytes(raw)
        registry = load_registry(root)
        for problem in registry.problems:
            _problem_is_sound(problem)
            assert not Path(problem.path).is_absolute()
        assert registry.problems == sorted(registry.problems)
        # The command on the same input: an exit code and one line per problem, never a traceback.
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", "--root", str(root)])
        assert code == (1 if registry.problems else 0)
        assert len(out.getvalue().splitlines()) == len(registry.problems) + 1
        assert err.getvalue() == ""
