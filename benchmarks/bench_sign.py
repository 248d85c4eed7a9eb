"""Benchmark signing and verifying awards on a generated registry of N awards.

    python benchmarks/bench_sign.py [--awards 200] [--keep DIR]

Measures, on one core:
- sign per award: build the OB 3.0 credential + eddsa-rdfc-2022 + eddsa-jcs-2022 proofs + JSON
  text (median over the N awards; the first award, which loads and processes the JSON-LD
  contexts, is reported separately), and `sign_registry` wall time per award (adds loading the
  registry, appending the YAML blocks atomically and reading each back);
- verify per award: the eddsa-jcs-2022 proof alone (median), and the whole fast path that
  `verify --all` runs per award (binding, jcs proof, key window, dates, status bit);
- `verify --all` wall time for N awards (loading the registry included);
- `iter_published` wall time for N awards (every published JSON document, no keys).

Budgets (DESIGN.md): sign with both proofs < 10 ms per award; verify the jcs proof < 0.5 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
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

from generate_registry import ISSUERS, generate

from microcred import ob3
from microcred.keys import SigningKey, generate_key, parse_time
from microcred.proof import public_key_from_multikey, verify_proof
from microcred.publish import iter_published
from microcred.registry import load_registry
from microcred.signing import sign_document, sign_registry
from microcred.urls import site_urls
from microcred.verify import FAST_SUITES, RegistryResolver, Verifier, verify_all, verify_award

SIGN_BUDGET_MS = 10.0
VERIFY_JCS_BUDGET_MS = 0.5


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def run(root: Path, awards: int) -> dict[str, float]:
    """Generate, key, sign and verify; return the figures."""
    generate(root, awards=awards)
    keys = {}
    for n, org in enumerate(ISSUERS):
        seed = bytes([n + 1]) * 32
        generate_key(root, org, key_id="bench-key", not_before=parse_time("2026-01-01T00:00:00Z"), seed=seed)
        keys[org] = SigningKey(seed, "bench")

    # 1. Signing one award in memory (what CI pays per award besides I/O).
    registry = load_registry(root)
    assert not registry.problems, registry.problems[:3]
    urls = site_urls(root)
    now = parse_time("2026-12-01T00:00:00Z")
    times: list[float] = []
    cpu_times: list[float] = []  # CPU time: steadier than wall time on a busy machine
    first = 0.0
    for i, (award_id, loaded) in enumerate(sorted(registry.awards.items())):
        award = loaded.record
        credential = registry.credential(award.credential_ref, award.credential_version)
        org = registry.organisation(award.issuer)
        assert credential is not None and org is not None
        started, cpu = time.perf_counter(), time.thread_time()
        document = ob3.build_credential(award, credential, org, urls, status_index=i)
        ob3.dumps(sign_document(document, keys[award.issuer].seed, urls.key_id(award.issuer, "bench-key"), now))
        elapsed = time.perf_counter() - started
        if i == 0:
            first = elapsed
        else:
            times.append(elapsed)
            cpu_times.append(time.thread_time() - cpu)
    sign_ms = _median_ms(times)

    # 2. The real thing: sign_registry over the whole registry (load, sign, append, read back).
    started = time.perf_counter()
    report = sign_registry(root, keys, now=now)
    sign_registry_s = time.perf_counter() - started
    assert len(report.signed) == awards, len(report.signed)

    # 3. Verify: the jcs proof alone, then the whole fast path per award.
    registry = load_registry(root, check=False)
    documents = [json.loads(a.record.signed.credential) for a in registry.awards.values()]  # type: ignore[union-attr]
    public = {
        urls.key_id(org, "bench-key"): public_key_from_multikey(registry.organisation(org).keys[0].public_key_multibase)  # type: ignore[union-attr]
        for org in ISSUERS
    }
    jcs_times, jcs_cpu = [], []
    for document in documents:
        proof = next(p for p in document["proof"] if p["cryptosuite"] == "eddsa-jcs-2022")
        started, cpu = time.perf_counter(), time.thread_time()
        verify_proof(document, proof, public[proof["verificationMethod"]])
        jcs_times.append(time.perf_counter() - started)
        jcs_cpu.append(time.thread_time() - cpu)
    verifier = Verifier(RegistryResolver(registry, urls), suites=FAST_SUITES, check_schema=False)
    verify_award(verifier, registry, urls, next(iter(registry.awards)))  # warm caches (status list, keys)
    path_times = []
    for award_id in registry.awards:
        started = time.perf_counter()
        result = verify_award(verifier, registry, urls, award_id)
        path_times.append(time.perf_counter() - started)
        assert result.ok, result.reason

    # 4. verify --all, as the CLI runs it.
    started = time.perf_counter()
    registry = load_registry(root, check=False)
    summary = verify_all(registry, urls)
    verify_all_s = time.perf_counter() - started
    assert not summary.failed and len(summary.results) == awards

    # 5. Everything the site publishes (no keys, as the site build runs it).
    started = time.perf_counter()
    published = sum(len(data) for _path, data in iter_published(registry, urls))
    publish_s = time.perf_counter() - started

    return {
        "awards": awards,
        "publish_s": publish_s,
        "publish_mib": published / 2**20,
        "sign_first_ms": first * 1000,
        "sign_median_ms": sign_ms,
        "sign_cpu_median_ms": _median_ms(cpu_times),
        "sign_registry_per_award_ms": sign_registry_s / awards * 1000,
        "sign_registry_s": sign_registry_s,
        "verify_jcs_median_ms": _median_ms(jcs_times),
        "verify_jcs_cpu_median_ms": _median_ms(jcs_cpu),
        "verify_fast_path_median_ms": _median_ms(path_times),
        "verify_all_s": verify_all_s,
    }


def main() -> None:
    """Run and print the figures against the budgets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    args = parser.parse_args()
    if args.keep:
        figures = run(args.keep, args.awards)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = run(Path(tmp) / "registry", args.awards)
    n = figures["awards"]
    ok_sign = figures["sign_median_ms"] < SIGN_BUDGET_MS
    ok_verify = figures["verify_jcs_median_ms"] < VERIFY_JCS_BUDGET_MS
    print(f"awards: {n}")
    print(f"sign (build + rdfc + jcs), first award:   {figures['sign_first_ms']:8.2f} ms (loads the contexts)")
    print(f"sign (build + rdfc + jcs), median:        {figures['sign_median_ms']:8.2f} ms  "
          f"budget {SIGN_BUDGET_MS} ms: {'OK' if ok_sign else 'OVER'}")
    print(f"sign, CPU time median:                    {figures['sign_cpu_median_ms']:8.2f} ms")
    print(f"sign_registry per award (with file I/O):  {figures['sign_registry_per_award_ms']:8.2f} ms  "
          f"({figures['sign_registry_s']:.2f} s total)")
    print(f"verify jcs proof, median:                 {figures['verify_jcs_median_ms']:8.3f} ms  "
          f"budget {VERIFY_JCS_BUDGET_MS} ms: {'OK' if ok_verify else 'OVER'}")
    print(f"verify jcs proof, CPU time median:        {figures['verify_jcs_cpu_median_ms']:8.3f} ms")
    print(f"verify fast path per award, median:       {figures['verify_fast_path_median_ms']:8.3f} ms "
          "(binding, jcs, key window, dates, status)")
    print(f"verify --all for {n} awards:              {figures['verify_all_s']:8.2f} s (registry load included)")
    print(f"iter_published for {n} awards:            {figures['publish_s']:8.2f} s ({figures['publish_mib']:.1f} MiB)")
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    sys.exit(0 if ok_sign and ok_verify else 1)


if __name__ == "__main__":
    main()
