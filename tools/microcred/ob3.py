"""Open Badges 3.0: the AchievementCredential of an award, built from records (pure, no I/O).

Choices worth knowing:

- ``validFrom`` is the moment the award was made, not the moment CI signed it: the merge time
  (``provenance.merged_at``) when known, else the date of the deciding assessment at 00:00Z.
  The earner's credential should not start (or expire) later because a CI run was late, and the
  document is then a pure function of the record. When it was signed is in ``proof.created``,
  and key windows are checked against that. ``awardedDate`` carries the same moment.
- ``validUntil`` = validFrom + the credential's ``valid_for_months`` (absent: no expiry).
- A private award names nobody: no ``name`` in the subject, only the salted email hash.
- Rubric levels become ``ResultDescription`` / ``RubricCriterionLevel`` entries with absolute
  ids under the Achievement URL (the OB context types achievedLevel etc. as anyURI). The
  levels themselves (with what each looks like) are not repeated in every award, to keep award
  files small (DESIGN.md: page + JSON under 16 KB); they are in the full Achievement published
  at the Achievement's id (``achievement-v<N>.json``) and on the credential page.
"""

from __future__ import annotations

import calendar
import json
from datetime import UTC, date, datetime, time
from functools import cache
from importlib import resources
from typing import Any

from .keys import iso
from .records import Award, Credential, Organisation
from .urls import SiteUrls

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: Defines 1EdTechJsonSchemaValidator2019 (the credentialSchema type); without it RDFC-1.0
#: would drop that type from what is signed, so the rdfc proof refuses the document.
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXT = [VC_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT]
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
ACHIEVEMENT_TYPE = "MicroCredential"  # in the OB 3.0 AchievementType enumeration


@cache
def schema() -> dict[str, Any]:
    """The official OB 3.0 AchievementCredential JSON Schema (packaged copy)."""
    path = resources.files("microcred").joinpath("data", "schemas", "ob_v3p0_achievementcredential.json")
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def schema_id() -> str:
    """The schema's official URL ($id), named in every credential's credentialSchema."""
    return str(schema()["$id"])


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months (the day is clamped to the month's length)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def awarded_at(award: Award) -> datetime:
    """When the award was made: merge time if recorded, else the latest deciding assessment date."""
    if award.provenance is not None and award.provenance.merged_at is not None:
        return award.provenance.merged_at.astimezone(UTC).replace(microsecond=0)
    dates: list[date] = [a.date for a in award.current_assessments() if a.decision == "awarded"]
    if not dates:
        dates = [a.date for a in award.assessments]
    if not dates:
        raise ValueError(f"award {award.id} has no assessment to date it by")
    return datetime.combine(max(dates), time(0, 0), tzinfo=UTC)


def achievement_url(urls: SiteUrls, credential: Credential) -> str:
    """Absolute URL of the OB 3.0 Achievement of this credential version."""
    return urls.url(urls.achievement(credential.issuer, credential.id, credential.version))


def criterion_id(urls: SiteUrls, credential: Credential, criterion: str) -> str:
    """Id of the ResultDescription of one rubric criterion."""
    return f"{achievement_url(urls, credential)}#criterion-{criterion}"


def level_id(urls: SiteUrls, credential: Credential, criterion: str, level: str) -> str:
    """Id of the RubricCriterionLevel `level` of `criterion`."""
    return f"{achievement_url(urls, credential)}#criterion-{criterion}-level-{level}"


def criteria_markdown(credential: Credential) -> str:
    """The criteria narrative: key method, evidence requirements and passing rule, as Markdown."""
    parts: list[str] = []
    if credential.is_stack:
        parts.append("## Requirements\n\nHold each of these credentials:\n")
        parts.append("\n".join(f"- {ref}" for ref in credential.requires))
        return "\n".join(parts).strip() + "\n"
    parts.append(f"## Key method\n\n{credential.key_method.strip()}\n")
    parts.append("## Evidence\n")
    for req in credential.evidence:
        count = req.min_items if req.min_items == req.max_items else f"{req.min_items}-{req.max_items}"
        bounds = []
        if req.min_words or req.max_words:
            bounds.append(f"{req.min_words or 0}-{req.max_words or 'any'} words")
        if req.max_minutes:
            bounds.append(f"at most {req.max_minutes:g} minutes each")
        extra = f" ({'; '.join(bounds)})" if bounds else ""
        need = "required" if req.required else "optional"
        text = " ".join(req.description.split())
        parts.append(f"- **{req.id}** ({req.kind}, {need}, {count} item{'s' if req.max_items > 1 else ''}{extra}): {text}")
    if credential.rubric is not None:
        rubric = credential.rubric
        floor = rubric.level(rubric.passing.every_criterion_at_least)
        label = floor.label if floor else rubric.passing.every_criterion_at_least
        rule = f"Every rubric criterion must reach at least **{label}**"
        if rubric.passing.min_total is not None:
            rule += f", with a total score of at least {rubric.passing.min_total}"
        parts.append(f"\n## Passing rule\n\n{rule}.\n")
        parts.append("## Rubric criteria\n")
        parts.extend(f"- **{c.title}**" + (f": {' '.join(c.description.split())}" if c.description else "")
                     for c in rubric.criteria)
    return "\n".join(parts).strip() + "\n"


def achievement(credential: Credential, org: Organisation, urls: SiteUrls, *, levels: bool = True) -> dict[str, Any]:
    """The OB 3.0 Achievement of one credential version (also published on its own).

    `levels=False` leaves out each criterion's rubricCriterionLevel list (about 4 KB for a
    four-by-four rubric): awards embed the Achievement without them to stay small, and the level
    ids they name are defined in the full Achievement published at the Achievement's own id.
    """
    url = achievement_url(urls, credential)
    doc: dict[str, Any] = {
        "id": url,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": credential.title,
        "description": credential.summary.strip(),
        "criteria": {
            "id": urls.url(urls.credential_page(credential.issuer, credential.id)),
            "narrative": criteria_markdown(credential),
        },
        "image": {
            "id": credential.image or urls.url(urls.badge_image(credential.issuer, credential.id)),
            "type": "Image",
        },
        "version": str(credential.version),
        "fieldOfStudy": credential.competency,
        "creator": {"id": urls.did(org.id), "type": ["Profile"], "name": org.name},
    }
    if credential.credit_hours is not None:
        doc["creditsAvailable"] = credential.credit_hours
    if credential.tags:
        doc["tag"] = list(credential.tags)
    if credential.rubric is not None:
        rubric = credential.rubric
        floor = rubric.passing.every_criterion_at_least
        descriptions = []
        for c in rubric.criteria:
            entry: dict[str, Any] = {
                "id": criterion_id(urls, credential, c.id),
                "type": ["ResultDescription"],
                "name": c.title,
                "resultType": "RubricCriterionLevel",
                "allowedValue": [lv.label for lv in rubric.levels],
                "requiredLevel": level_id(urls, credential, c.id, floor),
            }
            if levels:
                entry["rubricCriterionLevel"] = [
                    {
                        "id": level_id(urls, credential, c.id, lv.id),
                        "type": ["RubricCriterionLevel"],
                        "name": lv.label,
                        "description": " ".join(c.descriptors[lv.id].split()),
                        "level": lv.id,
                        "points": str(lv.score),
                    }
                    for lv in rubric.levels
                ]
            descriptions.append(entry)
        doc["resultDescription"] = descriptions
    return doc


def _results(award: Award, credential: Credential, urls: SiteUrls) -> list[dict[str, Any]]:
    rubric = credential.rubric
    if rubric is None:
        return []
    deciding = [a for a in award.current_assessments() if a.decision == "awarded"]
    results = []
    for c in rubric.criteria:
        # With several assessors, the level all of them agree was reached: the lowest one.
        levels = [rubric.level(a.scores[c.id]) for a in deciding if c.id in a.scores]
        reached = [lv for lv in levels if lv is not None]
        if not reached:
            continue
        level = min(reached, key=lambda lv: lv.score)
        results.append({
            "type": ["Result"],
            "resultDescription": criterion_id(urls, credential, c.id),
            "achievedLevel": level_id(urls, credential, c.id, level.id),
            "value": level.label,
        })
    return results


def build_credential(
    award: Award, credential: Credential, org: Organisation, urls: SiteUrls, *, status_index: int
) -> dict[str, Any]:
    """The unsigned OB 3.0 AchievementCredential of an awarded award."""
    start = awarded_at(award)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [{
            "type": "IdentityObject",
            "identityHash": award.recipient.email_hash,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": award.recipient.salt,
        }],
        "achievement": achievement(credential, org, urls, levels=False),
    }
    if award.recipient.visibility in ("public", "unlisted") and award.recipient.name:
        subject["name"] = award.recipient.name
    if credential.credit_hours is not None:
        subject["creditsEarned"] = credential.credit_hours
    results = _results(award, credential, urls)
    if results:
        subject["result"] = results
    issuer: dict[str, Any] = {
        "id": urls.did(org.id),
        "type": ["Profile"],
        "name": org.name,
        "url": org.url,
        "email": org.email,
    }
    status_url = urls.url(urls.status_list(org.id))
    doc: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": urls.url(urls.award_page(award.id)),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.title,
        "issuer": issuer,
        "validFrom": iso(start),
        "awardedDate": iso(start),
        "credentialSubject": subject,
        "credentialSchema": [{"id": schema_id(), "type": SCHEMA_VALIDATOR_TYPE}],
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
    }
    if credential.valid_for_months:
        doc["validUntil"] = iso(add_months(start, credential.valid_for_months))
    if award.submission is not None:
        evidence = []
        for item in award.submission.evidence:
            entry: dict[str, Any] = {"id": item.url, "type": ["Evidence"], "name": item.title}
            req = credential.requirement(item.requirement)
            if item.description:
                entry["narrative"] = item.description.strip()
            if req is not None:
                entry["genre"] = req.kind
            evidence.append(entry)
        doc["evidence"] = evidence
    return doc


def dumps(document: dict[str, Any]) -> str:
    """The stored text of a signed credential: sorted keys, indent 1, ASCII only (YAML-safe)."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True)
