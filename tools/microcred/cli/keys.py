"""`microcred keygen`: a new Ed25519 key for an issuer; the public half goes into its profile."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from ..keys import env_var_name, generate_key, iso, parse_time, refuse_inside_repository, write_private_key
from ..proof import generate_seed, private_multikey_from_seed


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "keygen",
        help="make a new signing key for an issuer (rotation retires the previous one)",
        description="Generate an Ed25519 key. The private key is written as a private Multikey "
        "(z3u2..., ed25519-priv + 32-byte seed) to --out, a new file outside the registry with mode "
        "0600, or printed once on stdout for a CI secret (MICROCRED_SIGNING_KEY_<ORG>). The public key "
        "(z6Mk...) is added to issuers/<org>.yaml with its not_before; the previous open key gets "
        "not_after = the new not_before. Commit the profile change; never commit the private key.",
    )
    p.add_argument("--issuer", required=True, metavar="ORG", help="organisation id")
    p.add_argument("--key-id", metavar="ID", help="key id (default key-YYYYMMDD)")
    p.add_argument("--out", type=Path, metavar="FILE", help="private key file to create (outside the registry)")
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--not-before", metavar="T", help="start of the key's window, ISO 8601 (default: now)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate, store the private key, edit the profile."""
    root = args.root.resolve()
    not_before = parse_time(args.not_before) if args.not_before else None
    if args.out is not None:
        out = args.out.expanduser()
        refuse_inside_repository(out, root)
        if out.exists():
            raise UsageError(f"{args.out} exists; refusing to overwrite a key file")
    seed = generate_seed()
    # The private key is stored before the profile names the public key: a crash in between
    # leaves an unused key file, never a published key nobody holds.
    if args.out is not None:
        write_private_key(args.out, seed, root=root)
    try:
        result = generate_key(root, args.issuer, key_id=args.key_id, not_before=not_before, seed=seed)
    except BaseException:
        if args.out is not None:
            args.out.expanduser().unlink(missing_ok=True)
        raise
    if args.out is None:
        print(private_multikey_from_seed(seed))
        print(
            f"the line above is the private key (private Multikey); store it now as the CI secret "
            f"{env_var_name(args.issuer)}; it is not shown again",
            file=sys.stderr,
        )
    else:
        print(f"wrote private key (private Multikey, mode 0600) to {args.out}", file=sys.stderr)
    retired = f"; retired {result.closed} from {iso(result.key.not_before)}" if result.closed else ""
    print(
        f"added key {result.key.id} ({result.key.public_key_multibase}) valid from "
        f"{iso(result.key.not_before)} to issuers/{args.issuer}.yaml{retired}",
        file=sys.stderr,
    )
    return 0
