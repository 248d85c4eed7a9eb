"""Where everything lives on the published site, and the did:web identities derived from it.

One module owns every published path so that the signer, the site and the verifiers agree.
All paths are relative to the site root and built only from checked slugs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from .errors import UsageError
from .ids import is_slug

_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")


def _slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(f"{value!r} is not a slug; refusing to build a path from it")
    return value


@dataclass(frozen=True)
class SiteUrls:
    """The published layout of one registry site, rooted at `base` (ends with '/')."""

    base: str

    @classmethod
    def from_site_url(cls, site_url: str) -> SiteUrls:
        """Normalise a site URL (https, or http for local testing) into the layout."""
        try:
            parts = urlsplit(site_url)
            port = parts.port  # raises for a port that is not a number from 0 to 65535
        except ValueError as err:
            raise UsageError(f"site_url {site_url!r} is not a valid address: {err}") from None
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise UsageError(f"site_url {site_url!r} must be an absolute https:// address")
        if parts.query or parts.fragment:
            raise UsageError(f"site_url {site_url!r} must not have a query or fragment")
        if parts.username is not None or parts.password is not None:
            # user:password@ would end up inside every issuer's did:web identity
            raise UsageError(f"site_url {site_url!r} must not contain a user name or password")
        # The host and path become did:web segments (':'-separated): only plain names fit there.
        if not _HOST.match(parts.hostname):
            raise UsageError(f"site_url {site_url!r}: the host must be a plain DNS name or IPv4 address")
        segments = [s for s in parts.path.split("/") if s]
        if any(not _SEGMENT.match(s) for s in segments):
            raise UsageError(f"site_url {site_url!r}: path segments may hold only letters, digits and -._~")
        netloc = parts.hostname + (f":{port}" if port is not None else "")
        path = "/" + "".join(s + "/" for s in segments)
        return cls(f"{parts.scheme}://{netloc}{path}")

    def url(self, path: str) -> str:
        """Absolute URL of a site-relative path."""
        return self.base + path

    # -- issuers ---------------------------------------------------------------------------
    def did(self, org: str) -> str:
        """did:web identifier of an organisation: did:web:host[%3Aport]:path:issuers:<org>."""
        parts = urlsplit(self.base)
        host = quote(parts.netloc, safe="")  # a port's ':' must be percent-encoded in did:web
        segments = [s for s in parts.path.split("/") if s]
        return ":".join(["did", "web", host, *segments, "issuers", _slug(org)])

    def key_id(self, org: str, key: str) -> str:
        """Verification method id of one of an organisation's keys."""
        return f"{self.did(org)}#{_slug(key)}"

    def issuer_page(self, org: str) -> str:
        """Site path of the issuer's page."""
        return f"issuers/{_slug(org)}/"

    def did_document(self, org: str) -> str:
        """Site path of the did.json that did:web resolves to."""
        return f"issuers/{_slug(org)}/did.json"

    def ob2_issuer(self, org: str) -> str:
        """Site path of the Open Badges 2.0 Issuer (Profile) document."""
        return f"issuers/{_slug(org)}/ob2-issuer.json"

    def status_list(self, org: str) -> str:
        """Site path of the organisation's signed Bitstring Status List credential."""
        return f"issuers/{_slug(org)}/status-list.json"

    # -- credentials -----------------------------------------------------------------------
    def credential_page(self, org: str, slug: str) -> str:
        """Site path of a credential's page."""
        return f"credentials/{_slug(org)}/{_slug(slug)}/"

    def achievement(self, org: str, slug: str, version: int) -> str:
        """Site path of the OB 3.0 Achievement of one version of a credential."""
        return f"credentials/{_slug(org)}/{_slug(slug)}/achievement-v{int(version)}.json"

    def ob2_badgeclass(self, org: str, slug: str, version: int) -> str:
        """Site path of the OB 2.0 BadgeClass of one version of a credential."""
        return f"credentials/{_slug(org)}/{_slug(slug)}/ob2-badgeclass-v{int(version)}.json"

    def badge_image(self, org: str, slug: str) -> str:
        """Site path of the credential's badge image (SVG)."""
        return f"credentials/{_slug(org)}/{_slug(slug)}/badge.svg"

    def stack_page(self, org: str, slug: str) -> str:
        """Stacks are credentials; their page is the credential page."""
        return self.credential_page(org, slug)

    # -- awards ----------------------------------------------------------------------------
    def award_page(self, award_id: str) -> str:
        """Site path of an award's page (unlisted ids are unguessable, so is this path)."""
        return f"awards/{_slug(award_id)}/"

    def award_credential(self, award_id: str) -> str:
        """Site path of the signed OB 3.0 credential JSON."""
        return f"awards/{_slug(award_id)}/credential.json"

    def award_ob2_assertion(self, award_id: str) -> str:
        """Site path of the OB 2.0 hosted Assertion."""
        return f"awards/{_slug(award_id)}/ob2-assertion.json"

    def award_badge_png(self, award_id: str) -> str:
        """Site path of the baked PNG badge."""
        return f"awards/{_slug(award_id)}/badge.png"

    def award_badge_svg(self, award_id: str) -> str:
        """Site path of the baked SVG badge."""
        return f"awards/{_slug(award_id)}/badge.svg"

    # -- people ----------------------------------------------------------------------------
    def portfolio(self, slug: str) -> str:
        """Site path of an earner's portfolio."""
        return f"portfolios/{_slug(slug)}/"


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, which may hold tags like !!python/name:... that only mkdocs resolves."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_LenientLoader.add_multi_constructor("", _ignore_tag)


def site_url_from_mkdocs(config: Path) -> str:
    """The `site_url` in an mkdocs.yml; UsageError when missing."""
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise UsageError(f"cannot read {config}: {err}") from None
    url = data.get("site_url") if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        raise UsageError(f"{config} has no site_url; it is part of every issuer's did:web identity")
    return url


def site_urls(root: Path) -> SiteUrls:
    """The layout for the registry at `root`, from its mkdocs.yml."""
    return SiteUrls.from_site_url(site_url_from_mkdocs(root / "mkdocs.yml"))
