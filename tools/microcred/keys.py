"""Issuer keys: validity windows, private key files, key generation and the profile edit.

Private keys never enter the repository. A private key is an Ed25519 seed written as a private
Multikey (``z3u2...``, multicodec ed25519-priv + 32-byte seed, what ``microcred.proof`` reads);
a 64-character hex seed is accepted too when reading. It lives in a file outside the work tree
(mode 0600) or in the CI secret ``MICROCRED_SIGNING_KEY_<ORG>``.

Public keys are listed in ``issuers/<org>.yaml`` under ``keys:``. The profile is edited as text
(append one list item, insert one ``not_after:`` line) so that comments and layout survive; the
result is parsed again and must equal the old profile plus exactly that change before it is
written atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pydantic
import yaml

from .errors import KeyMaterialError, LoadError, Problem, UsageError
from .fsutil import is_inside, write_atomic
from .ids import is_slug
from .load import model_problems, read_text
from .proof import (
    generate_seed,
    multikey_from_public_key,
    private_multikey_from_seed,
    public_key_from_multikey,
    public_key_from_seed,
    seed_from_private_multikey,
)
from .records import Organisation, PublicKey
from .yamlstrict import YamlProblem, parse

ENV_PREFIX = "MICROCRED_SIGNING_KEY_"
_HEX_SEED = re.compile(r"^[0-9a-fA-F]{64}$")


# -- time ---------------------------------------------------------------------------------------


def utc_now() -> datetime:
    """The current time in UTC, truncated to whole seconds (what records and proofs carry)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO 8601 / XML Schema dateTimeStamp in UTC with a Z: 2026-03-01T12:00:00Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 timestamp (date alone means midnight UTC); UsageError otherwise."""
    try:
        if len(text) == 10:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a timestamp; write it as YYYY-MM-DDTHH:MM:SSZ") from None
    if moment.tzinfo is None:
        raise UsageError(f"{text!r} has no time zone; end it with Z for UTC")
    return moment


# -- windows ------------------------------------------------------------------------------------


def key_problem_at(key: PublicKey, moment: datetime) -> str | None:
    """Why `key` may not sign at `moment` (None when it may): before its window, retired, revoked."""
    if key.revoked_at is not None and moment >= key.revoked_at:
        return f"key {key.id!r} was revoked at {iso(key.revoked_at)}"
    if moment < key.not_before:
        return f"key {key.id!r} is not valid before {iso(key.not_before)} (used at {iso(moment)})"
    if key.not_after is not None and moment >= key.not_after:
        return f"key {key.id!r} was retired at {iso(key.not_after)} (used at {iso(moment)})"
    return None


def find_key(org: Organisation, public_key: bytes) -> PublicKey | None:
    """The profile's key entry whose public key is `public_key`, if any."""
    for key in org.keys:
        try:
            if public_key_from_multikey(key.public_key_multibase) == public_key:
                return key
        except KeyMaterialError:
            continue
    return None


# -- private keys -------------------------------------------------------------------------------


def env_var_name(org: str) -> str:
    """The CI secret holding an organisation's key: MICROCRED_SIGNING_KEY_<ORG>, '-' as '_'."""
    return ENV_PREFIX + org.upper().replace("-", "_")


def parse_private_key(text: str, where: str) -> bytes:
    """The 32-byte seed from a private Multikey (z3u2...) or 64 hex digits; KeyMaterialError otherwise."""
    value = text.strip()
    if _HEX_SEED.match(value):
        return bytes.fromhex(value)
    if value.startswith("z"):
        try:
            return seed_from_private_multikey(value)
        except KeyMaterialError as err:
            raise KeyMaterialError(f"{where}: {err}") from None
    raise KeyMaterialError(f"{where} holds no Ed25519 private key (expected a z3u2... Multikey or 64 hex digits)")


@dataclass(frozen=True)
class SigningKey:
    """A private key ready to sign, and where it came from (for messages; never the key itself)."""

    seed: bytes
    source: str

    @property
    def public_key(self) -> bytes:
        """The 32-byte public key."""
        return public_key_from_seed(self.seed)

    @property
    def multikey(self) -> str:
        """The public key as an Ed25519 Multikey (z6Mk...)."""
        return multikey_from_public_key(self.public_key)


def load_signing_key(org: str, key_file: Path | None = None, env: Mapping[str, str] | None = None) -> SigningKey:
    """The issuer's private key: from `key_file` if given, else from its environment variable."""
    if key_file is not None:
        try:
            text = key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as err:
            raise KeyMaterialError(f"cannot read key file {key_file}: {getattr(err, 'strerror', None) or err}") from None
        return SigningKey(parse_private_key(text, f"key file {key_file}"), f"key file {key_file}")
    environ = os.environ if env is None else env
    name = env_var_name(org)
    value = environ.get(name)
    if not value:
        raise KeyMaterialError(f"no signing key for {org}: set {name} or pass --key-file")
    return SigningKey(parse_private_key(value, f"${name}"), f"${name}")


def protected_folders(root: Path) -> list[Path]:
    """Folders a private key must stay out of: the registry and the Git work tree holding it."""
    folders = [root.resolve()]
    for parent in [folders[0], *folders[0].parents]:
        if (parent / ".git").exists():
            folders.append(parent)
            break
    return folders


def refuse_inside_repository(path: Path, root: Path) -> None:
    """UsageError when `path` lies in the registry or its Git work tree."""
    target = path.expanduser().absolute()
    for folder in protected_folders(root):
        if is_inside(target, folder) or is_inside(target.parent, folder):
            what = "the registry" if folder == protected_folders(root)[0] else "the Git work tree"
            raise UsageError(
                f"{path} is inside {what} ({folder}); private keys must never be where Git could commit them"
            )


def write_private_key(path: Path, seed: bytes, *, root: Path) -> None:
    """Write a private key file: outside the registry and its Git work tree, mode 0600, never over a file."""
    target = path.expanduser()
    refuse_inside_repository(target, root)
    if target.exists():
        raise UsageError(f"{path} exists; refusing to overwrite a key file")
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (private_multikey_from_seed(seed) + "\n").encode("ascii")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists; refusing to overwrite a key file") from None
    try:
        os.fchmod(fd, 0o600)  # regardless of the umask
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the profile edit ---------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text + '"'


def _compose(text: str, display: str) -> yaml.MappingNode:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        raise LoadError([Problem(display, 1, 1, f"YAML: {err}")]) from None
    if not isinstance(node, yaml.MappingNode):
        raise LoadError([Problem(display, 1, 1, "an organisation profile must be a mapping of fields")])
    return node


def _child(node: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return key, value
    return None


def _last_line(node: yaml.Node) -> int:
    """0-based index of the line after which text following `node` may be inserted."""
    end = node.end_mark
    # Block scalars and block collections end at column 0 of the following line.
    return end.line - 1 if end.column == 0 else end.line


def _deepest_end(node: yaml.Node) -> int:
    if isinstance(node, yaml.ScalarNode):
        return _last_line(node)
    if isinstance(node, yaml.SequenceNode):
        return max((_deepest_end(n) for n in node.value), default=_last_line(node))
    if isinstance(node, yaml.MappingNode):
        return max((max(_last_line(k), _deepest_end(v)) for k, v in node.value), default=_last_line(node))
    return _last_line(node)


def _item_lines(key: PublicKey, dash_col: int, key_col: int) -> list[str]:
    first = " " * dash_col + "-" + " " * (key_col - dash_col - 1)
    pad = " " * key_col
    lines = [
        f"{first}id: {key.id}",
        f"{pad}public_key_multibase: {key.public_key_multibase}",
        f"{pad}not_before: {_quote(iso(key.not_before))}",
    ]
    if key.not_after is not None:
        lines.append(f"{pad}not_after: {_quote(iso(key.not_after))}")
    return lines


def add_key_text(text: str, new_key: PublicKey, close: tuple[int, datetime] | None, display: str) -> str:
    """The profile text with `new_key` appended to `keys:` and (optionally) key number
    `close[0]` given `not_after: close[1]`. Comments and layout elsewhere are untouched."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    root = _compose(text, display)
    found = _child(root, "keys")
    inserts: list[tuple[int, list[str]]] = []  # (insert before 0-based line, new lines)
    if found is None:
        inserts.append((len(lines), ["keys:"] + _item_lines(new_key, 2, 4)))
    else:
        key_node, seq = found
        if not isinstance(seq, yaml.SequenceNode):
            raise KeyMaterialError(f"{display}: keys must be a list; fix it by hand first")
        if seq.flow_style:
            if seq.value:
                raise KeyMaterialError(
                    f"{display}:{seq.start_mark.line + 1}: keys is written as a one-line [...] list; "
                    "write it as a block list (one '- id:' item per key) before adding a key"
                )
            # `keys: []` -> `keys:` followed by the first item.
            row = seq.start_mark.line
            line = lines[row]
            before, after = line[: seq.start_mark.column], line[seq.end_mark.column:].strip()
            if after and not after.startswith("#"):
                raise KeyMaterialError(f"{display}:{row + 1}: unexpected text after keys: []")
            lines[row] = before.rstrip() + (" " + after if after else "") + "\n"
            col = key_node.start_mark.column
            inserts.append((row + 1, _item_lines(new_key, col + 2, col + 4)))
        else:
            items = seq.value
            if not items or not all(isinstance(i, yaml.MappingNode) and not i.flow_style for i in items):
                raise KeyMaterialError(f"{display}: each key must be a block mapping ('- id: ...'); fix it by hand")
            first = items[0]
            key_col = first.start_mark.column
            dash_col = lines[first.start_mark.line].rfind("-", 0, key_col)
            if dash_col < 0:
                raise KeyMaterialError(f"{display}: cannot find the '-' of the first key item; fix the layout by hand")
            inserts.append((_deepest_end(items[-1]) + 1, _item_lines(new_key, dash_col, key_col)))
            if close is not None:
                index, moment = close
                item = items[index]
                if _child(item, "not_after") is not None:
                    raise KeyMaterialError(f"{display}: key {index} already has not_after")
                col = item.start_mark.column
                inserts.append((_deepest_end(item) + 1, [" " * col + f"not_after: {_quote(iso(moment))}"]))
    for at, new in sorted(inserts, key=lambda x: x[0], reverse=True):
        lines[at:at] = [n + "\n" for n in new]
    return "".join(lines)


def _load_profile_text(text: str, display: str) -> tuple[dict[str, Any], Organisation]:
    try:
        data, positions = parse(text, display)
    except YamlProblem as problem:
        raise LoadError([problem.problem]) from None
    if not isinstance(data, dict):
        raise LoadError([Problem(display, 1, 1, "an organisation profile must be a mapping of fields")])
    try:
        return data, Organisation.model_validate(data)
    except pydantic.ValidationError as err:
        raise LoadError(model_problems(err, display, positions)) from None


@dataclass(frozen=True)
class KeygenResult:
    """What keygen did."""

    key: PublicKey
    seed: bytes
    closed: str | None  # id of the key retired by this rotation
    profile: Path


def generate_key(
    root: Path,
    org: str,
    *,
    key_id: str | None = None,
    not_before: datetime | None = None,
    seed: bytes | None = None,
) -> KeygenResult:
    """Make a new Ed25519 key for `org` and add its public half to issuers/<org>.yaml.

    Rotation: the previous open key (no not_after, not revoked) gets not_after = the new key's
    not_before, so exactly one key is current at any time. The caller stores the private key.
    """
    if not is_slug(org):
        raise UsageError(f"{org!r} is not an organisation id")
    profile = root / "issuers" / f"{org}.yaml"
    display = f"issuers/{org}.yaml"
    if not profile.is_file():
        raise UsageError(f"{display} does not exist under {root}")
    text = read_text(profile, display)
    old_data, org_record = _load_profile_text(text, display)
    if "issuer" not in org_record.kind:
        raise UsageError(f"{org} is not an issuer (kind: {', '.join(org_record.kind)}); only issuers sign")
    # Default: the next whole second, so that anything the previous key signed before this
    # run (timestamps are whole seconds, rounded down) falls before its new not_after.
    start = (not_before or (utc_now() + timedelta(seconds=1))).astimezone(UTC).replace(microsecond=0)
    if key_id is None:
        key_id = f"key-{start:%Y%m%d}"
        n = 2
        while org_record.key(key_id) is not None:
            key_id = f"key-{start:%Y%m%d}-{n}"
            n += 1
    if not is_slug(key_id):
        raise UsageError(f"key id {key_id!r} is not a slug (lower-case letters, digits, hyphens)")
    if org_record.key(key_id) is not None:
        raise UsageError(f"{org} already has a key {key_id!r}; key ids are never reused")
    seed = seed if seed is not None else generate_seed()
    new_key = PublicKey(
        id=key_id, public_key_multibase=multikey_from_public_key(public_key_from_seed(seed)), not_before=start
    )
    close: tuple[int, datetime] | None = None
    closed_id = None
    for i, key in enumerate(org_record.keys):
        if key.not_after is None and key.revoked_at is None:
            if key.not_before >= start:
                raise UsageError(
                    f"key {key.id!r} starts at {iso(key.not_before)}; a new key must start later (--not-before)"
                )
            if start < utc_now():
                raise UsageError(
                    f"--not-before {iso(start)} is in the past: it would retire key {key.id!r}, which may have "
                    "signed since then, retroactively; give a time from now on"
                )
            close, closed_id = (i, start), key.id
        elif key.not_after is not None and key.not_after > start and key.revoked_at is None:
            raise UsageError(f"key {key.id!r} is valid until {iso(key.not_after)}; the new key would overlap it")
    new_text = add_key_text(text, new_key, close, display)
    new_data, _ = _load_profile_text(new_text, display)
    # The edit must change exactly what we meant, nothing else.
    expected = dict(old_data)
    keys = [dict(k) for k in old_data.get("keys") or []]
    if close is not None:
        keys[close[0]]["not_after"] = iso(close[1])
    keys.append(
        {"id": new_key.id, "public_key_multibase": new_key.public_key_multibase, "not_before": iso(start)}
    )
    expected["keys"] = keys
    if new_data != expected:
        raise KeyMaterialError(f"{display}: the textual edit did not produce the expected profile; add the key by hand")
    write_atomic(profile, new_text)
    return KeygenResult(new_key, seed, closed_id, profile)
