"""Benchmark `microcred validate`: wall time and peak memory on the sample and generated registries.

    python benchmarks/bench_validate.py [--awards 10000] [--repeat 3]

Runs validate in a fresh subprocess each time (so start-up and imports count, as a user sees
them) and reports the median wall time and the peak resident memory of the child.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_registry import generate

REPO = Path(__file__).resolve().parents[1]


def run_validate(root: Path) -> tuple[float, float, int]:
    """One `microcred validate` run: seconds, peak RSS of the child in MiB, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "microcred", "validate", "--root", str(root)],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
    return elapsed, max(peak, before) / 1024, proc.returncode


def report(label: str, root: Path, repeat: int) -> None:
    """Print the median of `repeat` runs."""
    runs = [run_validate(root) for _ in range(repeat)]
    times = [r[0] for r in runs]
    codes = {r[2] for r in runs}
    print(
        f"{label}: median {statistics.median(times):.2f}s (min {min(times):.2f}s) over {repeat} runs, "
        f"peak RSS {max(r[1] for r in runs):.0f} MiB, exit {sorted(codes)}"
    )


def main() -> None:
    """Measure the sample registry and a generated one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report("sample registry", REPO, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "registry", args.awards)
        report(f"generated registry, {args.awards} awards", root, args.repeat)


if __name__ == "__main__":
    main()
