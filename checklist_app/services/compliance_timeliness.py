"""The timeliness figures of the compliance report: intelligence handling, risk reviews, return interviews
and safe-and-well checks after a missing episode, and supervisory reviews, each against its time limit."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, DurationUnit, Procedure, Settings
from checklist_app.core.review_due import review_occasions, review_steps
from checklist_app.services.compliance_figures import (
    ALL_DISTRICTS,
    INTEL_STAGES,
    AssessmentTimes,
    ComplianceFigures,
    Period,
    Timed,
)
from checklist_app.services.compliance_timing import (
    count_where,
    due_days,
    limit_checks,
    london_day,
    timed_rows,
    utc_value,
)
from checklist_app.services.views import RETURN_INTERVIEW_WITHIN, SAFE_AND_WELL_WITHIN
from checklist_app.store.models import (
    Case,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
    SupervisoryReview,
)
from checklist_app.store.sqlfuncs import year_month


def gather_intelligence(
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
    days = due_days([t[3] for t in calendar_limits], calendar, p) if calendar_limits else None
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
            checks = limit_checks(item.submitted_at, done, limit, now, due)
            is_priority = item.priority == priority
            within.append(and_(is_priority, checks[0]))
            late.append(and_(is_priority, checks[1]))
            overdue.append(and_(is_priority, checks[2]))
        columns += (
            [count_where(or_(*within)), count_where(or_(*late)), count_where(or_(*overdue))]
            if within
            else [literal(0)] * 3
        )
    query = select(item.district_id, month, func.count(), *columns).where(
        item.submitted_at >= utc_value(p.start_at), item.submitted_at < utc_value(p.end_at), item.district_id.in_(ids)
    )
    if days is not None:
        query = query.join_from(item, days, days.c.day == london_day(item.submitted_at, p), isouter=True)
    rows = session.execute(query.group_by(item.district_id, month)).all()
    for row in rows:
        district_id, m, total = row[0], row[1], int(row[2])
        for i, stage in enumerate(INTEL_STAGES):
            on_time, done_late, past_due = (int(v) for v in row[3 + 3 * i : 6 + 3 * i])
            fig.intel[(names[district_id], m, stage)] = Timed(
                on_time, done_late, past_due, total - on_time - done_late - past_due
            )
    fig.intel_unmeasured = tuple(unmeasured)


def gather_assessment_times(
    session: Session,
    fig: ComplianceFigures,
    names: dict[int, str],
    ids: tuple[int, ...],
    p: Period,
    settings: Settings,
    calendar: WorkingCalendar,
) -> None:
    """Time from submission to assessment by priority (median and 90th percentile), assessed within target,
    and re-routed items, per district and pooled over districts: intelligence submitted in the period."""
    item = IntelligenceItem
    rows = session.execute(
        select(item.district_id, item.priority, item.submitted_at, item.assessed_at, item.reroute_count).where(
            item.submitted_at >= utc_value(p.start_at),
            item.submitted_at < utc_value(p.end_at),
            item.district_id.in_(ids),
        )
    ).all()
    hours: dict[tuple[str, str], list[float]] = defaultdict(list)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # submitted, within, rerouted
    for district_id, priority, submitted_at, assessed_at, reroutes in rows:
        target = settings.intelligence_targets.get(priority)
        for key in ((names[district_id], priority), (ALL_DISTRICTS, priority)):
            tally = counts[key]
            tally[0] += 1
            tally[2] += 1 if reroutes else 0
            if assessed_at is not None:
                hours[key].append((assessed_at - submitted_at).total_seconds() / 3600)
                if target is not None and assessed_at <= due_at(submitted_at, target.assess, calendar):
                    tally[1] += 1
    for key, (submitted, within, rerouted) in counts.items():
        taken = sorted(hours.get(key, []))
        fig.intel_times[key] = AssessmentTimes(
            submitted=submitted,
            assessed=len(taken),
            median_hours=statistics.median(taken) if taken else None,
            p90_hours=_percentile(taken, 0.9) if taken else None,
            within=within,
            rerouted=rerouted,
        )


def _percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values: the smallest value with at least q of them at or below."""
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n x q), at least the first
    return ordered[int(rank) - 1]


def gather_risk_reviews(
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
            count_where(and_(chain.c.next_at.is_not(None), chain.c.next_at <= chain.c.due)),
            count_where(chain.c.next_at > chain.c.due),
            count_where(and_(chain.c.next_at.is_(None), chain.c.due < utc_value(now))),
            func.count(),
        )
        .join(Case, Case.id == chain.c.case_id)
        .where(
            chain.c.due >= utc_value(p.start_at),
            chain.c.due < utc_value(p.end_at),
            or_(chain.c.next_at.is_not(None), Case.closed_at.is_(None), Case.closed_at > chain.c.due),
        )
        .group_by(Case.district_id, month)
    ).all()
    timed_rows(rows, names, fig.risk_reviews)


def gather_missing(
    session: Session, fig: ComplianceFigures, names: dict[int, str], ids: tuple[int, ...], p: Period, now: datetime
) -> None:
    me = MissingEpisode
    month = year_month(me.found_at).label("month")
    for done, limit, target in (
        (me.rhi_offered_at, RETURN_INTERVIEW_WITHIN, fig.return_interviews),
        (me.safe_well_at, SAFE_AND_WELL_WITHIN, fig.safe_and_well),
    ):
        hours = Duration(int(limit.total_seconds() // 3600), DurationUnit.HOURS)
        checks = limit_checks(me.found_at, done, hours, now)
        rows = session.execute(
            select(Case.district_id, month, *(count_where(c) for c in checks), func.count())
            .join(Case, Case.id == me.case_id)
            .where(me.found_at >= utc_value(p.start_at), me.found_at < utc_value(p.end_at), Case.district_id.in_(ids))
            .group_by(Case.district_id, month)
        ).all()
        timed_rows(rows, names, target)


def gather_reviews(
    session: Session,
    fig: ComplianceFigures,
    names: dict[int, str],
    ids: tuple[int, ...],
    p: Period,
    procedure: Procedure,
    calendar: WorkingCalendar,
    now: datetime,
) -> None:
    """Supervisory reviews falling due in each month, by the dashboard's rule (core.review_due): in date if
    signed by the date, late if signed after it, overdue if past it unsigned while the case was open (a case
    never reviewed included), not yet due otherwise."""
    interval = procedure.settings.supervisory_review_interval
    fig.review_interval = str(interval)
    cases = session.execute(
        select(Case.id, Case.district_id, Case.opened_at, Case.closed_at).where(
            Case.district_id.in_(ids),
            Case.opened_at < utc_value(p.end_at),
            or_(Case.closed_at.is_(None), Case.closed_at >= utc_value(p.start_at)),
        )
    ).all()
    if not cases:
        return
    # Only cases open in the period can have a review falling due in it; their ids go to the database
    # through a subquery rather than a list, which could be longer than a statement allows.
    in_scope = (
        select(Case.id)
        .where(
            Case.district_id.in_(ids),
            Case.opened_at < utc_value(p.end_at),
            or_(Case.closed_at.is_(None), Case.closed_at >= utc_value(p.start_at)),
        )
        .scalar_subquery()
    )
    signed: dict[int, list[datetime]] = defaultdict(list)
    for case_id, at in session.execute(
        select(SupervisoryReview.case_id, SupervisoryReview.signed_at).where(
            SupervisoryReview.status == "signed",
            SupervisoryReview.signed_at.is_not(None),
            SupervisoryReview.case_id.in_(in_scope),
        )
    ):
        if at is not None:  # always, given the filter
            signed[case_id].append(at)
    steps = review_steps(procedure)
    step_done: dict[int, datetime] = {}
    if steps:
        step_done = {
            case_id: at
            for case_id, at in session.execute(
                select(StepRecord.case_id, func.max(StepRecord.completed_at))
                .where(StepRecord.step_id.in_(steps), StepRecord.case_id.in_(in_scope))
                .group_by(StepRecord.case_id)
            )
            if at is not None
        }
    start_at, end_at = p.start_at, p.end_at
    for case_id, district_id, opened_at, closed_at in cases:
        for o in review_occasions(
            opened_at, signed.get(case_id, ()), step_done.get(case_id), closed_at, interval, calendar
        ):
            if not start_at <= o.due < end_at:
                continue
            t = fig.reviews.setdefault((names[district_id], f"{o.due:%Y-%m}"), Timed())
            if o.done_at is not None:
                if o.done_at <= o.due:
                    t.within += 1
                else:
                    t.late += 1
            elif o.due < now:
                t.overdue += 1
            else:
                t.pending += 1
