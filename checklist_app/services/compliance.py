"""The figures of the periodic compliance report, each from one aggregate query grouped on the server.

Nothing here loads records one by one: every query returns one row per district and month (or per
district, or per officer and risk category), so the cost is the database's scan, not Python's. Months
and the period's days are UTC; "now" figures (overdue steps, workload) are as at the moment of reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, and_, case, column, func, literal, or_, select, text
from sqlalchemy.orm import Session

from checklist_app.core.calendar import LOCAL_TZ, WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, DurationUnit, Settings
from checklist_app.services.views import RETURN_INTERVIEW_WITHIN, SAFE_AND_WELL_WITHIN
from checklist_app.store.models import (
    Case,
    CaseAudit,
    CaseSummary,
    IntelligenceItem,
    MissingEpisode,
    RemedialAction,
    RiskAssessment,
    StepRecord,
    SupervisoryReview,
    User,
)
from checklist_app.store.sqlfuncs import count_below, epoch_seconds, seconds_between, year_month
from checklist_app.store.types import UTCDateTime

WORST_OVERDUE = 25
NA_REASONS_PER_DISTRICT = 5
INTEL_STAGES = ("route", "assess", "action")


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
    overdue_now: dict[str, OverdueNow] = field(default_factory=dict)
    worst_overdue: list[OverdueItem] = field(default_factory=list)
    intel: dict[tuple[str, str, str], Timed] = field(default_factory=dict)  # (district, month, stage)
    intel_unmeasured: tuple[str, ...] = ()  # priorities whose targets cannot be reckoned in SQL
    risk_reviews: dict[tuple[str, str], Timed] = field(default_factory=dict)
    return_interviews: dict[tuple[str, str], Timed] = field(default_factory=dict)
    safe_and_well: dict[tuple[str, str], Timed] = field(default_factory=dict)
    workload: list[OfficerLoad] = field(default_factory=list)
    workload_threshold: float = 0.0
    workload_rule: str = ""
    audit_grades: dict[tuple[str, str], int] = field(default_factory=dict)  # (district, overall grade), signed
    reviews: dict[tuple[str, str], Timed] = field(default_factory=dict)  # supervisory reviews signed, by month
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


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _utc(value: datetime) -> ColumnElement[datetime]:
    return literal(value, UTCDateTime())


def _names(districts: tuple[tuple[int, str], ...]) -> dict[int, str]:
    return dict(districts)


def gather(
    session: Session,
    settings: Settings,
    calendar: WorkingCalendar,
    period: Period,
    districts: tuple[tuple[int, str], ...],
    now: datetime,
) -> ComplianceFigures:
    names = _names(districts)
    figures = ComplianceFigures(period, now, tuple(names.values()), period.months())
    ids = tuple(names)
    _steps(session, figures, names, ids, period)
    _na_reasons(session, figures, names, ids, period)
    _overdue_now(session, figures, names, ids, now)
    _worst_overdue(session, figures, names, ids, now)
    _intelligence(session, figures, names, ids, period, settings, calendar, now)
    _risk_reviews(session, figures, names, ids, period, now)
    _missing(session, figures, names, ids, period, now)
    _workload(session, figures, names, ids, settings)
    _audits(session, figures, names, ids, period, now)
    _reviews(session, figures, names, ids, period, settings)
    return figures


def _reviews(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, settings: Settings
) -> None:
    """Supervisory reviews signed in each month: in date if signed within the review interval of the case's
    previous signed review, or of the case's opening for the first."""
    interval = settings.supervisory_review_interval
    fig.review_interval = str(interval)
    if interval.unit not in (DurationUnit.HOURS, DurationUnit.DAYS):
        return  # working days or months would need the calendar per case; not reckoned here
    seconds = interval.amount * (3600 if interval.unit is DurationUnit.HOURS else 86400)
    sr = SupervisoryReview
    chain = (
        select(
            sr.case_id.label("case_id"),
            sr.signed_at.label("signed_at"),
            func.lag(sr.signed_at).over(partition_by=sr.case_id, order_by=(sr.signed_at, sr.id)).label("previous"),
        )
        .where(sr.status == "signed", sr.signed_at.is_not(None))
        .subquery()
    )
    since = func.coalesce(chain.c.previous, Case.opened_at)
    month = year_month(chain.c.signed_at).label("month")
    rows = session.execute(
        select(
            Case.district_id,
            month,
            _count(seconds_between(since, chain.c.signed_at) <= seconds),
            _count(seconds_between(since, chain.c.signed_at) > seconds),
            literal(0),
            func.count(),
        )
        .join(Case, Case.id == chain.c.case_id)
        .where(chain.c.signed_at >= _utc(p.start_at), chain.c.signed_at < _utc(p.end_at), Case.district_id.in_(ids))
        .group_by(Case.district_id, month)
    ).all()
    _timed_rows(rows, names, fig.reviews)


def _audits(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, now: datetime
) -> None:
    """Overall grades of case audits signed in the period; remedial actions still open now."""
    rows = session.execute(
        select(Case.district_id, CaseAudit.overall_grade, func.count())
        .join(Case, Case.id == CaseAudit.case_id)
        .where(
            CaseAudit.status == "signed",
            CaseAudit.signed_at >= _utc(p.start_at),
            CaseAudit.signed_at < _utc(p.end_at),
            Case.district_id.in_(ids),
        )
        .group_by(Case.district_id, CaseAudit.overall_grade)
    ).all()
    for district_id, grade, count in rows:
        fig.audit_grades[(names[district_id], grade)] = int(count)
    remedial = session.execute(
        select(Case.district_id, func.count(), _count(RemedialAction.due_at < _utc(now)))
        .join(Case, Case.id == RemedialAction.case_id)
        .where(RemedialAction.status == "open", Case.district_id.in_(ids))
        .group_by(Case.district_id)
    ).all()
    for district_id, open_count, overdue in remedial:
        fig.remedial_open[names[district_id]] = (int(open_count), int(overdue))


def _steps(session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period) -> None:
    sr = StepRecord
    month = year_month(sr.completed_at).label("month")
    rows = session.execute(
        select(
            Case.district_id,
            month,
            _count(sr.due_at.is_(None)),
            _count(sr.completed_at <= sr.due_at),
            _count(sr.completed_at > sr.due_at),
        )
        .join(Case, Case.id == sr.case_id)
        .where(
            sr.status == "done",
            sr.retired.is_(False),
            sr.completed_at >= _utc(p.start_at),
            sr.completed_at < _utc(p.end_at),
            Case.district_id.in_(ids),
        )
        .group_by(Case.district_id, month)
    ).all()
    for district_id, m, no_deadline, on_time, late in rows:
        counts = fig.steps.setdefault((names[district_id], m), StepCounts())
        counts.no_deadline, counts.on_time, counts.late = int(no_deadline), int(on_time), int(late)
    month = year_month(sr.updated_at).label("month")
    not_applicable = session.execute(
        select(Case.district_id, month, func.count())
        .join(Case, Case.id == sr.case_id)
        .where(
            sr.status == "not_applicable",
            sr.retired.is_(False),
            sr.updated_at >= _utc(p.start_at),
            sr.updated_at < _utc(p.end_at),
            Case.district_id.in_(ids),
        )
        .group_by(Case.district_id, month)
    ).all()
    for district_id, m, count in not_applicable:
        fig.steps.setdefault((names[district_id], m), StepCounts()).not_applicable = int(count)


def _na_reasons(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period
) -> None:
    sr = StepRecord
    counted = (
        select(
            Case.district_id.label("district_id"),
            sr.reason.label("reason"),
            func.count().label("n"),
        )
        .join(Case, Case.id == sr.case_id)
        .where(
            sr.status == "not_applicable",
            sr.retired.is_(False),
            sr.updated_at >= _utc(p.start_at),
            sr.updated_at < _utc(p.end_at),
            Case.district_id.in_(ids),
        )
        .group_by(Case.district_id, sr.reason)
        .subquery()
    )
    ranked = select(
        counted.c.district_id,
        counted.c.reason,
        counted.c.n,
        func.row_number()
        .over(partition_by=counted.c.district_id, order_by=(counted.c.n.desc(), counted.c.reason))
        .label("rank"),
    ).subquery()
    rows = session.execute(
        select(ranked.c.district_id, ranked.c.reason, ranked.c.n)
        .where(ranked.c.rank <= NA_REASONS_PER_DISTRICT)
        .order_by(ranked.c.district_id, ranked.c.rank)
    ).all()
    for district_id, reason, n in rows:
        fig.na_reasons.setdefault(names[district_id], []).append((reason, int(n)))


def _overdue_now(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], now: datetime
) -> None:
    rows = session.execute(
        select(
            Case.district_id,
            func.count(),
            _count(CaseSummary.next_due_at < _utc(now)),
            func.coalesce(func.sum(count_below(CaseSummary.open_due, literal(now.timestamp()))), 0),
        )
        .join(CaseSummary, CaseSummary.case_id == Case.id)
        .where(Case.status == "open", Case.district_id.in_(ids))
        .group_by(Case.district_id)
    ).all()
    for district_id, open_cases, cases_overdue, steps_overdue in rows:
        fig.overdue_now[names[district_id]] = OverdueNow(int(open_cases), int(cases_overdue), int(steps_overdue))


def _worst_overdue(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], now: datetime
) -> None:
    # The case summary's next due step is the case's earliest open deadline, so the cases whose next due
    # time is furthest past are the worst overdue items; the index on next_due_at finds them directly.
    rows = session.execute(
        select(
            Case.reference,
            Case.district_id,
            CaseSummary.next_due_step,
            CaseSummary.next_due_title,
            CaseSummary.next_due_at,
            User.display_name,
            count_below(CaseSummary.open_due, literal(now.timestamp())),
        )
        .join(CaseSummary, CaseSummary.case_id == Case.id)
        .outerjoin(User, User.id == Case.officer_id)
        .where(Case.status == "open", Case.district_id.in_(ids), CaseSummary.next_due_at < _utc(now))
        .order_by(CaseSummary.next_due_at, Case.reference)
        .limit(WORST_OVERDUE)
    ).all()
    fig.worst_overdue = [
        OverdueItem(
            reference,
            names[district_id],
            number,
            title,
            due,
            (now - due).total_seconds() / 86400,
            officer or "(unallocated)",
            int(steps),
        )
        for reference, district_id, number, title, due, officer, steps in rows
        if due is not None  # always, given the filter
    ]


def _limit_checks(
    start: SQLColumnExpression[datetime | None],
    done: SQLColumnExpression[datetime | None],
    limit: Duration,
    now: datetime,
    due: ColumnElement[int] | None = None,
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(within, late, overdue) conditions for something to be done `limit` after `start`: exact spans
    are compared in seconds; other limits need their `due` column (see `_due_days`)."""
    if limit.unit in (DurationUnit.HOURS, DurationUnit.DAYS):
        seconds = limit.amount * (3600 if limit.unit is DurationUnit.HOURS else 86400)
        return (
            and_(done.is_not(None), seconds_between(start, done) <= seconds),
            and_(done.is_not(None), seconds_between(start, done) > seconds),
            and_(done.is_(None), seconds_between(start, _utc(now)) > seconds),
        )
    assert due is not None  # POSIX seconds
    return (
        and_(done.is_not(None), epoch_seconds(done) <= due),
        and_(done.is_not(None), epoch_seconds(done) > due),
        and_(done.is_(None), due < int(now.timestamp())),
    )


_EPOCH = date(1970, 1, 1)


def _london_day(moment: SQLColumnExpression[datetime], p: Period) -> ColumnElement[int]:
    """The London calendar day of a UTC moment, as days since 1970: UTC plus an hour in summer time.
    Summer time's edges come from the time zone database for the years around the period."""
    summer = []
    for year in range(p.start.year - 1, p.end.year + 2):
        edges = [
            datetime(year, month, day, hour, tzinfo=UTC)
            for month in (3, 10)
            for day in range(25, 32)
            for hour in (0, 1, 2)
            if (datetime(year, month, day, hour, tzinfo=UTC) + timedelta(minutes=30)).astimezone(LOCAL_TZ).dst()
            != (datetime(year, month, day, hour, tzinfo=UTC) - timedelta(minutes=30)).astimezone(LOCAL_TZ).dst()
        ]
        if len(edges) == 2:
            summer.append((int(edges[0].timestamp()), int(edges[1].timestamp())))
    seconds = epoch_seconds(moment)
    shift = case(*((and_(seconds >= a, seconds < b), 3600) for a, b in summer), else_=0) if summer else literal(0)
    return (seconds + shift) // 86400


def _due_days(limits: list[Duration], calendar: WorkingCalendar, p: Period) -> Any:
    """One row per London day of the period: the day (days since 1970) and, for each limit, the deadline
    (POSIX seconds) of something started that day. Working-day deadlines depend only on the London date
    they start from, so a join on the day replaces a calendar computation per row. The rows are whole
    numbers this function computed, written into the statement as literals (nothing from a user)."""
    first = p.start - timedelta(days=1)
    rows = []
    for i in range((p.end - first).days + 2):
        day = first + timedelta(days=i)
        start = datetime.combine(day, time(12), tzinfo=LOCAL_TZ)
        dues = ", ".join(
            f"{int(due_at(start, limit, calendar).timestamp())} AS due{n}" for n, limit in enumerate(limits)
        )
        rows.append(f"SELECT {(day - _EPOCH).days} AS day, {dues}")
    columns = [column("day", Integer), *(column(f"due{n}", Integer) for n in range(len(limits)))]
    return text(" UNION ALL ".join(rows)).columns(*columns).subquery("due_days")


def _timed_rows(
    rows: Sequence[Any], names: dict[int, str], target: dict[Any, Timed], extra: tuple[str, ...] = ()
) -> None:
    for district_id, m, within, late, overdue, total in rows:
        key = (names[district_id], m, *extra)
        target[key] = Timed(int(within), int(late), int(overdue), int(total) - int(within) - int(late) - int(overdue))


def _intelligence(
    session: Session,
    fig: ComplianceFigures,
    names: dict[int, str],
    ids: tuple[int, ...],
    p: Period,
    settings: Settings,
    calendar: WorkingCalendar,
    now: datetime,
) -> None:
    item = IntelligenceItem
    month = year_month(item.submitted_at).label("month")
    unmeasured: list[str] = []
    targets = [
        (priority, stage, done, getattr(target, stage))
        for priority, target in settings.intelligence_targets.items()
        for stage, done in (("route", item.routed_at), ("assess", item.assessed_at), ("action", item.actioned_at))
    ]
    calendar_limits = [t for t in targets if t[3].unit is DurationUnit.WORKING_DAYS]
    days = _due_days([t[3] for t in calendar_limits], calendar, p) if calendar_limits else None
    columns: list[ColumnElement[int]] = []
    for stage in INTEL_STAGES:
        within: list[ColumnElement[bool]] = []
        late: list[ColumnElement[bool]] = []
        overdue: list[ColumnElement[bool]] = []
        for priority, stage_, done, limit in targets:
            if stage_ != stage:
                continue
            if limit.unit is DurationUnit.MONTHS:
                # A month's end depends on the London wall-clock time, not a day: not reckoned here.
                unmeasured.append(f"{priority} ({stage})")
                continue
            due = None
            if days is not None and (priority, stage_, done, limit) in calendar_limits:
                due = days.c[f"due{calendar_limits.index((priority, stage_, done, limit))}"]
            checks = _limit_checks(item.submitted_at, done, limit, now, due)
            is_priority = item.priority == priority
            within.append(and_(is_priority, checks[0]))
            late.append(and_(is_priority, checks[1]))
            overdue.append(and_(is_priority, checks[2]))
        columns += [_count(or_(*within)), _count(or_(*late)), _count(or_(*overdue))] if within else [literal(0)] * 3
    query = select(item.district_id, month, func.count(), *columns).where(
        item.submitted_at >= _utc(p.start_at), item.submitted_at < _utc(p.end_at), item.district_id.in_(ids)
    )
    if days is not None:
        query = query.join_from(item, days, days.c.day == _london_day(item.submitted_at, p), isouter=True)
    rows = session.execute(query.group_by(item.district_id, month)).all()
    for row in rows:
        district_id, m, total = row[0], row[1], int(row[2])
        for i, stage in enumerate(INTEL_STAGES):
            on_time, done_late, past_due = (int(v) for v in row[3 + 3 * i : 6 + 3 * i])
            fig.intel[(names[district_id], m, stage)] = Timed(
                on_time, done_late, past_due, total - on_time - done_late - past_due
            )
    fig.intel_unmeasured = tuple(unmeasured)


def _risk_reviews(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, now: datetime
) -> None:
    ra = RiskAssessment
    # Each assessment sets the date of the next review; the review was in date if the case's following
    # assessment came by then. Reviews falling due after the case closed were not needed.
    chain = (
        select(
            ra.case_id.label("case_id"),
            ra.next_review_at.label("due"),
            func.lead(ra.assessed_at).over(partition_by=ra.case_id, order_by=(ra.assessed_at, ra.id)).label("next_at"),
        )
        .join(Case, Case.id == ra.case_id)
        .where(Case.district_id.in_(ids))
        .subquery()
    )
    month = year_month(chain.c.due).label("month")
    rows = session.execute(
        select(
            Case.district_id,
            month,
            _count(and_(chain.c.next_at.is_not(None), chain.c.next_at <= chain.c.due)),
            _count(chain.c.next_at > chain.c.due),
            _count(and_(chain.c.next_at.is_(None), chain.c.due < _utc(now))),
            func.count(),
        )
        .join(Case, Case.id == chain.c.case_id)
        .where(
            chain.c.due >= _utc(p.start_at),
            chain.c.due < _utc(p.end_at),
            or_(chain.c.next_at.is_not(None), Case.closed_at.is_(None), Case.closed_at > chain.c.due),
        )
        .group_by(Case.district_id, month)
    ).all()
    _timed_rows(rows, names, fig.risk_reviews)


def _missing(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, now: datetime
) -> None:
    me = MissingEpisode
    month = year_month(me.found_at).label("month")
    for done, limit, target in (
        (me.rhi_offered_at, RETURN_INTERVIEW_WITHIN, fig.return_interviews),
        (me.safe_well_at, SAFE_AND_WELL_WITHIN, fig.safe_and_well),
    ):
        hours = Duration(int(limit.total_seconds() // 3600), DurationUnit.HOURS)
        checks = _limit_checks(me.found_at, done, hours, now)
        rows = session.execute(
            select(Case.district_id, month, *(_count(c) for c in checks), func.count())
            .join(Case, Case.id == me.case_id)
            .where(me.found_at >= _utc(p.start_at), me.found_at < _utc(p.end_at), Case.district_id.in_(ids))
            .group_by(Case.district_id, month)
        ).all()
        _timed_rows(rows, names, target)


def _workload(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], settings: Settings
) -> None:
    rows = session.execute(
        select(Case.district_id, Case.officer_id, CaseSummary.risk_category, CaseSummary.complex_case, func.count())
        .join(CaseSummary, CaseSummary.case_id == Case.id)
        .where(Case.status == "open", Case.officer_id.is_not(None), Case.district_id.in_(ids))
        .group_by(Case.district_id, Case.officer_id, CaseSummary.risk_category, CaseSummary.complex_case)
    ).all()
    weights = settings.workload_weights
    lowest = min(weights) if weights else 1
    loads: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0.0])
    for district_id, officer_id, category, complex_case, count in rows:
        if officer_id is None:  # never, given the filter
            continue
        # A case not yet risk assessed weighs as the lowest category until it is.
        weight = weights.get(category or lowest, weights.get(lowest, 1.0))
        if complex_case:
            weight *= settings.workload_complex_multiplier
        entry = loads[(district_id, officer_id)]
        entry[0] += int(count)
        entry[1] += weight * int(count)
    officers = dict(session.execute(select(User.id, User.display_name).where(User.id.in_({o for _, o in loads}))).all())
    fig.workload = sorted(
        (OfficerLoad(names[d], officers.get(o, "?"), int(n), float(w)) for (d, o), (n, w) in loads.items()),
        key=lambda x: (-x.load, x.district, x.officer),
    )
    fig.workload_threshold = settings.workload_threshold
    fig.workload_rule = (
        "weights by risk category "
        + ", ".join(f"{c}: {w:g}" for c, w in sorted(weights.items()))
        + f"; complex cases x{settings.workload_complex_multiplier:g}; cases not yet assessed weigh as category "
        f"{lowest}"
    )
