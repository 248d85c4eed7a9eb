"""errors: the Problem line format and the exception tree."""

from __future__ import annotations

import pytest

from microcred.errors import (
    CanonicalizationError,
    GitWorkflowError,
    KeyMaterialError,
    LoadError,
    MicrocredError,
    Problem,
    RecordError,
    RegistryError,
    SigningError,
    SiteError,
    UsageError,
    VerificationError,
)


def test_problem_line_and_dict() -> None:
    problem = Problem("issuers/x.yaml", 3, 7, "name: is empty")
    assert str(problem) == "issuers/x.yaml:3:7: name: is empty"
    assert problem.to_dict() == {"path": "issuers/x.yaml", "line": 3, "column": 7, "message": "name: is empty"}


@pytest.mark.parametrize("raw,shown", [
    ("key \x1e here", "key \\x1e here"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("right\u202eto left", "right\\u202eto left"),
    ("two\nlines", "two\\nlines"),
    ("é ✓ 😀 tab-free", "é ✓ 😀 tab-free"),
])
def test_problem_lines_never_carry_control_characters(raw: str, shown: str) -> None:
    problem = Problem(f"a{raw}.yaml", 1, 1, raw)
    assert str(problem) == f"a{shown}.yaml:1:1: {shown}"
    assert problem.to_dict()["message"] == raw  # JSON escapes for itself


def test_problems_sort_by_file_then_position() -> None:
    problems = [Problem("b", 1, 1, "x"), Problem("a", 10, 1, "x"), Problem("a", 2, 5, "y"), Problem("a", 2, 5, "x")]
    assert [str(p) for p in sorted(problems)] == ["a:2:5: x", "a:2:5: y", "a:10:1: x", "b:1:1: x"]


def test_record_errors_carry_every_problem_sorted() -> None:
    err = LoadError([Problem("b", 1, 1, "second"), Problem("a", 1, 1, "first")])
    assert [p.message for p in err.problems] == ["first", "second"]
    assert str(err) == "a:1:1: first (and 1 more)"
    assert str(RegistryError([])) == "invalid record"


def test_one_exception_tree() -> None:
    for cls in (UsageError, RecordError, LoadError, RegistryError, KeyMaterialError, SigningError,
                VerificationError, CanonicalizationError, GitWorkflowError, SiteError):
        assert issubclass(cls, MicrocredError)
    assert issubclass(LoadError, RecordError) and issubclass(RegistryError, RecordError)
