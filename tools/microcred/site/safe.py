"""Turning untrusted record text into page text: every string from YAML passes through here.

Record text is written by earners and issuers in pull requests, so it is treated as hostile:
HTML is escaped, Markdown syntax is neutralised, and only http(s) and mailto links survive.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_SAFE_SCHEMES = ("http", "https", "mailto")
# Characters Python-Markdown reads as syntax and lets a backslash escape (with the tables and
# attr_list extensions); '<', '>' and '&' never get here unescaped.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def safe_url(url: object) -> str | None:
    """`url` when it is an http(s) or mailto address without whitespace or controls, else None."""
    if not isinstance(url, str) or not url or len(url) > 4000:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        return None
    return url


def link(url: object, text: object, *, rel: str = "nofollow noopener", external: bool = True) -> Markup:
    """An <a> to `url` with escaped `text`, or the escaped text alone when the URL is not safe."""
    href = safe_url(url)
    if href is None:
        return Markup("<span>{}</span>").format(text)
    if external:
        return Markup('<a href="{}" rel="{}">{}</a>').format(href, rel, text)
    return Markup('<a href="{}">{}</a>').format(href, text)


def md_text(text: object) -> str:
    """One line of untrusted text for a Markdown context (headings, list items): HTML-escaped, then
    every Markdown special character backslash-escaped so no emphasis, link or HTML forms."""
    flat = " ".join(str(text).split())
    return _md(flat)


def _md(flat: str) -> str:
    # Escape HTML first (so '<' never reaches Markdown), then neutralise Markdown punctuation.
    # The '&' of an entity must stay literal, so entities are protected from the second pass.
    escaped = str(escape(flat))
    out = []
    for piece in re.split(r"(&(?:amp|lt|gt|quot|#39|#34);)", escaped):
        if piece.startswith("&") and piece.endswith(";"):
            out.append(piece)
        else:
            out.append(_MD_SPECIAL.sub(r"\\\1", piece))
    return "".join(out)


def plain_title(text: object) -> str:
    """A page title safe where themes print it unescaped (<title>, the nav): no markup characters.

    mkdocs-material writes `page.title | striptags` into <title>, and striptags turns "&lt;" back
    into "<"; so a title must not hold "<", ">" or "&" at all, escaped or not.
    """
    flat = " ".join(str(text).split())
    return re.sub(r"[<>&`]", "", flat.replace("&", " and ")).strip() or "Untitled"


def front_matter(title: object, hide: tuple[str, ...] = ()) -> str:
    """YAML front matter that fixes the page title (JSON text is valid YAML and always quoted)."""
    import json

    hidden = f"hide: {json.dumps(list(hide))}\n" if hide else ""
    return "---\ntitle: " + json.dumps(plain_title(title)) + "\n" + hidden + "---\n"


def paragraphs(text: object) -> Markup:
    """Untrusted multi-line text as escaped HTML paragraphs (blank lines split paragraphs)."""
    if text is None:
        return Markup("")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", str(text)) if b.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(" ".join(b.split())) for b in blocks)


def initials(title: str, limit: int = 3) -> str:
    """Up to `limit` capital initials of a title's significant words, for a badge."""
    small = {"a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "by", "at", "&"}
    words = [w for w in re.findall(r"[A-Za-z0-9]+", title)]
    significant = [w for w in words if w.lower() not in small] or words or ["?"]
    return "".join(w[0].upper() for w in significant[:limit])
