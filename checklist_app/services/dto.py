"""Plain data the services hand out. Never ORM objects: these are safe to pass between threads and to
keep after the transaction that produced them has ended."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TeamInfo:
    id: int
    name: str
    district_id: int
    district_name: str


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    team_name: str
    district_id: int | None
    district_name: str
    active: bool
    locked: bool
    last_logon_at: datetime | None
    failed_logons: int = 0
    locked_at: datetime | None = None
    must_change_password: bool = False


@dataclass(frozen=True, slots=True)
class ProcedureVersionInfo:
    id: int
    procedure_id: str
    version: str
    title: str
    effective_date: date
    content_hash: str
    published_at: datetime
    published_by: str
    phases: int
    steps: int

    @property
    def label(self) -> str:
        return f"{self.procedure_id} v{self.version}"


@dataclass(frozen=True, slots=True)
class PublishResult:
    version: ProcedureVersionInfo
    created: bool  # False when the same content was already published


class CaseRow(NamedTuple):
    """One line of the case list. A NamedTuple: the list may hold 20,000 of these, built in one go."""

    id: int
    reference: str
    status: str
    district_id: int
    district_name: str
    team_id: int | None
    officer_id: int | None
    officer_name: str | None
    supervisor_id: int | None
    subject_ref: str
    referral_at: datetime
    phase_number: int
    phase_title: str
    risk_category: int
    next_due_step: str
    next_due_title: str
    next_due_at: datetime | None
    # Due times of open required steps as sorted POSIX timestamps: cheap to load for 20,000 rows, and the
    # overdue count at any moment is one bisection.
    open_due: Sequence[float]
    steps_required: int
    steps_done: int

    def overdue_count(self, now: datetime) -> int:
        return bisect.bisect_left(self.open_due, now.timestamp())


@dataclass(frozen=True, slots=True)
class EvidenceFieldView:
    id: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...]
    help: str


@dataclass(frozen=True, slots=True)
class StepView:
    step_id: str
    number: str
    title: str
    phase_id: str
    role: str
    requirement: str
    purpose: str
    guidance: str
    provenance: str
    deadline_basis: str
    condition: str
    applicable: bool
    required: bool
    status: str
    due_at: datetime | None
    due_state: str
    deadline_text: str
    waiting_for: str
    unmet_dependencies: tuple[str, ...]  # step numbers
    reason: str
    evidence: dict[str, object]
    fields: tuple[EvidenceFieldView, ...]
    completed_at: datetime | None
    completed_by: str
    updated_at: datetime | None
    completions: int
    sign_off: bool
    recurring: bool
    can_work: bool  # the viewer's role may complete it
    # A mandatory step marked not applicable counts as open until a supervisor agrees, signing.
    awaiting_agreement: bool = False


@dataclass(frozen=True, slots=True)
class PhaseView:
    id: str
    number: int
    title: str
    description: str
    required: int
    done: int
    overdue: int


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    event_type: str
    title: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: int
    decided_at: datetime
    recorded_at: datetime
    author: str
    category: str
    decision: str
    rationale: str


@dataclass(frozen=True, slots=True)
class IntelligenceView:
    id: int
    reference: str
    case_id: int | None
    received_at: datetime
    submitted_at: datetime
    submitted_by: str
    summary: str
    grade_code: str
    grade_text: str
    scheme: str
    handling_conditions: str
    protective_marking: str
    priority: str
    sanitised: bool
    routed_to: str
    routed_to_id: int | None
    routed_at: datetime | None
    reroute_count: int
    assessed_at: datetime | None
    assessed_by: str
    assessment_outcome: str
    assessment_rationale: str
    actioned_at: datetime | None
    actioned_by: str
    action_taken: str
    route_due: datetime
    assess_due: datetime
    action_due: datetime
    route_state: str
    assess_state: str
    action_state: str

    @property
    def hours_to_assessment(self) -> float | None:
        if self.assessed_at is None:
            return None
        return (self.assessed_at - self.submitted_at).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class RiskAssessmentView:
    id: int
    assessed_at: datetime
    assessor: str
    tool: str
    answers: dict[str, str]
    evidence: dict[str, object]
    triggers: tuple[str, ...]
    score: int
    section_points: tuple[tuple[str, int], ...]
    calculated_category: int
    final_category: int
    effective_category: int
    band_label: str
    override_reason: str
    override_pending: bool
    countersigned_by: str
    countersigned_at: datetime | None
    next_review_at: datetime
    notes: str
    # The countersignature(s) as electronic signatures, oldest first: each one's printed line and its state.
    countersignatures: tuple[SignatureLine, ...] = ()

    @property
    def countersignature(self) -> SignatureLine | None:
        return self.countersignatures[-1] if self.countersignatures else None


@dataclass(frozen=True, slots=True)
class SignatureLine:
    text: str  # printed name, role, meaning and time, then [valid] or [superseded]
    state: str  # "valid" or "superseded"

    @property
    def valid(self) -> bool:
        return self.state == "valid"


@dataclass(frozen=True, slots=True)
class MissingEpisodeView:
    id: int
    reported_at: datetime
    found_at: datetime | None
    risk_grade: str
    safe_well_at: datetime | None
    safe_well_due: datetime | None
    safe_well_state: str
    rhi_offered_at: datetime | None
    rhi_due: datetime | None  # 72 hours after return
    rhi_state: str
    rhi_held_at: datetime | None
    rhi_declined: bool
    findings: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class CaseDetail:
    id: int
    reference: str
    status: str
    district_id: int
    district_name: str
    team_id: int | None
    team_name: str
    officer_id: int | None
    officer_name: str
    supervisor_id: int | None
    supervisor_name: str
    referral_at: datetime
    referral_source: str
    subject_ref: str
    date_of_birth: date | None
    age_band: str
    circumstances: str
    priority: str
    facts: dict[str, object]
    derived_facts: dict[str, object]
    opened_at: datetime
    closed_at: datetime | None
    closure_reason: str
    procedure_version_id: int
    procedure_label: str
    phases: tuple[PhaseView, ...]
    steps: tuple[StepView, ...]
    events: tuple[EventView, ...]
    decisions: tuple[DecisionView, ...]
    intelligence: tuple[IntelligenceView, ...]
    risk_assessments: tuple[RiskAssessmentView, ...]  # newest first
    missing_episodes: tuple[MissingEpisodeView, ...]  # newest first
    as_of: datetime
    viewer_may_edit: bool = False
    viewer_role: str = ""
    risk_review_due: datetime | None = None  # step 4.6's due date: one rule, one date
    risk_review_waiting: str = ""  # what the review waits for while it has no date
    manual_events: tuple[tuple[str, str], ...] = field(default=())  # (id, title) a user may record
    newer_version: str = ""  # a later published version of the case's procedure, e.g. "1.1"
    # Required steps past due, earliest first, by the case list's rule (core.agreement.overdue_step_ids): a
    # mandatory step marked not applicable counts until a supervisor agrees.
    overdue_step_ids: tuple[str, ...] = ()

    def step(self, step_id: str) -> StepView:
        for s in self.steps:
            if s.step_id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def current_risk(self) -> RiskAssessmentView | None:
        return self.risk_assessments[0] if self.risk_assessments else None

    @property
    def overdue_steps(self) -> tuple[StepView, ...]:
        by_id = {s.step_id: s for s in self.steps}
        return tuple(by_id[i] for i in self.overdue_step_ids if i in by_id)


@dataclass(frozen=True, slots=True)
class VersionMove:
    case_id: int
    from_label: str
    to_label: str
    kept: tuple[str, ...]
    retired: tuple[str, ...]
    added: tuple[str, ...]
    changed: tuple[str, ...]
