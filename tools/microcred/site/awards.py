"""Award pages, rendered straight from a Jinja template after mkdocs has built the rest of the site.

Award pages are many, so they never enter mkdocs' page pipeline or navigation. Each page starts
with a fingerprint of everything it is made from; a rebuild reads the first bytes of the existing
page and skips the award when the fingerprint matches, so adding one award renders one page.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
from markupsafe import Markup
from qrcode.constants import ERROR_CORRECT_L

from ..fsutil import write_atomic
from ..urls import SiteUrls
from .badges import badge_png, badge_svg, bake_png, bake_svg
from .data import AwardView, SiteData
from .pages import TEMPLATES, template_env
from .safe import safe_url

_FINGERPRINT_PREFIX = b'<!doctype html>\n<html lang="en">\n<head>\n<meta name="microcred-fingerprint" content="'
LOGO = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2 3 6.5v5.2c0 '
    '5 3.8 9.4 9 10.3 5.2-.9 9-5.3 9-10.3V6.5L12 2Zm-1.4 14.2-3.8-3.8 1.4-1.4 2.4 2.4 5.2-5.2 1.4 1.4-6.6 6.6Z"/></svg>'
)


def write_output(path: Path, data: str | bytes) -> bool:
    """Write a site file atomically without fsync; False (no write) when unchanged."""
    return write_atomic(path, data, durable=False)


def _code_version() -> str:
    """Changes whenever the template or this module changes, so old pages are re-rendered."""
    h = hashlib.sha256()
    for path in (TEMPLATES / "award.html", TEMPLATES / "standalone.html", TEMPLATES / "portfolio.html",
                 TEMPLATES / "pages" / "_macros.j2", Path(__file__), Path(__file__).with_name("badges.py"),
                 Path(__file__).with_name("pages.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def qr_svg(data: str, size: int = 148) -> Markup:
    """A compact QR code as inline SVG: one path of horizontal strokes (about 2 KB for an award URL)."""
    # A fixed mask pattern skips qrcode's evaluation of all eight (the slow part); any mask is valid.
    # Level L (7% recovery) keeps the code small; it is read from screens and clean prints.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        parts.append(f"M0 {y}.5")
        x = px = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append((f"m{start - px} 0" if start - px else "") + f"h{x - start}")
                px = x
            else:
                x += 1
    q = 4  # quiet zone
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-{q} -{q} {n + 2 * q} {n + 2 * q}" width="{size}" '
        f'height="{size}" role="img" aria-label="QR code of this page\'s address" shape-rendering="crispEdges">'
        f'<rect x="-{q}" y="-{q}" width="{n + 2 * q}" height="{n + 2 * q}" fill="#fff"/>'
        f'<path stroke="#000" d="{"".join(parts)}"/></svg>'
    )


@dataclass
class AwardPageStats:
    """What one post-build pass did (the rebuild benchmark reads this)."""

    pages: int = 0
    rendered: int = 0
    skipped: int = 0
    removed: int = 0
    seconds: float = 0.0
    bytes_by_award: dict[str, int] = field(default_factory=dict)


@dataclass
class PageLook:
    """What award pages borrow from the mkdocs site: name, stylesheets, palette."""

    site_name: str
    stylesheets: list[str]
    scheme: str = "default"
    primary: str = "indigo"
    accent: str = "indigo"


class AwardPages:
    """Renders (or keeps) every award page under site_dir/awards/."""

    def __init__(self, data: SiteData, urls: SiteUrls, site_dir: Path, look: PageLook) -> None:
        self.data = data
        self.urls = urls
        self.site_dir = site_dir
        self.look = look
        self.env = template_env()
        self.template = self.env.get_template("award.html")
        self.version = _code_version()

    def badge_src(self, view: AwardView) -> str:
        """Site path of the credential's badge image (a same-site `image` wins over the generated one)."""
        c = view.credential
        assert c is not None
        if c.image and c.image.startswith(self.urls.base):
            return c.image[len(self.urls.base):]
        return self.urls.badge_image(c.issuer, c.id)

    def fingerprint(self, view: AwardView, credential_bytes: bytes | None) -> str:
        """Hash of everything the award's page and baked badges are made from."""
        h = hashlib.sha256()
        for part in (
            self.version,
            self.urls.base,
            repr(self.look),
            view.award.model_dump_json(),
            view.credential.model_dump_json() if view.credential else "",
            view.issuer.name if view.issuer else "",
            view.status,
            self.badge_src(view),
        ):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        h.update(hashlib.sha256(credential_bytes or b"").digest())
        return h.hexdigest()[:32]

    @staticmethod
    def existing_fingerprint(page: Path) -> str | None:
        """The fingerprint at the top of an existing page, without reading the whole file."""
        try:
            with page.open("rb") as handle:
                head = handle.read(len(_FINGERPRINT_PREFIX) + 40)
        except OSError:
            return None
        if not head.startswith(_FINGERPRINT_PREFIX):
            return None
        return head[len(_FINGERPRINT_PREFIX):].split(b'"', 1)[0].decode("ascii", "replace")

    def look_context(self) -> dict[str, Any]:
        """What every standalone page shares with the theme."""
        return {
            "site_name": self.look.site_name,
            "stylesheets": self.look.stylesheets,
            "scheme": self.look.scheme,
            "primary": self.look.primary,
            "accent": self.look.accent,
            "logo": LOGO,
        }

    def context(self, view: AwardView, fingerprint: str, signed: bool) -> dict[str, Any]:
        """Template variables of one award page."""
        a, c = view.award, view.credential
        assert c is not None
        recipient = a.recipient
        name = recipient.name if recipient.visibility in ("public", "unlisted") else None
        page_path = self.urls.award_page(a.id)
        page_url = self.urls.url(page_path)
        issuer_name = view.issuer.name if view.issuer else a.issuer
        root = "../../"
        description = f"{name} earned {c.title} from {issuer_name}." if name else f"{c.title}, from {issuer_name}."
        feedback = []
        scores = []
        current = a.current_assessments()
        if recipient.share_feedback:
            for assessment in current:
                person = view.issuer.assessor(assessment.assessor) if view.issuer else None
                feedback.append({"text": assessment.feedback, "who": person.name if person else assessment.assessor,
                                 "date": assessment.date})
        if c.rubric and current:
            labels = {lv.id: lv.label for lv in c.rubric.levels}
            for criterion in c.rubric.criteria:
                levels = [labels.get(s.scores.get(criterion.id, ""), "—") for s in current]
                scores.append((criterion.title, " / ".join(levels)))
        provenance: list[tuple[str, str, str | None]] = []
        p = a.provenance
        if p:
            if p.pull_request_url and safe_url(p.pull_request_url):
                provenance.append(("Pull request", f"#{p.pull_request}" if p.pull_request else p.pull_request_url,
                                   p.pull_request_url))
            elif p.pull_request:
                provenance.append(("Pull request", f"#{p.pull_request}", None))
            for term, value in (("Submitted commit", p.submitted_commit), ("Assessed commit", p.assessed_commit),
                                ("Merge commit", p.merge_commit)):
                if value:
                    provenance.append((term, value, None))
            if p.approved_by:
                provenance.append(("Approved by", ", ".join("@" + h for h in p.approved_by), None))
            if p.merged_at:
                provenance.append(("Merged", p.merged_at.strftime("%Y-%m-%d %H:%M UTC"), None))
        linkedin = None
        if view.day:
            params = {
                "startTask": "CERTIFICATION_NAME", "name": c.title, "organizationName": issuer_name,
                "issueYear": view.day.year, "issueMonth": view.day.month, "certUrl": page_url, "certId": a.id,
            }
            if view.valid_until:
                params.update(expirationYear=view.valid_until.year, expirationMonth=view.valid_until.month)
            linkedin = "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)
        mailto = "mailto:?" + urlencode(
            {"subject": f"{c.title}" + (f": awarded to {name}" if name else ""),
             "body": page_url},
            quote_via=quote,
        )
        og_image = self.urls.url(self.urls.award_badge_png(a.id)) if signed else self.urls.url(self.badge_src(view))
        return {
            "fingerprint": fingerprint,
            "noindex": recipient.visibility != "public",
            **self.look_context(),
            "root": root,
            "a": a,
            "c": c,
            "name": name,
            "day": view.day,
            "valid_until": view.valid_until,
            "revoked": view.status == "revoked",
            "issuer_name": issuer_name,
            "issuer_path": self.urls.issuer_page(a.issuer),
            "credential_path": self.urls.credential_page(c.issuer, c.id),
            "badge_src": self.badge_src(view),
            "description": description,
            "page_url": page_url,
            "og_image": og_image,
            "signed": signed,
            "credential_json": self.urls.award_credential(a.id),
            "credential_url": self.urls.url(self.urls.award_credential(a.id)),
            "site_url": self.urls.base,
            "linkedin": linkedin,
            "mailto": mailto,
            "qr": qr_svg(page_url),
            # Evidence links of a private award could name the earner (a video, a school drive): withheld.
            "evidence": a.submission.evidence if a.submission and recipient.visibility != "private" else [],
            "scores": scores,
            "feedback": feedback,
            "provenance": provenance,
        }

    def render_one(self, view: AwardView, fingerprint: str, credential_bytes: bytes | None) -> None:
        """Write one award's page and, when signed, its two baked badges."""
        award_id = view.award.id
        html = self.template.render(**self.context(view, fingerprint, credential_bytes is not None))
        write_output(self.site_dir / self.urls.award_page(award_id) / "index.html", html)
        if credential_bytes is not None:
            c = view.credential
            assert c is not None
            text = credential_bytes.decode("utf-8")
            write_output(self.site_dir / self.urls.award_badge_png(award_id), bake_png(badge_png(c.title, c.issuer), text))
            write_output(self.site_dir / self.urls.award_badge_svg(award_id),
                         bake_svg(badge_svg(c.title, c.issuer, c.competency), text))

    def render_all(self, keep: Iterable[str] = (), workers: int | None = None) -> AwardPageStats:
        """Render every published award's page and baked badges; remove pages of awards that are gone.

        `keep`: award ids whose folders hold other published files (e.g. JSON from publish) and
        must not be removed even without a page. `workers`: processes for a large render (default:
        the CPUs, when more than 400 pages need rendering; the fingerprint check stays here).
        """
        started = time.perf_counter()
        stats = AwardPageStats()
        expected = set(keep)
        todo: list[tuple[int, str, bytes | None]] = []
        for index, view in enumerate(self.data.awards):
            if not view.published:
                continue
            award_id = view.award.id
            expected.add(award_id)
            stats.pages += 1
            cred_path = self.site_dir / self.urls.award_credential(award_id)
            try:
                credential_bytes: bytes | None = cred_path.read_bytes()
            except OSError:
                credential_bytes = view.award.signed.credential.encode("utf-8") if view.award.signed else None
                if credential_bytes is not None:
                    write_output(cred_path, credential_bytes)
            fingerprint = self.fingerprint(view, credential_bytes)
            if self.existing_fingerprint(self.site_dir / self.urls.award_page(award_id) / "index.html") == fingerprint:
                stats.skipped += 1
                continue
            todo.append((index, fingerprint, credential_bytes))
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers > 1 and len(todo) > 400 and "fork" in multiprocessing.get_all_start_methods():
            # Rendering is CPU-bound Python (QR codes, templates): split it over the cores. Forked
            # workers inherit this renderer, so nothing but indexes crosses the process boundary.
            global _WORKER
            _WORKER = self
            chunks = [todo[i::workers] for i in range(workers)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pool.map(_render_chunk, chunks)
            _WORKER = None
        else:
            for index, fingerprint, credential_bytes in todo:
                self.render_one(self.data.awards[index], fingerprint, credential_bytes)
        stats.rendered = len(todo)
        awards_dir = self.site_dir / "awards"
        if awards_dir.is_dir():
            for entry in awards_dir.iterdir():
                if entry.is_dir() and entry.name not in expected:
                    shutil.rmtree(entry)
                    stats.removed += 1
        stats.seconds = time.perf_counter() - started
        return stats


_WORKER: AwardPages | None = None


def _render_chunk(chunk: list[tuple[int, str, bytes | None]]) -> int:
    worker = _WORKER
    assert worker is not None
    for index, fingerprint, credential_bytes in chunk:
        worker.render_one(worker.data.awards[index], fingerprint, credential_bytes)
    return len(chunk)


def award_output_bytes(site_dir: Path, urls: SiteUrls, award_id: str) -> dict[str, int]:
    """Bytes of each file published for one award (for the size budget)."""
    folder = site_dir / urls.award_page(award_id)
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}


def today() -> date:
    """Today's date (one place, for tests)."""
    return date.today()
