"""microcred verify: a signed award verifies; every tampered field, bad key or revoked award fails
with a reason that names what failed."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factories import ISSUER
from microcred.publish import iter_published

from .helpers import PRIVATE, PUBLIC, UNLISTED, Signed, keygen, make_registry, run_cli

Doc = dict[str, Any]
SIG = r"(eddsa-rdfc-2022|eddsa-jcs-2022) proof: .*signature does not match"


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """Mutation setting a dotted path (list indexes as numbers) to `value`."""
    def mutate(doc: Doc) -> None:
        parts: list[Any] = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = doc
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value(target[parts[-1]]) if callable(value) else value
    return mutate


def _other_char(text: str) -> str:
    return text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]


# (id, mutation, reason when verifying the award id (bound to its record), reason for the bare JSON file)
TAMPER: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("recipient-hash", _set("credentialSubject.identifier.0.identityHash", "sha256$" + "0" * 64),
     r"binding: the recipient", SIG),
    ("recipient-salt", _set("credentialSubject.identifier.0.salt", "ffffffffffffffff"), r"binding: the recipient", SIG),
    ("recipient-name", _set("credentialSubject.name", "Mallory Impostor"),
     r"binding: the credential names 'Mallory Impostor'", SIG),
    ("credential-name", _set("name", "Doctor of Everything"), SIG, SIG),
    ("valid-from", _set("validFrom", "2020-01-01T00:00:00Z"), SIG, SIG),
    ("valid-until-extended", _set("validUntil", "2099-01-01T00:00:00Z"), SIG, SIG),
    ("valid-until-removed", lambda d: d.pop("validUntil"), SIG, SIG),
    ("achievement-name", _set("credentialSubject.achievement.name", "Something Grander"), SIG, SIG),
    ("achievement-criteria", _set("credentialSubject.achievement.criteria.narrative", "Show up."), SIG, SIG),
    ("credit-hours", _set("credentialSubject.achievement.creditsAvailable", 50), SIG, SIG),
    ("result-level", _set("credentialSubject.result.0.achievedLevel", lambda v: v.replace("proficient", "exemplary")),
     SIG, SIG),
    ("result-dropped", lambda d: d["credentialSubject"].pop("result"), SIG, SIG),
    ("evidence-url", _set("evidence.0.id", "https://evil.example.org/clip"), SIG, SIG),
    ("issuer-name", _set("issuer.name", "Prestigious University"), SIG, SIG),
    ("issuer-id", _set("issuer.id", "did:web:evil.example.org:issuers:test-institute"),
     r"binding: issuer 'did:web:evil\.example\.org", r"issuer: did:web:evil\.example\.org.* is not an organisation"),
    ("credential-id", _set("id", "https://registry.example.org/awards/someone-else/"),
     r"binding: credential id", SIG),
    ("status-index", _set("credentialStatus.statusListIndex", "99"), r"binding: statusListIndex '99'", SIG),
    ("verification-method", _set("proof.1.verificationMethod", lambda v: v.replace("key-20260101", "key-other")),
     r"binding: proof verificationMethod .*key-other", r"key: .*key-other is not a key of"),
    ("verification-method-foreign", _set("proof.1.verificationMethod", "did:web:evil.example.org#k"),
     r"binding: proof verificationMethod", r"key: .*does not belong to issuer"),
    ("proof-value-rdfc", _set("proof.0.proofValue", _other_char), r"eddsa-rdfc-2022 proof: .*(signature|proofValue)",
     r"eddsa-rdfc-2022 proof: .*(signature|proofValue)"),
    ("proof-value-jcs", _set("proof.1.proofValue", _other_char), r"eddsa-jcs-2022 proof: .*(signature|proofValue)",
     r"eddsa-jcs-2022 proof: .*(signature|proofValue)"),
    ("cryptosuite-unknown", _set("proof.1.cryptosuite", "eddsa-2099"), r"unknown cryptosuite", r"unknown cryptosuite"),
    ("cryptosuite-swapped", _set("proof.1.cryptosuite", "eddsa-rdfc-2022"), r"no eddsa-jcs-2022 proof",
     r"no eddsa-jcs-2022 proof"),
    ("proof-created", _set("proof.1.created", "2026-06-01T00:00:00Z"), SIG, SIG),
    ("proof-purpose", _set("proof.0.proofPurpose", "authentication"), r"proofPurpose", r"proofPurpose"),
    ("proof-removed", lambda d: d["proof"].pop(0), r"no eddsa-rdfc-2022 proof", r"no eddsa-rdfc-2022 proof"),
    ("context-extra", _set("@context", lambda c: c + ["https://www.w3.org/ns/credentials/examples/v2"]),
     r"@context", r"@context"),
    ("context-version", _set("@context.1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
     r"rdfc-2022 proof: .*(context|canonicalise)|@context", r"rdfc-2022 proof: .*(context|canonicalise)|@context"),
    ("type", _set("type", ["VerifiableCredential"]), r"schema: .*type", r"schema: .*type"),
    ("field-added", _set("credentialSubject.creditsEarned", 500), SIG, SIG),
]


@pytest.fixture(scope="module")
def signed_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One signed registry for the read-only tamper cases (copied per case)."""
    from microcred.cli import main

    base = tmp_path_factory.mktemp("signed")
    root = make_registry(base / "registry")
    key = base / "secrets" / "issuer.key"
    assert main(["keygen", "--issuer", ISSUER, "--root", str(root), "--out", str(key), "--not-before", "2026-01-01"]) == 0
    assert main(["sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key)]) == 0
    return root, key


@pytest.fixture
def fresh(signed_once: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Signed:
    """A private copy of the signed registry."""
    import shutil

    root = tmp_path / "registry"
    shutil.copytree(signed_once[0], root)
    capsys.readouterr()
    return Signed(root, signed_once[1], capsys)


def test_untampered_award_verifies(fresh: Signed) -> None:
    for award_id in (PUBLIC, UNLISTED, PRIVATE):
        code, out, _ = fresh.cli("verify", award_id, "--root", str(fresh.root))
        assert code == 0, out
        assert out.startswith(f"OK: {award_id}: schema, binding, rdfc+jcs proofs, keys, dates, status verified")


def test_yaml_path_and_json_file_targets(fresh: Signed, tmp_path: Path) -> None:
    code, out, _ = fresh.cli("verify", str(fresh.award_path(PUBLIC)))
    assert code == 0, out
    json_file = tmp_path / "credential.json"
    json_file.write_text(json.dumps(fresh.credential(PUBLIC)), encoding="utf-8")
    code, out, _ = fresh.cli("verify", str(json_file), "--root", str(fresh.root))
    assert code == 0, out


@pytest.mark.parametrize(("case", "mutate", "bound_reason", "file_reason"), TAMPER, ids=[t[0] for t in TAMPER])
def test_tampered_award_fails(
    fresh: Signed, tmp_path: Path, case: str, mutate: Callable[[Doc], None], bound_reason: str, file_reason: str
) -> None:
    original = fresh.credential(PUBLIC)
    document = copy.deepcopy(original)
    mutate(document)
    assert document != original, "the mutation must change something"
    # 1. Stored in the award record: verify by award id.
    fresh.replace_credential(PUBLIC, document)
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and out.startswith(f"FAIL: {PUBLIC}: "), out
    assert re.search(bound_reason, out), out
    # 2. As a bare OB 3.0 JSON file, keys from the registry.
    json_file = tmp_path / "tampered.json"
    json_file.write_text(json.dumps(document), encoding="utf-8")
    code, out, _ = fresh.cli("verify", str(json_file), "--root", str(fresh.root), "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["ok"] is False
    assert re.search(file_reason, result["reason"]), result["reason"]


def test_key_used_before_its_window(fresh: Signed) -> None:
    fresh.edit_profile(r'not_before: "2026-01-01T00:00:00Z"', 'not_before: "2026-12-31T00:00:00Z"')
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and "key: key key-20260101 is not valid before 2026-12-31T00:00:00Z" in out


def test_key_used_after_retirement(fresh: Signed) -> None:
    fresh.edit_profile(r'^(    not_before: "2026-01-01T00:00:00Z")$', r'\1\n    not_after: "2026-01-02T00:00:00Z"')
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and "key: key key-20260101 was retired at 2026-01-02T00:00:00Z" in out


def test_revoked_key(fresh: Signed) -> None:
    fresh.edit_profile(r'^(    not_before: "2026-01-01T00:00:00Z")$', r'\1\n    revoked_at: "2026-01-02T00:00:00Z"')
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and "key: key key-20260101 was revoked at 2026-01-02T00:00:00Z" in out


def test_key_revoked_after_signing_still_verifies_here(fresh: Signed) -> None:
    # The registry's rule: nothing signed *from* revoked_at on verifies (did.py explains the
    # did.json side: such a key leaves assertionMethod, so standard verifiers refuse it).
    fresh.edit_profile(r'^(    not_before: "2026-01-01T00:00:00Z")$', r'\1\n    revoked_at: "2099-01-01T00:00:00Z"')
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 0, out


def test_revoked_award_fails_by_record_then_by_status_bit(fresh: Signed, tmp_path: Path) -> None:
    code, out, _ = fresh.cli("revoke", PUBLIC, "--reason", "Evidence was not the earner's own.", "--by", "ada-admin",
                             "--root", str(fresh.root))
    assert code == 0, out
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and "status: revoked at" in out and "not the earner's own" in out
    # CI signs the new status list; the published site alone now says revoked.
    code, out, _ = fresh.cli("sign", "--root", str(fresh.root), "--issuer", ISSUER, "--key-file", str(fresh.key_file))
    assert code == 0 and f"wrote issuers/{ISSUER}.status-list.json" in out
    site = tmp_path / "site"
    registry = fresh.registry()
    for path, data in iter_published(registry, fresh.urls):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    credential = site / fresh.urls.award_credential(PUBLIC)
    code, out, _ = fresh.cli("verify", str(credential), "--site", str(site))
    index = registry.awards[PUBLIC].record.signed.status_index  # type: ignore[union-attr]
    assert code == 1 and f"status: revoked (bit {index} is set" in out, out
    other = site / fresh.urls.award_credential(UNLISTED)
    code, out, _ = fresh.cli("verify", str(other), "--site", str(site))
    assert code == 0, out


def test_expired_award(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry", valid_for_months=1)
    key = tmp_path / "k" / "issuer.key"
    keygen(capsys, root, key, "--not-before", "2026-01-01")
    assert run_cli(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key))[0] == 0
    code, out, _ = run_cli(capsys, "verify", PUBLIC, "--root", str(root))
    assert code == 1 and "dates: expired: validUntil 2026-04-10T00:00:00Z is past" in out


def test_tampered_status_list_fails(fresh: Signed) -> None:
    path = fresh.root / "issuers" / f"{ISSUER}.status-list.json"
    document = json.loads(path.read_bytes())
    from microcred.statuslist import encode_bits

    assert document["credentialSubject"]["encodedList"] != encode_bits([5])
    document["credentialSubject"]["encodedList"] = encode_bits([5])
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1 and re.search(r"status: .*status list: eddsa-\S+ proof: .*signature does not match", out), out


def test_verify_all(fresh: Signed) -> None:
    code, out, _ = fresh.cli("verify", "--all", "--root", str(fresh.root))
    assert code == 0 and out.startswith("OK: 3 signed awards verified (3 valid, 0 revoked, 0 expired"), out
    document = fresh.credential(UNLISTED)
    document["name"] = "Forged"
    fresh.replace_credential(UNLISTED, document)
    code, out, _ = fresh.cli("verify", "--all", "--root", str(fresh.root), "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["valid"] == 2
    assert [f["target"] for f in result["failed"]] == [UNLISTED]
    assert "eddsa-jcs-2022 proof" in result["failed"][0]["reason"]


def test_unsigned_award_and_unknown_target(fresh: Signed) -> None:
    code, out, _ = fresh.cli("verify", "test-award-pending", "--root", str(fresh.root))
    assert code == 1 and "is not signed" in out
    code, out, _ = fresh.cli("verify", "no-such-award", "--root", str(fresh.root))
    assert code == 1 and "no award 'no-such-award'" in out


def test_bad_usage(fresh: Signed) -> None:
    assert fresh.cli("verify", "--root", str(fresh.root))[0] == 2
    assert fresh.cli("verify", "http://example.org/x.json")[0] == 2


@pytest.mark.parametrize(
    ("case", "old", "new", "expected"),
    [
        ("recipient-name", "name: Erin Earner", "name: Someone Else", r"binding: the credential names 'Erin Earner'"),
        ("recipient-hash", "email_hash: sha256$", "email_hash: sha256$0", None),
        ("credential-version", "credential_version: 1", "credential_version: 2", None),
    ],
    ids=["recipient-name", "recipient-hash", "credential-version"],
)
def test_record_edited_after_signing_fails(fresh: Signed, case: str, old: str, new: str, expected: str | None) -> None:
    path = fresh.award_path(PUBLIC)
    text = path.read_text(encoding="utf-8")
    if case == "recipient-hash":  # keep it a valid hash, just a different one
        value = re.search(r"email_hash: (sha256\$[0-9a-f]{64})", text).group(1)  # type: ignore[union-attr]
        text = text.replace(value, "sha256$" + "1" * 64, 1)
    else:
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root))
    assert code == 1, out
    assert re.search(expected or r"binding: ", out), out


def test_shared_status_index_is_caught(fresh: Signed) -> None:
    registry = fresh.registry()
    index = registry.awards[PUBLIC].record.signed.status_index  # type: ignore[union-attr]
    path = fresh.award_path(UNLISTED)
    text = path.read_text(encoding="utf-8")
    other = registry.awards[UNLISTED].record.signed.status_index  # type: ignore[union-attr]
    path.write_text(text.replace(f"  status_index: {other}\n", f"  status_index: {index}\n"), encoding="utf-8")
    code, out, _ = fresh.cli("verify", "--all", "--root", str(fresh.root))
    assert code == 1 and f"status: index {index} of {ISSUER} is also used by" in out
    code, out, _ = fresh.cli("sign", "--root", str(fresh.root), "--issuer", ISSUER, "--key-file", str(fresh.key_file))
    assert code == 1 and f"status_index {index} is also used by award" in out  # validate's rule stops it


def test_verify_all_lists_revoked_and_expired_without_failing(fresh: Signed) -> None:
    assert fresh.cli("revoke", PUBLIC, "--reason", "Withdrawn.", "--by", "ada-admin", "--root", str(fresh.root))[0] == 0
    code, out, err = fresh.cli("verify", "--all", "--root", str(fresh.root))
    assert code == 0, out
    assert f"REVOKED: {PUBLIC}: status: revoked at" in out
    assert f"the signed status list of {ISSUER} misses revocations" in err
    assert "(2 valid, 1 revoked, 0 expired" in out
    code, out, _ = fresh.cli("verify", PUBLIC, "--root", str(fresh.root), "--format", "json")
    assert code == 1 and json.loads(out)["state"] == "revoked"


def test_https_target_reads_only_the_published_site(
    fresh: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import urllib.request

    site = tmp_path / "site"
    for path, data in iter_published(fresh.registry(), fresh.urls):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    fetched: list[str] = []

    def fake_urlopen(url: str, timeout: float = 0) -> io.BytesIO:
        fetched.append(url)
        assert url.startswith(fresh.urls.base), url
        return io.BytesIO((site / url[len(fresh.urls.base):]).read_bytes())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    page = fresh.urls.url(fresh.urls.award_page(PUBLIC))
    code, out, _ = fresh.cli("verify", page)
    assert code == 0, out
    assert fetched == [
        page + "credential.json",
        fresh.urls.url(fresh.urls.did_document(ISSUER)),
        fresh.urls.url(fresh.urls.status_list(ISSUER)),
    ]
