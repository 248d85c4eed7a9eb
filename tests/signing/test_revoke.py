"""microcred revoke: an append-only record beside the award."""

from __future__ import annotations

import pytest

from factories import ISSUER

from .helpers import PENDING, PUBLIC, Signed


def _revoke(signed: Signed, award_id: str, by: str = "ada-admin", reason: str = "Evidence was not original.") -> tuple[int, str, str]:
    return signed.cli("revoke", award_id, "--reason", reason, "--by", by, "--root", str(signed.root))


def test_writes_a_valid_record(signed: Signed) -> None:
    code, out, _ = _revoke(signed, PUBLIC, reason="Line one: with a colon.\n\n# not a comment")
    assert code == 0 and out == f"OK: wrote awards/{ISSUER}/test-questioning/{PUBLIC}.revocation.yaml\n"
    registry = signed.registry()
    assert registry.problems == []
    revocation = registry.revocations[PUBLIC].record
    assert revocation.revoked_by == "ada-admin"
    assert revocation.reason == "Line one: with a colon.\n\n# not a comment\n"
    assert registry.awards[PUBLIC].record.signed is not None  # the award itself is untouched


@pytest.mark.parametrize(
    ("case", "award_id", "by", "expected"),
    [
        ("unsigned-award", PENDING, "ada-admin", "was never signed"),
        ("unknown-award", "no-such-award", "ada-admin", "no award 'no-such-award'"),
        ("not-an-admin", PUBLIC, "sam-assessor", "'sam-assessor' is not an admin"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.islower() and " " not in v and "'" not in v else None,
)
def test_refusals(signed: Signed, case: str, award_id: str, by: str, expected: str) -> None:
    code, _, err = _revoke(signed, award_id, by=by)
    assert code == 2 and expected in err
    assert not list(signed.root.rglob("*.revocation.yaml"))


def test_append_only(signed: Signed) -> None:
    assert _revoke(signed, PUBLIC)[0] == 0
    path = signed.award_path(PUBLIC).with_name(f"{PUBLIC}.revocation.yaml")
    before = path.read_bytes()
    code, _, err = _revoke(signed, PUBLIC, reason="Changed my mind.")
    assert code == 2 and "never rewritten" in err
    assert path.read_bytes() == before
