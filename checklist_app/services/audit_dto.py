"""Plain views of audit rounds, case audits and remedial actions for screens, reports and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RoundSummary:
    id: int
    period: str
    districts: tuple[str, ...]
    sample_size: int
    seed: int | None
    auditor: str
    created_at: datetime
    drawn_at: datetime | None
    frame_size: int  # eligible cases
    skipped_count: int
    signed_count: int  # audits signed so far

    @property
    def drawn(self) -> bool:
        return self.drawn_at is not None


@dataclass(frozen=True, slots=True)
class StratumView:
    district: str
    risk_category: int
    label: str
    population: int
    share: float  # exact proportional share of the sample
    places: int


@dataclass(frozen=True, slots=True)
class SkippedCase:
    case_id: int
    reference: str
    reason: str  # SkipReason value
    reason_text: str


@dataclass(frozen=True, slots=True)
class SampledCase:
    case_id: int
    reference: str
    district: str
    risk_category: int
    stratum: str
    audit_id: int | None
    audit_status: str  # pending, draft, signed
    overall_grade: str  # label, or "" until signed
    moderation_due: bool
    moderated: bool


@dataclass(frozen=True, slots=True)
class RoundDetail:
    summary: RoundSummary
    strata: tuple[StratumView, ...]
    skipped: tuple[SkippedCase, ...]
    sampled: tuple[SampledCase, ...]


@dataclass(frozen=True, slots=True)
class SampleCheck:
    """The outcome of `audit sample`: the round's draw, and whether redrawing it from the kept frame with the
    recorded seed gave the same cases (it always should; a mismatch means the stored round was altered)."""

    detail: RoundDetail
    newly_drawn: bool
    matches: bool


@dataclass(frozen=True, slots=True)
class AuditItemView:
    item_id: str
    phase_id: str
    compliance: str
    quality: str
    critical: bool
    steps: tuple[str, ...]
    grade: str
    comment: str
    label: str = ""  # what a reader sees: "Phase 2, Safeguarding: item 3 (steps 2.1, 2.4)", never the id

    @property
    def shown(self) -> str:
        return self.label or self.item_id


@dataclass(frozen=True, slots=True)
class RemedialView:
    id: int
    audit_id: int
    case_id: int
    case_reference: str
    description: str
    owner_id: int
    owner: str
    priority: str
    due_at: datetime
    raised_at: datetime
    raised_by: str
    status: str  # open, completed
    completed_at: datetime | None
    completed_by: str
    completion_note: str
    follow_up: str  # "", done, not_done
    followed_up_at: datetime | None
    followed_up_by: str
    follow_up_note: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class AddendumView:
    id: int
    author: str
    created_at: datetime
    text: str
    revised_grade: str
    revised_rationale: str
    signature: str  # the signature line with its state


@dataclass(frozen=True, slots=True)
class ModerationView:
    id: int
    moderator: str
    created_at: datetime
    overall_grade: str
    agrees: bool
    differences: dict[str, dict[str, str]]
    note: str
    signature: str


@dataclass(frozen=True, slots=True)
class AuditForm:
    id: int
    round_id: int
    round_period: str
    case_id: int
    case_reference: str
    case_district: str
    auditor_id: int
    auditor: str
    status: str  # pending, draft, signed
    template_title: str
    item_grades: tuple[tuple[str, str], ...]  # (id, label), as the template lists them
    overall_grades: tuple[tuple[str, str], ...]
    items: tuple[AuditItemView, ...]
    overall_grade: str
    rationale: str
    score: float | None
    indicated_grade: str  # id, "" until every item is graded
    cap: str  # the best overall grade id the critical items allow
    critical_failures: tuple[str, ...]
    remedial_actions: tuple[RemedialView, ...]
    addenda: tuple[AddendumView, ...]
    moderations: tuple[ModerationView, ...]
    signatures: tuple[str, ...]  # signature lines on the audit itself, with "valid" or "superseded"
    signed_at: datetime | None
    moderation_due: bool
    remedial_due: dict[str, datetime]  # default due time by priority, if raised now

    @property
    def signed(self) -> bool:
        return self.status == "signed"

    @property
    def effective_grade(self) -> str:
        """The overall grade as the latest signed addendum that revised it leaves it."""
        revised = [a.revised_grade for a in self.addenda if a.revised_grade]
        return revised[-1] if revised else self.overall_grade


@dataclass(frozen=True, slots=True)
class ModerationDue:
    """A signed audit picked for a second check that the asking auditor may moderate."""

    audit_id: int
    round_id: int
    round_period: str
    case_reference: str
    case_district: str
    auditor: str
    signed_at: datetime | None
    overall_grade: str  # label of the grade as it stands (after any revising addendum)
