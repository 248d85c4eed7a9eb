"""The packaged contexts and schemas are byte-for-byte the published documents."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import pytest
from proofdata import require_standards

PACKAGE_DATA = Path(str(resources.files("microcred").joinpath("data")))

# Pinned here as well as read from the standards README, so that the check still means
# something if both copies were changed together.
CONTEXTS = [
    # (file, URL, sha256)
    ("credentials-v2.jsonld", "https://www.w3.org/ns/credentials/v2",
     "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    ("ob-v3p0-context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
     "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    ("ob-v3p0-extensions.json", "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
     "1c4f705af92007783c589eb1f1b221ecc24ac588a83e0212faf1728c69b61487"),
    ("data-integrity-v2.jsonld", "https://w3id.org/security/data-integrity/v2",
     "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363"),
    ("multikey-v1.jsonld", "https://w3id.org/security/multikey/v1",
     "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"),
    ("did-v1.jsonld", "https://www.w3.org/ns/did/v1",
     "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"),
    ("credentials-examples-v2.jsonld", "https://www.w3.org/ns/credentials/examples/v2",
     "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"),
]

SCHEMAS = [
    ("ob_v3p0_achievementcredential.json", "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"),
    ("ob_v3p0_endorsementcredential.json", "4627e1878848d0192c3f9e26f09ef88a96ad48a46f5fca11b80b679ece0de345"),
    ("ob_v3p0_profile.json", "9b05049f720b8ad9bd7aed358ca59c643c34bf1cec0b29fd7baa8bf98efed164"),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _readme_context_table() -> dict[str, tuple[str, str]]:
    """file -> (URL, sha256) from the contexts table of shared/standards/README.md."""
    text = (require_standards() / "README.md").read_text(encoding="utf-8")
    section = text.split("## contexts/", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[0-9a-f]{64}", cells[3]):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


@pytest.mark.parametrize(("name", "url", "sha"), CONTEXTS, ids=[c[0] for c in CONTEXTS])
def test_packaged_context_has_pinned_sha256(name: str, url: str, sha: str) -> None:
    assert _sha256(PACKAGE_DATA / "contexts" / name) == sha


def test_readme_lists_exactly_the_pinned_contexts() -> None:
    table = _readme_context_table()
    assert table == {name: (url, sha) for name, url, sha in CONTEXTS}


@pytest.mark.parametrize("name", [c[0] for c in CONTEXTS])
def test_packaged_context_matches_readme_sha256(name: str) -> None:
    _url, sha = _readme_context_table()[name]
    assert _sha256(PACKAGE_DATA / "contexts" / name) == sha


@pytest.mark.parametrize("name", [c[0] for c in CONTEXTS])
def test_packaged_context_is_byte_identical_to_standards_copy(name: str) -> None:
    shared = require_standards() / "contexts" / name
    assert (PACKAGE_DATA / "contexts" / name).read_bytes() == shared.read_bytes()


def test_every_standards_context_is_packaged() -> None:
    shared = {p.name for p in (require_standards() / "contexts").iterdir() if p.is_file()}
    assert shared == {c[0] for c in CONTEXTS}


def test_index_maps_each_url_to_its_file() -> None:
    index = json.loads((PACKAGE_DATA / "contexts" / "index.json").read_text(encoding="utf-8"))
    assert index == {url: name for name, url, _sha in CONTEXTS}


@pytest.mark.parametrize(("name", "sha"), SCHEMAS, ids=[s[0] for s in SCHEMAS])
def test_packaged_schema_has_pinned_sha256_and_matches_standards(name: str, sha: str) -> None:
    packaged = PACKAGE_DATA / "schemas" / name
    assert _sha256(packaged) == sha
    assert packaged.read_bytes() == (require_standards() / "schemas" / name).read_bytes()


def test_every_standards_schema_is_packaged() -> None:
    shared = {p.name for p in (require_standards() / "schemas").iterdir() if p.is_file()}
    assert shared == {s[0] for s in SCHEMAS}


@pytest.mark.parametrize(
    ("folder", "entries"),
    [("contexts", [(c[0], c[2]) for c in CONTEXTS]), ("schemas", SCHEMAS)],
    ids=["contexts", "schemas"],
)
def test_notice_names_source_and_sha_of_each_file(folder: str, entries: list[tuple[str, str]]) -> None:
    notice = (PACKAGE_DATA / folder / "NOTICE").read_text(encoding="utf-8")
    assert "licence" in notice.lower() or "license" in notice.lower()
    for name, sha in entries:
        assert re.search(rf"{sha}\s+{re.escape(name)}", notice), f"{name} missing from {folder}/NOTICE"
