"""Benchmark the site build on generated registries of 1,000 and 10,000 signed awards.

    python benchmarks/bench_site.py [--awards 1000 10000] [--keep DIR]

For each size, in a temporary folder:
- generate the registry (benchmarks/generate_registry.py), give each issuer a key and sign every
  award (not timed: CI signs once per award, not per build);
- full build: `microcred build` in a child process (validate, then mkdocs with the plugin:
  generated pages, published JSON, award pages); wall time and the child's peak RSS;
- output bytes per award: the award's page plus its JSON files (the DESIGN budget, 16 KB), and
  everything in its folder including the two baked badges;
- rebuild after one new award: add and sign one award, build again (award pages whose inputs did
  not change are kept), wall time and how many award pages were rendered.

Budgets (DESIGN.md): 10,000 awards built in under 30 s; 100,000 in under 3 min and 1 GiB; an award's
page plus its JSON files under 16 KB; a rebuild after one new award proportional to the change.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
try:
    import microcred  # noqa: F401
except ImportError:  # not installed with `pip install -e .`: use the source tree
    sys.path.insert(0, str(REPO / "tools"))

from generate_registry import ISSUERS, SITE_URL, generate

from factories import site_mkdocs_yml  # generate_registry put tests/ on the path
from microcred.keys import SigningKey, generate_key, parse_time
from microcred.signing import sign_registry

BUDGET_10K_S = 30.0
BUDGET_AWARD_BYTES = 16 * 1024
MKDOCS_YML = site_mkdocs_yml("Benchmark registry", SITE_URL, "https://github.com/example/bench-registry")
_STATS = re.compile(r"microcred: (\d+) award pages \((\d+) rendered, (\d+) unchanged, (\d+) removed\) in ([0-9.]+)s")


def build(root: Path, site: Path) -> dict[str, float]:
    """`microcred build` in a child process: wall time, peak RSS, the plugin's award-page counts."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "microcred", "build", "--root", str(root), "--site-dir", str(site)],
        capture_output=True, text=True, check=False, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                                              "PYTHONPATH": str(REPO / "tools")},
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    m = _STATS.search(proc.stderr)
    assert m, proc.stderr[-2000:]
    return {
        "wall_s": wall,
        "cpu_s": cpu,  # user + sys of the build and its workers: steadier than wall time on a busy machine
        "peak_rss_mib": max(peak_kib, before) / 1024,  # ru_maxrss of children: the largest child so far
        "award_pages": int(m.group(1)),
        "rendered": int(m.group(2)),
        "unchanged": int(m.group(3)),
        "award_pages_s": float(m.group(5)),
    }


def award_bytes(site: Path) -> dict[str, float]:
    """Bytes per award: page + JSON files, and the whole folder."""
    core, whole = [], []
    for folder in (site / "awards").iterdir():
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        core.append(sum(v for k, v in sizes.items() if k in ("index.html", "credential.json", "ob2-assertion.json")))
        whole.append(sum(sizes.values()))
    return {
        "page_plus_json_median_b": statistics.median(core),
        "page_plus_json_max_b": max(core),
        "folder_median_b": statistics.median(whole),
        "page_median_b": statistics.median((f / "index.html").stat().st_size for f in (site / "awards").iterdir()),
    }


def run(base: Path, awards: int) -> dict[str, float]:
    """Generate, sign, build, add one award, rebuild; return the figures."""
    root = generate(base / "registry", awards=awards)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    keys = {}
    for n, org in enumerate(ISSUERS):
        seed = bytes([n + 1]) * 32
        generate_key(root, org, key_id="bench-key", not_before=parse_time("2026-01-01T00:00:00Z"), seed=seed)
        keys[org] = SigningKey(seed, "bench")
    started = time.perf_counter()
    sign_registry(root, keys, now=parse_time("2026-12-01T00:00:00Z"))
    sign_s = time.perf_counter() - started
    site = base / "site"
    full = build(root, site)
    sizes = award_bytes(site)
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())

    # One new award, merged and signed, then the rebuild CI would run.
    template = next((root / "awards").rglob("award-000000.yaml")).read_text(encoding="utf-8")
    head = template.split("\nsigned:")[0]
    new = next((root / "awards").rglob("award-000000.yaml")).with_name("award-new-one.yaml")
    new.write_text(head.replace("id: award-000000", "id: award-new-one") + "\n", encoding="utf-8")
    sign_registry(root, keys, now=parse_time("2026-12-02T00:00:00Z"))
    again = build(root, site)
    return {
        "awards": awards,
        "sign_all_s": sign_s,
        "build_s": full["wall_s"],
        "build_cpu_s": full["cpu_s"],
        "build_award_pages_s": full["award_pages_s"],
        "peak_rss_mib": full["peak_rss_mib"],
        "site_mib": site_bytes / 2**20,
        **sizes,
        "rebuild_one_new_s": again["wall_s"],
        "rebuild_cpu_s": again["cpu_s"],
        "rebuild_rendered": again["rendered"],
        "rebuild_unchanged": again["unchanged"],
        "rebuild_award_pages_s": again["award_pages_s"],
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="keep the generated registries and sites here")
    args = parser.parse_args()
    results = []
    for n in args.awards:
        base = (args.keep / f"n{n}") if args.keep else Path(tempfile.mkdtemp(prefix=f"bench-site-{n}-"))
        if base.exists() and args.keep:
            shutil.rmtree(base)
        base.mkdir(parents=True, exist_ok=True)
        try:
            figures = run(base, n)
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
        results.append(figures)
        print(json.dumps(figures, indent=1), flush=True)
    for r in results:
        n = int(r["awards"])
        print(
            f"{n:>6} awards: build {r['build_s']:.1f}s wall, {r['build_cpu_s']:.1f}s CPU "
            f"(award pages {r['build_award_pages_s']:.1f}s), "
            f"peak RSS {r['peak_rss_mib']:.0f} MiB, page+JSON {r['page_plus_json_median_b'] / 1024:.1f} KB median "
            f"({r['page_plus_json_max_b'] / 1024:.1f} max; folder with baked badges {r['folder_median_b'] / 1024:.1f} KB), "
            f"rebuild after one new award {r['rebuild_one_new_s']:.1f}s wall, {r['rebuild_cpu_s']:.1f}s CPU "
            f"({int(r['rebuild_rendered'])} award page rendered); load average {os.getloadavg()[0]:.1f}"
        )
        if n >= 10000 and r["build_s"] > BUDGET_10K_S * n / 10000:
            print(f"  OVER BUDGET: {BUDGET_10K_S * n / 10000:.0f}s for {n} awards")
        if r["page_plus_json_median_b"] > BUDGET_AWARD_BYTES:
            print(f"  OVER BUDGET: {BUDGET_AWARD_BYTES} bytes per award page plus JSON")


if __name__ == "__main__":
    main()
