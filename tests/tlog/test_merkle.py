"""RFC 6962 / 9162 Merkle tree: reference vectors, the C2SP worked example, brute-force cross-checks."""

from __future__ import annotations

import base64
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


# -- real Certificate Transparency proofs: Google's Argon 2020 log, as kept in golang.org/x/mod
# sumdb/tlog/testdata/argon2020 (get-sth, get-entries 10000, get-proof-by-hash, get-sth-consistency) --

ARGON_SIZE = 961984013
ARGON_ROOT = "dwlueapdd7LaOEnX2W2Wp9v2XE+KzejHRQGHwEx0oaM="
ARGON_LEAF_10000 = (
    "AAAAAAFelPhqUwAAAAViMIIFXjCCBEagAwIBAgIRAOodHzZdqWIFzYyl/SovhCMwDQYJKoZIhvcNAQELBQAwgZAxCzAJBgNVBAYTAkdCMRsw"
    "GQYDVQQIExJHcmVhdGVyIE1hbmNoZXN0ZXIxEDAOBgNVBAcTB1NhbGZvcmQxGjAYBgNVBAoTEUNPTU9ETyBDQSBMaW1pdGVkMTYwNAYDVQQD"
    "Ey1DT01PRE8gUlNBIERvbWFpbiBWYWxpZGF0aW9uIFNlY3VyZSBTZXJ2ZXIgQ0EwHhcNMTcwMjE1MDAwMDAwWhcNMjAwNDE2MjM1OTU5WjBf"
    "MSEwHwYDVQQLExhEb21haW4gQ29udHJvbCBWYWxpZGF0ZWQxHTAbBgNVBAsTFFBvc2l0aXZlU1NMIFdpbGRjYXJkMRswGQYDVQQDDBIqLmxh"
    "bmRsb3Jkcy5jb20uYXUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCtPBKKHj4zdrGlCjgTHzb5gx9JCs97DwvBz60f14gDufF2"
    "haWbOxyJ0a3opAMsZnOr8HkARVCwxdqG/PTfACcb0QM7FOlzvxGqxataTYiChwvkkif8F9GlJw69HuHgzhusPf1Ytfk3ps1PRC14MkyrS4kw"
    "Prk/Le4XdkqRpRw62wG4V6IkbzsNMEOl1H8EgUbfyapdOcVxHjIzvBVy56fBRKG05Fr5wNq3Acak5kYZdNsLhhmlrqAfAjiombW3hb3V5blJ"
    "dRC0BDdYHv2+zKey6LqJ1FDoXo6IzbzPpC+aifZy47YX+/N1U64Qn5xlDg7mOP8JXfkNJHbU1TJZHif5AgMBAAGjggHhMIIB3TAfBgNVHSME"
    "GDAWgBSQr2o6lFoL2JDqElZz30O0Oija5zAdBgNVHQ4EFgQUNQSLjkoz01I+iuuoC5lgEp0anhcwDgYDVR0PAQH/BAQDAgWgMAwGA1UdEwEB"
    "/wQCMAAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCME8GA1UdIARIMEYwOgYLKwYBBAGyMQECAgcwKzApBggrBgEFBQcCARYdaHR0"
    "cHM6Ly9zZWN1cmUuY29tb2RvLmNvbS9DUFMwCAYGZ4EMAQIBMFQGA1UdHwRNMEswSaBHoEWGQ2h0dHA6Ly9jcmwuY29tb2RvY2EuY29tL0NP"
    "TU9ET1JTQURvbWFpblZhbGlkYXRpb25TZWN1cmVTZXJ2ZXJDQS5jcmwwgYUGCCsGAQUFBwEBBHkwdzBPBggrBgEFBQcwAoZDaHR0cDovL2Ny"
    "dC5jb21vZG9jYS5jb20vQ09NT0RPUlNBRG9tYWluVmFsaWRhdGlvblNlY3VyZVNlcnZlckNBLmNydDAkBggrBgEFBQcwAYYYaHR0cDovL29j"
    "c3AuY29tb2RvY2EuY29tMC8GA1UdEQQoMCaCEioubGFuZGxvcmRzLmNvbS5hdYIQbGFuZGxvcmRzLmNvbS5hdTANBgkqhkiG9w0BAQsFAAOC"
    "AQEACyHqxUzrexToY7tOv4+kyGPP2D27P1tQpyzeAl1bPObiMhNK2b9vvBLDWAaqm8c0YL1h+DBdLoWzf3xFsIkTCVCjWJTNSNlcYtgRk6or"
    "1s7jWsfXzWqsnPjPPmTIOCw7EfH7Yme3oxPs3UUsmShAgPwNohAtL9GqlqMiKM6v1WU3NHt01jEoNP23LRa6KeNK6AH6WHJykzL223IlhgXj"
    "HTeuQj6lR+TNrQXJuhwTXYe+20rrpPQxc1Pn7AqnvfWgmicRQ7gdIcr4V6+ecTvLfNOaJ0ZYe5G5giuAAdTm7F57pk04f4gyZNYKrj88mvbk"
    "oriN8b6jcWExtrYO6bm2TwAA"
)
ARGON_AUDIT_PATH = (
    "T46AmJsuOM/gFiGlUp+IJJebp+1Z5qratFNW7U0JyOQ= 9Jj1Feodn42uRYEfffkV4HF/EIPFQ5Zo9IwkxbQ2uhk= "
    "D53/1oCNebF4J59HHgioovKZxrmrKcVuCVhy3Izg8Ck= wSFDgGSrsXRPA+1c8WHoAFCsWeUv8NDyP/Q/SgsyVyY= "
    "516/RcwsgdwdzHn18v1dJHqBkgFUbNhmCIWOGjsMJaE= naTFY2ajLFgrgs5XUl+zJYZnnlJksLGsA1VYwpLfqbY= "
    "mKBRJo6qao+0Kdh/rhGkZUbHUAxMhrtrclrTpIbNjIg= Co4ueOFE7lpifLio94irxxsv1wFMMaK3tPu2ZQkHlro= "
    "yRgy800K6JMYCC05sWfqF2kvCg2riT/pVM+nEa6V5+0= n2O38XJZC8/Wpbwi9HhgVizlUyeUHVZvYyQB1607MRc= "
    "go3tAjuNfNSCj87y2Rg1xOroDknGN1eaf3cgvzObf7Q= 8D0Mj3/J7ySSnFb0afIHYXv6rlOhECnsebY6XKi1IR8= "
    "6rcez46ZU8M5vPiWVMAUfJfAOV0pPP/mch/lYzZhj/M= 2rtIeXrPvSdUyHc5maIgSAVB2BzaKaupWxSAiVayDE4= "
    "nniW/IMFQPN5xw8UsHFn7CRStYbm1gLu7NNa6kkRqJQ= mRPPi7sQS22MduIEyvcNzCNFqIt6kLwYPkNKrVtIcu8= "
    "JvTivzESNS9wHI8aph5a7uieVmtS/p9PciMZ5D6GyOo= UTyQd+Ym0wY4zG+qK806bBORwi1CSVvFQ/KknnqoZj8= "
    "hXODrqN+ff+U6zPqRQ+ZQKs6im1fPcxIerDSfNwflhE= II6GE+WY/DrpZzfHztLwkR46o37zVkNLCyPYlf68zA0= "
    "d609kWWcNBllbA8Jb/ad4XAVVGnScLRmtP8FYyr+Dck= rikBsP0G0gioXRpBFED2CzQdSLrGPvRd0bEcbEZw1rI= "
    "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0= pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE= "
    "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA= WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE= "
    "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ= NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs= "
    "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI= nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc="
)
ARGON_OLD_SIZE = 3654490
ARGON_OLD_ROOT = "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ="
ARGON_CONSISTENCY = (
    "80Sfbj6UQEdVSZCSIgh9NMPj3vCBzcc1A48B2crJSWg= FZcrgAHUk6nNPviJZq8kEK6jCG1d18pJOFE45ZDc1TQ= "
    "Q67reWXmPBo1UfmwBap4Xi9PMPfFdUSSw3WGlRZdG7k= eJ7CyhR4PxzBxDIsWgrVYW1eFUb9ndgf46tFmiqVrxA= "
    "QrDwp062Grm5WY8KdrhFsBuuNjGzRox2Jb8PmVL5OYw= XM4YMjMEdLH/XJam/ZWyaP14k3cmsOtnPsOWQ54lW1s= "
    "SGiBh+jOTGccXU48ZzgQ88lRcBmtB4wz4oSDndv2QTg= WAS6txqNLYKGL1GdBdpqmV42TTfn6cJsuDsqLXuTCNI= "
    "QFmRS0rirUA7ZN3lxFjDncV+E1OCrn3NUB4RCp+5fzc= Hdbp7It2XBNZmNDBpCN/KPd7vfVqxgzwOosqVIaEA9E= "
    "mxvHL0ZiblBdD7j7pIa1jlfB0gSqfJ6oX0UGo7L0VsU= q5hjyvoW6TL/PThgcitpDcSTrnKX2p1+aqscqH2euRA= "
    "jTOWDqt3IHj2NVFeezyBz2ofpru+ztEywqKUAfFclKI= GIRn0w3HqJdvU9j1WVD//eR6lk2AaTVjyzjsJNP8U88= "
    "x52GJvxG81fnQBrgOTbll1A5tz95/LXK0Ag1NhB0r1I= 6/0OqrcTgc3o5dD5PymmoC96lB9yLPFuTHVvLy8fSGk= "
    "Gf+iKLfcXO5l4JEFmsZvSdG5q1uEeWPfYLrds6pmjz0= DGuaco+McyM3AfRSF6qX7RwSetwe2ieYJmxw5e9rVx0= "
    "2tQJ9V32hnYp+fdpP6TcjmgJmLeNVOMKM0Ml1kk4cNU= 3PapK+IkyJr8I9yAErAmzuZezzLMzsg+PfeRCgNW8NQ= "
    "s6xiYeejb+wtqHA+URJZ2I/SCPyIW8coP6aB00FJbMY= z9lSpmdTcr5M5ZzKlc4EPh3SrSypKFdk6JUF/UccaZU= "
    "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0= pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE= "
    "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA= WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE= "
    "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ= NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs= "
    "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI= nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc="
)


def _b64list(text: str) -> list[bytes]:
    return [base64.b64decode(h) for h in text.split()]


def test_real_certificate_transparency_inclusion_proof() -> None:
    leaf = leaf_hash(base64.b64decode(ARGON_LEAF_10000))
    path = _b64list(ARGON_AUDIT_PATH)
    verify_inclusion(leaf, 10000, ARGON_SIZE, path, base64.b64decode(ARGON_ROOT))
    with pytest.raises(ProofError):
        verify_inclusion(leaf, 10001, ARGON_SIZE, path, base64.b64decode(ARGON_ROOT))


def test_real_certificate_transparency_consistency_proof() -> None:
    proof = _b64list(ARGON_CONSISTENCY)
    old, new = base64.b64decode(ARGON_OLD_ROOT), base64.b64decode(ARGON_ROOT)
    verify_consistency(ARGON_OLD_SIZE, ARGON_SIZE, proof, old, new)
    with pytest.raises(ProofError, match="history was rewritten"):
        verify_consistency(ARGON_OLD_SIZE, ARGON_SIZE, proof, new, new)
