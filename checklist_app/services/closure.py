"""Closing a case (a supervisor's signed decision with a rationale), reopening it, and reassigning it.

Closure is refused, with the list of what is still open, unless every required step is done or marked not
applicable with a reason (a mandatory one with a supervisor's signed agreement) and every directed action is
closed. The closure is signed ("approved for
closure"); reopening the case later changes what was signed, so that signature shows as superseded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.model import Role
from checklist_app.core.signatures import Meaning
from checklist_app.services import case_state as cs
from checklist_app.services import signatures
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import DirectedAction, Team, User

MAX_RATIONALE = 20000
AWAITING_SUFFIX = " (not applicable: awaiting supervisor agreement)"


@dataclass(frozen=True, slots=True)
class OpenItem:
    kind: str  # "step" or "action"
    reference: str  # the step number, or "Action 12"
    title: str
    step_id: str = ""  # for a step: where to open the case
    action_id: int | None = None
    awaiting_agreement: bool = False  # a mandatory step marked not applicable, not agreed by a supervisor yet

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ClosureRefused(Conflict):
    """Closure refused: `items` lists every required step and directed action still open."""

    def __init__(self, reference: str, items: list[OpenItem]) -> None:
        self.items = items
        shown = "; ".join(str(i) for i in items[:8]) + (f"; and {len(items) - 8} more" if len(items) > 8 else "")
        super().__init__(
            f"Case {reference} cannot be closed: {len(items)} item(s) still open ({shown}). Complete each step "
            "or mark it not applicable with a reason, and complete every directed action, first."
        )


def open_items(session: Session, ctx: ServiceContext, loaded: cs.LoadedCase, now: datetime) -> list[OpenItem]:
    """Everything that stands in the way of closing the case, steps in procedure order, then actions."""
    schedule = cs.schedule_of(ctx, loaded, now)
    awaiting = awaiting_agreement(session, loaded)
    items = []
    for step in loaded.procedure.steps:
        entry = schedule.get(step.id)
        if entry is not None and entry.required and entry.status.value not in ("done", "not_applicable"):
            items.append(OpenItem("step", step.number, step.title, step_id=step.id))
        elif step.id in awaiting:
            title = f"{step.title}{AWAITING_SUFFIX}"
            items.append(OpenItem("step", step.number, title, step_id=step.id, awaiting_agreement=True))
    actions = session.scalars(
        select(DirectedAction)
        .where(DirectedAction.case_id == loaded.case.id, DirectedAction.status == "open")
        .order_by(DirectedAction.due_at, DirectedAction.id)
    )
    for action in actions:
        items.append(OpenItem("action", f"Action {action.id}", action.description[:120], action_id=action.id))
    return items


def closure_check(ctx: ServiceContext, actor: Actor, case_id: int) -> list[OpenItem]:
    """What is still open on the case (empty: it may be closed). For the closure dialog."""
    now = ctx.now()
    with ctx.db.read() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_CLOSE)
        cs.require_open(loaded.case)
        return open_items(session, ctx, loaded, now)


def close_case(
    ctx: ServiceContext, actor: Actor, case_id: int, rationale: str, password: str
) -> signatures.SignatureView:
    """Close the case with the supervisor's rationale and signature ("approved for closure")."""
    text = rationale.strip()
    if not text:
        raise InvalidInput([FieldProblem("rationale", "Closure rationale", "is required")])
    if len(text) > MAX_RATIONALE:
        raise InvalidInput(
            [FieldProblem("rationale", "Closure rationale", f"is longer than {MAX_RATIONALE} characters")]
        )

    def change(session: Session, now: datetime) -> signatures.SignatureView:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_CLOSE)
        cs.require_open(loaded.case)
        items = open_items(session, ctx, loaded, now)
        if items:
            raise ClosureRefused(loaded.case.reference, items)
        case = loaded.case
        case.status, case.closed_at, case.closure_reason = "closed", now, text
        record(session, who(actor), case, operation=Operation.ALTERATION, action="case.close", at=now, case_id=case_id)
        signature = signatures.add_signature(
            session, actor, now, case, Meaning.APPROVED_FOR_CLOSURE, case_id=case_id, comment=text
        )
        refresh_summary(session, ctx, loaded, now)
        return signature

    return signatures.signed_change(ctx, actor, password, "sign case closure", change)


def reopen_case(ctx: ServiceContext, actor: Actor, case_id: int, reason: str) -> None:
    """Reopen a closed case with a reason. The closure signature stays on record, now superseded."""
    now = ctx.now()
    text = reason.strip()
    if not text:
        raise InvalidInput([FieldProblem("reason", "Reason", "is required to reopen a case")])
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_REOPEN)
        if loaded.case.status == "open":
            raise Conflict(f"Case {loaded.case.reference} is already open.")
        loaded.case.status, loaded.case.closed_at = "open", None
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.ALTERATION,
            action="case.reopen",
            at=now,
            case_id=case_id,
            details={"reason": text},
        )
        refresh_summary(session, ctx, loaded, now)


def reassign_officer(ctx: ServiceContext, actor: Actor, case_id: int, officer_id: int, reason: str) -> None:
    """Give the case to another investigator (or supervisor) of the case's district, with a reason."""
    now = ctx.now()
    text = reason.strip()
    if not text:
        raise InvalidInput([FieldProblem("reason", "Reason", "is required to reassign a case")])
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_REASSIGN, cs.scope_of(case))
        cs.require_open(case)
        officer = session.get(User, officer_id)
        if (
            officer is None
            or not officer.active
            or officer.role not in (Role.INVESTIGATOR.value, Role.SUPERVISOR.value)
            or officer.district_id != case.district_id
        ):
            raise InvalidInput(
                [
                    FieldProblem(
                        "officer", "Officer", "choose an active investigator or supervisor of the case's district"
                    )
                ]
            )
        if officer.id == case.officer_id:
            raise InvalidInput([FieldProblem("officer", "Officer", "already has this case")])
        previous = case.officer_id
        case.officer_id = officer.id
        record(
            session,
            who(actor),
            case,
            operation=Operation.ALTERATION,
            action="case.reassign",
            at=now,
            case_id=case_id,
            details={"reason": text, "from": previous, "to": officer.id},
        )


def officers_for(ctx: ServiceContext, actor: Actor, case_id: int) -> list[tuple[int, str]]:
    """Who the case could be reassigned to: active investigators and supervisors of its district, the case's
    own team first; officers of another team are labelled with it ("Dc Elm, Sheffield CSE Team 2")."""
    with ctx.db.read() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_REASSIGN, cs.scope_of(case))
        rows = session.execute(
            select(User.id, User.display_name, User.team_id, Team.name)
            .outerjoin(Team, Team.id == User.team_id)
            .where(
                User.active.is_(True),
                User.district_id == case.district_id,
                User.role.in_((Role.INVESTIGATOR.value, Role.SUPERVISOR.value)),
                User.id != case.officer_id,
            )
            .order_by(User.display_name)
        ).all()
        own = [(int(i), str(n)) for i, n, team_id, _ in rows if team_id == case.team_id]
        others = [(int(i), f"{n}, {t or 'no team'}") for i, n, team_id, t in rows if team_id != case.team_id]
        return own + others
