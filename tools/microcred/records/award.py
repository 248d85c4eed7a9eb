"""An award record: awards/<org>/<credential>/<award-id>.yaml, and its revocation record."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import (
    EmailHash,
    FieldError,
    GitHubHandle,
    IsoDate,
    IsoDateTime,
    Line,
    LongText,
    Record,
    Salt,
    Slug,
    Url,
)

Visibility = Literal["public", "unlisted", "private"]
Decision = Literal["awarded", "not-yet"]


class Recipient(Record):
    """Who earned it. The email appears only as a salted hash; the rest is the earner's choice."""

    email_hash: EmailHash
    salt: Salt
    visibility: Visibility = Field(
        description="public: named and listed; unlisted: named only on the award's own secret page; "
        "private: no name anywhere, only the salted email hash."
    )
    name: Line | None = Field(default=None, description="Display name (not allowed when private).")
    portfolio: Slug | None = Field(
        default=None, description="Portfolio page this award appears on (public awards only)."
    )
    github: GitHubHandle | None = Field(default=None, description="The earner's GitHub account (not when private).")
    share_feedback: bool = Field(default=False, description="Show the assessor's feedback on the award page.")
    mentor: bool = Field(default=False, description="Offer to mentor others on the credential page (public only).")

    @model_validator(mode="after")
    def _visibility_rules(self) -> Recipient:
        if self.visibility == "private":
            named = [f for f in ("name", "portfolio", "github") if getattr(self, f) is not None]
            if named:
                raise FieldError(
                    f"a private award carries no personal data; remove {', '.join(named)} "
                    "(or choose visibility unlisted)",
                    named[0],
                )
            if self.mentor:
                raise FieldError("a private award cannot offer to mentor; choose visibility public", "mentor")
        else:
            if self.name is None:
                raise FieldError(f"a {self.visibility} award needs the earner's display name", "visibility")
        if self.visibility == "unlisted" and (self.portfolio is not None or self.mentor):
            raise FieldError(
                "an unlisted award is not listed anywhere; remove portfolio and mentor",
                "portfolio" if self.portfolio is not None else "mentor",
            )
        return self


class EvidenceItem(Record):
    """One piece of submitted evidence, mapped to a requirement of the credential."""

    requirement: Slug = Field(description="Id of the credential's evidence requirement this meets.")
    title: Line
    url: Url
    description: LongText | None = None
    words: int | None = Field(default=None, ge=0, description="Word count of a written piece.")
    minutes: float | None = Field(default=None, gt=0, description="Length of a video or audio clip.")


class Submission(Record):
    """What the earner submitted."""

    submitted_on: IsoDate
    attempt: int = Field(default=1, ge=1, description="Raised on each resubmission after a not-yet.")
    goal: LongText | None = Field(default=None, description="The learning goal the earner set.")
    context: LongText | None = Field(default=None, description="Teaching context: grade, subject, setting.")
    evidence: list[EvidenceItem] = Field(min_length=1)


class Assessment(Record):
    """One assessor's independent review of one attempt."""

    assessor: Slug = Field(description="Id of an assessor listed in the issuer's profile.")
    date: IsoDate
    attempt: int = Field(default=1, ge=1)
    scores: dict[Slug, Slug] = Field(description="Level reached, by rubric criterion id.")
    criterion_feedback: dict[Slug, LongText] = Field(default_factory=dict)
    feedback: LongText = Field(description="Personal feedback to the earner, whatever the decision.")
    decision: Decision


class Provenance(Record):
    """Where the award came from in Git; filled by the publish workflow."""

    pull_request: int | None = Field(default=None, ge=1)
    pull_request_url: Url | None = None
    submitted_commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,64}$")
    assessed_commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,64}$")
    merge_commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,64}$")
    approved_by: list[GitHubHandle] = Field(default_factory=list)
    merged_at: IsoDateTime | None = None


class Signed(Record):
    """The signed Open Badges 3.0 credential, kept as JSON text so its bytes survive YAML."""

    signed_at: IsoDateTime
    key: Slug = Field(description="Id of the issuer key that signed.")
    status_index: int = Field(ge=0, description="This award's bit in the issuer's status list.")
    credential: str = Field(description="The signed credential as JSON text, exactly as signed.")


class Award(Record):
    """One submission, its assessment and (once awarded and signed) its credential."""

    id: Slug = Field(description="Equals the file name; public URL part of the award page.")
    issuer: Slug
    credential: Slug
    credential_version: int = Field(ge=1, description="The version of the credential this was assessed against.")
    recipient: Recipient
    submission: Submission | None = Field(default=None, description="Omitted only for a stack.")
    assessments: list[Assessment] = Field(default_factory=list)
    provenance: Provenance | None = None
    signed: Signed | None = None

    @property
    def credential_ref(self) -> str:
        """<issuer>/<slug> of the credential."""
        return f"{self.issuer}/{self.credential}"

    def current_assessments(self) -> list[Assessment]:
        """Assessments of the latest attempt (earlier ones are history)."""
        attempt = self.submission.attempt if self.submission else 1
        return [a for a in self.assessments if a.attempt == attempt]


class Revocation(Record):
    """Withdraws a signed award. A new record: the award itself is never edited."""

    award: Slug
    revoked_at: IsoDateTime
    reason: LongText
    revoked_by: Slug = Field(description="Id of the issuer admin who revoked it.")
