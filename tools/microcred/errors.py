"""One exception tree for the whole package: library code raises these, only the CLI exits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in one file, located as precisely as the input allows."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{_printable(self.path)}:{self.line}:{self.column}: {_printable(self.message)}"

    def to_dict(self) -> dict[str, object]:
        """The problem as a plain dict, for `--format json`."""
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message}


def _printable(text: str) -> str:
    """`text` with invisible and control characters escaped (\\x1e, \\u202e).

    Names and keys come from files anyone can propose: raw, they could split one problem over
    several lines, hide text, or send escape sequences to the terminal or the CI log.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class MicrocredError(Exception):
    """Root of every error microcred raises on purpose."""


class UsageError(MicrocredError):
    """The command was called with arguments that cannot work (CLI exit code 2)."""


class RecordError(MicrocredError):
    """One or more records are malformed or inconsistent; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        head = str(self.problems[0]) if self.problems else "invalid record"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(head + more)


class LoadError(RecordError):
    """A file could not be read as a well-formed record (YAML, size, encoding, schema)."""


class RegistryError(RecordError):
    """Records are individually valid but contradict each other (references, rules)."""


class KeyMaterialError(MicrocredError):
    """A signing or public key is missing, malformed, outside its window or revoked."""


class SigningError(MicrocredError):
    """An award could not be signed."""


class VerificationError(MicrocredError):
    """A credential failed verification; the message names what failed."""


class CanonicalizationError(MicrocredError):
    """A document could not be canonicalised (JCS or RDFC-1.0)."""


class GitWorkflowError(MicrocredError):
    """A Git operation or a pull-request rule failed."""


class SiteError(MicrocredError):
    """The site could not be built."""
