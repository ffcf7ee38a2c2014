"""The intelligence officer's desk: every intelligence item of their district still waiting for someone, in
one list, soonest due first (HMIC 2014 asked for prompt routing; Drew recommendation 6 for prompt handling).

An item waits at the first stage not done yet: routing and assessment are the intelligence unit's, the action
taken is the investigator's (shown so the desk can chase it). Due times are the item's case's procedure
targets, measured from submission, as on the case's Intelligence tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from checklist_app.core import intelligence as intel
from checklist_app.core.deadlines import due_at
from checklist_app.core.permissions import Action, Actor, PermissionDenied, require
from checklist_app.services.context import ServiceContext, who
from checklist_app.store.audit import Operation, append
from checklist_app.store.models import Case, District, IntelligenceItem, User

STAGES = {
    "route": "Awaiting routing",
    "assess": "Awaiting assessment",
    "action": "Awaiting the investigator's action",
}
EXCERPT = 120  # characters of the sanitised summary shown on the desk; the case's tab shows it whole


@dataclass(frozen=True, slots=True)
class DeskLine:
    item_id: int
    reference: str
    case_id: int
    case_reference: str
    priority: str
    grade_code: str
    stage: str  # route, assess or action (see STAGES)
    with_whom: str  # the assessor it is routed to, or the case's officer for the action; "" if nobody yet
    mine: bool  # routed to the signed-in officer and not assessed yet
    submitted_at: datetime
    due_at: datetime
    overdue: bool
    reroute_count: int
    excerpt: str
    case_closed: bool = False  # nothing can be recorded until a supervisor reopens the case

    @property
    def id(self) -> int:  # tables keep the selected row by `id`
        return self.item_id

    @property
    def stage_text(self) -> str:
        return STAGES[self.stage]


@dataclass(frozen=True, slots=True)
class IntelligenceDesk:
    district_name: str
    as_of: datetime
    lines: tuple[DeskLine, ...]

    def count(self, stage: str) -> int:
        return sum(1 for line in self.lines if line.stage == stage)

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.overdue)

    @property
    def mine(self) -> int:
        return sum(1 for line in self.lines if line.mine)


def _excerpt(summary: str) -> str:
    flat = " ".join(summary.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def intelligence_desk(ctx: ServiceContext, actor: Actor) -> IntelligenceDesk:
    """Items of the actor's district waiting to be routed, assessed or acted on. Items waiting for routing or
    assessment are listed whatever the case's status, so none is forgotten; but a closed case does not change
    (services/guards.py), so those on a closed case are marked `case_closed`: a supervisor must reopen the
    case before they can be routed or assessed. The investigator's action is listed only while the case is
    open."""
    require(actor, Action.INTEL_ASSESS)
    if actor.district_id is None:
        raise PermissionDenied(actor, Action.INTEL_ASSESS, "the account has no district")
    now = ctx.now()
    with ctx.db.write() as session:  # the view itself is audited (a consultation of the district's items)
        district = session.get(District, actor.district_id)
        rows = session.execute(
            select(IntelligenceItem, Case.reference, Case.procedure_version_id, Case.officer_id, Case.status)
            .join(Case, Case.id == IntelligenceItem.case_id)
            .where(
                IntelligenceItem.district_id == actor.district_id,
                IntelligenceItem.actioned_at.is_(None),
                or_(IntelligenceItem.assessed_at.is_(None), Case.status == "open"),
            )
        ).all()
        people = {r.routed_to for r, *_ in rows} | {officer for *_, officer, _status in rows}
        names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(people - {None}))).all())
        lines = []
        for item, case_reference, version_id, officer_id, case_status in rows:
            target = ctx.procedure(session, version_id).settings.intelligence_targets.get(item.priority)
            if target is None:  # a priority the case's procedure has no target for: nothing to measure
                continue
            stage = intel.waiting_stage(item.routed_at, item.assessed_at)
            due = due_at(item.submitted_at, getattr(target, stage), ctx.calendar)  # only the stage it waits at
            grade = intel.Grade(
                intel.Scheme(item.scheme), item.source_evaluation, item.intelligence_assessment, item.handling_code
            )
            holder = item.routed_to if stage != "action" else officer_id
            lines.append(
                DeskLine(
                    item_id=item.id,
                    reference=item.reference,
                    case_id=item.case_id or 0,
                    case_reference=case_reference,
                    priority=item.priority,
                    grade_code=grade.code(),
                    stage=stage,
                    with_whom=names.get(holder, "") if holder else "",
                    mine=stage == "assess" and item.routed_to == actor.user_id,
                    submitted_at=item.submitted_at,
                    due_at=due,
                    overdue=intel.timeliness(due, None, now) is intel.Timeliness.OVERDUE,
                    reroute_count=item.reroute_count,
                    excerpt=_excerpt(item.summary),
                    case_closed=case_status != "open",
                )
            )
        lines.sort(key=lambda line: (line.due_at, line.reference))
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="intel.desk.view",
            at=now,
            object_type="districts",
            object_id=actor.district_id,
            details={"items": len(lines)},
        )
        return IntelligenceDesk(district.name if district else "", now, tuple(lines))
