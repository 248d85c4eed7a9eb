"""Benchmark the proof core: sign an award with both proofs, verify its jcs (and rdfc) proof.

    python benchmarks/bench_proof.py [--sign-runs 300] [--verify-runs 5000]

Uses a realistic OB 3.0 AchievementCredential (tests/proof/data/ob3-achievement-credential.json,
about 3.8 KB as compact JSON) and reports medians over many runs on one core, after one warm-up
call (the first call parses and processes the packaged JSON-LD contexts; its time is printed
too). Budgets (DESIGN.md, 2-core reference machine): sign with both proofs < 10 ms, verify the
jcs proof < 0.5 ms. Peak memory: Python allocations during the timed runs (tracemalloc, measured
in a separate pass so tracing does not slow the timings) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
try:
    import microcred  # noqa: F401
except ImportError:  # not installed with `pip install -e .`: use the source tree
    sys.path.insert(0, str(REPO / "tools"))

from microcred.proof import add_proof, public_key_from_seed, verify_proof

SAMPLE = REPO / "tests" / "proof" / "data" / "ob3-achievement-credential.json"
SEED = bytes(range(32))
CREATED = "2024-05-01T12:00:00Z"
SIGN_BUDGET_MS = 10.0
VERIFY_JCS_BUDGET_MS = 0.5


def sign_both(document: dict[str, Any], vm: str) -> dict[str, Any]:
    """Sign as CI does for an award: rdfc first, then jcs, as one proof set."""
    signed = add_proof(document, seed_or_signing_key=SEED, verification_method=vm,
                       cryptosuite="eddsa-rdfc-2022", created=CREATED)
    return add_proof(signed, seed_or_signing_key=SEED, verification_method=vm,
                     cryptosuite="eddsa-jcs-2022", created=CREATED)


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 95th percentile of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def main() -> None:
    """Measure and print; exit status 1 if a budget is exceeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sign-runs", type=int, default=300)
    parser.add_argument("--verify-runs", type=int, default=5000)
    parser.add_argument("--rdfc-verify-runs", type=int, default=200)
    args = parser.parse_args()

    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    vm = document["issuer"]["id"] + "#key-1"
    public = public_key_from_seed(SEED)
    size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())

    started = time.perf_counter()
    signed = sign_both(document, vm)
    first_ms = (time.perf_counter() - started) * 1000
    rdfc_proof, jcs_proof = signed["proof"]
    signed_size = len(json.dumps(signed, separators=(",", ":"), ensure_ascii=False).encode())

    sign_med, sign_p95 = median_ms(lambda: sign_both(document, vm), args.sign_runs)
    jcs_med, jcs_p95 = median_ms(lambda: verify_proof(signed, jcs_proof, public), args.verify_runs)
    rdfc_med, rdfc_p95 = median_ms(lambda: verify_proof(signed, rdfc_proof, public), args.rdfc_verify_runs)

    # Memory pass, separate from the timings (tracemalloc slows allocation-heavy code).
    tracemalloc.start()
    for _ in range(50):
        sign_both(document, vm)
        verify_proof(signed, jcs_proof, public)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

    print(f"award: {size} bytes compact JSON unsigned, {signed_size} bytes with both proofs")
    print(f"first sign (cold: parses and processes contexts): {first_ms:.2f} ms")
    print(f"sign, both proofs (rdfc + jcs): median {sign_med:.3f} ms, p95 {sign_p95:.3f} ms "
          f"over {args.sign_runs} runs (budget {SIGN_BUDGET_MS} ms)")
    print(f"verify jcs proof:               median {jcs_med:.3f} ms, p95 {jcs_p95:.3f} ms "
          f"over {args.verify_runs} runs (budget {VERIFY_JCS_BUDGET_MS} ms)")
    print(f"verify rdfc proof:              median {rdfc_med:.3f} ms, p95 {rdfc_p95:.3f} ms "
          f"over {args.rdfc_verify_runs} runs (no budget)")
    print(f"peak memory: {traced_peak / 1024:.0f} KiB traced Python allocations while signing/verifying, "
          f"{rss_mib:.0f} MiB peak RSS of the whole process")
    over = []
    if sign_med >= SIGN_BUDGET_MS:
        over.append("sign")
    if jcs_med >= VERIFY_JCS_BUDGET_MS:
        over.append("verify jcs")
    print("budgets: " + ("all met" if not over else "EXCEEDED: " + ", ".join(over)))
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
