"""Remedial actions from casework audits: their owners see and complete them, auditors follow them up.

An action is raised on an audit while it is drafted and reaches its owner when the audit is signed. The
owner completes it with a note; an auditor then records whether it was in fact done (the follow-up), which
is what the audit cycle reports on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, CaseScope, require
from checklist_app.services import case_state as cs
from checklist_app.services.audit_dto import RemedialView
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.store.audit import Operation, append, record
from checklist_app.store.models import Case, CaseAudit, RemedialAction, User, object_type_of

PRIORITIES = ("high", "medium", "low")
FOLLOW_UPS = ("done", "not_done")
MAX_NOTE = 4000


def list_remedial_actions(
    ctx: ServiceContext, actor: Actor, *, mine: bool = True, open_only: bool = True
) -> list[RemedialView]:
    """Remedial actions from signed audits: the actor's own (`mine`), or, for auditors, all of them.
    Oldest due first."""
    require(actor, Action.REMEDIAL_VIEW)
    if not mine:
        require(actor, Action.REMEDIAL_FOLLOW_UP)
    now = ctx.now()
    with ctx.db.write() as session:
        query = (
            select(RemedialAction)
            .join(CaseAudit, CaseAudit.id == RemedialAction.audit_id)
            .where(CaseAudit.status == "signed")
            .order_by(RemedialAction.due_at, RemedialAction.id)
        )
        if mine:
            query = query.where(RemedialAction.owner_id == actor.user_id)
        if open_only:
            # For the owner: still to do. For an auditor: still to follow up.
            query = query.where(RemedialAction.status == "open" if mine else RemedialAction.follow_up == "")
        rows = list(session.scalars(query))
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="remedial.list",
            at=now,
            object_type=object_type_of(RemedialAction),
            details={"mine": mine, "open_only": open_only, "count": len(rows)},
        )
        return remedial_views(session, rows, now)


def case_remedial_actions(ctx: ServiceContext, actor: Actor, case_id: int) -> list[RemedialView]:
    """The open remedial actions on one case from its signed audits, for whoever works the case to see where
    they work; only each action's owner can complete it. Oldest due first."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.REMEDIAL_VIEW, _scope(case))
        rows = list(
            session.scalars(
                select(RemedialAction)
                .join(CaseAudit, CaseAudit.id == RemedialAction.audit_id)
                .where(
                    CaseAudit.status == "signed",
                    RemedialAction.case_id == case_id,
                    RemedialAction.status == "open",
                )
                .order_by(RemedialAction.due_at, RemedialAction.id)
            )
        )
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="remedial.list_case",
            at=now,
            object_type=object_type_of(RemedialAction),
            case_id=case_id,
            details={"count": len(rows)},
        )
        return remedial_views(session, rows, now)


def complete_remedial_action(ctx: ServiceContext, actor: Actor, action_id: int, note: str) -> RemedialView:
    """The owner records that the action is done, saying what was done."""
    now = ctx.now()
    if not note.strip():
        raise InvalidInput([FieldProblem("note", "Note", "say what was done")])
    if len(note) > MAX_NOTE:
        raise InvalidInput([FieldProblem("note", "Note", f"is too long (at most {MAX_NOTE} characters)")])
    with ctx.db.write() as session:
        action, case = _load_signed(session, action_id)
        cs.checked(session, ctx, actor, case)
        require(actor, Action.REMEDIAL_COMPLETE, _scope(case))
        if action.owner_id != actor.user_id:
            raise Conflict("Only the action's owner can complete it.")
        if action.status != "open":
            raise Conflict("This remedial action is already completed.")
        action.status = "completed"
        action.completed_at = now
        action.completed_by = actor.user_id or None
        action.completion_note = note.strip()
        record(
            session,
            who(actor),
            action,
            operation=Operation.ALTERATION,
            action="remedial.complete",
            at=now,
            case_id=case.id,
        )
        return remedial_views(session, [action], now)[0]


def follow_up_remedial_action(
    ctx: ServiceContext, actor: Actor, action_id: int, *, done: bool, note: str
) -> RemedialView:
    """An auditor records whether the action was in fact done, whatever its owner recorded."""
    now = ctx.now()
    if not note.strip():
        raise InvalidInput([FieldProblem("note", "Note", "say what the follow-up found")])
    with ctx.db.write() as session:
        action, case = _load_signed(session, action_id)
        cs.checked(session, ctx, actor, case)
        require(actor, Action.REMEDIAL_FOLLOW_UP, _scope(case))
        if action.owner_id == actor.user_id:
            raise Conflict("An action's owner cannot follow up their own action.")
        action.follow_up = FOLLOW_UPS[0] if done else FOLLOW_UPS[1]
        action.followed_up_at = now
        action.followed_up_by = actor.user_id or None
        action.follow_up_note = note.strip()
        record(
            session,
            who(actor),
            action,
            operation=Operation.ALTERATION,
            action="remedial.follow_up",
            at=now,
            case_id=case.id,
        )
        return remedial_views(session, [action], now)[0]


def remedial_views(session: Session, rows: Iterable[RemedialAction], now: datetime) -> list[RemedialView]:
    actions = list(rows)
    if not actions:
        return []
    people = {a.owner_id for a in actions} | {
        i for a in actions for i in (a.raised_by, a.completed_by, a.followed_up_by) if i
    }
    names = {r[0]: r[1] for r in session.execute(select(User.id, User.display_name).where(User.id.in_(people)))}
    case_ids = {a.case_id for a in actions}
    refs = {r[0]: r[1] for r in session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids)))}
    return [
        RemedialView(
            id=a.id,
            audit_id=a.audit_id,
            case_id=a.case_id,
            case_reference=refs.get(a.case_id, ""),
            description=a.description,
            owner_id=a.owner_id,
            owner=names.get(a.owner_id, ""),
            priority=a.priority,
            due_at=a.due_at,
            raised_at=a.raised_at,
            raised_by=names.get(a.raised_by or 0, ""),
            status=a.status,
            completed_at=a.completed_at,
            completed_by=names.get(a.completed_by or 0, ""),
            completion_note=a.completion_note,
            follow_up=a.follow_up,
            followed_up_at=a.followed_up_at,
            followed_up_by=names.get(a.followed_up_by or 0, ""),
            follow_up_note=a.follow_up_note,
            overdue=a.status == "open" and a.due_at < now,
        )
        for a in actions
    ]


def _load_signed(session: Session, action_id: int) -> tuple[RemedialAction, Case]:
    action = session.get(RemedialAction, action_id)
    if action is None:
        raise NotFound(f"There is no remedial action {action_id}.")
    audit = session.get(CaseAudit, action.audit_id)
    if audit is None or audit.status != "signed":
        raise Conflict("This remedial action belongs to an audit that is not signed yet.")
    case = session.get(Case, action.case_id)
    assert case is not None
    return action, case


def _scope(case: Case) -> CaseScope:
    return CaseScope(case.district_id, case.team_id, case.officer_id, case.supervisor_id)
