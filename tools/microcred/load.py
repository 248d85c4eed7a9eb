"""Reading record files into models: strict YAML, size and encoding limits, file:line:column errors."""

from __future__ import annotations

import difflib
import stat
import typing
from pathlib import Path
from typing import Any, Generic, TypeVar

import pydantic

from .errors import LoadError, Problem
from .ids import SLUG_PATTERN
from .records import Award, Credential, Organisation, Revocation
from .records.common import FieldError, Record
from .yamlstrict import Positions, YamlProblem, parse

MAX_FILE_BYTES = 1024 * 1024

R = TypeVar("R", bound=Record)


class Loaded(Generic[R]):
    """A record together with where it came from, so later checks can point into the file.

    Positions are not kept: for a registry of 100,000 awards they would take more memory than
    the records themselves, and nearly every record is clean. The first problem reported
    against a record re-reads its file to find the line and column.
    """

    __slots__ = ("_positions", "path", "record", "source")

    def __init__(self, record: R, path: str, source: Path, positions: Positions | None = None) -> None:
        self.record = record
        self.path = path  # relative to the registry root, with forward slashes
        self.source = source
        self._positions = positions

    @property
    def positions(self) -> Positions:
        """Line and column of every value in the file (parsed again on first use)."""
        if self._positions is None:
            try:
                _, self._positions = parse(read_text(self.source, self.path), self.path)
            except (LoadError, YamlProblem):
                self._positions = Positions()  # the file changed under us: point at line 1
        return self._positions

    def problem(self, message: str, *loc: str | int, key: bool = False) -> Problem:
        """A problem located at field `loc` of this record (or its nearest written ancestor)."""
        line, column = self.positions.locate(tuple(loc), key=key)
        return Problem(self.path, line, column, message)


def read_text(path: Path, display: str) -> str:
    """The file's text: UTF-8, at most 1 MiB. Raises LoadError otherwise."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise LoadError([Problem(display, 1, 1, "not a regular file; records are plain text files")])
        size = info.st_size
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


#: What a value of a patterned field looks like, by field name, for "not in the expected form".
_FORM_HINTS = {
    "email_hash": " (sha256$ followed by 64 lower-case hex digits: the SHA-256 of the lower-cased email and the salt)",
    "salt": " (16 to 64 lower-case hex digits, 0-9 and a-f)",
    "github": " (a GitHub user name without the @)",
    "approved_by": " (a GitHub user name without the @)",
    "public_key_multibase": " (an Ed25519 Multikey: z6Mk followed by 44 base58 characters)",
    "submitted_commit": " (a Git commit id: 7 to 64 lower-case hex digits)",
    "assessed_commit": " (a Git commit id: 7 to 64 lower-case hex digits)",
    "merge_commit": " (a Git commit id: 7 to 64 lower-case hex digits)",
    "credential": " (<issuer>/<slug>, e.g. 'riverbend-institute/questioning-strategies')",
}
_SLUG_HINT = " (use lower-case letters, digits and hyphens, e.g. 'questioning-strategies')"
_KEY_MARK = "[key]"  # pydantic's loc segment for a dict key that failed validation


def _message(error: Any) -> tuple[str, bool]:
    """A sentence a teacher can act on, and whether it points at a key rather than a value."""
    kind = error["type"]
    loc = tuple(error["loc"])
    at_key = bool(loc) and loc[-1] == _KEY_MARK
    if at_key:
        loc = loc[:-2]  # (..., <the key>, "[key]") -> the mapping; the message names the key
    name = _field_name(loc)
    if kind == "missing":
        return f"{_field_name(loc[:-1]) + ': ' if loc[:-1] else ''}missing required field {loc[-1]!r}", False
    if kind == "extra_forbidden":
        return f"unknown field {name!r}; check the spelling against the schema", True
    if kind in _TYPE_WORDS:
        return f"{name} {_TYPE_WORDS[kind]}", at_key
    if kind == "string_pattern_mismatch":
        if (error.get("ctx") or {}).get("pattern") == SLUG_PATTERN:
            hint = _SLUG_HINT
        else:
            last = next((part for part in reversed(loc) if isinstance(part, str)), "")
            hint = _FORM_HINTS.get(last, "")
        what = f"{name}: key" if at_key else name
        return f"{what} {error['input']!r} is not in the expected form{hint}", at_key
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    # pydantic words its limits for programmers ("Input should be greater than 0"); say "must".
    message = message.replace("Input should be", "must be").replace("String should have", "must have")
    message = message.replace("List should have", "must have").replace(" after validation", "")
    return (f"{name}: {message}" if loc else message), at_key


def _known_fields(model: type[pydantic.BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the model found at `loc` inside `model` (empty when it cannot be told)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the item type is what the field's annotation unwraps to
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    """The model class inside `X`, `X | None` or `list[X]`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def model_problems(
    err: pydantic.ValidationError, display: str, positions: Positions, model: type[pydantic.BaseModel] | None = None
) -> list[Problem]:
    """Translate pydantic's errors into located problems.

    With `model`, a misspelt field is reported once, with the likely intended name, instead of
    as an unknown field plus a missing one.
    """
    errors: list[dict[str, Any]] = [
        {**error, "loc": tuple(p for p in error["loc"] if isinstance(p, (str, int)))} for error in err.errors()
    ]
    missing = {error["loc"] for error in errors if error["type"] == "missing"}
    typos: dict[tuple[str | int, ...], str] = {}  # loc of an unknown key -> the field it likely means
    for error in errors:
        loc = error["loc"]
        if error["type"] == "extra_forbidden" and model is not None and loc and isinstance(loc[-1], str):
            close = difflib.get_close_matches(loc[-1], _known_fields(model, loc[:-1]), n=1, cutoff=0.75)
            if close:
                typos[loc] = close[0]
    explained = {loc[:-1] + (field,) for loc, field in typos.items()} & missing
    problems = []
    for error in errors:
        loc = error["loc"]
        if loc in typos:
            message, at_key = f"unknown field {_field_name(loc)!r}; did you mean {typos[loc]!r}?", True
        elif error["type"] == "missing" and loc in explained:
            continue  # the misspelt key above is this field
        else:
            message, at_key = _message(error)
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):  # a model-wide rule that knows which field broke it
            loc = loc + cause.loc
        line, column = positions.locate(loc[:-1] if at_key and loc[-1:] == (_KEY_MARK,) else loc, key=at_key)
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
        kinds = {list: "a list", str: "plain text", bool: "true/false", int: "a number", float: "a number"}
        what = "empty" if data is None else f"{kinds.get(type(data), 'a value')}, not a mapping of fields"
        raise LoadError([Problem(display, 1, 1, f"a record must be a mapping of fields; this file is {what}")])
    try:
        record = model.model_validate(data)
    except pydantic.ValidationError as err:
        raise LoadError(model_problems(err, display, positions, model)) from None
    except (RecursionError, ValueError) as err:  # pathological nesting, huge integers
        raise LoadError([Problem(display, 1, 1, f"record could not be read: {err}")]) from None
    return Loaded(record, display, path)


MODEL_FOR_KIND: dict[str, type[Record]] = {
    "issuer": Organisation,
    "credential": Credential,
    "award": Award,
    "revocation": Revocation,
}
