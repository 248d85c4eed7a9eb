"""JSON Canonicalization Scheme (RFC 8785), the transformation of eddsa-jcs-2022.

A thin wrapper over the ``rfc8785`` package (Trail of Bits) so that its errors join microcred's
exception tree. JCS sees JSON, not RDF: every member, including ones no context defines, is
signed, which is why the site's browser check and registry-wide checks rely on it.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from microcred.errors import CanonicalizationError

__all__ = ["canonicalize_jcs"]


def canonicalize_jcs(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises CanonicalizationError for anything JSON cannot carry exactly: NaN or infinite
    floats, integers beyond +/-(2**53 - 1), non-string keys, lone surrogates, other types.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalizationError(f"JCS: {exc}") from None
    except RecursionError:
        raise CanonicalizationError("JCS: document is nested too deeply") from None
