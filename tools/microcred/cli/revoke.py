"""`microcred revoke`: write the revocation record of a signed award."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..revoke import revoke_award


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "revoke",
        help="revoke a signed award (writes <award>.revocation.yaml)",
        description="Write awards/<org>/<credential>/<award-id>.revocation.yaml. Append-only: refused "
        "when the award is not signed or already revoked. After merging, CI's `microcred sign` sets "
        "the award's bit in the issuer's signed status list.",
    )
    p.add_argument("award", metavar="AWARD-ID")
    p.add_argument("--reason", required=True, help="why it is revoked (published)")
    p.add_argument("--by", required=True, metavar="ADMIN-ID", help="id of the issuer admin revoking it")
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the record."""
    path = revoke_award(args.root, args.award, args.reason, args.by)
    print(f"OK: wrote {path.resolve().relative_to(args.root.resolve()).as_posix()}")
    return 0
