"""The review packet: everything an assessor (or an admin settling a disagreement) needs, in Markdown.

The packet is shown as a pull-request check's job summary, which GitHub renders as Markdown with
some HTML. Every piece of record text is escaped, so a submission cannot inject links, images,
HTML or table breaks into the page an assessor reads.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .errors import UsageError
from .records import Assessment, Award, Credential, EvidenceItem, Organisation
from .registry import Registry

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape(text: str) -> str:
    """One line of record text, safe in Markdown and in a table cell: no markup, HTML or line breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # `\>` no longer matters once `>` is an entity; keep the entity form only
    text = text.replace("\\&gt;", "&gt;")
    lines = [line.strip() for line in text.splitlines()]
    return "<br>".join(line for line in lines if line) if len(lines) > 1 else (lines[0] if lines else "")


def escape_block(text: str, prefix: str = "") -> str:
    """Paragraphs of record text, escaped line by line (each line starts with `prefix`, e.g. '> ')."""
    lines = [escape(line) if line.strip() else "" for line in text.strip().splitlines()]
    return "\n".join(f"{prefix}{line}".rstrip() for line in lines)


def safe_url(url: str) -> str:
    """A link target that cannot break out of Markdown's (...) or into HTML; only http(s) is kept."""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return "#"
    return quote(url, safe=":/?#@!$&*+,;=%~-._")


def link(title: str, url: str) -> str:
    """A Markdown link with escaped text and a safe target."""
    return f"[{escape(title)}]({safe_url(url)})"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _evidence_facts(item: EvidenceItem) -> str:
    facts = []
    if item.words is not None:
        facts.append(f"{item.words:,} words")
    if item.minutes is not None:
        facts.append(f"{item.minutes:g} min")
    return f" ({', '.join(facts)})" if facts else ""


def _requirement_status(credential: Credential, award: Award) -> dict[str, list[str]]:
    """Why each requirement is unmet (empty list: met)."""
    assert award.submission is not None
    out: dict[str, list[str]] = {}
    for req in credential.evidence:
        items = [e for e in award.submission.evidence if e.requirement == req.id]
        why = []
        need = max(req.min_items, 1) if req.required else req.min_items
        if len(items) < need:
            why.append(f"{need} item{'s' if need != 1 else ''} needed, {len(items)} given")
        if len(items) > req.max_items:
            why.append(f"at most {req.max_items} allowed, {len(items)} given")
        for item in items:
            if req.min_words and (item.words is None or item.words < req.min_words):
                why.append(f"{item.title!r}: at least {req.min_words} words needed")
            if req.max_words and item.words is not None and item.words > req.max_words:
                why.append(f"{item.title!r}: at most {req.max_words} words allowed")
            if req.max_minutes and item.minutes is not None and item.minutes > req.max_minutes:
                why.append(f"{item.title!r}: at most {req.max_minutes:g} minutes allowed")
        out[req.id] = why
    return out


def _person(org: Organisation | None, assessor_id: str) -> str:
    person = org.assessor(assessor_id) if org else None
    if person is None:
        return f"{escape(assessor_id)} (not an assessor of this issuer)"
    handle = f" {escape(f'(@{person.github})')}" if person.github else ""
    return f"{escape(person.name)}{handle}"


def _assessment(lines: list[str], org: Organisation | None, credential: Credential, a: Assessment) -> None:
    assert credential.rubric is not None
    lines.append(
        f"#### {_person(org, a.assessor)}: {a.decision} (attempt {a.attempt}, {a.date.isoformat()})"
    )
    lines.append("")
    lines.append(_row("Criterion", "Level", "Feedback"))
    lines.append(_row("---", "---", "---"))
    for criterion in credential.rubric.criteria:
        level = a.scores.get(criterion.id)
        level_obj = credential.rubric.level(level) if level else None
        shown = escape(level_obj.label) if level_obj else (escape(level) if level else "*not scored*")
        lines.append(_row(escape(criterion.title), shown, escape(a.criterion_feedback.get(criterion.id, ""))))
    lines.append("")
    lines.append(escape_block(a.feedback, "> "))
    lines.append("")


def review_packet(registry: Registry, award_id: str) -> str:
    """The Markdown review packet of one award."""
    loaded = registry.awards.get(award_id)
    if loaded is None:
        raise UsageError(f"no award {award_id!r} in the registry (ids are the file names under awards/)")
    award = loaded.record
    org = registry.organisation(award.issuer)
    credential = registry.credential(award.credential_ref, award.credential_version)
    lines: list[str] = [f"## Review packet: {escape(award.id)}", ""]
    if credential is None:
        missing = (f"Credential {escape(award.credential_ref)} version {award.credential_version} is not in the "
                   "registry; nothing to review against.")
        lines += [missing, ""]
        return "\n".join(lines)
    current = registry.credential(award.credential_ref)
    newer = ""
    if current is not None and current.version != credential.version:
        newer = f" (the current version is {current.version}; this submission is assessed against version {credential.version})"
    lines.append(f"- **Credential:** {escape(credential.title)} ({escape(credential.ref)}), "
                 f"version {credential.version}{newer}")
    lines.append(f"- **Issuer:** {escape(org.name if org else award.issuer)}")
    required = org.assessment.assessors_required if org else 1
    lines.append(f"- **Status:** {registry.status(award)}; assessors required: {required}")
    lines.append(f"- **File:** `{loaded.path}`")
    if award.submission:
        sub = award.submission
        lines.append(f"- **Submitted:** {sub.submitted_on.isoformat()}, attempt {sub.attempt}")
    lines.append("")
    lines += ["### Competency", "", escape(credential.competency), "", escape_block(credential.summary), ""]
    if award.submission is None:
        lines += ["This is a stack: it is earned by holding its component credentials.", ""]
        return "\n".join(lines)
    sub = award.submission
    if sub.goal or sub.context:
        lines += ["### The earner's goal and context", ""]
        if sub.goal:
            lines += ["**Goal:**", "", escape_block(sub.goal), ""]
        if sub.context:
            lines += ["**Context:**", "", escape_block(sub.context), ""]

    status = _requirement_status(credential, award)
    lines += ["### Evidence by requirement", ""]
    lines.append(_row("Requirement", "Kind", "Asked", "Evidence", "Met"))
    lines.append(_row("---", "---", "---", "---", "---"))
    for req in credential.evidence:
        items = [e for e in sub.evidence if e.requirement == req.id]
        asked = [("required" if req.required else "optional"), f"{req.min_items}-{req.max_items} items"]
        if req.min_words or req.max_words:
            asked.append(f"{req.min_words or 0}-{req.max_words or '...'} words")
        if req.max_minutes:
            asked.append(f"up to {req.max_minutes:g} min")
        given = "<br>".join(link(i.title, i.url) + _evidence_facts(i) for i in items) or "*none*"
        met = "yes" if not status[req.id] else "**no**: " + escape("; ".join(status[req.id]))
        lines.append(_row(f"{escape(req.id)}<br>{escape(req.description)}", escape(req.kind),
                          escape(", ".join(asked)), given, met))
    extra = [e for e in sub.evidence if credential.requirement(e.requirement) is None]
    for item in extra:
        lines.append(_row(escape(item.requirement), "", "not asked for", link(item.title, item.url), "**no**"))
    lines.append("")
    unmet = [r for r, why in status.items() if why]
    if unmet:
        lines.append(f"**Unmet requirements:** {escape(', '.join(unmet))}")
    else:
        lines.append("All evidence requirements are met.")
    lines.append("")

    assert credential.rubric is not None
    rubric = credential.rubric
    lines += ["### Rubric", ""]
    lines.append(_row("Criterion", *(f"{escape(lv.label)} ({lv.score})" for lv in rubric.levels)))
    lines.append(_row(*(["---"] * (len(rubric.levels) + 1))))
    for c in rubric.criteria:
        reads = f"<br>*reads:* {escape(', '.join(c.evidence))}" if c.evidence else ""
        lines.append(_row(f"**{escape(c.title)}**{reads}",
                          *(escape(c.descriptors.get(lv.id, "")) for lv in rubric.levels)))
    floor = rubric.level(rubric.passing.every_criterion_at_least)
    rule = f"every criterion at least {escape(floor.label if floor else rubric.passing.every_criterion_at_least)}"
    if rubric.passing.min_total is not None:
        rule += f" and a total score of at least {rubric.passing.min_total}"
    lines += ["", f"**Passing rule:** {rule}.", ""]

    lines += ["### Criteria to score", ""]
    for c in rubric.criteria:
        lines.append(f"- [ ] `{c.id}`: {escape(c.title)} (levels: {', '.join(lv.id for lv in rubric.levels)})")
    lines.append("")

    lines += ["### Assessments", ""]
    if not award.assessments:
        lines += ["No assessment yet.", ""]
    for a in award.assessments:
        _assessment(lines, org, credential, a)

    if required > 1:
        lines += _disagreements(award, credential, required)
    return "\n".join(lines).rstrip() + "\n"


def _disagreements(award: Award, credential: Credential, required: int) -> list[str]:
    assert credential.rubric is not None
    current = award.current_assessments()
    lines = ["### Disagreements (for the issuer's admin)", ""]
    lines.append(f"{len(current)} of {required} required assessments of the current attempt are in.")
    lines.append("")
    if len(current) < 2:
        lines += ["Nothing to compare yet.", ""]
        return lines
    decisions = {a.assessor: a.decision for a in current}
    if len(set(decisions.values())) > 1:
        lines.append("**Decisions differ:** " + escape(", ".join(f"{k}: {v}" for k, v in sorted(decisions.items()))))
    else:
        lines.append(f"**Decisions agree:** {next(iter(decisions.values()))}.")
    lines.append("")
    differing = []
    rubric = credential.rubric
    for c in rubric.criteria:
        chosen = {}
        for a in current:
            level = rubric.level(a.scores.get(c.id, ""))
            chosen[a.assessor] = level.label if level else a.scores.get(c.id, "not scored")
        if len(set(chosen.values())) > 1:
            differing.append((c, chosen))
    if differing:
        lines.append(f"Levels differ on {len(differing)} of {len(rubric.criteria)} criteria:")
        lines.append("")
        lines.append(_row("Criterion", *(escape(a.assessor) for a in current)))
        lines.append(_row(*(["---"] * (len(current) + 1))))
        for c, chosen in differing:
            lines.append(_row(escape(c.title), *(escape(chosen[a.assessor]) for a in current)))
        lines.append("")
    if not differing and len(set(decisions.values())) == 1:
        lines += ["The assessors agree on every criterion and on the decision.", ""]
    return lines
