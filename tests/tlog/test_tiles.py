"""C2SP tlog-tiles: paths, tile sets per size, round trips of proofs through published tiles, tampering."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.tlog.errors import ProofError, TileError
from microcred.tlog.merkle import (
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from microcred.tlog.tiles import (
    DATA_LEVEL,
    Tile,
    TileHashReader,
    build_tiles,
    decode_bundle,
    encode_bundle,
    parse_tile_path,
    site_fetcher,
    tiles_for_size,
)


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        pytest.param(Tile(0, 0), "tile/0/000", id="first"),
        pytest.param(Tile(0, 1234067), "tile/0/x001/x234/067", id="spec-example"),
        pytest.param(Tile(1, 5, 17), "tile/1/005.p/17", id="partial"),
        pytest.param(Tile(DATA_LEVEL, 1000), "tile/entries/x001/000", id="entries-thousand"),
        pytest.param(Tile(DATA_LEVEL, 3, 255), "tile/entries/003.p/255", id="entries-partial"),
        pytest.param(Tile(2, 999), "tile/2/999", id="nine-nine-nine"),
    ],
)
def test_tile_paths_round_trip(tile: Tile, path: str) -> None:
    assert tile.path == path
    assert parse_tile_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("tile/0/1", id="short-index"),
        pytest.param("tile/0/x000/001", id="non-canonical-leading-group"),
        pytest.param("tile/00/001", id="leading-zero-level"),
        pytest.param("tile/64/001", id="level-too-high"),
        pytest.param("tile/0/001.p/256", id="width-256"),
        pytest.param("tile/0/001.p/0", id="width-0"),
        pytest.param("tile/0/001.p/07", id="width-leading-zero"),
        pytest.param("tile/data/001", id="go-sumdb-data-name"),
        pytest.param("tile/8/0/001", id="go-sumdb-height-segment"),
        pytest.param("tile/0/../001", id="dot-dot"),
    ],
)
def test_bad_tile_paths_are_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_spec_example_size_70000() -> None:
    """tlog-tiles: 273 full level 0 tiles, one of width 112, one full level 1, one of 17, one level 2 of 1."""
    tiles = tiles_for_size(70000)
    by_level: dict[int, list[Tile]] = {}
    for t in tiles:
        by_level.setdefault(t.level, []).append(t)
    assert [t.width for t in by_level[0] if not t.is_full] == [112]
    assert sum(t.is_full for t in by_level[0]) == 273
    assert [t.width for t in by_level[1]] == [256, 17]
    assert [t.width for t in by_level[2]] == [1]
    assert 3 not in by_level


def test_size_256_is_one_full_tile_and_a_level_one_tile_of_width_one() -> None:
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for_size(0) == []


def test_bundles_round_trip_and_refuse_truncation() -> None:
    entries = [b"", b"a", b"x" * 300]
    data = encode_bundle(entries)
    assert data[:2] == b"\x00\x00" and data[2:5] == b"\x00\x01a"
    assert decode_bundle(data, 3) == entries
    with pytest.raises(TileError, match="inside entry"):
        decode_bundle(data[:-1])
    with pytest.raises(TileError, match="expected 4"):
        decode_bundle(data, 4)
    with pytest.raises(TileError, match="at most"):
        encode_bundle([b"x" * 70000])


def _publish(folder: Path, entries: list[bytes]) -> MemoryTree:
    tree = MemoryTree.from_entries(entries)
    for tile, data in build_tiles(entries, tree):
        target = folder / "log" / tile.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return tree


SIZES = [0, 1, 2, 255, 256, 257, 1000, 70000]
_ENTRIES = [f"entry {i}".encode() for i in range(max(SIZES))]


@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"size{n}")
def test_proofs_from_tiles_match_proofs_from_memory(tmp_path: Path, size: int) -> None:
    entries = _ENTRIES[:size]
    tree = _publish(tmp_path, entries)
    root = tree.root()
    reader = TileHashReader(size, root, site_fetcher(str(tmp_path)))
    if size == 0:
        return
    probes = sorted({0, size // 3, size // 2, size - 1, min(255, size - 1), min(256, size - 1)})
    for index in probes:
        proof = inclusion_proof(reader, index, size)
        assert proof == inclusion_proof(tree, index, size)
        verify_inclusion(leaf_hash(entries[index]), index, size, proof, root)
    for old in sorted({1, size // 2 or 1, max(size - 1, 1), size}):
        proof = consistency_proof(reader, old, size)
        assert proof == consistency_proof(tree, old, size)
        verify_consistency(old, size, proof, tree.root(old), root)
    last = list(range(max(0, size - 3), size))
    assert reader.entries(last[0], size) == [entries[i] for i in last]


def test_reader_fetches_few_tiles_for_one_proof(tmp_path: Path) -> None:
    _publish(tmp_path, _ENTRIES[:70000])
    tree_root = MemoryTree.from_entries(_ENTRIES[:70000]).root()
    reader = TileHashReader(70000, tree_root, site_fetcher(str(tmp_path)))
    inclusion_proof(reader, 12345, 70000)
    assert len(reader.fetched) <= 8


@pytest.mark.parametrize(
    ("victim", "reason"),
    [
        pytest.param("tile/0/000", "does not match the tree", id="full-level0-tile"),
        pytest.param("tile/0/003.p/232", "do not hash to the checkpoint", id="partial-level0-tile"),
        pytest.param("tile/1/000.p/3", "do not hash to the checkpoint", id="level1-tile"),
    ],
)
def test_tampered_tiles_are_detected(tmp_path: Path, victim: str, reason: str) -> None:
    entries = _ENTRIES[:1000]
    tree = _publish(tmp_path, entries)
    target = tmp_path / "log" / victim
    data = bytearray(target.read_bytes())
    data[5] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(TileError, match=reason):
        reader = TileHashReader(1000, tree.root(), site_fetcher(str(tmp_path)))
        inclusion_proof(reader, 3, 1000)


def test_tampered_entry_bundle_is_detected(tmp_path: Path) -> None:
    entries = _ENTRIES[:300]
    tree = _publish(tmp_path, entries)
    target = tmp_path / "log" / "tile/entries/001.p/44"
    target.write_bytes(encode_bundle([b"forged"] + entries[257:300]))
    reader = TileHashReader(300, tree.root(), site_fetcher(str(tmp_path)))
    with pytest.raises(TileError, match="entry 256"):
        reader.entries(250, 300)


def test_missing_tile_and_wrong_root_are_clear(tmp_path: Path) -> None:
    tree = _publish(tmp_path, _ENTRIES[:10])
    with pytest.raises(TileError, match="do not hash"):
        TileHashReader(10, MemoryTree.from_entries(_ENTRIES[:9]).root(), site_fetcher(str(tmp_path)))
    with pytest.raises(TileError, match="does not exist"):
        TileHashReader(11, tree.root(), site_fetcher(str(tmp_path)))
    reader = TileHashReader(10, tree.root(), site_fetcher(str(tmp_path)))
    with pytest.raises(ProofError):
        inclusion_proof(reader, 10, 10)


def test_plain_http_is_refused_except_locally() -> None:
    with pytest.raises(TileError, match="https"):
        site_fetcher("http://example.org/")
    site_fetcher("http://127.0.0.1:8000/")
