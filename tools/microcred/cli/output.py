"""Output helpers shared by the CLI verbs: formats, OK/FAIL lines, a progress bar on terminals."""

from __future__ import annotations

import enum
import json
import sys
import time
from typing import Any, TextIO

from ..registry import ProgressObserver


class OutputFormat(str, enum.Enum):
    """Every output format a verb may offer."""

    TEXT = "text"
    JSON = "json"


def print_json(data: Any, stream: TextIO | None = None) -> None:
    """Machine output: one JSON document on stdout."""
    out = stream or sys.stdout
    json.dump(data, out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


def diag(message: str) -> None:
    """A diagnostic line on stderr."""
    print(message, file=sys.stderr)


class TerminalProgress(ProgressObserver):
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.task = ""
        self.total = 0
        self.done = 0
        self._last = 0.0

    def start(self, task: str, total: int) -> None:
        """Begin a bar."""
        self.task, self.total, self.done = task, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        """Move the bar."""
        self.done += steps
        self._draw()

    def finish(self) -> None:
        """Clear the bar."""
        if self.enabled and self.total:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled or not self.total:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        width = 30
        filled = int(width * self.done / self.total)
        self.stream.write(f"\r{self.task} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
        self.stream.flush()
