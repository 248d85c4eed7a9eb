"""`microcred verify`: check a signed award (or all of them) like any verifier would, and more."""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..load import load_record
from ..publish import stale_status_lists
from ..records import Award
from ..registry import load_registry
from ..urls import site_urls
from ..verify import (
    MAX_FETCH_BYTES,
    RegistryResolver,
    Resolver,
    SiteResolver,
    Verifier,
    VerifyResult,
    site_base_from_credential,
    verify_all,
    verify_award,
)
from .output import OutputFormat, TerminalProgress, diag, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "verify",
        help="verify a signed award, or every signed award with --all",
        description="Verify an award: both proofs (eddsa-rdfc-2022 and eddsa-jcs-2022), that the key "
        "belongs to the issuer's did:web and was valid and unrevoked when the proof was created, "
        "validFrom/validUntil, the revocation bit in the issuer's signed status list, and the official "
        "OB 3.0 JSON Schema. TARGET is an award id, an award YAML file, an OB 3.0 JSON file or an "
        "https URL. Keys and status lists come from the registry (--root) or from a published site "
        "(--site folder or https URL). Nothing is fetched unless TARGET or --site is an https URL. "
        "--all checks every signed award of the registry on the fast path (jcs proof, keys, dates, status); "
        "revoked and expired awards are listed but only integrity failures make it exit 1.",
    )
    p.add_argument("target", nargs="?", metavar="TARGET")
    p.add_argument("--all", action="store_true", help="verify every signed award of the registry")
    p.add_argument("--root", type=Path, default=None, help="registry folder (default: current folder)")
    p.add_argument("--site", metavar="DIR_OR_URL", help="read did.json and status lists from a built site")
    p.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    p.set_defaults(func=run)


def _fetch_json(url: str) -> Any:
    if url.endswith("/"):
        url += "credential.json"  # an award page URL is the credential id; its JSON sits beside it
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return json.loads(response.read(MAX_FETCH_BYTES))
    except (OSError, ValueError) as err:
        raise UsageError(f"cannot fetch {url}: {err}") from None


def _emit(result: VerifyResult, fmt: str) -> int:
    if fmt == OutputFormat.JSON.value:
        print_json(result.to_dict())
    else:
        print(result.line())
    return 0 if result.ok else 1


def _site_resolver(site: str, document: Any) -> SiteResolver:
    if site.startswith("http://"):
        raise UsageError("--site must be a folder or an https:// URL")
    if not site.startswith("https://") and not Path(site).is_dir():
        raise UsageError(f"--site {site}: no such folder")
    return SiteResolver(site, base=site_base_from_credential(document))


def run(args: argparse.Namespace) -> int:
    """Verify; 0 when everything verifies, 1 otherwise."""
    if args.all:
        if args.target:
            raise UsageError("give either TARGET or --all")
        return _run_all(args)
    if not args.target:
        raise UsageError("give a TARGET (award id, award YAML, OB 3.0 JSON file or https URL) or --all")
    target: str = args.target
    if target.startswith("http://"):
        raise UsageError("only https:// URLs are fetched")
    if target.startswith("https://"):
        document = _fetch_json(target)
        resolver: Resolver = _site_resolver(args.site, document) if args.site else SiteResolver(
            "https://", base=site_base_from_credential(document)
        )
        return _emit(Verifier(resolver).verify(document, target), args.format)
    path = Path(target)
    if path.suffix == ".json" and path.is_file():
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as err:
            return _emit(VerifyResult(target, False, reason=f"schema: not a JSON file: {err}", failed_check="schema"),
                         args.format)
        if args.site:
            resolver = _site_resolver(args.site, document)
        else:
            registry = load_registry(args.root or Path("."), check=False)
            resolver = RegistryResolver(registry, site_urls(registry.root))
        return _emit(Verifier(resolver).verify(document, target), args.format)
    if path.suffix == ".yaml" and path.is_file():
        root = args.root or path.resolve().parents[3]  # awards/<org>/<credential>/<id>.yaml
        award_id = load_record(path, target, Award).record.id
    else:
        root = args.root or Path(".")
        award_id = target
    registry = load_registry(root, check=False)
    urls = site_urls(registry.root)
    if args.site and award_id in registry.awards and registry.awards[award_id].record.signed is not None:
        document = json.loads(registry.awards[award_id].record.signed.credential)  # type: ignore[union-attr]
        resolver = _site_resolver(args.site, document)
    else:
        resolver = RegistryResolver(registry, urls)
    return _emit(verify_award(Verifier(resolver), registry, urls, award_id), args.format)


def _run_all(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    progress = TerminalProgress()
    registry = load_registry(args.root or Path("."), progress, check=False)
    urls = site_urls(registry.root)
    summary = verify_all(registry, urls, observer=progress)
    elapsed = time.perf_counter() - started
    failed, revoked, expired = summary.failed, summary.revoked, summary.expired
    total = len(summary.results)
    valid = total - len(failed) - len(revoked) - len(expired)
    if args.format == OutputFormat.JSON.value:
        print_json({
            "ok": not failed, "total": total, "valid": valid,
            "failed": [r.to_dict() for r in failed],
            "revoked": [r.to_dict() for r in revoked], "expired": [r.to_dict() for r in expired],
            "awarded_unsigned": summary.unsigned_awarded, "seconds": round(elapsed, 3),
        })
    else:
        for result in revoked + expired:
            print(f"{result.state.upper()}: {result.target}: {result.reason}")
        for result in failed:
            print(result.line())
        tally = f"{valid} valid, {len(revoked)} revoked, {len(expired)} expired"
        waiting = f"; {len(summary.unsigned_awarded)} awarded but not yet signed" if summary.unsigned_awarded else ""
        if failed:
            print(f"FAIL: {len(failed)} of {total} signed awards failed verification ({tally}) in {elapsed:.2f}s{waiting}")
        else:
            print(f"OK: {total} signed awards verified ({tally}; jcs proof, keys, dates, status) in {elapsed:.2f}s{waiting}")
    for org in stale_status_lists(registry):
        diag(f"warning: the signed status list of {org} misses revocations; run `microcred sign` with its key")
    # Revoked and expired awards are the registry working as intended, not a broken build.
    return 1 if failed else 0
