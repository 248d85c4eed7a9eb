"""`microcred schemas`: write (or check) the JSON Schemas under schemas/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..schemas import stale_schemas, write_schemas


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "schemas",
        help="write the record JSON Schemas to schemas/",
        description="Generate schemas/*.schema.json from the record models. With --check, write "
        "nothing and fail when the committed files are stale.",
    )
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--check", action="store_true", help="fail if the committed schemas are out of date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write or check; 1 when --check finds stale files."""
    folder = args.root / "schemas"
    if args.check:
        stale = stale_schemas(folder)
        for name in stale:
            print(f"FAIL: schemas/{name} is out of date; run `microcred schemas`")
        if not stale:
            print("OK: schemas are up to date")
        return 1 if stale else 0
    changed = write_schemas(folder)
    for name in changed:
        print(f"wrote schemas/{name}")
    if not changed:
        print("OK: schemas already up to date")
    return 0
