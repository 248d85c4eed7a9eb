"""ids: slugs, unguessable award ids, fresh award ids."""

from __future__ import annotations

import pytest

from microcred.ids import is_slug, is_unguessable, new_award_id


@pytest.mark.parametrize("value", ["a", "0", "questioning-strategies", "a-", "x" * 64, "2026", "a--b"])
def test_slugs(value: str) -> None:
    assert is_slug(value)


@pytest.mark.parametrize("value", [
    "", "-a", "A", "a_b", "a b", "a.b", "a/b", "../x", "x" * 65, "é", "a\n", "\na", 5, None, ["a"],
])
def test_not_slugs(value: object) -> None:
    assert not is_slug(value)


@pytest.mark.parametrize("award_id,expected", [
    ("dhddg5a64cdrtu9im2td", True),
    ("p-dhddg5a64cdrtu9im2td", True),
    ("erin-questioning-abcdefghjkmnpqrs", True),   # 16 characters after the last hyphen
    ("erin-questioning-abcdefghjkmnpqr", False),   # 15
    ("test-award-1", False),
    ("abcdefgh-ijklmnopq", False),                 # the random part is what follows the last hyphen
])
def test_unguessable(award_id: str, expected: bool) -> None:
    assert is_unguessable(award_id) is expected


def test_new_award_ids_are_unguessable_slugs() -> None:
    ids = {new_award_id() for _ in range(200)}
    assert len(ids) == 200
    for award_id in ids:
        assert len(award_id) == 20 and is_slug(award_id) and is_unguessable(award_id)
        assert not set(award_id) & set("l1o0")  # read aloud without confusion


def test_new_award_id_with_prefix() -> None:
    award_id = new_award_id("erin-questioning")
    prefix, token = award_id.rsplit("-", 1)
    assert prefix == "erin-questioning" and len(token) == 20
    assert is_slug(award_id) and is_unguessable(award_id)
    assert is_slug(new_award_id("x" * 43))


@pytest.mark.parametrize("prefix", ["x" * 44, "Bad Prefix", "-x", "a/b"])
def test_new_award_id_refuses_prefixes_that_would_make_a_bad_id(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        new_award_id(prefix)
