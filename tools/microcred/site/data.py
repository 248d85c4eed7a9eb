"""What the site shows, computed once from the loaded registry: pure functions, no rendering."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..records import Award, Credential, Organisation
from ..registry import Registry

STATUS_ORDER = ("awarded", "not-yet", "pending", "disagreement", "revoked")


def awarded_on(award: Award) -> date | None:
    """The day the award was granted: merge time when known, else the last current assessment."""
    if award.provenance and award.provenance.merged_at:
        return award.provenance.merged_at.date()
    current = award.current_assessments()
    return max((a.date for a in current), default=None)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (clamped to the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class AwardView:
    """One award as the site sees it."""

    award: Award
    status: str  # registry status, or "revoked"
    credential: Credential | None
    issuer: Organisation | None
    day: date | None

    @property
    def published(self) -> bool:
        """Gets a page: awarded (revoked ones keep their page, which says so)."""
        return self.status in ("awarded", "revoked") and self.credential is not None

    @property
    def listed(self) -> bool:
        """Appears on listings (portfolio, mentors): public, awarded, not revoked."""
        return self.status == "awarded" and self.award.recipient.visibility == "public"

    @property
    def valid_until(self) -> date | None:
        """Expiry from the credential's validity, if any."""
        if self.day and self.credential and self.credential.valid_for_months:
            return add_months(self.day, self.credential.valid_for_months)
        return None


@dataclass
class SiteData:
    """Everything the generated pages need, indexed the ways the pages read it."""

    registry: Registry
    awards: list[AwardView] = field(default_factory=list)
    by_credential: dict[str, list[AwardView]] = field(default_factory=lambda: defaultdict(list))

    @property
    def credentials(self) -> list[Credential]:
        """Published current credentials, by title."""
        return sorted(
            (c.record for c in self.registry.credentials.values() if c.record.published),
            key=lambda c: (c.title.lower(), c.ref),
        )

    @property
    def issuers(self) -> list[Organisation]:
        """Every organisation, by name."""
        return sorted((o.record for o in self.registry.organisations.values()), key=lambda o: o.name.lower())

    def hours_for(self, credential: Credential) -> float:
        """Credit hours an award of this credential is worth: the best recognition, else the suggestion."""
        recognised = [r.credit_hours for _, r in self.registry.recognitions_of(credential.ref)]
        return max(recognised) if recognised else (credential.credit_hours or 0.0)

    def figures(self) -> dict[str, float | int]:
        """Headline figures for the home page."""
        awarded = [v for v in self.awards if v.status == "awarded"]
        return {
            "credentials": len(self.credentials),
            "issuers": sum(1 for o in self.issuers if "issuer" in o.kind),
            "recognizers": sum(1 for o in self.issuers if "recognizer" in o.kind),
            "awards": len(awarded),
            "hours": sum(self.hours_for(v.credential) for v in awarded if v.credential),
            "earners": len({v.award.recipient.email_hash for v in awarded}),
        }

    def mentors(self, ref: str) -> list[AwardView]:
        """Public earners of a credential who offer to mentor."""
        return [v for v in self.by_credential.get(ref, []) if v.listed and v.award.recipient.mentor]

    def portfolio_views(self, slug: str) -> list[AwardView]:
        """The awards listed on a portfolio, newest first."""
        views = [v for v in self.awards if v.listed and v.award.recipient.portfolio == slug]
        return sorted(views, key=lambda v: (v.day or date.min, v.award.id), reverse=True)

    def portfolios(self) -> dict[str, list[AwardView]]:
        """Every portfolio with at least one listed award."""
        found: dict[str, list[AwardView]] = defaultdict(list)
        for v in self.awards:
            if v.listed and v.award.recipient.portfolio:
                found[v.award.recipient.portfolio].append(v)
        return {
            slug: sorted(vs, key=lambda v: (v.day or date.min, v.award.id), reverse=True)
            for slug, vs in sorted(found.items())
        }

    def hours_by_recognizer(self, views: list[AwardView]) -> list[tuple[Organisation, float, list[AwardView]]]:
        """Credit hours each recognizer grants for these awards (for a portfolio transcript)."""
        totals: dict[str, tuple[Organisation, float, list[AwardView]]] = {}
        for v in views:
            for org, rec in self.registry.recognitions_of(v.award.credential_ref):
                prev = totals.get(org.id, (org, 0.0, []))
                totals[org.id] = (org, prev[1] + rec.credit_hours, [*prev[2], v])
        return sorted(totals.values(), key=lambda t: t[0].name.lower())

    def analytics(self) -> dict[str, object]:
        """Counts of pursued and earned credentials by competency, by status and by month."""
        by_comp: dict[str, Counter[str]] = defaultdict(Counter)
        by_month_sub: Counter[str] = Counter()
        by_month_award: Counter[str] = Counter()
        for v in self.awards:
            comp = v.credential.competency if v.credential else "(unknown credential)"
            by_comp[comp][v.status] += 1
            if v.award.submission:
                by_month_sub[v.award.submission.submitted_on.strftime("%Y-%m")] += 1
            if v.status in ("awarded", "revoked") and v.day:
                by_month_award[v.day.strftime("%Y-%m")] += 1
        months = sorted(set(by_month_sub) | set(by_month_award))
        if months:
            # Fill gaps so the chart's time axis is even.
            first, last = months[0], months[-1]
            y, m = int(first[:4]), int(first[5:])
            months = []
            while f"{y:04d}-{m:02d}" <= last:
                months.append(f"{y:04d}-{m:02d}")
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return {
            "by_competency": sorted(by_comp.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])),
            "months": months[-36:],
            "submitted": by_month_sub,
            "awarded": by_month_award,
        }


def build_site_data(registry: Registry) -> SiteData:
    """Index the registry for the pages."""
    data = SiteData(registry=registry)
    for loaded in sorted(registry.awards.values(), key=lambda a: a.record.id):
        award = loaded.record
        status = "revoked" if registry.is_revoked(award.id) else registry.status(award)
        view = AwardView(
            award=award,
            status=status,
            credential=registry.credential(award.credential_ref, award.credential_version)
            or registry.credential(award.credential_ref),
            issuer=registry.organisation(award.issuer),
            day=awarded_on(award),
        )
        data.awards.append(view)
        data.by_credential[award.credential_ref].append(view)
    return data


def now_utc() -> datetime:
    """The build time (UTC); one place so tests can reason about it."""
    return datetime.now(UTC)
