"""RDF Dataset Canonicalization (RDFC-1.0, a.k.a. URDNA2015), the transformation of eddsa-rdfc-2022.

pyld does the JSON-LD -> RDF -> canonical N-Quads work. Two things are added around it:

1. Offline contexts with a persistent cache. Every call gets a fresh pyld ContextResolver whose
   shared cache is this module's own (not pyld's process-wide one, which any other code with
   any loader could fill for the same URL). Contexts are parsed and *processed* once per process:
   pyld keeps the processed active context inside each cached ResolvedContext, keyed by the
   active context it was applied to, and the initial context is a per-process constant.

2. A "safe mode" like jsonld.js's ``safe: true`` (which Digital Bazaar's verifiers use). Plain
   JSON-LD silently drops what it cannot map to absolute IRIs: an undefined term, a relative
   ``id`` or ``type``. Dropped data is not in the N-Quads, so it would be *unsigned* while still
   shown to readers. We refuse such documents with a CanonicalizationError instead. Covered:
   dropped properties (pyld's ``on_property_dropped`` hook, pyld >= 3.1), and relative or blank
   IRIs in subject, predicate, object, ``@type`` and datatype positions (checked on the expanded
   form). jsonld.js also flags a few structural oddities (empty objects, objects with only
   ``@value`` ...) that carry no data; those are not checked here.

3. A guard against a known pyld divergence (see shared/standards/README.md): pyld's N-Quads
   writer escapes only backslash, double quote, tab, newline and carriage return, where RDFC-1.0
   and JavaScript's rdf-canonize also escape U+0000-U+0008, U+000B, U+000C, U+000E-U+001F and
   U+007F in literals, and U+0000-U+0020 and <>"{}|^`\\ in IRIs. Escaping changes both the
   bytes hashed and the blank-node labelling, so it cannot be patched onto pyld's output
   afterwards. Such documents are refused with a CanonicalizationError naming the character:
   otherwise they would sign here and fail in every other verifier. Record validation should
   still reject these characters earlier, with a file:line message for the author.

Thread safety: like pyld's own module-level caches, the context cache is not locked; use one
process per worker for parallel signing or verification.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from microcred.errors import CanonicalizationError, MicrocredError
from microcred.proof.contexts import document_loader, packaged_context_urls

__all__ = ["canonicalize_rdfc", "warm_up"]

# Same test pyld applies before dropping a value (jsonld._is_absolute_iri), so the safe-mode
# check rejects exactly what pyld would silently leave out of the N-Quads.
_ABSOLUTE_IRI: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")

# RDFC-1.0 (and JavaScript's rdf-canonize) escape these in literals as \b, \f or \uXXXX; pyld
# writes them raw. Raw and escaped forms hash differently, so a proof over text holding one of
# them would verify here and nowhere else. Newline, carriage return and tab are escaped alike.
_DIVERGENT_LITERAL_CHARS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same for IRIs: rdf-canonize escapes these as \uXXXX inside <...>, pyld does not.
_DIVERGENT_IRI_CHARS: Final = re.compile(r'[\x00-\x20<>"{}|^`\\]')

# Packaged URLs plus inline contexts (keyed by their canonical JSON); a bounded LRU keeps a
# stream of documents with ever-different inline contexts from growing memory without end.
_RESOLVED_CONTEXTS: Final[LRUCache[str, Any]] = LRUCache(maxsize=256)


class _SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped
    """A JsonLdProcessor that refuses to drop data silently (see module docstring)."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)

    @staticmethod
    def _dropped(expanded_property: str | None) -> None:
        raise CanonicalizationError(
            f"property {expanded_property!r} is not defined by the document's @context "
            "and would be left out of the signature"
        )

    def expand(self, input_: Any, options: Any) -> Any:
        # to_rdf() expands through this public method; checking its result costs one walk of
        # the expanded tree instead of a second expansion.
        expanded = super().expand(input_, options)
        _check_expanded(expanded, "")
        return expanded


def _fail(where: str, what: str, value: object) -> CanonicalizationError:
    return CanonicalizationError(
        f"{what} {value!r}{' at ' + where if where else ''} is not an absolute IRI "
        "and would be left out of the signature"
    )


def _check_expanded(node: Any, where: str) -> None:
    """Walk expanded JSON-LD; raise if pyld's to_rdf would silently skip anything."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item, where)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        datatype = node.get("@type")
        # @json literals carry raw JSON in @value: pyld serialises it as canonical JSON, whose
        # escapes leave no raw control character, and nothing inside is an IRI.
        if datatype == "@json":
            return
        if isinstance(datatype, str):
            _check_iri(datatype, where, "datatype")
        value = node["@value"]
        if isinstance(value, str):
            bad = _DIVERGENT_LITERAL_CHARS.search(value)
            if bad is not None:
                raise CanonicalizationError(
                    f"text{' at ' + where if where else ''} contains control character "
                    f"U+{ord(bad.group()):04X}, which pyld and other RDFC-1.0 implementations "
                    "serialise differently; the signature would not verify elsewhere"
                )
        return
    if "@list" in node:
        _check_expanded(node["@list"], where)
        return
    node_id = node.get("@id")
    if node_id is not None:
        _check_iri(node_id, where, "id")
    for type_iri in node.get("@type", ()):
        _check_iri(type_iri, where, "type")
    for key, value in node.items():
        if key in ("@graph", "@included"):
            _check_expanded(value, where)
        elif key == "@reverse":
            for prop, items in value.items():
                _check_predicate(prop, where)
                _check_expanded(items, where)
        elif not key.startswith("@"):
            _check_predicate(key, where)
            _check_expanded(value, key)


def _check_iri(iri: object, where: str, what: str) -> None:
    if not isinstance(iri, str) or not _ABSOLUTE_IRI.match(iri):
        raise _fail(where, what, iri)
    bad = _DIVERGENT_IRI_CHARS.search(iri)
    if bad is not None:
        raise CanonicalizationError(
            f"{what} {iri!r}{' at ' + where if where else ''} contains U+{ord(bad.group()):04X}, "
            "which pyld and other RDFC-1.0 implementations serialise differently in IRIs"
        )


def _check_predicate(prop: str, where: str) -> None:
    if prop.startswith("_:"):
        # Blank-node predicates are generalized RDF; pyld drops them from standard output.
        raise CanonicalizationError(f"blank node predicate {prop!r} would be left out of the signature")
    _check_iri(prop, where, "property")


def _options() -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
        # Internal pyld option (documented "internal use only"), the one way to give pyld a
        # cache that outlives the call without sharing pyld's global one.
        "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, document_loader),
        # No base (None, like jsonld.js's `base: null` in Digital Bazaar's canonize): relative
        # IRIs stay relative, so the safe-mode check rejects them. pyld's default ("") would
        # silently resolve them against its placeholder http://example.org/base/.
        "base": None,
    }


def _find_ours(exc: BaseException) -> MicrocredError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, MicrocredError):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


def canonicalize_rdfc(document: Mapping[str, Any]) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document (UTF-8 text, "\\n" ended).

    Contexts come only from the package. Raises CanonicalizationError for an unknown context
    URL (named in the message), invalid JSON-LD, or data JSON-LD would silently drop.
    """
    try:
        result = _SafeProcessor().normalize(dict(document), _options())
    except MicrocredError:
        raise
    except jsonld.JsonLdError as exc:
        ours = _find_ours(exc)
        if ours is not None:
            raise CanonicalizationError(str(ours)) from None
        raise CanonicalizationError(f"RDFC-1.0: {_describe(exc)}") from None
    except RecursionError:
        raise CanonicalizationError("RDFC-1.0: document is nested too deeply") from None
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # pyld assumes well-formed JSON values; anything else surfaces as a Python error.
        raise CanonicalizationError(f"RDFC-1.0: cannot process document: {exc!r}") from None
    if not isinstance(result, str):  # pragma: no cover - guaranteed by the "format" option
        raise CanonicalizationError("RDFC-1.0: pyld did not return N-Quads")
    return result


def _describe(exc: BaseException) -> str:
    # pyld nests the real reason in a chain of JsonLdErrors; the innermost is the useful one.
    parts: list[str] = []
    cur: BaseException | None = exc
    while cur is not None and len(parts) < 6:
        msg = getattr(cur, "message", None) or str(cur).split("\n", 1)[0]
        if msg and msg not in parts:
            parts.append(msg)
        cur = cur.__cause__
    return " <- ".join(parts)


def warm_up() -> None:
    """Parse and process every packaged context now, so the first real signature is not slower.

    Optional: the first canonicalisation does the same work lazily.
    """
    for url in sorted(packaged_context_urls()):
        # One context at a time: some packaged contexts protect the same terms, so a stack of
        # all of them would be rejected as a redefinition.
        canonicalize_rdfc({"@context": url, "@id": "urn:microcred:warm-up"})
    canonicalize_rdfc(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:microcred:warm-up",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        }
    )
