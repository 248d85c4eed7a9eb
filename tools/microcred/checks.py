"""Registry-wide rules: references resolve, evidence meets requirements, scores meet the rubric.

Each rule is a small function taking the registry and yielding problems; `check_registry` runs
them all so that every problem is reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from .errors import Problem
from .ids import is_unguessable
from .load import _field_name
from .records import Award, Credential
from .registry import Registry, email_hash, emails_in

Rule = Callable[[Registry], Iterator[Problem]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a registry-wide rule."""
    RULES.append(fn)
    return fn


def check_registry(registry: Registry, *, include_log: bool = True) -> list[Problem]:
    """Run every rule over a loaded registry; the problems, in file order.

    `include_log=False` leaves out the transparency-log rule, for the log's own commands
    (appending must work on a registry whose newest signed awards are not logged yet).
    """
    problems: list[Problem] = []
    for each in RULES:
        if each is transparency_log_matches and not include_log:
            continue
        problems.extend(each(registry))
    return problems


@rule
def organisations_are_consistent(registry: Registry) -> Iterator[Problem]:
    """People and keys within a profile have unique ids; assessor scopes name real credentials."""
    for loaded in registry.organisations.values():
        org = loaded.record
        for group in ("admins", "assessors", "keys"):
            seen: set[str] = set()
            for i, item in enumerate(getattr(org, group)):
                if item.id in seen:
                    yield loaded.problem(f"{group}[{i}].id {item.id!r} is listed twice", group, i, "id")
                seen.add(item.id)
        for i, assessor in enumerate(org.assessors):
            for j, slug in enumerate(assessor.credentials or []):
                ref = f"{org.id}/{slug}"
                if ref not in registry.credentials and f"credential:{ref}" not in registry.unreadable:
                    yield loaded.problem(
                        f"assessor {assessor.id!r} is scoped to credential {slug!r}, "
                        f"which {org.id} does not issue",
                        "assessors", i, "credentials", j,
                    )
        if "issuer" in org.kind and not org.assessors:
            yield loaded.problem("an issuer needs at least one assessor", "assessors")
        elif org.assessors and org.assessment.assessors_required > len(org.assessors):
            yield loaded.problem(
                f"assessment.assessors_required is {org.assessment.assessors_required} but only "
                f"{len(org.assessors)} assessor{'s are' if len(org.assessors) != 1 else ' is'} listed; "
                "no submission could ever be completed",
                "assessment", "assessors_required",
            )
        seen_refs: set[str] = set()
        for i, recognition in enumerate(org.recognitions):
            if (
                recognition.credential not in registry.credentials
                and f"credential:{recognition.credential}" not in registry.unreadable
            ):
                yield loaded.problem(
                    f"recognition names credential {recognition.credential!r}, which is not in the registry",
                    "recognitions", i, "credential",
                )
            if recognition.credential in seen_refs:
                yield loaded.problem(
                    f"credential {recognition.credential!r} is recognised twice", "recognitions", i, "credential"
                )
            seen_refs.add(recognition.credential)


@rule
def credentials_have_issuers(registry: Registry) -> Iterator[Problem]:
    """Each credential's issuer exists and issues; stacks name real credentials without cycles."""
    for loaded in registry.versions.values():
        credential = loaded.record
        org = registry.organisation(credential.issuer)
        if org is None and f"issuer:{credential.issuer}" not in registry.unreadable:
            yield loaded.problem(
                f"issuer {credential.issuer!r} has no profile; add issuers/{credential.issuer}.yaml", "issuer"
            )
        elif org is not None and "issuer" not in org.kind:
            yield loaded.problem(f"{credential.issuer} is not an issuer (its kind is {', '.join(org.kind)})", "issuer")
    for ref, loaded in registry.credentials.items():
        current = loaded.record
        archived = [v for (r, v) in registry.versions if r == ref and v != current.version]
        newer = [v for v in archived if v > current.version]
        if newer:
            yield loaded.problem(
                f"version {current.version} is older than the archived version {max(newer)}; "
                "the current file must hold the newest version",
                "version",
            )
        for i, required in enumerate(current.requires):
            if required == ref:
                yield loaded.problem("a stack cannot require itself", "requires", i)
            elif required not in registry.credentials and f"credential:{required}" not in registry.unreadable:
                yield loaded.problem(f"requires {required!r}, which is not in the registry", "requires", i)
    yield from _stack_cycles(registry)


def _stack_cycles(registry: Registry) -> Iterator[Problem]:
    graph = {ref: list(c.record.requires) for ref, c in registry.credentials.items()}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    reported: set[str] = set()
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if child not in graph or child == node:
                continue  # a stack requiring itself has its own, clearer problem
            if state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                if child not in reported:
                    reported.add(child)
                    loaded = registry.credentials[child]
                    yield loaded.problem(f"stacks form a cycle: {' -> '.join(cycle)}", "requires")
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))


@rule
def awards_are_sound(registry: Registry) -> Iterator[Problem]:
    """Each award names a real credential version, meets its evidence rules and its rubric."""
    for loaded in registry.awards.values():
        award = loaded.record
        org = registry.organisation(award.issuer)
        if f"issuer:{award.issuer}" in registry.unreadable or f"credential:{award.credential_ref}" in registry.unreadable:
            continue  # the broken file is reported already; checking against it would only add noise
        if org is None:
            yield loaded.problem(f"issuer {award.issuer!r} has no profile", "issuer")
            continue
        credential = registry.credential(award.credential_ref, award.credential_version)
        if credential is None:
            current = registry.credential(award.credential_ref)
            if current is None:
                yield loaded.problem(f"credential {award.credential_ref!r} does not exist", "credential")
            else:
                yield loaded.problem(
                    f"{award.credential_ref} has no version {award.credential_version} "
                    f"(current version is {current.version})",
                    "credential_version",
                )
            continue
        if not credential.published and award.current_assessments():
            yield loaded.problem(
                f"{award.credential_ref} v{credential.version} is a draft (published: false); "
                "it cannot be assessed until the issuer publishes it",
                "credential",
            )
        if award.recipient.visibility in ("unlisted", "private") and not is_unguessable(award.id):
            yield loaded.problem(
                f"an {award.recipient.visibility} award needs an unguessable id ending in 16 or more random "
                "characters (microcred new submission makes one)",
                "id",
            )
        yield from _plain_emails(loaded.path, loaded, award)
        if credential.is_stack:
            yield from _stack_award(registry, loaded, award, credential)
            continue
        if award.submission is None:
            yield loaded.problem("missing required field 'submission' (the evidence)", "submission", key=True)
            continue
        yield from _evidence(loaded, award, credential)
        yield from _assessments(registry, loaded, award, credential)


def _plain_emails(path: str, loaded: Any, award: Award) -> Iterator[Problem]:
    def walk(value: Any, loc: tuple[str | int, ...]) -> Iterator[Problem]:
        if isinstance(value, str):
            if loc[:1] == ("signed",):
                return
            for found in emails_in(value):
                yield loaded.problem(
                    f"{_field_name(loc)} contains an email address ({found}); earners' addresses never "
                    "go into the registry in clear, only as the salted hash",
                    *loc,
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, loc + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, loc + (i,))

    data = award.model_dump(exclude={"signed"}, mode="json")
    # One regex over the whole record first: nearly every award is clean, and walking every
    # field of 100,000 records costs more than the rest of the checks together.
    if emails_in(json.dumps(data, ensure_ascii=False)):
        yield from walk(data, ())


def _evidence(loaded: Any, award: Award, credential: Credential) -> Iterator[Problem]:
    assert award.submission is not None
    counts: dict[str, int] = {}
    for i, item in enumerate(award.submission.evidence):
        requirement = credential.requirement(item.requirement)
        if requirement is None:
            known = ", ".join(e.id for e in credential.evidence)
            yield loaded.problem(
                f"evidence item {item.title!r} answers requirement {item.requirement!r}, which "
                f"{credential.ref} v{credential.version} does not ask for (it asks for: {known})",
                "submission", "evidence", i, "requirement",
            )
            continue
        counts[requirement.id] = counts.get(requirement.id, 0) + 1
        if requirement.kind in ("reflection", "document", "lesson-plan") and (
            requirement.max_words or requirement.min_words
        ):
            if item.words is None:
                yield loaded.problem(
                    f"evidence {item.title!r} needs its word count (words:) for requirement {requirement.id!r}",
                    "submission", "evidence", i,
                )
            elif requirement.max_words and item.words > requirement.max_words:
                yield loaded.problem(
                    f"evidence {item.title!r} has {item.words} words; {requirement.id!r} allows at most "
                    f"{requirement.max_words}",
                    "submission", "evidence", i, "words",
                )
            elif requirement.min_words and item.words < requirement.min_words:
                yield loaded.problem(
                    f"evidence {item.title!r} has {item.words} words; {requirement.id!r} asks for at least "
                    f"{requirement.min_words}",
                    "submission", "evidence", i, "words",
                )
        if requirement.max_minutes and item.minutes and item.minutes > requirement.max_minutes:
            yield loaded.problem(
                f"evidence {item.title!r} runs {item.minutes:g} minutes; {requirement.id!r} allows at most "
                f"{requirement.max_minutes:g}",
                "submission", "evidence", i, "minutes",
            )
    for requirement in credential.evidence:
        have = counts.get(requirement.id, 0)
        if requirement.required and have < max(requirement.min_items, 1):
            need = max(requirement.min_items, 1)
            yield loaded.problem(
                f"missing required evidence {requirement.id!r} ({requirement.kind}): "
                f"{need} item{'s' if need > 1 else ''} needed, {have} given",
                "submission", "evidence",
            )
        elif have > requirement.max_items:
            yield loaded.problem(
                f"too much evidence for {requirement.id!r}: at most {requirement.max_items}, {have} given",
                "submission", "evidence",
            )
    if credential.require_student_outcomes and not any(
        (r := credential.requirement(item.requirement)) is not None and r.student_outcomes
        for item in award.submission.evidence
    ):
        yield loaded.problem(
            "this credential requires evidence of student outcomes, and none of the evidence is of that kind",
            "submission", "evidence",
        )


def _assessments(registry: Registry, loaded: Any, award: Award, credential: Credential) -> Iterator[Problem]:
    org = registry.organisation(award.issuer)
    assert org is not None and credential.rubric is not None
    rubric = credential.rubric
    seen: set[tuple[str, int]] = set()
    attempt = award.submission.attempt if award.submission else 1
    for i, assessment in enumerate(award.assessments):
        where = ("assessments", i)
        assessor = org.assessor(assessment.assessor)
        if assessor is None:
            yield loaded.problem(
                f"assessor {assessment.assessor!r} is not listed for {org.id}; only its assessors may assess",
                *where, "assessor",
            )
        else:
            if assessor.credentials is not None and credential.id not in assessor.credentials:
                yield loaded.problem(
                    f"assessor {assessor.id!r} is not scoped to assess {credential.id!r}", *where, "assessor"
                )
            if _is_recipient(assessor, award):
                yield loaded.problem(
                    f"assessor {assessor.id!r} is the recipient; nobody may assess their own submission",
                    *where, "assessor",
                )
        if (assessment.assessor, assessment.attempt) in seen:
            yield loaded.problem(
                f"assessor {assessment.assessor!r} assessed attempt {assessment.attempt} twice", *where, "assessor"
            )
        seen.add((assessment.assessor, assessment.attempt))
        if assessment.attempt > attempt:
            yield loaded.problem(
                f"assessment is for attempt {assessment.attempt} but the submission is attempt {attempt}",
                *where, "attempt",
            )
        if award.submission and assessment.date < award.submission.submitted_on and assessment.attempt == attempt:
            yield loaded.problem("assessment date is before the submission date", *where, "date")
        level_ids = [lv.id for lv in rubric.levels]
        complete = True
        for criterion_id, level_id in assessment.scores.items():
            if all(c.id != criterion_id for c in rubric.criteria):
                complete = False
                yield loaded.problem(
                    f"scores criterion {criterion_id!r}, which the rubric does not have "
                    f"(criteria: {', '.join(c.id for c in rubric.criteria)})",
                    *where, "scores", criterion_id, key=True,
                )
            elif level_id not in level_ids:
                complete = False
                yield loaded.problem(
                    f"{level_id!r} is not a level of the rubric (levels: {', '.join(level_ids)})",
                    *where, "scores", criterion_id,
                )
        for criterion in rubric.criteria:
            if criterion.id not in assessment.scores:
                complete = False
                yield loaded.problem(f"criterion {criterion.id!r} is not scored", *where, "scores")
        for criterion_id in assessment.criterion_feedback:
            if all(c.id != criterion_id for c in rubric.criteria):
                yield loaded.problem(
                    f"feedback for criterion {criterion_id!r}, which the rubric does not have",
                    *where, "criterion_feedback", criterion_id, key=True,
                )
        if complete:
            passes = rubric.passes(assessment.scores)
            if passes and assessment.decision == "not-yet":
                yield loaded.problem(
                    "decision is not-yet but the scores meet the passing rule; award it or lower a score",
                    *where, "decision",
                )
            elif not passes and assessment.decision == "awarded":
                floor = rubric.passing.every_criterion_at_least
                extra = f" and a total of {rubric.passing.min_total}" if rubric.passing.min_total else ""
                yield loaded.problem(
                    f"decision is awarded but the scores do not meet the passing rule "
                    f"(every criterion at least {floor!r}{extra})",
                    *where, "decision",
                )
    if award.signed is not None and registry.status(award) != "awarded":
        yield loaded.problem("the award is signed but its assessments do not award it", "signed")


def _is_recipient(assessor: Any, award: Award) -> bool:
    if assessor.github and award.recipient.github and assessor.github.lower() == award.recipient.github.lower():
        return True
    if assessor.git_email:
        return email_hash(assessor.git_email, award.recipient.salt) == award.recipient.email_hash
    return False


def _stack_award(registry: Registry, loaded: Any, award: Award, credential: Credential) -> Iterator[Problem]:
    if award.submission is not None:
        yield loaded.problem("a stack is earned by its components; remove the submission", "submission", key=True)
    org = registry.organisation(award.issuer)
    for i, assessment in enumerate(award.assessments):
        # Whoever confirms a stack must be one of the issuer's assessors, as for any other award.
        if org is not None and org.assessor(assessment.assessor) is None:
            yield loaded.problem(
                f"assessor {assessment.assessor!r} is not listed for {org.id}; only its assessors may assess",
                "assessments", i, "assessor",
            )
    held = {
        a.record.credential_ref
        for a in registry.awards.values()
        if a.record.recipient.email_hash == award.recipient.email_hash
        and registry.status(a.record) == "awarded"
        and not registry.is_revoked(a.record.id)
    }
    missing = [ref for ref in credential.requires if ref not in held]
    if missing and registry.status(award) == "awarded":
        yield loaded.problem(
            f"stack awarded but the recipient does not hold {', '.join(missing)} "
            "(component awards must use the same email hash)",
            "assessments",
        )


@rule
def revocations_are_sound(registry: Registry) -> Iterator[Problem]:
    """A revocation names a signed award of the same issuer, by one of its admins."""
    for award_id, loaded in registry.revocations.items():
        award = registry.awards.get(award_id)
        if award is None:
            if f"award:{award_id}" not in registry.unreadable:  # a broken award is reported already
                yield loaded.problem(f"revokes award {award_id!r}, which does not exist", "award")
            continue
        if award.record.signed is None:
            yield loaded.problem(
                f"award {award_id!r} was never signed; remove the award instead of revoking it", "award"
            )
        folder = award.path.rsplit("/", 1)[0]
        if loaded.path.rsplit("/", 1)[0] != folder:
            yield loaded.problem(f"a revocation sits beside its award; move this file to {folder}/", "award")
        org = registry.organisation(award.record.issuer)
        if org is not None and all(a.id != loaded.record.revoked_by for a in org.admins):
            yield loaded.problem(
                f"revoked_by {loaded.record.revoked_by!r} is not an admin of {org.id}", "revoked_by"
            )


@rule
def signed_awards_are_consistent(registry: Registry) -> Iterator[Problem]:
    """A signed block holds JSON and a status index no other award of its issuer uses.

    (Whether its key and proofs are good is `microcred verify`'s job.)
    """
    seen: dict[tuple[str, int], str] = {}
    for award_id, loaded in sorted(registry.awards.items()):
        signed = loaded.record.signed
        if signed is None:
            continue
        slot = (loaded.record.issuer, signed.status_index)
        if slot in seen:
            yield loaded.problem(
                f"status_index {signed.status_index} is also used by award {seen[slot]!r}; revoking one "
                "would revoke both",
                "signed", "status_index",
            )
        seen.setdefault(slot, award_id)
        # A cheap shape test keeps validate fast on 100,000 awards; verify parses and checks it all.
        text = signed.credential.strip()
        if not (text.startswith("{") and text.endswith("}")):
            yield loaded.problem("signed.credential is not the JSON text of a credential", "signed", "credential")


@rule
def portfolios_are_consistent(registry: Registry) -> Iterator[Problem]:
    """Awards on one portfolio agree on the earner's name and GitHub account.

    Salted hashes cannot show that two awards belong to one person, so this is the check that
    keeps a submission from quietly appearing on somebody else's portfolio under another name.
    """
    first: dict[str, Any] = {}
    for award_id in sorted(registry.awards):
        loaded = registry.awards[award_id]
        recipient = loaded.record.recipient
        if recipient.portfolio is None:
            continue
        owner = first.setdefault(recipient.portfolio, loaded)
        if owner is loaded:
            continue
        other = owner.record.recipient
        if recipient.name != other.name:
            yield loaded.problem(
                f"portfolio {recipient.portfolio!r} belongs to {other.name!r} ({owner.path}); "
                f"this award names {recipient.name!r}: use the same name or another portfolio",
                "recipient", "portfolio",
            )
        elif recipient.github and other.github and recipient.github.lower() != other.github.lower():
            yield loaded.problem(
                f"portfolio {recipient.portfolio!r} belongs to GitHub account {other.github!r} ({owner.path}); "
                f"this award names {recipient.github!r}",
                "recipient", "github",
            )


@rule
def transparency_log_matches(registry: Registry) -> Iterator[Problem]:
    """Once a registry has a transparency log, every signed award is in it, unaltered, exactly once."""
    from .tlog.registrylog import check, has_log  # the log is optional; load it only when present

    if has_log(registry.root):
        yield from check(registry, registry.root)
