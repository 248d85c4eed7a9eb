"""RFC 6962 / 9162 Merkle tree: reference vectors, the C2SP worked example, brute-force cross-checks."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.tlog.errors import ProofError
from microcred.tlog.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# The certificate-transparency reference inputs and hashes (RFC 6962 test data, as kept in
# transparency-dev/merkle testonly/constants.go and proof/verify_test.go).
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
)]
ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]
LEAF_HASHES = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
)]


def _h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


# (leaf index 0-based, tree size, proof)
INCLUSION = [
    pytest.param(0, 1, [], id="leaf0-of-1"),
    pytest.param(0, 8, _h(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"), id="leaf0-of-8"),
    pytest.param(5, 8, _h(
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"), id="leaf5-of-8"),
    pytest.param(2, 3, _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"), id="leaf2-of-3"),
    pytest.param(1, 5, _h(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"), id="leaf1-of-5"),
]

CONSISTENCY = [
    pytest.param(1, 1, [], id="1-to-1"),
    pytest.param(1, 8, _h(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"), id="1-to-8"),
    pytest.param(6, 8, _h(
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"), id="6-to-8"),
    pytest.param(2, 5, _h(
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"), id="2-to-5"),
    pytest.param(6, 7, _h(
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"), id="6-to-7"),
]

TREE = MemoryTree.from_entries(LEAVES)


@pytest.mark.parametrize("i", range(8), ids=lambda i: f"leaf{i}")
def test_leaf_hashes_match_reference(i: int) -> None:
    assert leaf_hash(LEAVES[i]) == LEAF_HASHES[i]


@pytest.mark.parametrize("size", range(9), ids=lambda n: f"size{n}")
def test_roots_match_reference(size: int) -> None:
    assert TREE.root(size) == ROOTS[size]
    assert root_from_leaf_hashes(LEAF_HASHES[:size]) == ROOTS[size]


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_reference(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(TREE, index, size) == proof
    verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_match_reference(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(TREE, old, new) == proof
    verify_consistency(old, new, proof, ROOTS[old], ROOTS[new])


def _corruptions(proof: list[bytes]) -> list[tuple[str, list[bytes]]]:
    out = [("trailing-garbage", [*proof, b"\x00" * 32]), ("preceding-garbage", [b"\x00" * 32, *proof])]
    if proof:
        out.append(("truncated", proof[:-1]))
        for i in range(len(proof)):
            flipped = list(proof)
            flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
            out.append((f"bit-flip-{i}", flipped))
    return out


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_corrupted_inclusion_proofs_are_rejected(index: int, size: int, proof: list[bytes]) -> None:
    for name, bad in _corruptions(proof):
        with pytest.raises(ProofError):
            verify_inclusion(LEAF_HASHES[index], index, size, bad, ROOTS[size])
        assert name
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(b"WrongLeaf"), index, size, proof, ROOTS[size])
    with pytest.raises(ProofError):
        verify_inclusion(LEAF_HASHES[index], index, size, proof, EMPTY_ROOT)
    if size > 1:
        with pytest.raises(ProofError):
            verify_inclusion(LEAF_HASHES[index], index ^ 1, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), [p for p in CONSISTENCY if p.values[0] != p.values[1]])
def test_corrupted_consistency_proofs_are_rejected(old: int, new: int, proof: list[bytes]) -> None:
    for _, bad in _corruptions(proof):
        with pytest.raises(ProofError):
            verify_consistency(old, new, bad, ROOTS[old], ROOTS[new])
    with pytest.raises(ProofError):
        verify_consistency(old, new, proof, ROOTS[new], ROOTS[old])  # swapped roots
    with pytest.raises(ProofError):
        verify_consistency(old, new, [], ROOTS[old], ROOTS[new])
    with pytest.raises(ProofError, match="shrank"):
        verify_consistency(new, old, proof, ROOTS[new], ROOTS[old])


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "ok"),
    [
        pytest.param(0, 0, EMPTY_ROOT, EMPTY_ROOT, True, id="empty-to-empty"),
        pytest.param(0, 1, EMPTY_ROOT, ROOTS[1], True, id="empty-to-one"),
        pytest.param(1, 1, ROOTS[1], ROOTS[1], True, id="same"),
        pytest.param(1, 1, ROOTS[1], ROOTS[2], False, id="fork-same-size"),
        pytest.param(2, 1, ROOTS[2], ROOTS[1], False, id="rollback"),
    ],
)
def test_trivial_consistency(old: int, new: int, old_root: bytes, new_root: bytes, ok: bool) -> None:
    if ok:
        verify_consistency(old, new, [], old_root, new_root)
    else:
        with pytest.raises(ProofError):
            verify_consistency(old, new, [], old_root, new_root)


# -- the C2SP merkle-tree worked example: 7 entries labelled a..g, nodes h..l --------------------------

def test_c2sp_seven_entry_example() -> None:
    d = [f"entry {i}".encode() for i in range(7)]
    a, b, c, dd, e, f, g = (leaf_hash(x) for x in d)
    h, i, j = node_hash(a, b), node_hash(c, dd), node_hash(e, f)
    k, ll = node_hash(h, i), node_hash(j, g)
    root = node_hash(k, ll)
    tree = MemoryTree.from_entries(d)
    assert tree.root() == root
    assert inclusion_proof(tree, 0, 7) == [b, i, ll]
    assert inclusion_proof(tree, 3, 7) == [c, h, ll]
    assert inclusion_proof(tree, 4, 7) == [f, g, k]
    assert inclusion_proof(tree, 6, 7) == [j, k]
    assert consistency_proof(tree, 3, 7) == [c, dd, h, ll]
    assert consistency_proof(tree, 4, 7) == [ll]
    assert consistency_proof(tree, 6, 7) == [j, g, k]


# -- brute force: the recursive definitions of RFC 6962, straight from the text ------------------------

def _mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(d[0])
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(_mth(d[:k]), _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return _path(m, d[:k]) + [_mth(d[k:])]
    return _path(m - k, d[k:]) + [_mth(d[:k])]


def _subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [_mth(d)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return _subproof(m, d[:k], b) + [_mth(d[k:])]
    return _subproof(m - k, d[k:], False) + [_mth(d[:k])]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_proofs_match_the_rfc_definitions(size: int, data: st.DataObject) -> None:
    entries = [i.to_bytes(4, "big") for i in range(size)]
    tree = MemoryTree.from_entries(entries)
    root = _mth(entries)
    assert tree.root() == root
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(tree, index, size)
    assert proof == _path(index, entries)
    verify_inclusion(leaf_hash(entries[index]), index, size, proof, root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    cproof = consistency_proof(tree, old, size)
    assert cproof == ([] if old == size else _subproof(old, entries, True))
    verify_consistency(old, size, cproof, _mth(entries[:old]), root)


def test_memory_tree_extends_incrementally() -> None:
    entries = [i.to_bytes(4, "big") for i in range(1000)]
    grown = MemoryTree()
    for start in range(0, 1000, 77):
        grown.extend(leaf_hash(e) for e in entries[start:start + 77])
        assert grown.root() == root_from_leaf_hashes(leaf_hash(e) for e in entries[:grown.size])
    assert grown.levels == MemoryTree.from_entries(entries).levels


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: inclusion_proof(TREE, 8, 8), "not in a tree of 8", id="index-past-end"),
        pytest.param(lambda: consistency_proof(TREE, 5, 4), "smaller size", id="consistency-backwards"),
        pytest.param(lambda: TREE.root(9), "only 8 are known", id="root-too-big"),
        pytest.param(lambda: verify_inclusion(b"short", 0, 1, [], ROOTS[1]), "32 bytes", id="short-leaf"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProofError, match=message):
        call()
