"""Field types shared by every record kind.

Models run in pydantic's strict mode: YAML `5` is not the text "5", `"yes"` is not a boolean.
Dates are written as ISO 8601 text (the loader never turns them into datetimes itself) and parsed
here, so what a person wrote is exactly what gets checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..ids import SLUG_PATTERN

_LINE_SEPARATORS = {"\u2028", "\u2029"}


def _control_characters(value: str, allow: str) -> list[str]:
    return [
        f"U+{ord(ch):04X}"
        for ch in value
        if (unicodedata.category(ch) == "Cc" and ch not in allow) or ch in _LINE_SEPARATORS
    ]


def _check_line(value: str) -> str:
    bad = _control_characters(value, allow="")
    if bad:
        raise ValueError(
            f"contains control character {bad[0]}; this field is one line of plain text"
        )
    if not value.strip():
        raise ValueError("is empty")
    if value != value.strip():
        raise ValueError("has leading or trailing spaces; remove them")
    return value


def _check_long(value: str) -> str:
    # Tab and newline are fine in paragraphs; any other control character canonicalises
    # differently in Python and JavaScript RDF libraries and would break signatures.
    bad = _control_characters(value, allow="\t\n")
    if bad:
        raise ValueError(f"contains control character {bad[0]}; only tab and newline are allowed")
    if not value.strip():
        raise ValueError("is empty")
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("must be a date written as YYYY-MM-DD")


def _parse_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)  # Python 3.11+ reads a final Z as UTC
        except ValueError:
            raise ValueError(
                f"{value!r} is not a timestamp; write it as YYYY-MM-DDTHH:MM:SSZ"
            ) from None
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone; end it with Z for UTC")
        return parsed
    if isinstance(value, datetime):
        return value
    raise ValueError("must be a timestamp written as YYYY-MM-DDTHH:MM:SSZ")


_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not a web address; links must start with https:// or http://")
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="Lower-case letters, digits and hyphens; starts with a letter or digit; at most 64."),
]
Line = Annotated[str, StringConstraints(max_length=300), AfterValidator(_check_line)]
LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_check_long)]
Url = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(_check_url), Field(json_schema_extra={"format": "uri"})
]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_check_email)]
IsoDate = Annotated[date, BeforeValidator(_parse_date), Field(json_schema_extra={"type": "string", "format": "date"})]
IsoDateTime = Annotated[
    datetime, BeforeValidator(_parse_datetime), Field(json_schema_extra={"type": "string", "format": "date-time"})
]
GitHubHandle = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$"),
    Field(description="A GitHub user name, without the @."),
]
EmailHash = Annotated[
    str,
    StringConstraints(pattern=r"^sha256\$[0-9a-f]{64}$"),
    Field(description="sha256$ followed by the hex SHA-256 of the email address (lower-cased) and the salt."),
]
Salt = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,64}$"), Field(description="Random hex salt.")]
Hours = Annotated[float, Field(gt=0, le=500, description="Credit hours.")]


class FieldError(ValueError):
    """A rule of a whole model broken at one of its fields; `loc` (relative to the model) says where.

    The loader points the problem at that field's line instead of at the start of the model.
    """

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


class Record(BaseModel):
    """Base of every model: strict types, no unknown fields, immutable once loaded."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
