"""C2SP tlog-tiles: tile paths, building the tiles of a tree, and reading proofs back from tiles.

A tile at level L holds up to 256 consecutive hashes of tree level 8L: level 0 tiles hold leaf
hashes, a level 1 hash is the root of a full level 0 tile, and so on. Paths are relative to the
log prefix (`log/` on the site):

    tile/<L>/<N>[.p/<W>]        hash tiles, N as 3-digit groups: 1234067 -> x001/x234/067
    tile/entries/<N>[.p/<W>]    entry bundles: each entry as big-endian uint16 length || bytes

Full tiles are 256 hashes (8,192 bytes); the rightmost tile of a level may be partial (width
1..255, `.p/<W>`). A tree of size s has floor(s / 256**(L+1)) full tiles and one partial tile
of width floor(s / 256**L) mod 256 (when not 0) at each level L.

`TileHashReader` gives a monitor everything it needs from the published tiles alone: it checks
that the partial tiles hash to the checkpoint's root, and that each full tile hashes to its
entry in the tile above, so no tampered tile can yield a proof.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ProofError, TileError
from .merkle import EMPTY_ROOT, HASH_SIZE, MemoryTree, leaf_hash, node_hash, tree_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
DATA_LEVEL = -1
MAX_ENTRY_BYTES = 0xFFFF

_INDEX = re.compile(r"^(?:x\d{3}/)*\d{3}$")


@dataclass(frozen=True, order=True)
class Tile:
    """One tile: `level` (DATA_LEVEL for an entry bundle), `index` in the level, `width` 1..256."""

    level: int
    index: int
    width: int = TILE_WIDTH

    @property
    def is_data(self) -> bool:
        """An entry bundle rather than a hash tile."""
        return self.level == DATA_LEVEL

    @property
    def is_full(self) -> bool:
        """256 entries wide."""
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """The tile's path relative to the log prefix."""
        if not 1 <= self.width <= TILE_WIDTH or self.index < 0 or not DATA_LEVEL <= self.level <= 63:
            raise TileError(f"no such tile: level {self.level}, index {self.index}, width {self.width}")
        level = "entries" if self.is_data else str(self.level)
        suffix = "" if self.is_full else f".p/{self.width}"
        return f"tile/{level}/{encode_index(self.index)}{suffix}"


def encode_index(n: int) -> str:
    """A tile index as zero-padded 3-digit path elements, all but the last prefixed with x."""
    text = f"{n % 1000:03d}"
    n //= 1000
    while n > 0:
        text = f"x{n % 1000:03d}/{text}"
        n //= 1000
    return text


def parse_tile_path(path: str) -> Tile:
    """The tile a path names; TileError unless the path is in canonical form."""
    head, sep, width_text = path.partition(".p/")
    parts = head.split("/", 2)
    if len(parts) != 3 or parts[0] != "tile" or not _INDEX.match(parts[2]):
        raise TileError(f"{path!r} is not a tile path (tile/<L>/<N>[.p/<W>])")
    level_text, index_text = parts[1], parts[2]
    if level_text == "entries":
        level = DATA_LEVEL
    elif level_text.isdigit() and (level_text == "0" or not level_text.startswith("0")) and int(level_text) <= 63:
        level = int(level_text)
    else:
        raise TileError(f"{path!r}: tile level must be 0..63 or 'entries'")
    index = int(index_text.replace("x", "").replace("/", ""))
    width = TILE_WIDTH
    if sep:
        if not width_text.isdigit() or width_text.startswith("0") or not 1 <= int(width_text) < TILE_WIDTH:
            raise TileError(f"{path!r}: a partial tile width is 1..255")
        width = int(width_text)
    tile = Tile(level, index, width)
    if tile.path != path:
        raise TileError(f"{path!r} is not in canonical form (expected {tile.path!r})")
    return tile


def tiles_for_size(size: int, *, data: bool = False) -> list[Tile]:
    """Every tile (full and partial) of a tree of `size` entries: hash tiles, or entry bundles."""
    tiles: list[Tile] = []
    levels = [DATA_LEVEL] if data else range(64)
    for level in levels:
        shift = TILE_HEIGHT * max(level, 0)
        if size >> shift == 0:
            break
        full = size >> (shift + TILE_HEIGHT)
        tiles.extend(Tile(level, n) for n in range(full))
        width = (size >> shift) % TILE_WIDTH
        if width:
            tiles.append(Tile(level, full, width))
    return tiles


def partial_tiles_for_size(size: int) -> list[Tile]:
    """The partial hash tiles of a tree of `size` entries (what changes between checkpoints)."""
    return [t for t in tiles_for_size(size) if not t.is_full]


def tile_bytes(tree: MemoryTree, tile: Tile) -> bytes:
    """The content of a hash tile, from a tree that holds at least the tile's entries."""
    level = tree.levels[TILE_HEIGHT * tile.level] if TILE_HEIGHT * tile.level < len(tree.levels) else []
    start = tile.index * TILE_WIDTH
    hashes = level[start : start + tile.width]
    if len(hashes) != tile.width:
        raise TileError(f"the tree is too small for {tile.path}")
    return b"".join(hashes)


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as big-endian uint16 length || bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY_BYTES:
            raise TileError(f"a log entry is at most {MAX_ENTRY_BYTES} bytes, this one {len(entry)}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, expected: int | None = None) -> list[bytes]:
    """The entries of a bundle; TileError if truncated or (given `expected`) of the wrong count."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + length > len(data):
            raise TileError(f"entry bundle ends inside entry {len(entries)}")
        entries.append(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    if expected is not None and len(entries) != expected:
        raise TileError(f"entry bundle holds {len(entries)} entries, expected {expected}")
    return entries


def build_tiles(entries: Sequence[bytes], tree: MemoryTree | None = None) -> Iterator[tuple[Tile, bytes]]:
    """Every hash tile and entry bundle of the log over `entries` (tree built if not given)."""
    size = len(entries)
    tree = tree if tree is not None else MemoryTree.from_entries(entries)
    if tree.size < size:
        raise TileError(f"the tree holds {tree.size} entries, the log {size}")
    for tile in tiles_for_size(size):
        yield tile, tile_bytes(tree, tile)
    for tile in tiles_for_size(size, data=True):
        start = tile.index * TILE_WIDTH
        yield tile, encode_bundle(entries[start : start + tile.width])


# -- reading tiles back ---------------------------------------------------------------------------------

Fetch = Callable[[str], bytes]


def _tile_levels(hashes: list[bytes]) -> list[list[bytes]]:
    """Every complete node inside a tile: [bottom hashes, their parents, ...] (built once per tile)."""
    levels = [hashes]
    while len(levels[-1]) >= 2:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return levels


class TileHashReader:
    """Perfect subtree hashes of the tree of `size` entries, read from tiles and authenticated.

    On creation the partial tiles are fetched and must hash to `root` (the checkpoint's root);
    each full tile fetched later must hash to its entry in the tile above it. Any mismatch
    raises TileError, so proofs built through this reader are only ever built from hashes the
    signed checkpoint commits to.
    """

    def __init__(self, size: int, root: bytes, fetch: Fetch) -> None:
        self.size = size
        self.root = root
        self.fetch = fetch
        self.fetched: list[str] = []
        self._tiles: dict[tuple[int, int], list[list[bytes]]] = {}
        if size == 0:
            if root != EMPTY_ROOT:
                raise TileError("a checkpoint of size 0 must have the empty root")
            return
        for tile in partial_tiles_for_size(size):
            self._tiles[(tile.level, tile.index)] = _tile_levels(self._read(tile))
        try:
            computed = tree_hash(self, size)
        except (TileError, ProofError) as err:
            raise TileError(f"cannot compute the root from the published tiles: {err}") from None
        if computed != root:
            raise TileError(
                f"the published partial tiles do not hash to the checkpoint's root for size {size}"
            )

    def _read(self, tile: Tile) -> list[bytes]:
        try:
            data = self.fetch(tile.path)
        except TileError:
            raise
        except (OSError, ValueError) as err:
            raise TileError(f"cannot fetch {tile.path}: {err}") from None
        self.fetched.append(tile.path)
        if len(data) != tile.width * HASH_SIZE:
            raise TileError(f"{tile.path} is {len(data)} bytes, expected {tile.width * HASH_SIZE}")
        return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]

    def _tile(self, level: int, index: int) -> list[list[bytes]]:
        """The authenticated tile, as its internal levels (levels[0]: the tile's own hashes)."""
        key = (level, index)
        cached = self._tiles.get(key)
        if cached is not None:
            return cached
        shift = TILE_HEIGHT * (level + 1)
        if index >= self.size >> shift:
            # Partial tiles were all read (and checked against the root) at creation.
            raise TileError(f"no tile at level {level}, index {index} in a tree of {self.size} entries")
        levels = _tile_levels(self._read(Tile(level, index)))
        expected = self._stored(level + 1, index)
        if levels[TILE_HEIGHT][0] != expected:
            raise TileError(f"{Tile(level, index).path} does not match the tree the checkpoint signs")
        self._tiles[key] = levels
        return levels

    def _stored(self, level: int, index: int) -> bytes:
        """Hash `index` of tile level `level` (tree level 8 * level)."""
        return self._tile(level, index >> TILE_HEIGHT)[0][index % TILE_WIDTH]

    def subtree_hash(self, level: int, index: int) -> bytes:
        """Hash of the 2**level entries starting at entry index * 2**level."""
        if level < 0 or index < 0 or (index + 1) << level > self.size:
            raise ProofError(f"no complete subtree at level {level}, index {index} in a tree of {self.size}")
        tile_level, sub = divmod(level, TILE_HEIGHT)
        first = index << sub
        levels = self._tile(tile_level, first >> TILE_HEIGHT)
        return levels[sub][(first % TILE_WIDTH) >> sub]

    def entries(self, start: int, end: int) -> list[bytes]:
        """Entries [start, end) from the entry bundles, each checked against the level 0 tiles."""
        if not 0 <= start <= end <= self.size:
            raise TileError(f"entries [{start}, {end}) are not in a tree of {self.size}")
        out: list[bytes] = []
        for n in range(start // TILE_WIDTH, (end + TILE_WIDTH - 1) // TILE_WIDTH):
            full = n < self.size // TILE_WIDTH
            tile = Tile(DATA_LEVEL, n, TILE_WIDTH if full else self.size % TILE_WIDTH)
            try:
                data = self.fetch(tile.path)
            except (OSError, ValueError) as err:
                raise TileError(f"cannot fetch {tile.path}: {err}") from None
            self.fetched.append(tile.path)
            bundle = decode_bundle(data, tile.width)
            for i, entry in enumerate(bundle):
                position = n * TILE_WIDTH + i
                if start <= position < end:
                    if self.subtree_hash(0, position) != leaf_hash(entry):
                        raise TileError(f"entry {position} in {tile.path} does not match the level 0 tile")
                    out.append(entry)
        return out


# -- where tiles come from --------------------------------------------------------------------------

#: Largest file a fetcher will read (a full tile is 8 KB; a bundle of 256 entries well under 1 MB).
MAX_FETCH_BYTES = 16 << 20


def site_fetcher(site: str, prefix: str = "log/", *, timeout: float = 30.0) -> Fetch:
    """A fetcher of log paths from a built site: a folder, or an https:// (or local http://) URL."""
    parts = urlsplit(site)
    if parts.scheme in ("https", "http"):
        if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
            raise TileError(f"{site}: only https:// sites (or http://localhost for testing) can be fetched")
        base = site if site.endswith("/") else site + "/"

        def fetch_url(path: str) -> bytes:
            url = base + prefix + path
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    data: bytes = response.read(MAX_FETCH_BYTES + 1)
            except urllib.error.HTTPError as err:
                raise TileError(f"{url}: HTTP {err.code}") from None
            except (urllib.error.URLError, OSError) as err:
                raise TileError(f"{url}: {getattr(err, 'reason', err)}") from None
            if len(data) > MAX_FETCH_BYTES:
                raise TileError(f"{url} is larger than {MAX_FETCH_BYTES} bytes")
            return data

        return fetch_url
    if parts.scheme and len(parts.scheme) > 1:
        raise TileError(f"{site}: give a folder or an https:// URL")
    root = Path(site) / prefix

    def fetch_file(path: str) -> bytes:
        target = root / path
        try:
            if target.stat().st_size > MAX_FETCH_BYTES:
                raise TileError(f"{target} is larger than {MAX_FETCH_BYTES} bytes")
            return target.read_bytes()
        except FileNotFoundError:
            raise TileError(f"{target} does not exist") from None
        except OSError as err:
            raise TileError(f"cannot read {target}: {err.strerror}") from None

    return fetch_file
