"""The shapes of the compliance report's figures: the period, counts of steps and of things with a time limit,
overdue items, officer workloads, and the figures as a whole with their totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

INTEL_STAGES = ("route", "assess", "action")
ALL_DISTRICTS = ""  # the key of force-wide figures pooled over districts


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)

    def months(self) -> tuple[str, ...]:
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)


@dataclass(slots=True)
class Timed:
    """Things with a time limit: done within it, done late, not done and past it, not yet due."""

    within: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0

    def add(self, other: Timed) -> None:
        self.within += other.within
        self.late += other.late
        self.overdue += other.overdue
        self.pending += other.pending

    @property
    def due(self) -> int:
        return self.within + self.late + self.overdue

    @property
    def percent(self) -> float | None:
        return 100.0 * self.within / self.due if self.due else None


@dataclass(frozen=True, slots=True)
class AssessmentTimes:
    """Intelligence of one priority submitted in the period: how long assessment took (hours from
    submission), how many were assessed within the priority's target, and how many were re-routed."""

    submitted: int
    assessed: int
    median_hours: float | None
    p90_hours: float | None
    within: int
    rerouted: int

    @property
    def percent_within(self) -> float | None:
        return 100.0 * self.within / self.assessed if self.assessed else None


@dataclass(slots=True)
class StepCounts:
    on_time: int = 0
    late: int = 0
    no_deadline: int = 0
    not_applicable: int = 0

    def add(self, other: StepCounts) -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.no_deadline += other.no_deadline
        self.not_applicable += other.not_applicable

    @property
    def done(self) -> int:
        return self.on_time + self.late + self.no_deadline

    @property
    def percent_on_time(self) -> float | None:
        timed = self.on_time + self.late
        return 100.0 * self.on_time / timed if timed else None


@dataclass(frozen=True, slots=True)
class OverdueNow:
    open_cases: int
    cases_overdue: int
    steps_overdue: int


@dataclass(frozen=True, slots=True)
class OverdueItem:
    reference: str
    district: str
    step_number: str
    step_title: str
    due_at: datetime
    days_overdue: float
    officer: str
    open_overdue_steps: int


@dataclass(frozen=True, slots=True)
class OfficerLoad:
    district: str
    officer: str
    cases: int
    load: float


@dataclass
class ComplianceFigures:
    period: Period
    as_of: datetime
    districts: tuple[str, ...]
    months: tuple[str, ...]
    steps: dict[tuple[str, str], StepCounts] = field(default_factory=dict)
    na_reasons: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    na_awaiting: dict[str, int] = field(default_factory=dict)  # district: unagreed (compliance_agreement.py)
    overdue_now: dict[str, OverdueNow] = field(default_factory=dict)
    worst_overdue: list[OverdueItem] = field(default_factory=list)
    intel: dict[tuple[str, str, str], Timed] = field(default_factory=dict)  # (district, month, stage)
    intel_unmeasured: tuple[str, ...] = ()  # priorities whose targets cannot be reckoned in SQL
    # (district or ALL_DISTRICTS, priority): time to assessment over the whole period
    intel_times: dict[tuple[str, str], AssessmentTimes] = field(default_factory=dict)
    risk_reviews: dict[tuple[str, str], Timed] = field(default_factory=dict)
    return_interviews: dict[tuple[str, str], Timed] = field(default_factory=dict)
    safe_and_well: dict[tuple[str, str], Timed] = field(default_factory=dict)
    workload: list[OfficerLoad] = field(default_factory=list)
    workload_threshold: float = 0.0
    workload_rule: str = ""
    audit_grades: dict[tuple[str, str], int] = field(default_factory=dict)  # (district, overall grade), signed
    # district: signed audits whose signature no longer matches (changed outside the app), not in audit_grades
    audit_untrusted: dict[str, int] = field(default_factory=dict)
    reviews: dict[tuple[str, str], Timed] = field(default_factory=dict)  # supervisory reviews, by month falling due
    review_interval: str = ""
    remedial_open: dict[str, tuple[int, int]] = field(default_factory=dict)  # district: (open, of them overdue)

    # Totals over months, for the district comparison and the summary.
    def step_total(self, district: str) -> StepCounts:
        total = StepCounts()
        for month in self.months:
            total.add(self.steps.get((district, month), StepCounts()))
        return total

    def timed_total(self, table: dict[Any, Timed], district: str, stage: str | None = None) -> Timed:
        total = Timed()
        for month in self.months:
            key = (district, month, stage) if stage else (district, month)
            total.add(table.get(key, Timed()))
        return total
