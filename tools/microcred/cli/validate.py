"""`microcred validate`: check every record and every rule; report every problem at once."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..registry import load_registry
from .output import OutputFormat, TerminalProgress, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "validate",
        help="check every record of the registry",
        description="Load every record, check it against its schema and the registry rules, "
        "and report every problem at once as path:line:column: message.",
    )
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate; 0 when clean, 1 when any problem was found."""
    started = time.perf_counter()
    registry = load_registry(args.root, TerminalProgress())
    elapsed = time.perf_counter() - started
    counts = {
        "organisations": len(registry.organisations),
        "credentials": len(registry.credentials),
        "credential_versions": len(registry.versions),
        "awards": len(registry.awards),
        "revocations": len(registry.revocations),
        "files": registry.files_read,
    }
    if args.format == OutputFormat.JSON.value:
        print_json(
            {
                "ok": not registry.problems,
                "counts": counts,
                "problems": [p.to_dict() for p in registry.problems],
                "seconds": round(elapsed, 3),
            }
        )
    else:
        for problem in registry.problems:
            print(problem)
        summary = (
            f"{counts['organisations']} organisations, {counts['credentials']} credentials, "
            f"{counts['awards']} awards, {counts['revocations']} revocations in {elapsed:.2f}s"
        )
        if registry.problems:
            n = len(registry.problems)
            print(f"FAIL: {n} problem{'s' if n != 1 else ''} in {summary}")
        else:
            print(f"OK: {summary}")
    return 1 if registry.problems else 0
