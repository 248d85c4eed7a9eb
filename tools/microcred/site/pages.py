"""The generated Markdown pages (catalog, credentials, issuers, portfolios, analytics) and transcripts.

Every page is Markdown whose record text is escaped: headings through `md_text` (HTML-escaped and
Markdown-neutralised), bodies as raw HTML blocks rendered by Jinja with autoescape on. Links in
those blocks are written relative to the page (mkdocs does not rewrite links inside raw HTML).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from ..records import Credential
from ..urls import SiteUrls
from . import charts
from .badges import issuer_colour
from .data import STATUS_ORDER, AwardView, SiteData
from .safe import front_matter, initials, link, md_text, paragraphs, safe_url

TEMPLATES = Path(__file__).parent / "templates"


def template_env() -> jinja2.Environment:
    """Jinja with autoescape on for everything: record text is untrusted."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda text: Markup(md_text(text))
    env.filters["paras"] = paragraphs
    env.globals["link"] = link
    return env


@dataclass(frozen=True)
class GeneratedPage:
    """One generated file: its path in the docs tree, its content, and where it goes in the nav."""

    src_uri: str
    content: str | bytes
    title: str = ""
    nav_section: str = ""  # "" = not in the nav


def root_of(src_uri: str) -> str:
    """Relative prefix from a page (with directory URLs) to the site root."""
    depth = src_uri.count("/")
    if src_uri.endswith("index.md"):
        return "../" * depth
    return "../" * (depth + 1)


def _page_uri(site_path: str) -> str:
    """docs-relative source path of the page published at `site_path` (a directory URL)."""
    return site_path + "index.md"


def apply_url(repo_url: str | None, credential: Credential) -> str | None:
    """A GitHub "new file" link that opens the submission file prefilled with a template."""
    base = safe_url(repo_url)
    if not base or "github.com/" not in base:
        return None
    path = f"awards/{credential.issuer}/{credential.id}/YOUR-NAME-{credential.id}.yaml"
    lines = [
        f"# Submission for {credential.title}. Replace every CHANGE-ME; the rubric is on the credential page.",
        f"id: YOUR-NAME-{credential.id}",
        f"issuer: {credential.issuer}",
        f"credential: {credential.id}",
        f"credential_version: {credential.version}",
        "recipient:",
        "  name: CHANGE-ME your name as it should appear",
        "  email_hash: CHANGE-ME sha256$ of your email plus the salt (see the earner guide)",
        "  salt: CHANGE-ME 32 random hex characters",
        "  visibility: public   # public, unlisted or private",
        "  portfolio: your-name",
        "  share_feedback: false",
    ]
    if not credential.is_stack:
        lines += [
            "submission:",
            '  submitted_on: "YYYY-MM-DD"',
            "  goal: CHANGE-ME the learning goal you set",
            "  context: CHANGE-ME grade, subject, setting",
            "  evidence:",
        ]
        for e in credential.evidence:
            for _ in range(max(e.min_items, 1)):
                lines += [
                    f"    - requirement: {e.id}",
                    f"      title: CHANGE-ME ({e.kind})",
                    "      url: https://CHANGE-ME",
                ]
    body = "\n".join(lines) + "\n"
    return base.rstrip("/") + "/new/main?" + urlencode({"filename": path, "value": body}, quote_via=quote)


class PageBuilder:
    """Renders every generated page of one registry."""

    def __init__(self, data: SiteData, urls: SiteUrls, repo_url: str | None = None) -> None:
        self.data = data
        self.urls = urls
        self.repo_url = repo_url
        self.env = template_env()
        self.env.globals["urls"] = urls
        self.org_names = {o.id: o.name for o in data.issuers}
        self.hours_of = {c.ref: data.hours_for(c) for c in data.credentials}
        self._keys: dict[str, bytes] = {}

    def render(self, template: str, **context: Any) -> str:
        """Render one template."""
        return self.env.get_template(template).render(**context)

    def page(self, template: str, title: str, hide: tuple[str, ...] = (), **context: Any) -> str:
        """Render a page template behind front matter that fixes its (plain-text) title."""
        return front_matter(title, hide) + self.render(template, **context)

    # -- pages -------------------------------------------------------------------------------

    def pages(self) -> Iterator[GeneratedPage]:
        """Every generated page and file."""
        yield self.catalog()
        for credential in self.data.credentials:
            yield self.credential(credential)
        for org in self.data.issuers:
            yield self.issuer(org.id)
        portfolios = self.data.portfolios()
        yield self.portfolio_index(portfolios)
        yield self.analytics()

    def catalog(self) -> GeneratedPage:
        """The catalog with filters."""
        uri = "catalog/index.md"
        credentials = self.data.credentials
        content = self.page(
            "pages/catalog.md.j2", "Credential catalog", ("navigation",),
            root=root_of(uri),
            credentials=credentials,
            issuer_count=len({c.issuer for c in credentials}),
            competencies=sorted({c.competency for c in credentials}),
            issuers=[o for o in self.data.issuers if any(c.issuer == o.id for c in credentials)],
            tags=sorted({t for c in credentials for t in c.tags}),
            org_names=self.org_names,
            hours_of=self.hours_of,
        )
        return GeneratedPage(uri, content, "Catalog", "catalog")

    def credential(self, c: Credential) -> GeneratedPage:
        """One credential's (or stack's) page."""
        uri = _page_uri(self.urls.credential_page(c.issuer, c.id))
        registry = self.data.registry
        views = self.data.by_credential.get(c.ref, [])
        passing = ""
        if c.rubric:
            passing = next(
                (lv.label for lv in c.rubric.levels if lv.id == c.rubric.passing.every_criterion_at_least), ""
            )
        recognitions = registry.recognitions_of(c.ref)
        content = self.page(
            "pages/credential.md.j2", c.title,
            root=root_of(uri),
            c=c,
            issuer=registry.organisation(c.issuer),
            best_hours=self.hours_of.get(c.ref, 0),
            earned_count=sum(1 for v in views if v.status == "awarded"),
            passing_label=passing,
            recognitions=recognitions,
            stacks=[s for s in registry.stacks_containing(c.ref) if s.published],
            mentors=self.data.mentors(c.ref),
            components=[
                {"ref": ref, "credential": registry.credential(ref)} for ref in c.requires
            ],
            apply_url=apply_url(self.repo_url, c),
            award_path=f"awards/{c.issuer}/{c.id}/<your-award-id>.yaml",
        )
        return GeneratedPage(uri, content, c.title)

    def issuer(self, org_id: str) -> GeneratedPage:
        """An organisation's page."""
        registry = self.data.registry
        org = registry.organisation(org_id)
        assert org is not None
        uri = _page_uri(self.urls.issuer_page(org_id))
        credentials = [c for c in self.data.credentials if c.issuer == org_id]
        content = self.page(
            "pages/issuer.md.j2", org.name,
            root=root_of(uri),
            org=org,
            colour=issuer_colour(org.id),
            initials=initials(org.name, 2),
            credentials=credentials,
            recognised=[(r, registry.credential(r.credential)) for r in org.recognitions],
            did=self.urls.did(org.id),
            now=datetime.now(UTC),
        )
        return GeneratedPage(uri, content, org.name, "issuers")

    def portfolio_index(self, portfolios: dict[str, list[AwardView]]) -> GeneratedPage:
        """The list of public portfolios."""
        uri = "portfolios/index.md"
        people = sorted(
            ((slug, views[0].award.recipient.name or slug, len(views)) for slug, views in portfolios.items()),
            key=lambda p: (str(p[1]).lower(), p[0]),
        )
        return GeneratedPage(
            uri, self.page("pages/portfolios.md.j2", "Portfolios", ("navigation",), root=root_of(uri), people=people), "Portfolios", "portfolios"
        )

    def portfolio_fingerprint(self, slug: str, views: list[AwardView], version: str) -> str:
        """Hash of everything a portfolio page and its transcripts are made from."""
        h = hashlib.sha256(f"{version}\0{slug}\0".encode())
        for v in views:
            h.update(v.award.model_dump_json().encode("utf-8"))
            h.update(self._credential_key(v.award.credential_ref, v.credential))
        h.update(self._stacks_key())
        return h.hexdigest()[:32]

    def _credential_key(self, ref: str, credential: Credential | None) -> bytes:
        key = self._keys.get(ref)
        if key is None:
            recognitions = [(o.name, o.id, r.model_dump_json()) for o, r in self.data.registry.recognitions_of(ref)]
            issuer = self.data.registry.organisation(ref.split("/")[0])
            raw = repr((credential.model_dump_json() if credential else "", recognitions, issuer.name if issuer else ""))
            key = self._keys[ref] = hashlib.sha256(raw.encode("utf-8")).digest()
        return key

    def _stacks_key(self) -> bytes:
        if "\0stacks" not in self._keys:
            stacks = [(c.ref, c.title, c.requires) for c in self.data.credentials if c.is_stack]
            self._keys["\0stacks"] = hashlib.sha256(repr(stacks).encode("utf-8")).digest()
        return self._keys["\0stacks"]

    def write_portfolios(self, site_dir: Path, look: dict[str, Any], version: str) -> tuple[int, int]:
        """Write every portfolio whose inputs changed; remove portfolios that are gone.

        Returns (portfolios, rendered)."""
        from .awards import AwardPages, write_output

        portfolios = self.data.portfolios()
        rendered = 0
        salt = version + repr(sorted((k, str(v)) for k, v in look.items()))
        for slug, views in portfolios.items():
            fingerprint = self.portfolio_fingerprint(slug, views, salt)
            page = site_dir / self.urls.portfolio(slug) / "index.html"
            if AwardPages.existing_fingerprint(page) == fingerprint:
                continue
            for site_path, data in self.portfolio_files(slug, views, {**look, "fingerprint": fingerprint}):
                write_output(site_dir / site_path, data)
            rendered += 1
        folder = site_dir / "portfolios"
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.is_dir() and entry.name not in portfolios:
                    shutil.rmtree(entry)
        return len(portfolios), rendered

    def portfolio_files(self, slug: str, views: list[AwardView], look: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
        """An earner's portfolio page and its transcript files, as (site path, bytes).

        Portfolios grow with the number of earners, so like award pages they are rendered after
        mkdocs from a standalone template (`look`: the theme's stylesheets and palette), never
        through its per-page pipeline.
        """
        site_path = self.urls.portfolio(slug)
        name = views[0].award.recipient.name or slug
        github = next((v.award.recipient.github for v in views if v.award.recipient.github), None)
        by_recognizer = self.data.hours_by_recognizer(views)
        held = {v.award.credential_ref for v in views}
        stacks = []
        for c in self.data.credentials:
            if c.is_stack and c.ref not in held:
                have = sum(1 for r in c.requires if r in held)
                if have:
                    stacks.append((c, have, len(c.requires)))
        html = self.env.get_template("portfolio.html").render(
            **{"fingerprint": "", **look},
            noindex=False,
            root=root_of(site_path + "index.md"),
            page_url=self.urls.url(site_path),
            name=name,
            github=github,
            views=views,
            total_hours=max((h for _, h, _ in by_recognizer), default=0),
            by_recognizer=by_recognizer,
            stacks=stacks,
        )
        yield site_path + "index.html", html.encode("utf-8")
        rows = self.transcript_rows(views)
        transcript = {"name": name, "portfolio": self.urls.url(site_path), "awards": rows}
        yield site_path + "transcript.json", (json.dumps(transcript, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        yield site_path + "transcript.csv", self.transcript_csv(rows).encode("utf-8")

    def transcript_rows(self, views: list[AwardView]) -> list[dict[str, Any]]:
        """One row per award: what a recognizer needs to grant credit hours."""
        rows = []
        for v in sorted(views, key=lambda v: (v.day.isoformat() if v.day else "", v.award.id)):
            assert v.credential is not None
            recognitions = self.data.registry.recognitions_of(v.award.credential_ref)
            rows.append({
                "credential": v.credential.title,
                "competency": v.credential.competency,
                "issuer": v.issuer.name if v.issuer else v.award.issuer,
                "awarded_on": v.day.isoformat() if v.day else None,
                "valid_until": v.valid_until.isoformat() if v.valid_until else None,
                "suggested_hours": v.credential.credit_hours,
                "recognised_hours": {org.name: rec.credit_hours for org, rec in recognitions},
                "award_url": self.urls.url(self.urls.award_page(v.award.id)),
                "credential_json": self.urls.url(self.urls.award_credential(v.award.id)),
            })
        return rows

    @staticmethod
    def transcript_csv(rows: list[dict[str, Any]]) -> str:
        """The transcript as CSV; cells that a spreadsheet would run as a formula are defused."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["credential", "competency", "issuer", "awarded_on", "valid_until",
                         "suggested_hours", "recognised_hours", "award_url"])

        def cell(value: Any) -> str:
            text = "" if value is None else str(value)
            return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

        for r in rows:
            recognised = "; ".join(f"{k}: {v:g}" for k, v in r["recognised_hours"].items())
            writer.writerow([cell(r[k]) for k in ("credential", "competency", "issuer", "awarded_on", "valid_until",
                                                   "suggested_hours")] + [cell(recognised), r["award_url"]])
        return out.getvalue()

    def analytics(self) -> GeneratedPage:
        """Analytics for school leaders: charts drawn as inline SVG."""
        uri = "analytics/index.md"
        a = self.data.analytics()
        by_comp: list[tuple[str, Any]] = a["by_competency"]  # type: ignore[assignment]
        statuses = [s for s in STATUS_ORDER if any(c.get(s) for _, c in by_comp)] or ["awarded"]
        months: list[str] = a["months"]  # type: ignore[assignment]
        submitted = a["submitted"]
        awarded = a["awarded"]
        total = sum(sum(c.values()) for _, c in by_comp)
        n_awarded = sum(c.get("awarded", 0) + c.get("revoked", 0) for _, c in by_comp)
        decided = n_awarded + sum(c.get("not-yet", 0) for _, c in by_comp)
        content = self.page(
            "pages/analytics.md.j2", "Analytics",
            root=root_of(uri),
            totals={
                "submissions": total,
                "awarded": n_awarded,
                "rate": f"{100 * n_awarded / decided:.0f}%" if decided else "–",
                "competencies": len(by_comp),
            },
            statuses=statuses,
            by_competency=by_comp,
            comp_chart=charts.stacked_bars(by_comp, statuses, "Submissions by competency and status"),
            month_chart=charts.monthly_columns(
                months,
                [("submitted", submitted, "#0072B2"), ("awarded", awarded, "#009E73")],  # type: ignore[list-item]
                "Submissions and awards by month",
            ),
            months=months,
            submitted=submitted,
            awarded=awarded,
        )
        return GeneratedPage(uri, content, "Analytics", "analytics")

    # -- home page pieces ----------------------------------------------------------------------

    def figures_html(self) -> str:
        """Headline figures block for docs/index.md."""
        return self.render("pages/figures.html.j2", f=self.data.figures())

    def featured_html(self, root: str = "", limit: int = 6) -> str:
        """A few credentials for the home page: the most awarded first."""
        counts = {c.ref: sum(1 for v in self.data.by_credential.get(c.ref, []) if v.status == "awarded")
                  for c in self.data.credentials}
        chosen = sorted(self.data.credentials, key=lambda c: (-counts[c.ref], c.title.lower()))[:limit]
        return self.render("pages/featured.html.j2", root=root, credentials=chosen, org_names=self.org_names)
