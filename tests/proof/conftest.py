"""Fixtures for the proof tests: the standards folder and signed samples."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from proofdata import DATA, TEST_CREATED, TEST_SEED, read_json, require_standards

from microcred.proof import add_proof, public_key_from_seed


@pytest.fixture(scope="session")
def standards() -> Path:
    return require_standards()


@pytest.fixture(scope="session")
def ob3_credential() -> dict[str, Any]:
    """A realistic ~3-4 KB OB 3.0 credential, unsigned (a fresh copy per use is the caller's job)."""
    data: dict[str, Any] = read_json(DATA / "ob3-achievement-credential.json")
    return data


@pytest.fixture(scope="session")
def test_public_key() -> bytes:
    return public_key_from_seed(TEST_SEED)


@pytest.fixture(scope="session")
def verification_method(ob3_credential: dict[str, Any]) -> str:
    return str(ob3_credential["issuer"]["id"]) + "#key-1"


@pytest.fixture(scope="session")
def signed_ob3(ob3_credential: dict[str, Any], verification_method: str) -> dict[str, Any]:
    """The sample credential with an rdfc proof then a jcs proof (a proof set)."""
    doc = add_proof(
        ob3_credential,
        seed_or_signing_key=TEST_SEED,
        verification_method=verification_method,
        cryptosuite="eddsa-rdfc-2022",
        created=TEST_CREATED,
    )
    return add_proof(
        doc,
        seed_or_signing_key=TEST_SEED,
        verification_method=verification_method,
        cryptosuite="eddsa-jcs-2022",
        created=TEST_CREATED,
    )


@pytest.fixture()
def signed_copy(signed_ob3: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(signed_ob3)
