"""Intelligence: submit a graded report, route it to an assessor, assess it, record the action taken.
Each stage is time-stamped so time-to-assessment can be measured against the priority's target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklist_app.core import intelligence as intel
from checklist_app.core import wording
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.model import Role
from checklist_app.services import case_state as cs
from checklist_app.services import views
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import IntelligenceView
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.intel_items import uses_stage_events
from checklist_app.services.validation import check_moment, required_text
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import IntelligenceItem, User


@dataclass
class NewIntelligence:
    received_at: datetime
    summary: str  # sanitised: who, what, when, where, why, how; never the source's identity
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    priority: str
    handling_conditions: str = ""
    protective_marking: str = "OFFICIAL"
    sanitised: bool = False


def _problems(form: NewIntelligence, now: datetime) -> list[FieldProblem]:
    problems = check_moment(form.received_at, now, "received_at", "Received at")
    problems += required_text(form.summary, "summary", "Intelligence text")
    for message in intel.grade_problems(
        intel.Scheme.CURRENT,
        form.source_evaluation,
        form.intelligence_assessment,
        form.handling_code,
        form.handling_conditions,
    ):
        problems.append(FieldProblem("grade", "Grading", message))
    if form.priority not in wording.PRIORITIES:
        problems.append(FieldProblem("priority", "Priority", "must be high, medium or low"))
    if form.protective_marking not in intel.PROTECTIVE_MARKINGS:
        problems.append(
            FieldProblem(
                "protective_marking", "Protective marking", f"must be one of: {', '.join(intel.PROTECTIVE_MARKINGS)}"
            )
        )
    return problems


def _next_reference(session: Session, now: datetime) -> str:
    prefix = f"INT-{now.year}-"
    last = session.scalar(
        select(func.max(IntelligenceItem.reference)).where(IntelligenceItem.reference.like(prefix + "%"))
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:06d}"


def submit(ctx: ServiceContext, actor: Actor, case_id: int, form: NewIntelligence) -> IntelligenceView:
    now = ctx.now()
    problems = _problems(form, now)
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.INTEL_SUBMIT)
        cs.require_open(loaded.case)
        item = IntelligenceItem(
            reference=_next_reference(session, now),
            case_id=case_id,
            district_id=loaded.case.district_id,
            received_at=form.received_at,
            submitted_at=now,
            submitted_by=actor.user_id or None,
            summary=form.summary.strip(),
            scheme=intel.Scheme.CURRENT.value,
            source_evaluation=form.source_evaluation,
            intelligence_assessment=form.intelligence_assessment,
            handling_code=form.handling_code,
            handling_conditions=form.handling_conditions.strip(),
            protective_marking=form.protective_marking,
            priority=form.priority,
            sanitised=form.sanitised,
            routed_to=None,
            routed_at=None,
            reroute_count=0,
            assessed_at=None,
            assessed_by=None,
            assessment_outcome="",
            assessment_rationale="",
            actioned_at=None,
            actioned_by=None,
            action_taken="",
            regrade_reason="",
        )
        session.add(item)
        record(
            session,
            who(actor),
            item,
            operation=Operation.COLLECTION,
            action="intel.submit",
            at=now,
            case_id=case_id,
            details={"priority": form.priority},
        )
        loaded.intelligence_priorities.append(form.priority)
        loaded.intelligence_times.append(intel.ItemTimes(now))
        refresh_summary(session, ctx, loaded, now)
        return _view(session, ctx, loaded, item, now)


def _refresh_stage_deadlines(session: Session, ctx: ServiceContext, loaded: cs.LoadedCase, now: datetime) -> None:
    """An item passing a stage moves the deadlines of the steps that count from the items still waiting
    there (procedure 1.2 on), so the case list's figures are worked out again; older versions do not count
    from items, so their figures cannot have changed."""
    if uses_stage_events(loaded.procedure):
        refresh_summary(session, ctx, cs.load_for(session, ctx, loaded.case), now)


def _view(
    session: Session, ctx: ServiceContext, loaded: cs.LoadedCase, item: IntelligenceItem, now: datetime
) -> IntelligenceView:
    names = views.user_names(session, [item.submitted_by, item.routed_to, item.assessed_by, item.actioned_by])
    return views.intelligence_view(ctx, loaded.procedure, item, names, now)


def _load(
    session: Session, ctx: ServiceContext, actor: Actor, item_id: int, action: Action
) -> tuple[cs.LoadedCase, IntelligenceItem]:
    item = session.get(IntelligenceItem, item_id)
    if item is None or item.case_id is None:
        raise NotFound(f"Intelligence item {item_id} does not exist.")
    loaded = cs.load_case(session, ctx, item.case_id, actor, action)
    return loaded, item


def route(ctx: ServiceContext, actor: Actor, item_id: int, assessor_id: int) -> IntelligenceView:
    """Send an item to the person best placed to assess it. Routing again counts as a re-route."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded, item = _load(session, ctx, actor, item_id, Action.INTEL_ROUTE)
        if item.assessed_at is not None:
            raise Conflict(f"{item.reference} has already been assessed.")
        assessor = session.get(User, assessor_id)
        if assessor is None or not assessor.active or assessor.role != Role.INTELLIGENCE_OFFICER.value:
            raise InvalidInput([FieldProblem("assessor", "Assessor", "must be an active intelligence officer")])
        if item.routed_to == assessor_id:
            raise Conflict(f"{item.reference} is already with {assessor.display_name}.")
        if item.routed_to is not None:
            item.reroute_count += 1
        item.routed_to, item.routed_at = assessor_id, now
        record(
            session,
            who(actor),
            item,
            operation=Operation.DISCLOSURE,
            action="intel.route",
            at=now,
            case_id=item.case_id,
            details={"to": assessor.username},
        )
        _refresh_stage_deadlines(session, ctx, loaded, now)
        return _view(session, ctx, loaded, item, now)


def assess(
    ctx: ServiceContext, actor: Actor, item_id: int, *, outcome: str, rationale: str, sanitised: bool
) -> IntelligenceView:
    """Record the assessment: develop, disseminate, task or file, with the rationale."""
    now = ctx.now()
    problems: list[FieldProblem] = []
    if outcome not in intel.ASSESSMENT_OUTCOMES:  # first, as on the form; in the words the form lists
        problems.append(
            FieldProblem("outcome", "Outcome", f"choose one of: {', '.join(intel.ASSESSMENT_OUTCOMES.values())}")
        )
    problems += required_text(rationale, "rationale", "Rationale")
    if outcome in ("disseminate", "task") and not sanitised:
        problems.append(FieldProblem("sanitised", "Sanitised", "the report must be sanitised before dissemination"))
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        loaded, item = _load(session, ctx, actor, item_id, Action.INTEL_ASSESS)
        if item.assessed_at is not None:
            raise Conflict(f"{item.reference} was already assessed at {item.assessed_at:%d/%m/%Y %H:%M}.")
        if item.routed_to is None:
            item.routed_to, item.routed_at = actor.user_id or None, now
        item.assessed_at, item.assessed_by = now, actor.user_id or None
        item.assessment_outcome, item.assessment_rationale = outcome, rationale.strip()
        item.sanitised = sanitised
        record(
            session,
            who(actor),
            item,
            operation=Operation.ALTERATION,
            action="intel.assess",
            at=now,
            case_id=item.case_id,
            details={"outcome": outcome},
        )
        _refresh_stage_deadlines(session, ctx, loaded, now)
        return _view(session, ctx, loaded, item, now)


def record_action(ctx: ServiceContext, actor: Actor, item_id: int, action_taken: str) -> IntelligenceView:
    """The investigator acknowledges the assessed item and says what was done (closing the loop)."""
    now = ctx.now()
    problems = required_text(action_taken, "action_taken", "Action taken")
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        loaded, item = _load(session, ctx, actor, item_id, Action.INTEL_ACTION)
        cs.require_open(loaded.case)
        if item.assessed_at is None:
            raise Conflict(f"{item.reference} has not been assessed yet.")
        if item.actioned_at is not None:
            raise Conflict(f"Action on {item.reference} is already recorded.")
        item.actioned_at, item.actioned_by, item.action_taken = now, actor.user_id or None, action_taken.strip()
        record(
            session,
            who(actor),
            item,
            operation=Operation.ALTERATION,
            action="intel.action",
            at=now,
            case_id=item.case_id,
        )
        _refresh_stage_deadlines(session, ctx, loaded, now)
        return _view(session, ctx, loaded, item, now)


def assessors(ctx: ServiceContext, district_id: int) -> list[tuple[int, str]]:
    """Intelligence officers who can take an item from this district: (user id, name)."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .where(User.role == Role.INTELLIGENCE_OFFICER.value, User.active, User.district_id == district_id)
            .order_by(User.display_name)
        )
        return [(r.id, r.display_name) for r in rows]


def queue(ctx: ServiceContext, actor: Actor) -> list[IntelligenceView]:
    """Items routed to the actor and not yet assessed, oldest first (the intelligence officer's in-tray)."""
    require(actor, Action.INTEL_ASSESS)
    now = ctx.now()
    with ctx.db.write() as session:
        items = list(
            session.scalars(
                select(IntelligenceItem)
                .where(IntelligenceItem.routed_to == actor.user_id, IntelligenceItem.assessed_at.is_(None))
                .order_by(IntelligenceItem.submitted_at)
            )
        )
        out = []
        for item in items:
            loaded = cs.load_case(session, ctx, item.case_id or 0, actor, Action.CASE_VIEW)
            record(
                session,
                who(actor),
                item,
                operation=Operation.CONSULTATION,
                action="intel.view",
                at=now,
                case_id=item.case_id,
            )
            out.append(_view(session, ctx, loaded, item, now))
        return out
