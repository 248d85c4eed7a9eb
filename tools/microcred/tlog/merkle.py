"""RFC 6962 / RFC 9162 Merkle tree: tree hash, inclusion and consistency proofs, and their checks.

Hashing (SHA-256, RFC 6962 section 2.1): leaf = H(0x00 || data), node = H(0x01 || left || right),
the empty tree hashes to H(""). The tree over n entries is left-balanced: split at the largest
power of two smaller than n.

Proofs are built from *perfect subtree* hashes only: the hash of the 2**level leaves starting at
leaf index * 2**level. Anything that can answer `subtree_hash(level, index)` can produce proofs:
`MemoryTree` (all levels in memory, built iteratively from leaf hashes) or
`tiles.TileHashReader` (hashes read, and authenticated, from published tiles). Every loop is
iterative and touches O(log n) nodes per proof, so 100,000+ leaves are no problem.

Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 (also C2SP merkle-tree).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from .errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 || data)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


class HashReader(Protocol):
    """Anything that can give the hash of a perfect subtree of the log's tree."""

    def subtree_hash(self, level: int, index: int) -> bytes:
        """Hash of the 2**level leaves starting at leaf `index * 2**level` (level 0: a leaf hash)."""
        ...


class MemoryTree:
    """Every complete node of a tree, level by level, built iteratively from leaf hashes.

    `levels[k][i]` is the hash of the perfect subtree of 2**k leaves starting at leaf i * 2**k.
    Memory is about 2 * n hashes (6.4 MB for 100,000 leaves).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        """The tree over raw entries (each leaf-hashed)."""
        return cls(leaf_hash(e) for e in entries)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaves (already leaf-hashed) and complete every node they finish."""
        for h in leaf_hashes:
            if len(h) != HASH_SIZE:
                raise ProofError(f"a leaf hash must be {HASH_SIZE} bytes, not {len(h)}")
            self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) >= 2:
            if level + 1 == len(self.levels):
                self.levels.append([])
            lower, upper = self.levels[level], self.levels[level + 1]
            for i in range(len(upper), len(lower) // 2):
                upper.append(_sha256(b"\x01" + lower[2 * i] + lower[2 * i + 1]).digest())
            level += 1

    def subtree_hash(self, level: int, index: int) -> bytes:
        """Hash of a complete subtree; ProofError when it is not (yet) complete."""
        try:
            if level < 0 or index < 0:
                raise IndexError
            return self.levels[level][index]
        except IndexError:
            raise ProofError(
                f"no complete subtree at level {level}, index {index} in a tree of {self.size} leaves"
            ) from None

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the tree over the first `size` leaves (default: all)."""
        n = self.size if size is None else size
        if not 0 <= n <= self.size:
            raise ProofError(f"cannot hash a tree of {n} leaves: only {self.size} are known")
        return tree_hash(self, n)


def _largest_pow2_below(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(reader: HashReader, lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) from perfect subtree hashes.

    `lo` must be aligned so that [lo, hi) is a right part of some RFC 6962 split, as every
    range in a proof is: the range is cut greedily into perfect subtrees, folded right to left.
    """
    if not 0 <= lo < hi:
        raise ProofError(f"empty or invalid leaf range [{lo}, {hi})")
    parts: list[bytes] = []
    while lo < hi:
        width = hi - lo
        level = width.bit_length() - 1  # largest power of two <= width
        if lo & ((1 << level) - 1):
            raise ProofError(f"leaf range starting at {lo} is not aligned to a subtree of {1 << level} leaves")
        parts.append(reader.subtree_hash(level, lo >> level))
        lo += 1 << level
    h = parts[-1]
    for left in reversed(parts[:-1]):
        h = node_hash(left, h)
    return h


def tree_hash(reader: HashReader, size: int) -> bytes:
    """Root hash of the tree of `size` leaves (the empty tree: SHA-256 of nothing)."""
    if size < 0:
        raise ProofError(f"a tree size cannot be negative ({size})")
    if size == 0:
        return EMPTY_ROOT
    return range_hash(reader, 0, size)


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    """Root over a stream of leaf hashes in O(log n) memory (a stack of perfect subtrees)."""
    stack: list[tuple[int, bytes]] = []  # (level, hash), levels strictly decreasing
    for h in leaf_hashes:
        level = 0
        while stack and stack[-1][0] == level:
            _, left = stack.pop()
            h = node_hash(left, h)
            level += 1
        stack.append((level, h))
    if not stack:
        return EMPTY_ROOT
    h = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        h = node_hash(left, h)
    return h


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose hashes form PATH(index, D[size]), leaf to root (RFC 6962 2.1.1)."""
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_pow2_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """Leaf ranges whose hashes form PROOF(old, D[new]) (RFC 6962 2.1.2, SUBPROOF with b)."""
    ranges: list[tuple[int, int]] = []
    lo, hi, whole_old_tree = 0, new, True
    while True:
        if old == hi:
            if not whole_old_tree:
                ranges.append((lo, hi))
            break
        k = _largest_pow2_below(hi - lo)
        if old <= lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            whole_old_tree = False
    ranges.reverse()
    return ranges


def inclusion_proof(reader: HashReader, index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `size` leaves."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} is not in a tree of {size} entries")
    return [range_hash(reader, lo, hi) for lo, hi in _inclusion_ranges(index, size)]


def consistency_proof(reader: HashReader, old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of `old_size` leaves is a prefix of the tree of `new_size` leaves."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to the smaller size {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    return [range_hash(reader, lo, hi) for lo, hi in _consistency_ranges(old_size, new_size)]


def _check_hashes(proof: Sequence[bytes], what: str) -> None:
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise ProofError(f"{what} proof element {i} is {len(h)} bytes, not {HASH_SIZE}")


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2); ProofError if malformed."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} cannot be in a tree of {size} entries")
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"a leaf hash must be {HASH_SIZE} bytes, not {len(leaf)}")
    _check_hashes(proof, "inclusion")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof for entry {index} of {size} has too many hashes ({len(proof)})")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof for entry {index} of {size} has too few hashes ({len(proof)})")
    return r


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that `leaf` (a leaf hash) is entry `index` of the tree of `size` with `root`."""
    if root_from_inclusion_proof(leaf, index, size, proof) != root:
        raise ProofError(f"inclusion proof for entry {index} of {size} does not lead to the expected root")


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check that the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`)."""
    if old_size < 0 or old_size > new_size:
        raise ProofError(f"the log shrank from {old_size} to {new_size} entries: not an extension")
    _check_hashes(proof, "consistency")
    if old_size == new_size:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}: the log forked")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError(f"empty consistency proof from {old_size} to {new_size}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof from {old_size} to {new_size} has too many hashes")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof from {old_size} to {new_size} has too few hashes")
    if fr != old_root:
        raise ProofError(
            f"the first {old_size} entries of the log no longer hash to the earlier root: history was rewritten"
        )
    if sr != new_root:
        raise ProofError(f"consistency proof from {old_size} to {new_size} does not lead to the new root")
