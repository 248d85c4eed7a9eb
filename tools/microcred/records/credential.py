"""A credential: credentials/<org>/<slug>.yaml (earlier versions: <slug>.v<N>.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import FieldError, Hours, Line, LongText, Record, Slug, Url

EvidenceKind = Literal["video", "document", "student-work", "reflection", "link", "image", "data", "lesson-plan"]


class Citation(Record):
    """A piece of research the key method rests on."""

    citation: LongText = Field(examples=["Walsh, J. A., & Sattes, B. D. (2016). Quality Questioning. Corwin."])
    url: Url | None = None


class Resource(Record):
    """A learning resource that helps an earner prepare."""

    title: Line
    url: Url
    kind: Literal["article", "video", "book", "course", "tool", "guide"] = "article"


class EvidenceRequirement(Record):
    """One piece of evidence an earner must (or may) submit."""

    id: Slug
    kind: EvidenceKind
    description: LongText
    required: bool = True
    min_items: int = Field(default=1, ge=0, le=20)
    max_items: int = Field(default=1, ge=1, le=20)
    min_words: int | None = Field(default=None, ge=1)
    max_words: int | None = Field(default=None, ge=1)
    max_minutes: float | None = Field(default=None, gt=0, description="Longest video or audio allowed.")
    student_outcomes: bool = Field(default=False, description="This evidence shows student outcomes.")

    @model_validator(mode="after")
    def _bounds(self) -> EvidenceRequirement:
        if self.min_items > self.max_items:
            raise FieldError("min_items is larger than max_items", "min_items")
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise FieldError("min_words is larger than max_words", "min_words")
        return self


class Level(Record):
    """A performance level of the rubric, shared by all criteria."""

    id: Slug = Field(examples=["proficient"])
    label: Line
    score: int = Field(ge=0, le=100)


class Criterion(Record):
    """One row of the rubric."""

    id: Slug
    title: Line
    description: LongText | None = None
    evidence: list[Slug] = Field(default_factory=list, description="Ids of the evidence this criterion reads.")
    descriptors: dict[Slug, LongText] = Field(description="What each level looks like, by level id.")


class PassingRule(Record):
    """When a scored submission earns the credential."""

    every_criterion_at_least: Slug = Field(description="Level id every criterion must reach.")
    min_total: int | None = Field(default=None, ge=0, description="Optional floor on the sum of scores.")


class Rubric(Record):
    """Criteria x levels, and the rule that turns scores into a decision."""

    levels: list[Level] = Field(min_length=2)
    criteria: list[Criterion] = Field(min_length=1)
    passing: PassingRule

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        level_ids = [lv.id for lv in self.levels]
        if len(set(level_ids)) != len(level_ids):
            raise FieldError("two levels share an id", "levels")
        scores = [lv.score for lv in self.levels]
        if scores != sorted(scores) or len(set(scores)) != len(scores):
            raise FieldError("levels must be listed from lowest to highest score, each score different", "levels")
        if self.passing.every_criterion_at_least not in level_ids:
            raise FieldError(
                f"passing.every_criterion_at_least names {self.passing.every_criterion_at_least!r}, "
                f"which is not a level (levels: {', '.join(level_ids)})",
                "passing", "every_criterion_at_least",
            )
        criterion_ids = [c.id for c in self.criteria]
        if len(set(criterion_ids)) != len(criterion_ids):
            raise FieldError("two criteria share an id", "criteria")
        for i, c in enumerate(self.criteria):
            missing = [lv for lv in level_ids if lv not in c.descriptors]
            extra = [k for k in c.descriptors if k not in level_ids]
            if missing:
                raise FieldError(
                    f"criterion {c.id!r} has no descriptor for level {missing[0]!r}", "criteria", i, "descriptors"
                )
            if extra:
                raise FieldError(
                    f"criterion {c.id!r} describes unknown level {extra[0]!r}", "criteria", i, "descriptors", extra[0]
                )
        return self

    def level(self, level_id: str) -> Level | None:
        """The level with this id, if defined."""
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def passes(self, scores: dict[str, str]) -> bool:
        """Whether complete scores (criterion id -> level id) meet the passing rule."""
        floor = self.level(self.passing.every_criterion_at_least)
        assert floor is not None  # checked by the validator
        total = 0
        for criterion in self.criteria:
            level = self.level(scores.get(criterion.id, ""))
            if level is None or level.score < floor.score:
                return False
            total += level.score
        return self.passing.min_total is None or total >= self.passing.min_total


class Credential(Record):
    """A micro-credential: one discrete competency, the evidence it asks for and its rubric."""

    id: Slug = Field(description="Equals the file name.")
    issuer: Slug = Field(description="Equals the folder: credentials/<issuer>/.")
    version: int = Field(ge=1, description="Raised whenever the credential changes after awards exist.")
    title: Line
    competency: Line = Field(description="The competency area, e.g. 'Questioning strategies'.")
    tags: list[Slug] = Field(default_factory=list)
    summary: LongText
    key_method: LongText = Field(description="The teaching method the earner demonstrates.")
    research_basis: list[Citation] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    evidence: list[EvidenceRequirement] = Field(default_factory=list)
    require_student_outcomes: bool = Field(
        default=False, description="A submission must include at least one student-outcome evidence item."
    )
    rubric: Rubric | None = None
    credit_hours: Hours | None = Field(default=None, description="Suggested professional-development hours.")
    valid_for_months: int | None = Field(default=None, ge=1, le=240, description="Awards expire after this long.")
    image: Url | None = Field(default=None, description="Badge image; a clean SVG is generated when absent.")
    requires: list[str] = Field(
        default_factory=list,
        description="For a stack: the credentials (<issuer>/<slug>) an earner must hold first.",
    )
    published: bool = Field(default=True, description="False while a proposal is being drafted.")

    @model_validator(mode="after")
    def _shape(self) -> Credential:
        if self.requires:
            if self.evidence or self.rubric:
                raise FieldError(
                    "a stack (requires) is earned by its components; give it no evidence or rubric",
                    "evidence" if self.evidence else "rubric",
                )
            return self
        if not self.evidence:
            raise FieldError("a credential needs at least one evidence requirement", "evidence")
        if self.rubric is None:
            raise ValueError("a credential needs a rubric")
        ids = [e.id for e in self.evidence]
        if len(set(ids)) != len(ids):
            raise FieldError("two evidence requirements share an id", "evidence")
        for i, c in enumerate(self.rubric.criteria):
            for j, ev in enumerate(c.evidence):
                if ev not in ids:
                    raise FieldError(
                        f"rubric criterion {c.id!r} reads evidence {ev!r}, which is not required",
                        "rubric", "criteria", i, "evidence", j,
                    )
        if self.require_student_outcomes and not any(e.student_outcomes for e in self.evidence):
            raise FieldError(
                "require_student_outcomes is set but no evidence requirement has student_outcomes",
                "require_student_outcomes",
            )
        return self

    @property
    def ref(self) -> str:
        """<issuer>/<slug>, how other records name this credential."""
        return f"{self.issuer}/{self.id}"

    @property
    def is_stack(self) -> bool:
        """A stack is earned by holding other credentials."""
        return bool(self.requires)

    def requirement(self, requirement_id: str) -> EvidenceRequirement | None:
        """The evidence requirement with this id, if any."""
        return next((e for e in self.evidence if e.id == requirement_id), None)
