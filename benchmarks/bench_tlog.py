"""Benchmark the transparency log: append, tiles, checkpoint and proofs at 100,000 entries.

    python benchmarks/bench_tlog.py [--entries 100000] [--registry-awards 2000] [--proofs 1000]

Part 1 (log alone, `--entries`): entries shaped exactly like the registry's (JCS, real-looking
sha256 and times) are written to log/entries.jsonl, then: the checkpoint is signed (reads and
parses every entry, builds the tree), every tile and entry bundle is built and written to a site
folder (time, files, bytes), one more entry is appended and the publication rebuilt (files that
changed), inclusion proofs are made from memory and from the published tiles (a cold monitor
reading only the site), and a consistency proof from the previous size.

Part 2 (end to end, `--registry-awards`): a generated registry whose awards carry `signed:`
blocks (3.8 KB credential texts), loaded, appended, checkpointed and checked with
`microcred.tlog.registrylog` as CI would (0 skips it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
try:
    import microcred  # noqa: F401
except ImportError:  # not installed with `pip install -e .`: use the source tree
    sys.path.insert(0, str(REPO / "tools"))

from microcred.fsutil import write_atomic
from microcred.tlog.checkpoint import open_checkpoint
from microcred.tlog.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from microcred.tlog.note import Signer
from microcred.tlog.registrylog import (
    CHECKPOINT,
    ENTRIES,
    VKEY,
    LogEntry,
    append,
    check,
    iter_published,
    read_entry_lines,
    sign_checkpoint,
    tree_over,
)
from microcred.tlog.tiles import TileHashReader, site_fetcher
from microcred.urls import SiteUrls

SITE_URL = "https://registry.example.org/"
ORIGIN = "registry.example.org/log"


def _entry(i: int, start: datetime) -> bytes:
    return LogEntry(
        award=f"award-{i:06d}-k3x9q2",
        issuer="bench-institute",
        credential=f"bench-institute/credential-{i % 4 + 1}",
        version=1,
        sha256=hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
        signed_at=(start + timedelta(seconds=37 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    ).to_bytes()


def _timed(label: str, results: dict[str, float], fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - t0
    print(f"  {label:<52} {results[label]:8.3f} s", flush=True)
    return value


def bench_log(n: int, proofs: int, work: Path) -> dict[str, object]:
    """Part 1: the log alone."""
    root = work / "repo"
    (root / "log").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(f"site_name: bench\nsite_url: {SITE_URL}\n", encoding="utf-8")
    signer = Signer.generate(ORIGIN)
    (root / VKEY).write_text(signer.verifier.vkey + "\n", encoding="utf-8")
    urls = SiteUrls.from_site_url(SITE_URL)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    results: dict[str, float] = {}
    print(f"log of {n:,} entries")

    lines = _timed(f"make {n:,} JCS entries", results, lambda: [_entry(i, start) for i in range(n)])
    _timed("append: write log/entries.jsonl (atomic)", results,
           lambda: write_atomic(root / ENTRIES, b"".join(line + b"\n" for line in lines)))
    _timed("checkpoint: parse all entries, tree, sign", results,
           lambda: sign_checkpoint(root, signer.skey, urls))
    site = work / "site"
    published = _timed("tiles: build every tile and bundle", results, lambda: list(iter_published(root, urls)))
    _timed("tiles: write them to the site folder", results,
           lambda: sum(write_atomic(site / path, data) for path, data in published))
    tile_files = [p for p, _ in published if "/tile/" in p and "/entries/" not in p]
    bundle_files = [p for p, _ in published if "/tile/entries/" in p]
    tile_bytes = sum(len(d) for p, d in published if p in set(tile_files))
    bundle_bytes = sum(len(d) for p, d in published if p in set(bundle_files))
    print(f"  hash tiles: {len(tile_files):,} files, {tile_bytes:,} bytes; "
          f"entry bundles: {len(bundle_files):,} files, {bundle_bytes:,} bytes")

    # One more award: append, re-sign, republish; how much of the site changes?
    old_cp = open_checkpoint((root / CHECKPOINT).read_bytes(), signer.verifier)
    extra = _entry(n, start)
    with (root / ENTRIES).open("ab") as handle:
        handle.write(extra + b"\n")
    _timed("one more entry: checkpoint again", results, lambda: sign_checkpoint(root, signer.skey, urls))
    changed = _timed("one more entry: rebuild + write (unchanged files skipped)", results,
                     lambda: sum(write_atomic(site / p, d) for p, d in iter_published(root, urls)))
    print(f"  files changed by one more entry: {changed}")
    cp = open_checkpoint((root / CHECKPOINT).read_bytes(), signer.verifier)

    all_lines = read_entry_lines(root / "log")
    tree = _timed("tree in memory (for proofs)", results, lambda: tree_over(all_lines))
    step = max(1, cp.size // proofs)
    indexes = list(range(0, cp.size, step))[:proofs]
    times = []
    for i in indexes:
        t0 = time.perf_counter()
        p = inclusion_proof(tree, i, cp.size)
        verify_inclusion(leaf_hash(all_lines[i]), i, cp.size, p, cp.root)
        times.append(time.perf_counter() - t0)
    results["inclusion proof + verify, from memory (median)"] = statistics.median(times)
    print(f"  inclusion proof + verify from memory: median {statistics.median(times) * 1e6:.0f} µs "
          f"over {len(times)}")

    fetch = site_fetcher(str(site))
    t0 = time.perf_counter()
    reader = TileHashReader(cp.size, cp.root, fetch)
    p = inclusion_proof(reader, cp.size // 3, cp.size)
    verify_inclusion(leaf_hash(all_lines[cp.size // 3]), cp.size // 3, cp.size, p, cp.root)
    cold = time.perf_counter() - t0
    results["inclusion proof from the site's tiles, cold"] = cold
    print(f"  one inclusion proof from the published tiles (cold monitor): {cold * 1e3:.1f} ms, "
          f"{len(reader.fetched)} tiles read")
    times = []
    for i in indexes:
        t0 = time.perf_counter()
        inclusion_proof(reader, i, cp.size)
        times.append(time.perf_counter() - t0)
    print(f"  inclusion proofs from tiles, warm: median {statistics.median(times) * 1e6:.0f} µs; "
          f"{len(reader.fetched)} tiles read in all")
    t0 = time.perf_counter()
    cproof = consistency_proof(reader, old_cp.size, cp.size)
    verify_consistency(old_cp.size, cp.size, cproof, old_cp.root, cp.root)
    results["consistency proof n-1 -> n from tiles"] = time.perf_counter() - t0
    print(f"  consistency proof {old_cp.size:,} -> {cp.size:,} from tiles: "
          f"{results['consistency proof n-1 -> n from tiles'] * 1e3:.2f} ms, {len(cproof)} hashes")
    return {"timings_s": results, "tile_files": len(tile_files), "tile_bytes": tile_bytes,
            "bundle_files": len(bundle_files), "bundle_bytes": bundle_bytes, "changed_files_one_more": changed}


def bench_registry(awards: int, work: Path) -> dict[str, float]:
    """Part 2: a generated registry with signed blocks, as CI runs it."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate_registry import generate

    from microcred.registry import load_registry

    root = generate(work / "registry", awards=awards)
    credential = (REPO / "tests" / "proof" / "data" / "ob3-achievement-credential.json").read_text(encoding="utf-8")
    body = "".join(f"    {line}\n" for line in json.dumps(json.loads(credential), indent=1).split("\n"))
    files = sorted((root / "awards").rglob("*.yaml"))
    for i, path in enumerate(files):
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f'signed:\n  signed_at: "{moment:%Y-%m-%dT%H:%M:%SZ}"\n  key: key-1\n'
                         f"  status_index: {i}\n  credential: |\n{body}")
    signer = Signer.generate(ORIGIN)
    (root / "log").mkdir(exist_ok=True)
    (root / VKEY).write_text(signer.verifier.vkey + "\n", encoding="utf-8")
    results: dict[str, float] = {}
    print(f"registry of {len(files):,} signed awards")
    registry = _timed("load the registry (not the log's cost)", results, lambda: load_registry(root))
    count = _timed("append (pending entries + atomic write)", results, lambda: append(registry, root))
    assert count == len(files)
    _timed("append again (nothing to do)", results, lambda: append(registry, root))
    _timed("checkpoint", results, lambda: sign_checkpoint(root, signer.skey, SiteUrls.from_site_url(SITE_URL)))
    problems = _timed("check (entries vs registry, checkpoint)", results, lambda: check(registry, root))
    assert problems == [], problems[:3]
    return results


def main() -> None:
    """Run and print; --json writes the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--registry-awards", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-tlog-"))
    try:
        figures: dict[str, object] = {"log": bench_log(args.entries, args.proofs, work)}
        if args.registry_awards:
            figures["registry"] = bench_registry(args.registry_awards, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["peak_rss_mb"] = round(peak, 1)
    print(f"peak RSS: {peak:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
