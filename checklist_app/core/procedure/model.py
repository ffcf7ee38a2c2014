"""The procedure model: what a loaded, validated SOP file becomes.

Everything here is immutable plain data. The loader (`loader`) builds it from YAML and guarantees
that every reference inside it resolves, so the rest of the application never re-validates.
The file format is documented in `docs/sop-format.md`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from checklist_app.core.procedure.fact_deadlines import DeadlineBy
from checklist_app.core.procedure.limits import MAX_DURATION, MAX_DURATION_TEXT, shown
from checklist_app.core.procedure.roles import Role as Role  # re-exported: imported from here all over
from checklist_app.core.procedure.roles import StepRole as StepRole
from checklist_app.core.wording import sentence_case

if TYPE_CHECKING:  # risk_model builds on Duration and Provenance from here
    from checklist_app.core.procedure.risk_model import RiskTool


class Requirement(StrEnum):
    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    CONDITIONAL = "conditional"


class FieldType(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    DATETIME = "datetime"
    DATE = "date"
    REFERENCE = "reference"
    CHOICE = "choice"
    YESNO = "yesno"
    NUMBER = "number"


class FactType(StrEnum):
    YESNO = "yesno"
    CHOICE = "choice"
    NUMBER = "number"


class FactSource(StrEnum):
    """`case`: entered on the case (new-case wizard, case facts editor).
    `derived`: computed by the application from case data (events, missing episodes, age band)."""

    CASE = "case"
    DERIVED = "derived"


class ProvenanceKind(StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class DurationUnit(StrEnum):
    HOURS = "h"
    DAYS = "d"
    WORKING_DAYS = "wd"
    MONTHS = "mo"


# ASCII digits only: `\d` would also take Arabic-Indic and other digits ("٣d"), which nobody can check by eye.
_DURATION_RE = re.compile(r"^\s*([0-9]{1,9})\s*(h|d|wd|mo)\s*$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Duration:
    """A deadline offset. Hours and days are exact spans; working days end at the close of the
    n-th working day; months are calendar months (clamped to the month's last day)."""

    amount: int
    unit: DurationUnit

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION_RE.match(text)
        if not match:
            raise ValueError(
                f"bad duration '{shown(text)}': expected a whole number and a unit, e.g. 24h, 7d, 5wd or 3mo"
            )
        amount, unit = int(match.group(1)), match.group(2)
        if amount > MAX_DURATION[unit]:
            raise ValueError(
                f"duration {amount}{unit} is too long: at most {MAX_DURATION[unit]}{unit}; "
                f"no deadline or interval may exceed {MAX_DURATION_TEXT}"
            )
        return cls(amount, DurationUnit(unit))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"

    def describe(self) -> str:
        names = {
            DurationUnit.HOURS: ("hour", "hours"),
            DurationUnit.DAYS: ("day", "days"),
            DurationUnit.WORKING_DAYS: ("working day", "working days"),
            DurationUnit.MONTHS: ("month", "months"),
        }[self.unit]
        if self.amount == 0:
            return "immediately"
        return f"{self.amount} {names[0] if self.amount == 1 else names[1]}"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a rule comes from. `national`: `source` names the national document or statute.
    `local`: force policy; `source` says whose policy and the value is a configurable default."""

    kind: ProvenanceKind
    source: str
    note: str = ""

    @property
    def is_national(self) -> bool:
        return self.kind is ProvenanceKind.NATIONAL

    def describe(self) -> str:
        label = "National" if self.is_national else "Local policy (configurable default)"
        return f"{label}: {self.source}"


class AnchorKind(StrEnum):
    EVENT = "event"
    STEP = "step"


@dataclass(frozen=True, slots=True)
class Anchor:
    """What a deadline counts from: the latest occurrence of a named case event, or the completion
    of another step."""

    kind: AnchorKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.ref}"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    anchor: Anchor
    offset: Duration
    basis: Provenance
    # A recurring step falls due again this long after each completion (e.g. periodic review).
    recurs_every: Duration | None = None
    # Text shown to users where the timescale is not a plain offset ("at the strategy discussion").
    description: str = ""
    # Other durations for some values of one case fact (`offset` and `recurs_every` apply otherwise).
    by: DeadlineBy | None = None

    def offset_for(self, facts: Mapping[str, object]) -> Duration:
        case = self.by.case_for(facts) if self.by is not None else None
        return case.offset if case is not None else self.offset

    def recurrence_for(self, facts: Mapping[str, object]) -> Duration | None:
        if self.recurs_every is None:
            return None
        case = self.by.case_for(facts) if self.by is not None else None
        if case is not None and case.recurs_every is not None:
            return case.recurs_every
        return self.recurs_every

    def describe(self, events: dict[str, Event], steps: dict[str, Step]) -> str:
        if self.description:
            return self.description
        if self.anchor.kind is AnchorKind.EVENT:
            what = sentence_case(events[self.anchor.ref].title) if self.anchor.ref in events else self.anchor.ref
        else:
            target = steps.get(self.anchor.ref)
            what = f"completion of {target.number}" if target else self.anchor.ref
        if self.offset.amount == 0:
            return f"Immediately on {what}"
        return f"Within {self.offset.describe()} of {what}"


@dataclass(frozen=True, slots=True)
class EvidenceField:
    id: str
    label: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, slots=True)
class ReviewChecklistItem:
    """One question of the supervisory review's checklist."""

    id: str
    text: str
    help: str = ""


@dataclass(frozen=True, slots=True)
class SupervisoryReviewSpec:
    checklist: tuple[ReviewChecklistItem, ...] = ()
    completes: tuple[str, ...] = ()  # step ids a signed review completes (the periodic review steps)


@dataclass(frozen=True, slots=True)
class TeamDuty:
    """A duty of a team, not of a case (workload check, quarterly checks): recorded once per team per
    period on the supervisor's dashboard."""

    id: str
    title: str
    period: str  # monthly or quarterly
    owner_role: StepRole
    guidance: str
    provenance: Provenance
    purpose: str = ""
    evidence: tuple[EvidenceField, ...] = ()
    # "team": once per team per period (the supervisor's dashboard); "district": once per district per period,
    # for a role without a team (the intelligence officer's problem-profile themes).
    level: str = "team"


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    number: str
    title: str
    phase_id: str
    role: StepRole
    requirement: Requirement
    purpose: str
    guidance: str
    provenance: Provenance
    condition: str | None = None
    evidence: tuple[EvidenceField, ...] = ()
    deadline: DeadlineRule | None = None
    depends_on: tuple[str, ...] = ()
    sign_off: bool = False
    emits: tuple[str, ...] = ()

    def field(self, field_id: str) -> EvidenceField | None:
        return next((f for f in self.evidence if f.id == field_id), None)


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    number: int
    title: str
    description: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """A named thing that happens in a case and that deadlines can count from.
    `source` is `system` (set by the application, e.g. referral received), `manual` (recorded by a
    user) or `step` (emitted when a step listing it under `emits` is completed)."""

    id: str
    title: str
    source: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    title: str
    type: FactType
    source: FactSource
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class IntelligenceTarget:
    """Times from submission by which an intelligence report should be routed, assessed and actioned."""

    route: Duration
    assess: Duration
    action: Duration


@dataclass(frozen=True, slots=True)
class Settings:
    due_soon: Duration
    supervisory_review_interval: Duration
    risk_review_interval: Duration
    intelligence_targets: dict[str, IntelligenceTarget]
    workload_weights: dict[int, float]
    workload_complex_multiplier: float
    workload_threshold: float
    missing_repeat_threshold: int
    missing_repeat_window: Duration
    audit_sample_size: int
    audit_moderation_rate: float
    audit_block_team: bool
    remedial_due: dict[str, Duration]
    deadline_overrides: dict[str, Duration] = field(default_factory=dict)


# --- Casework audit template ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemGrade:
    id: str
    label: str
    weight: float
    excluded: bool = False
    reason_required: bool = False


@dataclass(frozen=True, slots=True)
class OverallGrade:
    id: str
    label: str
    min_score: float
    # "all_critical_compliant", "no_critical_non_compliant" or "" (no extra rule)
    critical_rule: str = ""


@dataclass(frozen=True, slots=True)
class AuditItem:
    id: str
    phase_id: str
    compliance_question: str
    quality_question: str
    steps: tuple[str, ...] = ()
    critical: bool = False


@dataclass(frozen=True, slots=True)
class AuditTemplate:
    id: str
    version: str
    title: str
    item_grades: tuple[ItemGrade, ...]
    overall_grades: tuple[OverallGrade, ...]
    items: tuple[AuditItem, ...]
    provenance: Provenance


# --- The procedure --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Procedure:
    id: str
    title: str
    version: str
    effective_date: date
    description: str
    settings: Settings
    events: tuple[Event, ...]
    facts: tuple[Fact, ...]
    phases: tuple[Phase, ...]
    risk_tool: RiskTool
    audit_template: AuditTemplate
    supervisory_review: SupervisoryReviewSpec = SupervisoryReviewSpec()
    team_duties: tuple[TeamDuty, ...] = ()
    # Derived once: steps are looked up thousands of times a second when many cases are scheduled.
    _steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)
    _step_index: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = tuple(s for p in self.phases for s in p.steps)
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_step_index", {s.id: s for s in steps})

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def step(self, step_id: str) -> Step:
        return self._step_index[step_id]

    def step_map(self) -> dict[str, Step]:
        return dict(self._step_index)

    def event_map(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    def fact_map(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def phase(self, phase_id: str) -> Phase:
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    def effective_deadline(self, step: Step, facts: Mapping[str, object] | None = None) -> Duration | None:
        """The step's offset after local overrides (national rules are never overridden), for a case with
        `facts` when the deadline depends on one (without facts: the deadline's own `within`)."""
        if step.deadline is None:
            return None
        override = self.settings.deadline_overrides.get(step.id)
        if override is not None and not step.deadline.basis.is_national:
            return override
        return step.deadline.offset if facts is None else step.deadline.offset_for(facts)

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"


# Facts the application computes itself; a procedure may declare these (and only these) as `derived`.
DERIVED_FACTS: dict[str, FactType] = {
    "age_under_13": FactType.YESNO,
    "age_under_16": FactType.YESNO,
    "age_under_18": FactType.YESNO,
    "missing_episodes_recorded": FactType.YESNO,
    "repeat_missing_episodes": FactType.YESNO,
    "risk_category": FactType.NUMBER,
    "intelligence_items_recorded": FactType.YESNO,
    "intelligence_priority": FactType.CHOICE,
    "missing_risk_grade": FactType.CHOICE,
}

# The values the application gives its derived choice facts; a procedure declares exactly these choices.
DERIVED_FACT_CHOICES: dict[str, tuple[str, ...]] = {
    "intelligence_priority": ("high", "medium", "low"),
    "missing_risk_grade": ("low", "medium", "high"),
}

# Events the application records itself; a procedure may declare these (and only these) as `system`.
SYSTEM_EVENTS: frozenset[str] = frozenset(
    {
        "referral_received",
        "case_opened",
        "child_reported_missing",
        "child_returned",
        "risk_assessed",
        "case_closed",
        # Derived from the case's intelligence items (core.intelligence.stage_events).
        "intelligence_to_route",
        "intelligence_to_assess",
        "intelligence_to_action",
    }
)
