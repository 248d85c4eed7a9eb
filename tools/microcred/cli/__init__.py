"""The `microcred` command: a thin layer that parses arguments, calls the library, sets exit codes.

Each verb lives in its own module with `register(subparsers)`; add new verbs to VERBS.
Exit codes: 0 success, 1 the check failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from .. import __version__
from ..errors import MicrocredError, RecordError, UsageError
from . import schemas, validate

VERBS: list[ModuleType] = [validate, schemas]


def _optional_verbs() -> list[ModuleType]:
    """Verbs whose modules may be added by later work; imported by name so the list stays one place."""
    import importlib

    found = []
    for name in ("keys", "sign", "verify", "revoke", "site", "workflow", "scaffold", "log"):
        try:
            found.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    return found


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    parser = argparse.ArgumentParser(
        prog="microcred",
        description="A micro-credential registry for educators that lives in Git.",
        epilog="Run `microcred VERB --help` for the options of one verb.",
    )
    parser.add_argument("--version", action="version", version=f"microcred {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    sub.required = True
    for module in VERBS + _optional_verbs():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `microcred` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except UsageError as err:
        print(f"microcred {args.verb}: error: {err}", file=sys.stderr)
        return 2
    except RecordError as err:
        for problem in err.problems:
            print(problem)
        print(f"FAIL: {len(err.problems)} problem(s)")
        return 1
    except MicrocredError as err:
        print(f"FAIL: {err}")
        return 1
    except OSError as err:  # a folder that cannot be written, a disk that is full: say so, no traceback
        print(f"microcred {args.verb}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
