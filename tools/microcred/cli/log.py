"""`microcred log VERB`: the registry's transparency log (C2SP tlog-tiles, signed checkpoints).

    append       add every signed award not yet logged to log/entries.jsonl
    checkpoint   sign log/checkpoint over the entries (key: --key-file or MICROCRED_LOG_KEY)
    keygen       make the log key: private key to --out (outside the repository), log/log.vkey
    check        the log against the registry (and, with --previous-entries, append-only)
    prove        the inclusion proof of one award, verified against the checkpoint
    monitor      check a published log against the checkpoint seen last time
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

from ..errors import UsageError
from ..fsutil import write_atomic
from ..registry import load_registry
from ..tlog.checkpoint import log_origin
from ..tlog.client import b64, monitor, prove
from ..tlog.errors import LogError, NoteError
from ..tlog.merkle import leaf_hash
from ..tlog.note import Signer, Verifier
from ..tlog.registrylog import (
    DEFAULT_TOLERANCE,
    ENTRIES,
    VKEY,
    append,
    check,
    check_append_only,
    keygen,
    read_entry_lines,
    read_verifier,
    sign_checkpoint,
)
from ..tlog.tiles import site_fetcher
from ..urls import site_urls
from .output import OutputFormat, print_json

KEY_ENV = "MICROCRED_LOG_KEY"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the verb to the CLI."""
    p = sub.add_parser(
        "log",
        help="the transparency log of signed awards (append, checkpoint, check, prove, monitor)",
        description="The registry's transparency log: every signed award, append-only, in a Merkle "
        "tree whose signed checkpoint is published with its tiles under log/ on the site (C2SP "
        "tlog-tiles). Anyone can prove an award is in it and monitor that it only ever grows.",
    )
    verbs = p.add_subparsers(dest="log_verb", metavar="VERB")
    verbs.required = True

    a = verbs.add_parser("append", help="add every signed award not yet logged (idempotent)")
    _root(a)
    a.set_defaults(func=_append)

    c = verbs.add_parser("checkpoint", help="sign log/checkpoint over the entries")
    c.add_argument("--key-file", type=Path, metavar="FILE",
                   help=f"the log's private key (PRIVATE+KEY+...); default: environment variable {KEY_ENV}")
    _root(c)
    c.set_defaults(func=_checkpoint)

    k = verbs.add_parser("keygen", help="make the log key: private key to --out, public key to log/log.vkey")
    k.add_argument("--out", type=Path, required=True, metavar="FILE", help="private key file to create, outside the repository")
    k.add_argument("--name", metavar="ORIGIN", help="key name = checkpoint origin (default: from site_url, host/path/log)")
    _root(k)
    k.set_defaults(func=_keygen)

    ch = verbs.add_parser("check", help="check the log against the registry; exit 1 with path:line:column problems")
    ch.add_argument("--previous-entries", type=Path, metavar="FILE",
                    help="an earlier log/entries.jsonl (e.g. from the base commit): the current one must extend it")
    ch.add_argument("--tolerance-minutes", type=int, default=int(DEFAULT_TOLERANCE.total_seconds() // 60),
                    metavar="M", help="how far signed_at may go backwards between entries (default %(default)s)")
    _root(ch)
    _format(ch)
    ch.set_defaults(func=_check)

    pr = verbs.add_parser("prove", help="print and verify the inclusion proof of one award")
    pr.add_argument("award", metavar="AWARD-ID")
    pr.add_argument("--site", metavar="DIR_OR_URL", help="take the checkpoint and tiles from a built site (folder or https URL)")
    pr.add_argument("--vkey", metavar="FILE", help=f"the log's public key (default: {VKEY} in the repository)")
    _root(pr)
    _format(pr)
    pr.set_defaults(func=_prove)

    m = verbs.add_parser("monitor", help="check that a published log extends the checkpoint seen last time")
    m.add_argument("--site", required=True, metavar="DIR_OR_URL", help="the site root (folder or https URL)")
    m.add_argument("--previous", type=Path, metavar="FILE",
                   help="the checkpoint seen last time (missing file: this run trusts the first one it sees)")
    m.add_argument("--save", type=Path, metavar="FILE", help="write the new checkpoint here when everything is OK")
    m.add_argument("--vkey", metavar="FILE", help=f"the log's public key (default: {VKEY} in the repository)")
    m.add_argument("--tolerance-minutes", type=int, default=int(DEFAULT_TOLERANCE.total_seconds() // 60), metavar="M")
    _root(m)
    _format(m)
    m.set_defaults(func=_monitor)


def _root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=Path("."), help="registry folder (default: current folder)")


def _format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=[f.value for f in OutputFormat], default="text", help="output format")


def _append(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    registry = load_registry(root, include_log=False)
    # As signing does: an unreadable signed award would be logged late, out of order.
    registry.raise_for_problems()
    added = append(registry, root)
    total = len(read_entry_lines(root / "log"))
    print(f"OK: appended {added} entries to {ENTRIES} ({total} in the log)" if added
          else f"OK: nothing to append ({total} entries in the log)")
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    if args.key_file is not None:
        try:
            skey = args.key_file.expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read {args.key_file}: {err}") from None
    elif os.environ.get(KEY_ENV):
        skey = os.environ[KEY_ENV]
    else:
        raise UsageError(f"give the log key with --key-file FILE or the environment variable {KEY_ENV}")
    try:
        Signer.from_skey(skey.strip())
    except NoteError as err:
        raise UsageError(f"the log key is not usable: {err}") from None
    text = sign_checkpoint(root, skey)
    origin, size, root_hash = text.split("\n")[:3]
    print(f"OK: signed checkpoint of {origin}: {size} entries, root {root_hash}")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    out = args.out.expanduser()
    origin = log_origin(site_urls(root))
    if args.name is not None and args.name != origin:
        raise UsageError(f"the log key must be named after the log origin {origin!r} (from site_url), not {args.name!r}")
    verifier = keygen(root, out, origin)
    print(f"OK: wrote the private log key (mode 0600) to {args.out}; store it as the CI secret {KEY_ENV}")
    print(f"OK: wrote {VKEY}: {verifier.vkey}; commit it")
    return 0


def _check(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    registry = load_registry(root, include_log=False)
    problems = check(registry, root, tolerance=timedelta(minutes=args.tolerance_minutes))
    append_only: list[str] = []
    if args.previous_entries is not None:
        try:
            old = args.previous_entries.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read {args.previous_entries}: {err}") from None
        try:
            new = (root / ENTRIES).read_text(encoding="utf-8")
        except FileNotFoundError:
            new = ""
        append_only = check_append_only(old, new)
    if args.format == "json":
        print_json({"ok": not problems and not append_only,
                    "problems": [p.to_dict() for p in problems] + [{"message": m} for m in append_only]})
        return 1 if problems or append_only else 0
    for problem in problems:
        print(problem)
    for message in append_only:
        print(message)
    count = len(problems) + len(append_only)
    if count:
        print(f"FAIL: {count} problem(s) in the transparency log")
        return 1
    print(f"OK: {len(read_entry_lines(root / 'log'))} log entries match the registry; checkpoint verified")
    return 0


def _verifier(args: argparse.Namespace) -> Verifier:
    if args.vkey:
        try:
            text = Path(args.vkey).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read {args.vkey}: {err}") from None
        try:
            return Verifier.from_vkey(text.strip())
        except NoteError as err:
            raise UsageError(f"{args.vkey}: {err}") from None
    try:
        return read_verifier(args.root.resolve())
    except (LogError, NoteError) as err:
        raise UsageError(f"no log key: {err}; or give --vkey FILE") from None


def _site(site: str) -> str:
    try:
        site_fetcher(site)
    except LogError as err:
        raise UsageError(str(err)) from None
    return site


def _prove(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    verifier = _verifier(args)
    fetch = site_fetcher(_site(args.site)) if args.site else None
    has_repo = (root / ENTRIES).exists()
    result = prove(args.award, verifier, root=root if has_repo else None, fetch=fetch,
                   source=args.site or "repository")
    if args.format == "json":
        print_json(result.to_dict())
        return 0
    cp = result.checkpoint
    print(f"award:     {result.award}")
    print(f"entry:     {result.entry.decode('utf-8')}")
    print(f"index:     {result.index} of {cp.size}")
    print(f"leaf hash: {b64(leaf_hash(result.entry))}")
    for number, h in enumerate(result.proof):
        print(f"proof[{number}]:  {b64(h)}")
    print(f"root:      {b64(cp.root)}")
    print(f"OK: award {result.award} is entry {result.index} of {cp.size} in {cp.origin}; the inclusion proof "
          f"verifies against the checkpoint signed by {verifier.name}+{verifier.key_id:08x} ({result.source})")
    return 0


def _monitor(args: argparse.Namespace) -> int:
    verifier = _verifier(args)
    fetch = site_fetcher(_site(args.site))
    previous: bytes | None = None
    first_run = False
    if args.previous is not None:
        try:
            previous = args.previous.expanduser().read_bytes()
        except FileNotFoundError:
            first_run = True
        except OSError as err:
            raise UsageError(f"cannot read {args.previous}: {err.strerror}") from None
    report = monitor(fetch, verifier, previous, tolerance=timedelta(minutes=args.tolerance_minutes))
    if first_run or args.previous is None:
        report.lines.insert(0, (True, "no previous checkpoint: trusting the first one seen (save it for next time)"))
    if report.ok and args.save is not None and report.checkpoint_text is not None:
        write_atomic(args.save.expanduser(), report.checkpoint_text)
        report.add(True, f"saved the checkpoint to {args.save}")
    if args.format == "json":
        print_json(report.to_dict())
    else:
        for ok, message in report.lines:
            print(f"{'OK' if ok else 'FAIL'}: {message}")
    if not report.ok:
        print(f"monitor: the log at {args.site} failed a check", file=sys.stderr)
    return 0 if report.ok else 1
