"""The supervisor's team dashboard: workload per officer against the threshold, reviews due and overdue,
overdue steps, intelligence waiting past its target, risk assessments out of date, missing episodes without a
safe and well check or return interview, overdue directed actions, open remedial actions from audits and
mandatory steps marked not applicable awaiting agreement (dashboard_followups.py).

Every figure comes from aggregate or narrow queries over the team's open cases (never loading every record),
written in SQLAlchemy Core so they run the same on SQLite and PostgreSQL. Weights, threshold and intervals
come from the procedure's settings (the latest published version). Each line names the case and where to
open it (`place`: a case tab or a step id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Subquery, and_, func, or_, select

from checklist_app.core.deadlines import due_at, due_soon_horizon
from checklist_app.core.intelligence import waiting_stage
from checklist_app.core.permissions import Action, Actor, PermissionDenied, require
from checklist_app.core.procedure.model import Procedure, Role
from checklist_app.core.review_due import next_review_due, review_steps
from checklist_app.services import dashboard_followups as followups
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.procedures import find_version
from checklist_app.services.views import RETURN_INTERVIEW_WITHIN, SAFE_AND_WELL_WITHIN
from checklist_app.store.audit import Operation, append
from checklist_app.store.models import (
    Case,
    CaseSummary,
    DirectedAction,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
    SupervisoryReview,
    Team,
    User,
)


@dataclass(frozen=True, slots=True)
class OfficerLoad:
    officer_id: int
    name: str
    open_cases: int
    by_category: dict[int, int]  # risk category (0 = not yet assessed) -> open cases
    complex_cases: int
    score: float  # weighted by risk category, complex cases multiplied
    threshold: float

    @property
    def over(self) -> bool:
        return self.score > self.threshold


@dataclass(frozen=True, slots=True)
class DashboardLine:
    case_id: int
    reference: str
    officer: str
    what: str
    due_at: datetime | None
    overdue: bool
    place: str  # where to open the case: "steps:overdue", "tab:intelligence", "tab:risk", "tab:missing", ...


@dataclass(frozen=True, slots=True)
class TeamDashboard:
    team_id: int
    team_name: str
    as_of: datetime
    procedure_label: str
    workload: tuple[OfficerLoad, ...]
    reviews: tuple[DashboardLine, ...]  # due soon or overdue
    overdue_steps: tuple[DashboardLine, ...]  # one line per case: how many, and the earliest
    intelligence: tuple[DashboardLine, ...]
    risk: tuple[DashboardLine, ...]
    missing: tuple[DashboardLine, ...]
    actions: tuple[DashboardLine, ...]
    remedial: tuple[DashboardLine, ...] = ()  # open remedial actions from casework audits
    agreements: tuple[DashboardLine, ...] = ()  # mandatory steps not applicable, awaiting agreement


# A team's open cases by id: (reference, officer in charge, opened at).
OpenCases = dict[int, tuple[str, int | None, datetime]]
# Makes one dashboard line: (case id, what, due at, place).
LineMaker = Callable[[int, str, datetime | None, str], DashboardLine]


def team_dashboard(ctx: ServiceContext, actor: Actor, procedure_id: str = "cse-sop") -> TeamDashboard:
    require(actor, Action.WORKLOAD_VIEW)
    if actor.team_id is None:
        raise PermissionDenied(actor, Action.WORKLOAD_VIEW, "you are not in a team")
    now = ctx.now()
    with ctx.db.write() as session:
        procedure = ctx.procedure(session, find_version(session, procedure_id).id)
        team = session.get(Team, actor.team_id)
        conn = session.connection()
        open_cases = (
            select(Case.id, Case.reference, Case.officer_id, Case.opened_at)
            .where(Case.team_id == actor.team_id, Case.status == "open")
            .subquery()
        )
        names = dict(conn.execute(select(User.id, User.display_name).where(User.team_id == actor.team_id)).all())
        refs: OpenCases = {r.id: (r.reference, r.officer_id, r.opened_at) for r in conn.execute(select(open_cases))}

        def line(case_id: int, what: str, due: datetime | None, place: str) -> DashboardLine:
            reference, officer_id, _ = refs[case_id]
            return DashboardLine(
                case_id, reference, names.get(officer_id or 0, ""), what, due, due is not None and due < now, place
            )

        result = TeamDashboard(
            team_id=actor.team_id,
            team_name=team.name if team else "",
            as_of=now,
            procedure_label=procedure.label,
            workload=_workload(conn, actor, procedure, open_cases, names),
            reviews=tuple(_reviews(conn, ctx, procedure, open_cases, refs, line, now)),
            overdue_steps=tuple(_overdue_steps(conn, open_cases, line, now)),
            intelligence=tuple(_intelligence(conn, ctx, procedure, open_cases, line, now)),
            risk=tuple(_risk(conn, open_cases, refs, line, now)),
            missing=tuple(_missing(conn, open_cases, line, now)),
            actions=tuple(_actions(conn, open_cases, line, now)),
            remedial=tuple(followups.remedial_lines(session, open_cases, line)),
            agreements=tuple(followups.agreement_lines(session, ctx, open_cases, line)),
        )
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="dashboard.view",
            at=now,
            object_type="teams",
            object_id=actor.team_id,
            details={"open_cases": len(refs)},
        )
        return result


def _workload(
    conn: Connection, actor: Actor, procedure: Procedure, open_cases: Subquery, names: dict[int, str]
) -> tuple[OfficerLoad, ...]:
    settings = procedure.settings
    rows = conn.execute(
        select(open_cases.c.officer_id, CaseSummary.risk_category, CaseSummary.complex_case, func.count())
        .join(CaseSummary, CaseSummary.case_id == open_cases.c.id)
        .group_by(open_cases.c.officer_id, CaseSummary.risk_category, CaseSummary.complex_case)
    ).all()
    investigators = conn.execute(
        select(User.id).where(
            User.team_id == actor.team_id, User.role == Role.INVESTIGATOR.value, User.active.is_(True)
        )
    ).scalars()
    # Each officer's tally mixes counts, a category dict and a float score; the ignores below read them back.
    tally: dict[int, dict[str, object]] = {
        int(i): {"cases": 0, "cat": {}, "complex": 0, "score": 0.0} for i in investigators
    }
    for officer_id, category, complex_case, count in rows:
        if officer_id is None:
            continue
        t = tally.setdefault(int(officer_id), {"cases": 0, "cat": {}, "complex": 0, "score": 0.0})
        t["cases"] = int(t["cases"]) + count  # type: ignore[call-overload]
        cats: dict[int, int] = t["cat"]  # type: ignore[assignment]
        cats[int(category)] = cats.get(int(category), 0) + count
        if complex_case:
            t["complex"] = int(t["complex"]) + count  # type: ignore[call-overload]
        # Not yet assessed (category 0) carries no weight: the SOP weights categories 1 to 4 only.
        weight = settings.workload_weights.get(int(category), 0.0)
        factor = settings.workload_complex_multiplier if complex_case else 1.0
        t["score"] = float(t["score"]) + weight * factor * count  # type: ignore[arg-type]
    loads = [
        OfficerLoad(
            officer_id,
            names.get(officer_id, f"user {officer_id}"),
            int(t["cases"]),  # type: ignore[call-overload]
            dict(sorted(t["cat"].items())),  # type: ignore[attr-defined]
            int(t["complex"]),  # type: ignore[call-overload]
            round(float(t["score"]), 2),  # type: ignore[arg-type]
            settings.workload_threshold,
        )
        for officer_id, t in tally.items()
    ]
    return tuple(sorted(loads, key=lambda o: (-o.score, o.name)))


def _reviews(
    conn: Connection,
    ctx: ServiceContext,
    procedure: Procedure,
    open_cases: Subquery,
    refs: OpenCases,
    line: LineMaker,
    now: datetime,
) -> list[DashboardLine]:
    settings = procedure.settings
    steps = review_steps(procedure)
    last: dict[int, datetime] = {}
    if steps:
        for case_id, at in conn.execute(
            select(StepRecord.case_id, func.max(StepRecord.completed_at))
            .join(open_cases, open_cases.c.id == StepRecord.case_id)
            .where(StepRecord.step_id.in_(steps), StepRecord.completed_at.is_not(None))
            .group_by(StepRecord.case_id)
        ):
            if at is not None:  # always, given the filter
                last[case_id] = at
    for case_id, at in conn.execute(
        select(SupervisoryReview.case_id, func.max(SupervisoryReview.signed_at))
        .join(open_cases, open_cases.c.id == SupervisoryReview.case_id)
        .where(SupervisoryReview.signed_at.is_not(None))
        .group_by(SupervisoryReview.case_id)
    ):
        if at is not None and (case_id not in last or at > last[case_id]):  # never None, given the filter
            last[case_id] = at
    horizon = due_soon_horizon(now, settings.due_soon, ctx.calendar)
    found = []
    interval = settings.supervisory_review_interval
    fixed = interval.unit.value in ("h", "d")  # a fixed length: no calendar work for cases far from due
    span = timedelta(hours=interval.amount) if interval.unit.value == "h" else timedelta(days=interval.amount)
    for case_id, (_ref, _officer, opened_at) in refs.items():
        since = last.get(case_id, opened_at)
        if fixed and since + span > horizon + timedelta(days=1):
            continue
        due = next_review_due(opened_at, last.get(case_id), interval, ctx.calendar)
        if due <= horizon:
            what = (
                "Supervisory review "
                + ("overdue" if due < now else "due")
                + ("" if case_id in last else " (never reviewed)")
            )
            found.append(line(case_id, what, due, "tab:supervision"))
    return sorted(found, key=lambda x: x.due_at or now)  # every line here has a due time


def _overdue_steps(conn: Connection, open_cases: Subquery, line: LineMaker, now: datetime) -> list[DashboardLine]:
    rows = conn.execute(
        select(CaseSummary.case_id, CaseSummary.open_due, CaseSummary.next_due_step, CaseSummary.next_due_at)
        .join(open_cases, open_cases.c.id == CaseSummary.case_id)
        .where(CaseSummary.next_due_at < now)
    )
    cutoff = now.timestamp()
    found = []
    for case_id, open_due, _step, _at in rows:
        overdue = [t for t in open_due if t < cutoff]
        if overdue:
            first = datetime.fromtimestamp(min(overdue), tz=now.tzinfo)
            found.append(line(case_id, f"{len(overdue)} overdue", first, "steps:overdue"))
    return sorted(found, key=lambda x: x.due_at or now)  # every line here has a due time


def _intelligence(
    conn: Connection, ctx: ServiceContext, procedure: Procedure, open_cases: Subquery, line: LineMaker, now: datetime
) -> list[DashboardLine]:
    rows = conn.execute(
        select(
            open_cases.c.id,  # the item's case (the join's condition), typed as never empty
            IntelligenceItem.reference,
            IntelligenceItem.priority,
            IntelligenceItem.submitted_at,
            IntelligenceItem.routed_at,
            IntelligenceItem.assessed_at,
        )
        .join(open_cases, open_cases.c.id == IntelligenceItem.case_id)
        .where(IntelligenceItem.actioned_at.is_(None))
    )
    found = []
    for case_id, reference, priority, submitted_at, routed_at, assessed_at in rows:
        target = procedure.settings.intelligence_targets.get(priority)
        if target is None:
            continue
        stage = waiting_stage(routed_at, assessed_at)
        due = due_at(submitted_at, getattr(target, stage), ctx.calendar)  # only the stage it waits at
        if due < now:
            found.append(line(case_id, f"{reference} ({priority}) waiting to be {stage}ed", due, "tab:intelligence"))
    return sorted(found, key=lambda x: x.due_at or now)  # every line here has a due time


def _risk(
    conn: Connection, open_cases: Subquery, refs: OpenCases, line: LineMaker, now: datetime
) -> list[DashboardLine]:
    latest = (
        select(RiskAssessment.case_id, func.max(RiskAssessment.next_review_at).label("review"))
        .join(open_cases, open_cases.c.id == RiskAssessment.case_id)
        .group_by(RiskAssessment.case_id)
        .subquery()
    )
    found = []
    assessed = set()
    for case_id, review in conn.execute(select(latest)):
        assessed.add(case_id)
        if review < now:
            found.append(line(case_id, "Risk assessment out of date", review, "tab:risk"))
    found += [line(case_id, "No risk assessment yet", None, "tab:risk") for case_id in refs if case_id not in assessed]
    return sorted(found, key=lambda x: (x.due_at is not None, x.due_at or now))


# The follow-ups a returned child's episode needs (SOP 8.3 and 8.4), each with the one condition that both
# selects the episode and words its line, so a line can never name a follow-up the episode does not lack.
# A declined return interview was offered (the child turned it down): it needs no offer line, whether or not
# the time of the offer was recorded (the missing tab shows that gap on the episode).
_NEEDS_CHECK = MissingEpisode.safe_well_at.is_(None)
_NEEDS_OFFER = and_(MissingEpisode.rhi_offered_at.is_(None), MissingEpisode.rhi_declined.is_(False))


def missing_followup(
    needs_check: bool, needs_offer: bool, found_at: datetime, now: datetime
) -> list[tuple[str, datetime]]:
    """What a returned episode's dashboard lines say, with their due times: the safe and well check within
    24 hours of the return, the return interview offered within 72 hours; past the limit, the line says so."""
    lines = []
    for needed, limit, late, pending in (
        (
            needs_check,
            SAFE_AND_WELL_WITHIN,
            "Safe and well check not recorded within 24 h of return",
            "Safe and well check not yet recorded (24 h from return)",
        ),
        (
            needs_offer,
            RETURN_INTERVIEW_WITHIN,
            "Return interview not offered within 72 h of return",
            "Return interview not yet offered (72 h from return)",
        ),
    ):
        if needed:
            due = found_at + limit
            lines.append((late if due < now else pending, due))
    return lines


def _missing(conn: Connection, open_cases: Subquery, line: LineMaker, now: datetime) -> list[DashboardLine]:
    rows = conn.execute(
        select(
            open_cases.c.id,
            MissingEpisode.found_at,
            _NEEDS_CHECK.label("needs_check"),
            _NEEDS_OFFER.label("needs_offer"),
        )
        .join(open_cases, open_cases.c.id == MissingEpisode.case_id)
        .where(MissingEpisode.found_at.is_not(None), or_(_NEEDS_CHECK, _NEEDS_OFFER))
    )
    found = []
    for case_id, found_at, needs_check, needs_offer in rows:
        assert found_at is not None  # given the filter
        for what, due in missing_followup(bool(needs_check), bool(needs_offer), found_at, now):
            found.append(line(case_id, what, due, "tab:missing"))
    return sorted(found, key=lambda x: x.due_at or now)  # every line here has a due time


def _actions(conn: Connection, open_cases: Subquery, line: LineMaker, now: datetime) -> list[DashboardLine]:
    rows = conn.execute(
        select(DirectedAction.case_id, DirectedAction.description, DirectedAction.due_at)
        .join(open_cases, open_cases.c.id == DirectedAction.case_id)
        .where(DirectedAction.status == "open", DirectedAction.due_at < now)
        .order_by(DirectedAction.due_at)
    )
    return [
        line(case_id, f"Directed action overdue: {text[:80]}", due, "tab:supervision") for case_id, text, due in rows
    ]
