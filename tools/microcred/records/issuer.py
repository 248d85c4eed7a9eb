"""The organisation profile: issuers/<org>.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import Email, FieldError, GitHubHandle, Hours, IsoDateTime, Line, LongText, Record, Slug, Url

MULTIKEY_PATTERN = r"^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$"


class Person(Record):
    """Someone acting for the organisation: an admin or an assessor."""

    id: Slug = Field(description="Short id of the person inside this organisation.", examples=["dana-whitfield"])
    name: Line = Field(description="Name shown on the site.")
    github: GitHubHandle | None = Field(default=None, description="GitHub account that reviews or merges.")
    git_email: Email | None = Field(
        default=None,
        description="Email of the person's Git commits; used to confirm who assessed when no forge API is at hand. "
        "It is a work identity published in the profile, never an earner's address.",
    )
    title: Line | None = Field(default=None, description="Role, e.g. 'Instructional coach, 14 years'.")


class Assessor(Person):
    """A trained reviewer who may assess submissions for this organisation's credentials."""

    credentials: list[Slug] | None = Field(
        default=None,
        description="Credential slugs (of this organisation) this assessor may assess; omit for all.",
    )


class PublicKey(Record):
    """An Ed25519 public key the organisation signs with, with its validity window."""

    id: Slug = Field(description="Key id; becomes the fragment of the verification method.", examples=["key-2026"])
    public_key_multibase: str = Field(
        pattern=MULTIKEY_PATTERN, description="Ed25519 Multikey: z6Mk followed by base58btc."
    )
    not_before: IsoDateTime = Field(description="The key signs nothing before this time.")
    not_after: IsoDateTime | None = Field(default=None, description="Retired: signs nothing from this time on.")
    revoked_at: IsoDateTime | None = Field(
        default=None, description="Compromised: nothing it signed from this time on verifies."
    )

    @model_validator(mode="after")
    def _window_is_ordered(self) -> PublicKey:
        if self.not_after is not None and self.not_after <= self.not_before:
            raise FieldError("not_after must be later than not_before", "not_after")
        return self


class Recognition(Record):
    """Value this organisation grants for a credential (it acts as a recognizer)."""

    credential: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}$",
        description="The credential as <issuer>/<slug>.",
        examples=["riverbend-institute/questioning-strategies"],
    )
    credit_hours: Hours
    note: LongText | None = Field(default=None, description="What the hours count towards, any conditions.")


class AssessmentPolicy(Record):
    """How many assessors must independently agree before an award is complete."""

    assessors_required: int = Field(default=1, ge=1, le=5)


class Organisation(Record):
    """An organisation that issues credentials, recognises them, or both."""

    id: Slug = Field(description="Equals the file name: issuers/<id>.yaml.")
    name: Line
    url: Url = Field(description="The organisation's own web site.")
    email: Email = Field(description="A contact address for the organisation (not a person's private email).")
    description: LongText
    kind: list[Literal["issuer", "recognizer"]] = Field(
        min_length=1, description="What the organisation does in this registry."
    )
    image: Url | None = None
    location: Line | None = Field(default=None, description="Region served, e.g. 'Lakeshore County, MN'.")
    admins: list[Person] = Field(default_factory=list, description="People who may merge awards.")
    assessors: list[Assessor] = Field(default_factory=list)
    keys: list[PublicKey] = Field(default_factory=list, description="Every key ever used, old ones included.")
    recognitions: list[Recognition] = Field(default_factory=list)
    assessment: AssessmentPolicy = Field(default_factory=AssessmentPolicy)

    @model_validator(mode="after")
    def _roles_fit_kind(self) -> Organisation:
        if self.recognitions and "recognizer" not in self.kind:
            raise FieldError("has recognitions but 'recognizer' is not in kind", "kind")
        if "issuer" in self.kind and not self.admins:
            raise FieldError("an issuer needs at least one admin", "admins")
        return self

    def assessor(self, person_id: str) -> Assessor | None:
        """The assessor with this id, if listed."""
        return next((a for a in self.assessors if a.id == person_id), None)

    def key(self, key_id: str) -> PublicKey | None:
        """The public key with this id, if listed."""
        return next((k for k in self.keys if k.id == key_id), None)
