"""Our Python proofs, checked by an independent verifier: Digital Bazaar's JavaScript libraries.

verify.mjs (beside this file) verifies offline with the contexts packaged in
microcred/data/contexts. Node and npm are needed; without them the tests skip and say so. If
`npm ci` fails, that is a failure, not a skip: the check would silently stop protecting us.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from microcred.proof import add_proof, multikey_from_public_key, public_key_from_seed, verify_proof_set

INTEROP = Path(__file__).resolve().parent
REPO_ROOT = INTEROP.parents[1]
VECTORS = REPO_ROOT / ".." / "shared" / "standards" / "test-vectors"
SAMPLE = REPO_ROOT / "tests" / "proof" / "data" / "ob3-achievement-credential.json"
SEED = bytes(range(32))
CREATED = "2024-05-01T12:00:00Z"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _deps_installed() -> bool:
    """node_modules holds exactly the pinned version of every direct dependency."""
    pinned = _read(INTEROP / "package.json")["dependencies"]
    for name, version in pinned.items():
        manifest = INTEROP / "node_modules" / name / "package.json"
        if not manifest.is_file() or _read(manifest).get("version") != version:
            return False
    return True


@pytest.fixture(scope="module")
def verifier() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: the independent (JavaScript) verifier cannot run")
    if not _deps_installed():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=INTEROP, capture_output=True, text=True, timeout=540, check=False,
        )
        if done.returncode != 0 or not _deps_installed():
            pytest.fail(f"npm ci failed in {INTEROP} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return INTEROP / "verify.mjs"


def _run(verifier: Path, keys: dict[str, Any], files: list[Path], tmp: Path,
         proofs_only: bool = False) -> dict[str, dict[str, Any]]:
    """Run verify.mjs; return its result lines keyed by file stem."""
    keys_file = tmp / "keys.json"
    keys_file.write_text(json.dumps(keys), encoding="utf-8")
    args = ["node", str(verifier), "--keys", str(keys_file)]
    if proofs_only:
        args.append("--proofs-only")
    done = subprocess.run(
        [*args, *map(str, files)], cwd=INTEROP, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode not in (0, 1):
        pytest.fail(f"verify.mjs crashed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == len(files), done.stdout + done.stderr
    return {Path(line["file"]).stem: line for line in lines}


def _sign_both(document: dict[str, Any], vm: str) -> dict[str, Any]:
    signed = document
    for suite in SUITES:
        signed = add_proof(signed, seed_or_signing_key=SEED, verification_method=vm,
                           cryptosuite=suite, created=CREATED)  # type: ignore[arg-type]
    return signed


def _issuer_id(document: dict[str, Any]) -> str:
    issuer = document["issuer"]
    return str(issuer["id"] if isinstance(issuer, dict) else issuer)


def _unsigned(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = _read(path)
    doc.pop("proof", None)
    return doc


def _sample_variant() -> dict[str, Any]:
    """The sample with text and numbers that canonicalisers are most likely to disagree on."""
    doc: dict[str, Any] = _read(SAMPLE)
    doc["name"] = 'Évaluation formative — «naïve» 🎓 "quoted" back\\slash'
    doc["description"] = "Line one\nLine two\r\n\ttabbed, with U+2028 \u2028 and BOM \ufeff"
    doc["credentialSubject"]["creditsEarned"] = 2.5
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 1e21
    return doc


def _credentials() -> dict[str, dict[str, Any]]:
    return {
        "w3c-alumni": _unsigned(VECTORS / "eddsa-jcs-2022" / "signedJCS.json"),
        "1edtech-teamwork": _unsigned(VECTORS / "ob3-linked-data-proof" / "signed-credential.json"),
        "microcred-sample": _read(SAMPLE),
        "microcred-sample-unicode-floats": _sample_variant(),
    }


@pytest.fixture(scope="module")
def signed_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Path]]:
    """Each credential signed with both suites by our Python add_proof, written to files."""
    tmp = tmp_path_factory.mktemp("interop")
    multikey = multikey_from_public_key(public_key_from_seed(SEED))
    keys: dict[str, Any] = {}
    files: dict[str, Path] = {}
    for name, doc in _credentials().items():
        # The key's controller is the issuer, as a standard VC verifier requires.
        vm = _issuer_id(doc) + "#key-1"
        keys[vm] = multikey
        signed = _sign_both(doc, vm)
        verify_proof_set(signed, {vm: public_key_from_seed(SEED)}, required_cryptosuites=SUITES)
        files[name] = tmp / f"{name}.json"
        files[name].write_text(json.dumps(signed, ensure_ascii=False, indent=2), encoding="utf-8")
    return tmp, keys, files


@pytest.mark.parametrize("name", list(_credentials()))
def test_node_verifier_accepts_both_of_our_proofs(
    name: str, verifier: Path, signed_set: tuple[Path, dict[str, Any], dict[str, Path]]
) -> None:
    tmp, keys, files = signed_set
    result = _run(verifier, keys, [files[name]], tmp)[name]
    assert result["verified"] is True, result
    assert sorted(p["cryptosuite"] for p in result["proofs"]) == sorted(SUITES)
    assert all(p["verified"] for p in result["proofs"]), result


TAMPER = [
    ("name", lambda d: d.update(name=d["name"] + " (forged)")),
    ("validFrom", lambda d: d.update(validFrom="2020-01-01T00:00:00Z")),
    ("achievement-name", lambda d: d["credentialSubject"]["achievement"].update(name="Something else")),
]


@pytest.mark.parametrize("mutate", [t[1] for t in TAMPER], ids=[t[0] for t in TAMPER])
def test_node_verifier_rejects_a_tampered_copy(
    mutate: Any, verifier: Path, signed_set: tuple[Path, dict[str, Any], dict[str, Path]]
) -> None:
    tmp, keys, files = signed_set
    doc = _read(files["microcred-sample"])
    mutate(doc)
    path = tmp / "tampered.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = _run(verifier, keys, [path], tmp)["tampered"]
    assert result["verified"] is False
    assert [p["verified"] for p in result["proofs"]] == [False, False], result
    assert result["error"]


def test_node_verifier_rejects_the_wrong_key(
    verifier: Path, signed_set: tuple[Path, dict[str, Any], dict[str, Path]]
) -> None:
    tmp, keys, files = signed_set
    wrong = {vm: multikey_from_public_key(public_key_from_seed(bytes(32))) for vm in keys}
    result = _run(verifier, wrong, [files["microcred-sample"]], tmp)["microcred-sample"]
    assert result["verified"] is False
    assert not any(p["verified"] for p in result["proofs"])


def test_node_verifier_accepts_a_did_document_as_key_source(
    verifier: Path, signed_set: tuple[Path, dict[str, Any], dict[str, Path]]
) -> None:
    tmp, _keys, files = signed_set
    doc = _read(files["microcred-sample"])
    issuer = _issuer_id(doc)
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "verificationMethod": [{
            "id": f"{issuer}#key-1", "type": "Multikey", "controller": issuer,
            "publicKeyMultibase": multikey_from_public_key(public_key_from_seed(SEED)),
        }],
        "assertionMethod": [f"{issuer}#key-1"],
    }
    result = _run(verifier, did_document, [files["microcred-sample"]], tmp)["microcred-sample"]
    assert result["verified"] is True, result


def test_node_verifier_accepts_the_published_vectors(verifier: Path, tmp_path: Path) -> None:
    """The verifier itself is sound: it accepts the W3C and 1EdTech signed examples as published."""
    w3c = _read(VECTORS / "keyPair.json")["publicKeyMultibase"]
    ob3 = _read(VECTORS / "ob3-linked-data-proof" / "keyPair.json")["publicKeyMultibase"]
    files = {
        "signedJCS": VECTORS / "eddsa-jcs-2022" / "signedJCS.json",
        "signedDataInt": VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json",
        "signed-credential": VECTORS / "ob3-linked-data-proof" / "signed-credential.json",
    }
    keys = {}
    for path in files.values():
        vm = _read(path)["proof"]["verificationMethod"]
        keys[vm] = ob3 if "example.edu" in vm else w3c
    results = _run(verifier, keys, list(files.values()), tmp_path, proofs_only=True)
    assert {name: r["verified"] for name, r in results.items()} == dict.fromkeys(files, True), results


def test_our_verifier_and_node_agree_on_a_proof_set_added_in_either_order(
    verifier: Path, tmp_path: Path
) -> None:
    doc: dict[str, Any] = _read(SAMPLE)
    vm = _issuer_id(doc) + "#key-1"
    reversed_order = doc
    for suite in reversed(SUITES):
        reversed_order = add_proof(reversed_order, seed_or_signing_key=SEED, verification_method=vm,
                                   cryptosuite=suite, created=CREATED)  # type: ignore[arg-type]
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(reversed_order), encoding="utf-8")
    keys = {vm: multikey_from_public_key(public_key_from_seed(SEED))}
    assert _run(verifier, keys, [path], tmp_path)["reversed"]["verified"] is True
    single = copy.deepcopy(reversed_order)
    single["proof"] = single["proof"][0]  # a lone proof object, as some issuers write it
    path.write_text(json.dumps(single), encoding="utf-8")
    assert _run(verifier, keys, [path], tmp_path)["reversed"]["verified"] is True
