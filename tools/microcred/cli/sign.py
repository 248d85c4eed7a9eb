"""`microcred sign`: sign every awarded, unsigned award and refresh the signed status lists."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import UsageError
from ..keys import ENV_PREFIX, SigningKey, env_var_name, load_signing_key
from ..registry import load_registry
from ..signing import sign_registry
from .output import TerminalProgress, diag


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "sign",
        help="sign awarded awards (CI on main)",
        description="Sign every award that is awarded, not revoked and not yet signed, with an "
        "eddsa-rdfc-2022 and an eddsa-jcs-2022 proof, and write the issuer's signed status list "
        "(issuers/<org>.status-list.json) when revocations changed. The key comes from "
        "MICROCRED_SIGNING_KEY_<ORG> (ORG upper-cased, '-' as '_') or --key-file. Without --issuer, "
        "every issuer with a key in the environment is signed. Refuses when the registry has "
        "problems or the key is not a published, current key of the issuer.",
    )
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")
    p.add_argument("--issuer", metavar="ORG", help="sign for this organisation only")
    p.add_argument("--key-file", type=Path, metavar="FILE", help="private key file (needs --issuer)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Sign; 1 when the registry or a key is refused, or awards wait for a missing key."""
    keys: dict[str, SigningKey] = {}
    if args.issuer:
        keys[args.issuer] = load_signing_key(args.issuer, args.key_file)
    elif args.key_file:
        raise UsageError("--key-file needs --issuer")
    else:
        registry = load_registry(args.root, check=False)
        for org in sorted(registry.organisations):
            if os.environ.get(env_var_name(org)):
                keys[org] = load_signing_key(org)
    report = sign_registry(args.root, keys, observer=TerminalProgress())
    if args.issuer:
        report.skipped_orgs.clear()  # other issuers' awards are not this run's business
        report.stale_without_key.clear()
    elif not keys:
        diag(f"no signing keys in the environment ({ENV_PREFIX}<ORG>)")
    for award_id in report.signed:
        print(f"signed {award_id}")
    for org in report.status_lists:
        print(f"wrote issuers/{org}.status-list.json")
    for org, waiting in sorted(report.skipped_orgs.items()):
        diag(f"{org}: {waiting} award(s) waiting; no key (set {env_var_name(org)})")
    for org in report.stale_without_key:
        diag(f"{org}: its status list is out of date (new revocations); no key (set {env_var_name(org)})")
    if report.skipped_orgs or report.stale_without_key:
        waiting = sum(report.skipped_orgs.values())
        stale = len(report.stale_without_key)
        print(f"FAIL: signed {len(report.signed)}; {waiting} award(s) and {stale} status list(s) wait for a key")
        return 1
    print(f"OK: signed {len(report.signed)} award(s)" + ("" if report.signed else "; nothing to sign"))
    return 0
