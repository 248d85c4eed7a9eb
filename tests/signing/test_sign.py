"""microcred sign: what it signs, what it stores, what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factories import ISSUER
from microcred.load import load_record
from microcred.records import Award
from microcred.verify import schema_errors

from .helpers import PENDING, PRIVATE, PUBLIC, UNLISTED, Signed, keygen, make_registry, run_cli

SIGNED_IDS = sorted([PUBLIC, UNLISTED, PRIVATE])


def test_signs_every_awarded_award_and_nothing_else(signed: Signed) -> None:
    registry = signed.registry()
    assert registry.problems == []
    assert sorted(a for a, lo in registry.awards.items() if lo.record.signed) == SIGNED_IDS
    assert registry.awards[PENDING].record.signed is None


def test_status_indexes_follow_award_ids(signed: Signed) -> None:
    registry = signed.registry()
    indexes = {a: registry.awards[a].record.signed.status_index for a in SIGNED_IDS}  # type: ignore[union-attr]
    assert [indexes[a] for a in SIGNED_IDS] == [0, 1, 2]


@pytest.mark.parametrize("award_id", SIGNED_IDS, ids=["private", "public", "unlisted"])
def test_every_credential_validates_against_the_official_schema(signed: Signed, award_id: str) -> None:
    assert schema_errors(signed.credential(award_id)) == []


@pytest.mark.parametrize("award_id", SIGNED_IDS, ids=["private", "public", "unlisted"])
def test_stored_json_reads_back_byte_for_byte(signed: Signed, award_id: str) -> None:
    stored = signed.registry().awards[award_id].record.signed.credential  # type: ignore[union-attr]
    document = json.loads(stored)
    assert json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True) + "\n" == stored
    assert stored.isascii()
    # The YAML around it is plain text: the block is the literal JSON, indented by four spaces.
    text = signed.award_path(award_id).read_text(encoding="utf-8")
    assert "\n".join("    " + line for line in stored.rstrip("\n").split("\n")) in text


def test_credential_shape(signed: Signed) -> None:
    doc = signed.credential(PUBLIC)
    urls = signed.urls
    assert doc["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == urls.url(urls.award_page(PUBLIC))
    assert doc["issuer"]["id"] == urls.did(ISSUER) == "did:web:registry.example.org:issuers:test-institute"
    assert doc["validFrom"] == "2026-03-10T00:00:00Z" and doc["validUntil"] == "2029-03-10T00:00:00Z"
    subject = doc["credentialSubject"]
    assert subject["name"] == "Erin Earner"
    assert subject["identifier"][0]["identityHash"].startswith("sha256$")
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert "## Passing rule" in achievement["criteria"]["narrative"]
    levels = {r["resultDescription"].rsplit("-", 1)[-1]: r["achievedLevel"].rsplit("-", 1)[-1] for r in subject["result"]}
    assert levels == {"questions": "proficient", "analysis": "proficient"}
    index = signed.registry().awards[PUBLIC].record.signed.status_index  # type: ignore[union-attr]
    assert doc["credentialStatus"] == {
        "id": f"{urls.url(urls.status_list(ISSUER))}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": urls.url(urls.status_list(ISSUER)),
    }
    assert [p["cryptosuite"] for p in doc["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert {p["verificationMethod"] for p in doc["proof"]} == {urls.key_id(ISSUER, "key-20260101")}


def test_private_award_names_nobody(signed: Signed) -> None:
    assert "name" not in signed.credential(PRIVATE)["credentialSubject"]
    assert signed.credential(UNLISTED)["credentialSubject"]["name"] == "Uma Unlisted"


def test_second_run_signs_nothing(signed: Signed) -> None:
    before = {p: p.read_bytes() for p in signed.root.rglob("*") if p.is_file()}
    code, out, _ = signed.cli("sign", "--root", str(signed.root), "--issuer", ISSUER, "--key-file", str(signed.key_file))
    assert code == 0 and "nothing to sign" in out
    after = {p: p.read_bytes() for p in signed.root.rglob("*") if p.is_file()}
    assert after == before


def test_new_award_gets_the_next_index(signed: Signed) -> None:
    from factories import award_data, write_yaml

    write_yaml(signed.award_path("test-award-9"), award_data("test-award-9"))
    code, out, _ = signed.cli("sign", "--root", str(signed.root), "--issuer", ISSUER, "--key-file", str(signed.key_file))
    assert code == 0 and "signed test-award-9" in out
    assert signed.registry().awards["test-award-9"].record.signed.status_index == 3  # type: ignore[union-attr]


def test_key_from_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_registry(tmp_path / "registry")
    code, out, err = run_cli(capsys, "keygen", "--issuer", ISSUER, "--root", str(root), "--not-before", "2026-01-01")
    assert code == 0 and out.startswith("z")  # printed once for the CI secret
    monkeypatch.setenv("MICROCRED_SIGNING_KEY_TEST_INSTITUTE", out.strip())
    code, out, err = run_cli(capsys, "sign", "--root", str(root))
    assert code == 0, out + err
    assert out.count("\nsigned ") + out.startswith("signed ") == 3


def test_the_signed_block_is_appended_and_the_rest_untouched(signed: Signed, tmp_path: Path) -> None:
    original = make_registry(tmp_path / "fresh") / "awards" / ISSUER / "test-questioning" / f"{PUBLIC}.yaml"
    text = signed.award_path(PUBLIC).read_text(encoding="utf-8")
    assert text.startswith(original.read_text(encoding="utf-8"))
    assert text[len(original.read_text(encoding="utf-8")):].startswith("signed:\n  signed_at: ")


def test_sign_refuses_key_not_yet_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    key_file = tmp_path / "k" / "issuer.key"
    keygen(capsys, root, key_file, "--not-before", "2099-01-01T00:00:00Z")
    expected = "not valid before 2099-01-01T00:00:00Z"
    code, out, _ = run_cli(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key_file))
    assert code == 1 and expected in out
    assert all(lo.record.signed is None for lo in load_registry_awards(root))


def load_registry_awards(root: Path) -> list[object]:
    from microcred.registry import load_registry

    return list(load_registry(root).awards.values())


def test_sign_refuses_retired_and_revoked_keys(signed: Signed, tmp_path: Path) -> None:
    from factories import award_data, write_yaml

    write_yaml(signed.award_path("test-award-9"), award_data("test-award-9"))
    signed.edit_profile(r"^(    not_before: \"2026-01-01T00:00:00Z\")$", r'\1\n    not_after: "2026-02-01T00:00:00Z"')
    code, out, _ = signed.cli("sign", "--root", str(signed.root), "--issuer", ISSUER, "--key-file", str(signed.key_file))
    assert code == 1 and "was retired at 2026-02-01T00:00:00Z" in out
    signed.edit_profile(r"^    not_after: .*$", '    revoked_at: "2026-02-01T00:00:00Z"')
    code, out, _ = signed.cli("sign", "--root", str(signed.root), "--issuer", ISSUER, "--key-file", str(signed.key_file))
    assert code == 1 and "was revoked at 2026-02-01T00:00:00Z" in out
    assert signed.registry().awards["test-award-9"].record.signed is None


def test_sign_refuses_a_key_the_issuer_did_not_publish(signed: Signed, tmp_path: Path) -> None:
    from microcred.keys import write_private_key
    from microcred.proof import generate_seed

    other = tmp_path / "other.key"
    write_private_key(other, generate_seed(), root=signed.root)
    code, out, _ = signed.cli("sign", "--root", str(signed.root), "--issuer", ISSUER, "--key-file", str(other))
    assert code == 1 and "is not a published key of test-institute" in out


def test_sign_refuses_a_registry_with_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "registry")
    key_file = tmp_path / "k" / "issuer.key"
    keygen(capsys, root, key_file, "--not-before", "2026-01-01")
    bad = root / "awards" / ISSUER / "test-questioning" / f"{PUBLIC}.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("assessor: sam-assessor", "assessor: nobody"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key_file))
    assert code == 1
    assert "assessor 'nobody' is not listed" in out
    assert all(
        load_record(p, p.name, Award).record.signed is None for p in (root / "awards").rglob("*.yaml")
    )


def test_sign_writes_the_status_list(signed: Signed) -> None:
    path = signed.root / "issuers" / f"{ISSUER}.status-list.json"
    document = json.loads(path.read_bytes())
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert [p["cryptosuite"] for p in document["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert document["credentialSubject"]["encodedList"].startswith("u")


@pytest.mark.parametrize(
    "name",
    ["Zoë Ñúñez 李小龍", "no", "0x1F", "2026-03-01", 'Quote " and \\ backslash', "Tab\tinside", "# not a comment", "Ends with |"],
    ids=["non-ascii", "yaml-boolean", "yaml-hex-int", "yaml-date", "json-escapes", "tab", "hash", "pipe"],
)
def test_tricky_text_round_trips_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    from factories import RegistryFactory, award_data, credential_data

    award = award_data(PUBLIC)
    award["recipient"]["name"] = name.replace("\t", " ")  # a Line allows no tab; the title below gets one
    root = RegistryFactory(tmp_path / "registry", awards=[award],
                           credentials=[credential_data(summary=f"Summary: {name}\n")]).write()
    key_file = tmp_path / "k" / "issuer.key"
    keygen(capsys, root, key_file, "--not-before", "2026-01-01")
    code, out, err = run_cli(capsys, "sign", "--root", str(root), "--issuer", ISSUER, "--key-file", str(key_file))
    assert code == 0, out + err
    code, out, _ = run_cli(capsys, "verify", PUBLIC, "--root", str(root))
    assert code == 0, out
    from microcred.registry import load_registry

    stored = load_registry(root).awards[PUBLIC].record.signed.credential  # type: ignore[union-attr]
    document = json.loads(stored)
    assert document["credentialSubject"]["name"] == name.replace("\t", " ")
    assert document["credentialSubject"]["achievement"]["description"] == f"Summary: {name}"
    assert stored.isascii()


def test_stale_status_list_without_a_key_fails(signed: Signed, monkeypatch: pytest.MonkeyPatch) -> None:
    assert signed.cli("revoke", PUBLIC, "--reason", "Withdrawn.", "--by", "ada-admin", "--root", str(signed.root))[0] == 0
    monkeypatch.delenv("MICROCRED_SIGNING_KEY_TEST_INSTITUTE", raising=False)
    code, out, err = signed.cli("sign", "--root", str(signed.root))
    assert code == 1 and "0 award(s) and 1 status list(s) wait for a key" in out
    assert "test-institute: its status list is out of date" in err
    monkeypatch.setenv("MICROCRED_SIGNING_KEY_TEST_INSTITUTE", signed.key_file.read_text(encoding="ascii").strip())
    code, out, _ = signed.cli("sign", "--root", str(signed.root))
    assert code == 0 and f"wrote issuers/{ISSUER}.status-list.json" in out


@pytest.mark.parametrize(
    ("case", "old", "new", "expected"),
    [
        ("shared-index", "  status_index: 1\n", "  status_index: 0\n", "status_index 0 is also used by award"),
        ("not-json", "  credential: |\n    {\n", "  credential: |\n    [\n", "is not the JSON text of a credential"),
    ],
    ids=["shared-index", "not-json"],
)
def test_validate_catches_hand_edited_signed_blocks(signed: Signed, case: str, old: str, new: str, expected: str) -> None:
    registry = signed.registry()
    award_id = next(a for a in SIGNED_IDS if registry.awards[a].record.signed.status_index == 1)  # type: ignore[union-attr]
    path = signed.award_path(award_id)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = signed.cli("validate", "--root", str(signed.root))
    assert code == 1 and expected in out, out
