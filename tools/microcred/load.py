"""Reading record files into models: strict YAML, size and encoding limits, file:line:column errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import pydantic

from .errors import LoadError, Problem
from .records import Award, Credential, Organisation, Revocation
from .records.common import Record
from .yamlstrict import Positions, YamlProblem, parse

MAX_FILE_BYTES = 1024 * 1024

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Loaded(Generic[R]):
    """A record together with where it came from, so later checks can point into the file."""

    record: R
    path: str  # relative to the registry root, with forward slashes
    positions: Positions

    def problem(self, message: str, *loc: str | int, key: bool = False) -> Problem:
        """A problem located at field `loc` of this record (or its nearest written ancestor)."""
        line, column = self.positions.locate(tuple(loc), key=key)
        return Problem(self.path, line, column, message)


def read_text(path: Path, display: str) -> str:
    """The file's text: UTF-8, at most 1 MiB. Raises LoadError otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError([Problem(display, 1, 1, f"file is {size:,} bytes; records may be at most 1 MiB")])
        data = path.read_bytes()
    except OSError as err:
        raise LoadError([Problem(display, 1, 1, f"cannot read file: {err.strerror or err}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LoadError([Problem(display, line, 1, "file is not UTF-8 text; save it as UTF-8")]) from None
    return text.removeprefix("\ufeff")


def _field_name(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts) or "record"


_TYPE_WORDS = {
    "string_type": "must be text (put it in quotes if it looks like a number, date or true/false)",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a mapping of names to values",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
}


def _message(error: Any) -> tuple[str, bool]:
    """A sentence a teacher can act on, and whether it points at a key rather than a value."""
    kind = error["type"]
    loc = tuple(error["loc"])
    name = _field_name(loc)
    if kind == "missing":
        return f"{_field_name(loc[:-1]) + ': ' if loc[:-1] else ''}missing required field {loc[-1]!r}", False
    if kind == "extra_forbidden":
        return f"unknown field {name!r}; check the spelling against the schema", True
    if kind in _TYPE_WORDS:
        return f"{name} {_TYPE_WORDS[kind]}", False
    if kind == "string_pattern_mismatch":
        hint = ""
        if name.endswith(("id", "issuer", "credential", "portfolio", "assessor", "requirement")) or "scores" in name:
            hint = " (use lower-case letters, digits and hyphens, e.g. 'questioning-strategies')"
        return f"{name} {error['input']!r} is not in the expected form{hint}", False
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("literal_error", "enum"):
        message = message.replace("Input should be", "must be")
    return (f"{name}: {message}" if loc else message), False


def model_problems(err: pydantic.ValidationError, display: str, positions: Positions) -> list[Problem]:
    """Translate pydantic's errors into located problems."""
    problems = []
    for error in err.errors():
        loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        message, at_key = _message({**error, "loc": loc})
        line, column = positions.locate(loc, key=at_key)
        problems.append(Problem(display, line, column, message))
    return problems


def load_record(path: Path, display: str, model: type[R]) -> Loaded[R]:
    """Read and validate one record file. Raises LoadError listing every problem in it."""
    text = read_text(path, display)
    try:
        data, positions = parse(text, display)
    except YamlProblem as problem:
        raise LoadError([problem.problem]) from None
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}, not a mapping of fields"
        raise LoadError([Problem(display, 1, 1, f"a record must be a mapping of fields; this file is {what}")])
    try:
        record = model.model_validate(data)
    except pydantic.ValidationError as err:
        raise LoadError(model_problems(err, display, positions)) from None
    except (RecursionError, ValueError) as err:  # pathological nesting, huge integers
        raise LoadError([Problem(display, 1, 1, f"record could not be read: {err}")]) from None
    return Loaded(record, display, positions)


MODEL_FOR_KIND: dict[str, type[Record]] = {
    "issuer": Organisation,
    "credential": Credential,
    "award": Award,
    "revocation": Revocation,
}
