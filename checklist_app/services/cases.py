"""Case use cases on one case: view it, change its facts and people, record events, find it by reference.

Opening is in case_opening.py, the list in case_list.py, version moves in case_versions.py and closing,
reopening and reassigning with a reason in closure.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.model import Procedure, Role
from checklist_app.core.readable import readable_procedure
from checklist_app.services import case_state as cs
from checklist_app.services.case_opening import fact_problems
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.case_view import detail_of
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput, NotFound
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import (
    Case,
    CaseEvent,
    StepRecord,
    User,
)


def case_detail(ctx: ServiceContext, actor: Actor, case_id: int, *, reason: str = "") -> CaseDetail:
    """Everything about one case. Viewing is a consultation and is audited (DPA 2018 s.62)."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_VIEW)
        details = {"reason": reason} if reason else None
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.CONSULTATION,
            action="case.view",
            at=now,
            case_id=case_id,
            details=details,
        )
        return detail_of(session, ctx, loaded, actor, now)


def update_facts(ctx: ServiceContext, actor: Actor, case_id: int, facts: dict[str, object]) -> None:
    """Set case facts (the answers step conditions test). A value of None clears a fact."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_EDIT)
        cs.require_open(loaded.case)
        problems = fact_problems(loaded.procedure, facts)
        if problems:
            raise InvalidInput(problems)
        merged = {**loaded.case.facts, **facts}
        loaded.case.facts = {k: v for k, v in merged.items() if v is not None}
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.ALTERATION,
            action="case.facts",
            at=now,
            case_id=case_id,
            details={"changed": sorted(facts)},
        )
        refresh_summary(session, ctx, loaded, now)


def reassign(
    ctx: ServiceContext,
    actor: Actor,
    case_id: int,
    *,
    officer_id: int | None = None,
    supervisor_id: int | None = None,
    reason: str,
) -> None:
    now = ctx.now()
    if not reason.strip():
        raise InvalidInput([FieldProblem("reason", "Reason", "is required to reassign a case")])
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_REASSIGN, cs.scope_of(case))
        cs.require_open(case)
        for user_id, role in ((officer_id, Role.INVESTIGATOR), (supervisor_id, Role.SUPERVISOR)):
            if user_id is None:
                continue
            user = session.get(User, user_id)
            if user is None or not user.active or user.role not in (role.value, Role.SUPERVISOR.value):
                raise InvalidInput([FieldProblem("officer", "Officer", f"user {user_id} cannot take this role")])
        if officer_id is not None:
            case.officer_id = officer_id
        if supervisor_id is not None:
            case.supervisor_id = supervisor_id
        record(
            session,
            who(actor),
            case,
            operation=Operation.ALTERATION,
            action="case.reassign",
            at=now,
            case_id=case_id,
            details={"reason": reason.strip()},
        )


def record_event(
    ctx: ServiceContext, actor: Actor, case_id: int, event_type: str, occurred_at: datetime, note: str = ""
) -> None:
    """Record a manual case event (e.g. trial date fixed); deadlines anchored on it start counting."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.EVENT_RECORD)
        cs.require_open(loaded.case)
        event = loaded.procedure.event_map().get(event_type)
        if event is None or event.source != "manual":
            # In the titles the form lists: a user never sees an event's id.
            choices = ", ".join(e.title for e in loaded.procedure.events if e.source == "manual")
            if not event_type.strip():
                message = "choose the event that happened"
            elif event is None:
                message = f"this case's procedure has no event “{event_type}”"
            else:
                message = f"“{event.title}” is recorded by the application, not by hand"
            raise InvalidInput([FieldProblem("event", "Event", f"{message}; one of: {choices}")])
        _check_time(occurred_at, now, loaded.case.referral_at, "Event time")
        row = CaseEvent(
            case_id=case_id,
            event_type=event_type,
            occurred_at=occurred_at,
            recorded_at=now,
            recorded_by=actor.user_id or None,
            source="manual",
            note=note.strip(),
        )
        session.add(row)
        record(session, who(actor), row, operation=Operation.COLLECTION, action="event.record", at=now, case_id=case_id)
        loaded.events.append(row)
        refresh_summary(session, ctx, loaded, now)


def _check_time(moment: datetime, now: datetime, referral_at: datetime, label: str) -> None:
    if moment.tzinfo is None:
        raise InvalidInput([FieldProblem("time", label, "must include the time zone")])
    if moment > now:
        raise InvalidInput([FieldProblem("time", label, "is in the future")])


def case_id_by_reference(ctx: ServiceContext, actor: Actor, reference: str) -> int:
    """The id of the case with this reference, if the signed-in actor may see it (audited)."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
        if case is None:
            raise NotFound(f"No case {reference.strip()[:40]!r}.")
        cs.checked(session, ctx, actor, case)
        cs.authorise(session, ctx, actor, Action.CASE_VIEW, case)
        record(
            session, who(actor), case, operation=Operation.CONSULTATION, action="case.lookup", at=now, case_id=case.id
        )
        return int(case.id)


def step_record_count(ctx: ServiceContext, case_id: int) -> int:
    with ctx.db.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(StepRecord).where(StepRecord.case_id == case_id)) or 0
        )


def case_procedure(ctx: ServiceContext, actor: Actor, case_id: int) -> Procedure:
    """The procedure version a case is pinned to (plain, immutable data: steps, risk tool, facts), worded
    for display: its texts name events, facts and settings by title, never by internal id."""
    with ctx.db.read() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        cs.authorise(session, ctx, actor, Action.CASE_VIEW, case)
        return readable_procedure(ctx.procedure(session, case.procedure_version_id))
