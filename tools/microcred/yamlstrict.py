"""Strict YAML: safe, YAML 1.2 core scalars, no aliases, no duplicate or non-text keys, with positions.

PyYAML's safe loader follows YAML 1.1, where `no` is a boolean, `2026-03-01` a date and `1e3`
may be text or a number depending on the dots. Records are read with YAML 1.2 core rules
instead: only true/false are booleans, and timestamps stay text for the models to parse.
Every value's line and column is kept so that any later problem can point at the exact place.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import Problem

Location = tuple[int, int]
Path = tuple[str | int, ...]

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


try:  # libyaml's parser is ~10x faster; the pure-Python one gives the same events
    from yaml._yaml import CParser as _Parser

    _READER_COUNTS_BYTES = True  # libyaml reads UTF-8: its reader errors give byte offsets
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _READER_COUNTS_BYTES = False

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


MAX_DEPTH = 40
_STR_TAGS = {None, "!", "tag:yaml.org,2002:str"}
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"


class _Refused(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class Positions:
    """Line and column (1-based) of every value, and of every mapping key, by path."""

    def __init__(self) -> None:
        self.values: dict[Path, Location] = {}
        self.keys: dict[Path, Location] = {}

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The closest known position for `path`: the value (or its key), else its nearest ancestor."""
        probe = tuple(path)
        if key and probe in self.keys:
            return self.keys[probe]
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


def _scalar(event: Any) -> Any:
    """The value of a scalar under the YAML 1.2 core schema (plain scalars only are typed)."""
    value: str = event.value
    if event.tag not in _STR_TAGS:
        raise _Refused(event.start_mark, _tag_refusal(event.tag))
    if event.tag is not None or not event.implicit[0]:
        return value  # quoted, block or explicitly tagged !!str: always text
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        if len(value) > 40:
            raise _Refused(event.start_mark, "number is too long")
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _FLOAT.match(value):
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered.endswith(".nan"):
            return float("nan")
        return float(value)
    return value


def _tag_refusal(tag: str) -> str:
    # Show the tag as it was written (!!python/...), not as the parser expands it.
    shown = "!!" + tag[len(_YAML_TAG_PREFIX):] if tag.startswith(_YAML_TAG_PREFIX) else tag
    return f"the tag {shown} is not allowed in records; remove it"


def _mark(event: Any) -> Location:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def _build(parser: Any, positions: Positions) -> Any:
    """Build plain Python values from the event stream, without recursion."""
    # Each frame: [container, path, pending key (for mappings), key-mark]
    stack: list[list[Any]] = []
    root: Any = None
    done = False
    while True:
        event = parser.get_event()
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
            if isinstance(event, yaml.DocumentStartEvent) and done:
                raise _Refused(event.start_mark, "a record file holds one YAML document; remove the extra '---'")
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            done = True
            continue
        if isinstance(event, yaml.StreamEndEvent):
            return root
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "aliases (*name) are not allowed in records; write the value out")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            value = frame[0]
            if not stack:
                root = value
            else:
                _attach(stack[-1], value, event, positions, frame[1])
            continue
        if getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark, "anchors (&name) are not allowed in records; write the value out")
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent[0], dict) and parent[2] is None:
            # This event is a mapping key.
            if not isinstance(event, yaml.ScalarEvent):
                raise _Refused(event.start_mark, "keys must be plain text, not a list or mapping")
            key = _scalar(event)
            if not isinstance(key, str):
                raise _Refused(event.start_mark, f"keys must be plain text, not {event.value!r}; quote it")
            if key == "<<" and event.implicit[0]:
                raise _Refused(event.start_mark, "merge keys (<<) are not allowed in records")
            if key in parent[0]:
                first = positions.keys[parent[1] + (key,)]
                raise _Refused(event.start_mark, f"duplicate key {key!r} (first given at line {first[0]})")
            parent[2] = key
            positions.keys[parent[1] + (key,)] = _mark(event)
            continue
        path = _child_path(parent)
        positions.values[path] = _mark(event)
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
            if parent is None:
                root = value
            else:
                _attach(parent, value, event, positions, path)
            continue
        if len(stack) >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(event, yaml.MappingStartEvent):
            if event.tag not in (None, "tag:yaml.org,2002:map"):
                raise _Refused(event.start_mark, _tag_refusal(event.tag))
            stack.append([{}, path, None])
        elif isinstance(event, yaml.SequenceStartEvent):
            if event.tag not in (None, "tag:yaml.org,2002:seq"):
                raise _Refused(event.start_mark, _tag_refusal(event.tag))
            stack.append([[], path, None])


def _child_path(parent: list[Any] | None) -> Path:
    if parent is None:
        return ()
    if isinstance(parent[0], dict):
        return parent[1] + (parent[2],)  # type: ignore[no-any-return]
    return parent[1] + (len(parent[0]),)  # type: ignore[no-any-return]


def _attach(frame: list[Any], value: Any, event: Any, positions: Positions, path: Path) -> None:
    if isinstance(frame[0], dict):
        frame[0][frame[2]] = value
        frame[2] = None
    else:
        frame[0].append(value)


def parse(text: str, filename: str) -> tuple[Any, Positions]:
    """Parse one YAML document strictly; raise YamlProblem (with file, line, column) on any defect."""
    positions = Positions()
    try:
        parser = _Parser(text)
        return _build(parser, positions), positions
    except _Refused as refused:
        raise YamlProblem(
            Problem(filename, refused.mark.line + 1, refused.mark.column + 1, refused.message)
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark and err.problem and "end of stream" in err.problem:
            mark = err.context_mark  # an unclosed quote or bracket: point where it opened, not at the end
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = err.problem or err.context or "not valid YAML"
        if err.context and err.problem:
            what = f"{err.context}: {err.problem}"
        if mark and err.context_mark and "flow" in (err.context or "") and err.context_mark.line != mark.line:
            what += f" (it opened at line {err.context_mark.line + 1})"
        if "tab" in what:
            what += "; indent with spaces, never tabs"
        raise YamlProblem(Problem(filename, line, column, f"YAML syntax: {what}")) from None
    except yaml.YAMLError as err:  # ReaderError (bad characters) has its own position fields
        position = getattr(err, "position", None)
        if isinstance(position, int) and _READER_COUNTS_BYTES:
            position = len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))
        line, column = _line_col(text, position) if isinstance(position, int) else (1, 1)
        raise YamlProblem(Problem(filename, line, column, f"YAML: {_reader_message(err)}")) from None
    except (ValueError, OverflowError) as err:
        raise YamlProblem(Problem(filename, 1, 1, f"YAML could not be read: {err}")) from None


def _reader_message(err: yaml.YAMLError) -> str:
    character = getattr(err, "character", None)
    if isinstance(character, int):
        return f"special character U+{character:04X} is not allowed in YAML text; remove it"
    return str(err).splitlines()[0]


def _line_col(text: str, position: int) -> Location:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


class YamlProblem(Exception):
    """Internal: one problem that stops the parse of a file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
