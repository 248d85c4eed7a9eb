"""Signed awards and status lists verify in Digital Bazaar's JavaScript libraries too.

Uses tests/interop/verify.mjs (owned by the proof package); skipped without node or its modules.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from factories import ISSUER
from microcred.publish import iter_published

from .helpers import PRIVATE, PUBLIC, UNLISTED, Signed

INTEROP = Path(__file__).resolve().parents[1] / "interop"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="needs node and tests/interop/node_modules (npm ci in tests/interop)",
)


def test_javascript_verifier_accepts_credentials_and_status_list(signed: Signed, tmp_path: Path) -> None:
    site = tmp_path / "site"
    for path, data in iter_published(signed.registry(), signed.urls):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    files = [site / signed.urls.award_credential(a) for a in (PUBLIC, UNLISTED, PRIVATE)]
    files.append(site / signed.urls.status_list(ISSUER))
    forged = json.loads(files[0].read_bytes())
    forged["credentialSubject"]["name"] = "Mallory"
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    files.append(tmp_path / "forged.json")
    done = subprocess.run(
        ["node", str(INTEROP / "verify.mjs"), "--keys", str(site / signed.urls.did_document(ISSUER)), *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    results = {Path(r["file"]).name if "forged" in r["file"] else r["file"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert done.returncode == 1, done.stderr  # the forged one fails
    for f in files[:-1]:
        result = results[str(f)]
        assert result["verified"] is True, result
        assert sorted(p["cryptosuite"] for p in result["proofs"]) == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]
    assert results["forged.json"]["verified"] is False
