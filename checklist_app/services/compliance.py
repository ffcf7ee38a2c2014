"""The figures of the periodic compliance report, each from one aggregate query grouped on the server.

Nothing here loads records one by one: every query returns one row per district and month (or per
district, or per officer and risk category), so the cost is the database's scan, not Python's. Months
and the period's days are UTC; "now" figures (overdue steps, workload) are as at the moment of reading.
The figures' shapes are in compliance_figures.py, the time-limit figures in compliance_timeliness.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.procedure.model import Procedure, Settings
from checklist_app.services.compliance_figures import (
    ComplianceFigures,
    OfficerLoad,
    OverdueItem,
    OverdueNow,
    Period,
    StepCounts,
)
from checklist_app.services.compliance_timeliness import (
    gather_assessment_times,
    gather_intelligence,
    gather_missing,
    gather_reviews,
    gather_risk_reviews,
)
from checklist_app.services.compliance_timing import (
    count_where,
    utc_value,
)
from checklist_app.services.compliance_trust import audit_grades
from checklist_app.store.models import (
    Case,
    CaseSummary,
    RemedialAction,
    StepRecord,
    User,
)
from checklist_app.store.sqlfuncs import count_below, year_month

WORST_OVERDUE = 25
NA_REASONS_PER_DISTRICT = 5


def _names(districts: tuple[tuple[int, str], ...]) -> dict[int, str]:
    return dict(districts)


def gather(
    session: Session,
    procedure: Procedure,
    calendar: WorkingCalendar,
    period: Period,
    districts: tuple[tuple[int, str], ...],
    now: datetime,
) -> ComplianceFigures:
    settings = procedure.settings
    names = _names(districts)
    figures = ComplianceFigures(period, now, tuple(names.values()), period.months())
    ids = tuple(names)
    _steps(session, figures, names, ids, period)
    _na_reasons(session, figures, names, ids, period)
    _overdue_now(session, figures, names, ids, now)
    _worst_overdue(session, figures, names, ids, now)
    gather_intelligence(session, figures, names, ids, period, settings, calendar, now)
    gather_assessment_times(session, figures, names, ids, period, settings, calendar)
    gather_risk_reviews(session, figures, names, ids, period, now)
    gather_missing(session, figures, names, ids, period, now)
    _workload(session, figures, names, ids, settings)
    _audits(session, figures, names, ids, period, now)
    gather_reviews(session, figures, names, ids, period, procedure, calendar, now)
    return figures


def _audits(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, now: datetime
) -> None:
    """Overall grades of case audits signed in the period, counting only grades their signature still
    matches (the others apart, as not trusted); remedial actions still open now."""
    trusted, untrusted = audit_grades(session, ids, p)
    for (district_id, grade), count in trusted.items():
        fig.audit_grades[(names[district_id], grade)] = count
    for district_id, count in untrusted.items():
        fig.audit_untrusted[names[district_id]] = count
    remedial = session.execute(
        select(Case.district_id, func.count(), count_where(RemedialAction.due_at < utc_value(now)))
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
            count_where(sr.due_at.is_(None)),
            count_where(sr.completed_at <= sr.due_at),
            count_where(sr.completed_at > sr.due_at),
        )
        .join(Case, Case.id == sr.case_id)
        .where(
            sr.status == "done",
            sr.retired.is_(False),
            sr.completed_at >= utc_value(p.start_at),
            sr.completed_at < utc_value(p.end_at),
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
            sr.updated_at >= utc_value(p.start_at),
            sr.updated_at < utc_value(p.end_at),
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
            sr.updated_at >= utc_value(p.start_at),
            sr.updated_at < utc_value(p.end_at),
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
            count_where(CaseSummary.next_due_at < utc_value(now)),
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
        .where(Case.status == "open", Case.district_id.in_(ids), CaseSummary.next_due_at < utc_value(now))
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
