"""Offline JSON-LD document loading: every context comes from the package, never the network.

A signature over RDFC-1.0 N-Quads means what the contexts say the document means, so a context
fetched at signing or verifying time would let whoever serves that URL change the meaning of
every award. microcred therefore ships byte-for-byte copies (``microcred/data/contexts``, listed
by URL in ``index.json``) and refuses any other URL with a CanonicalizationError naming it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from microcred.errors import CanonicalizationError

__all__ = [
    "context_path",
    "document_loader",
    "load_context",
    "packaged_context_urls",
]


def _contexts_dir() -> Traversable:
    return resources.files("microcred").joinpath("data", "contexts")


@cache
def _index() -> dict[str, str]:
    # Read once: the mapping is part of the installed package and cannot change while running.
    raw = json.loads(_contexts_dir().joinpath("index.json").read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise CanonicalizationError("data/contexts/index.json must map context URLs to file names")
    return raw


def packaged_context_urls() -> frozenset[str]:
    """Return the URLs of every JSON-LD context shipped with microcred."""
    return frozenset(_index())


def context_path(url: str) -> Traversable:
    """Return the packaged file answering for a context URL (CanonicalizationError if none)."""
    name = _index().get(url)
    if name is None:
        raise CanonicalizationError(
            f"JSON-LD context {url!r} is not packaged with microcred; "
            "contexts are never fetched over the network"
        )
    return _contexts_dir().joinpath(name)


@cache
def _parsed(url: str) -> Mapping[str, Any]:
    data = json.loads(context_path(url).read_bytes())
    if not isinstance(data, dict):
        raise CanonicalizationError(f"packaged context for {url!r} is not a JSON object")
    return data


def load_context(url: str) -> dict[str, Any]:
    """Return the parsed context document for a URL, as a private copy the caller may change.

    Parsing happens once per URL per process; the copy keeps callers (and pyld, which edits
    context dicts in place when resolving relative URLs) from altering the cached original.
    """
    return copy.deepcopy(dict(_parsed(url)))


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only packaged contexts.

    Returns pyld's RemoteDocument shape. ``tag: "static"`` tells pyld's ContextResolver the
    document never changes, so its processed form may be kept in the resolver's shared cache.
    Any URL that is not packaged raises CanonicalizationError naming it; nothing is fetched.
    """
    del options  # accepted for pyld's calling convention; headers etc. are irrelevant offline
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
        "contentType": "application/ld+json",
        "tag": "static",
    }
