"""Supervisory review of a case as a record of its own: the SOP's review checklist, the supervisor's
findings, directions (actions with an owner and a due date), then sign-off with the supervisor's password.

A signed review completes the procedure's periodic review steps (`supervisory_review.completes`), linked to
the review. Changing a signed review puts it back to draft and supersedes its signature, which stays on
record. Directed actions appear on the case, in the case list's next-due and overdue figures, and are
completed by their owner with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, PermissionDenied, require
from checklist_app.core.procedure.model import Role
from checklist_app.core.schedule import StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import case_state as cs
from checklist_app.services import signatures, views
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.steps import _write as write_step
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import DirectedAction, SupervisoryReview, User

ANSWERS = ("yes", "no", "not applicable")
KINDS = ("initial", "periodic", "ad hoc")
MAX_TEXT = 20000


@dataclass(frozen=True, slots=True)
class ChecklistAnswer:
    item_id: str
    text: str
    answer: str  # one of ANSWERS, or "" if not answered yet
    note: str


@dataclass(frozen=True, slots=True)
class DirectedActionView:
    id: int
    case_id: int
    review_id: int | None
    description: str
    owner_id: int
    owner_name: str
    due_at: datetime
    directed_at: datetime
    directed_by_name: str
    status: str  # open or done
    completed_at: datetime | None
    completed_by_name: str
    completion_note: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: int
    case_id: int
    kind: str
    reviewer_id: int
    reviewer_name: str
    started_at: datetime
    status: str  # draft or signed
    checklist: tuple[ChecklistAnswer, ...]
    findings: str
    completes_steps: tuple[str, ...]  # step numbers completed by this review once signed
    actions: tuple[DirectedActionView, ...]
    signatures: tuple[signatures.SignatureView, ...]


def _review(session: Session, review_id: int) -> SupervisoryReview:
    review = session.get(SupervisoryReview, review_id)
    if review is None:
        raise NotFound(f"Supervisory review {review_id} does not exist.")
    return review


def _load(session: Session, ctx: ServiceContext, actor: Actor, case_id: int) -> cs.LoadedCase:
    loaded = cs.load_case(session, ctx, case_id, actor, Action.REVIEW_RECORD)
    cs.require_open(loaded.case)
    return loaded


def start_review(ctx: ServiceContext, actor: Actor, case_id: int, kind: str = "periodic") -> ReviewView:
    """Start a review of the case (or return the actor's draft already under way)."""
    if kind not in KINDS:
        raise InvalidInput([FieldProblem("kind", "Kind of review", f"choose one of: {', '.join(KINDS)}")])
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = _load(session, ctx, actor, case_id)
        draft = session.scalar(
            select(SupervisoryReview).where(
                SupervisoryReview.case_id == case_id,
                SupervisoryReview.reviewer_id == actor.user_id,
                SupervisoryReview.status == "draft",
            )
        )
        if draft is None:
            draft = SupervisoryReview(
                case_id=case_id,
                reviewer_id=actor.user_id,
                kind=kind,
                procedure_version_id=loaded.case.procedure_version_id,
                started_at=now,
                updated_at=now,
                checklist={},
                findings="",
                completes_steps=list(loaded.procedure.supervisory_review.completes),
                status="draft",
                signed_at=None,
            )
            session.add(draft)
            record(
                session,
                who(actor),
                draft,
                operation=Operation.COLLECTION,
                action="review.start",
                at=now,
                case_id=case_id,
            )
        return _view(session, ctx, draft, now)


def save_review(
    ctx: ServiceContext, actor: Actor, review_id: int, answers: dict[str, tuple[str, str]], findings: str
) -> ReviewView:
    """Save checklist answers ({item id: (answer, note)}) and findings. Saving a signed review changes
    what was signed: it goes back to draft, its signature shows as superseded, and it must be signed again."""
    now = ctx.now()
    with ctx.db.write() as session:
        review = _review(session, review_id)
        loaded = _load(session, ctx, actor, review.case_id)
        _require_reviewer(actor, review)
        items = {i.id: i for i in loaded.procedure.supervisory_review.checklist}
        problems = []
        for item_id, (answer, note) in answers.items():
            if item_id not in items:
                problems.append(FieldProblem(item_id, item_id, "is not an item of this procedure's review checklist"))
            elif answer not in ANSWERS:
                problems.append(FieldProblem(item_id, items[item_id].text, f"answer one of: {', '.join(ANSWERS)}"))
            elif answer == "no" and not note.strip():
                problems.append(FieldProblem(item_id, items[item_id].text, "say what is wrong when the answer is no"))
        if len(findings) > MAX_TEXT:
            problems.append(FieldProblem("findings", "Findings", f"is longer than {MAX_TEXT} characters"))
        if problems:
            raise InvalidInput(problems)
        review.checklist = {
            **review.checklist,
            **{k: {"answer": a, "note": n.strip()} for k, (a, n) in answers.items()},
        }
        review.findings = findings.strip()
        amended = review.status == "signed"
        review.status, review.signed_at, review.updated_at = "draft", None, now
        record(
            session,
            who(actor),
            review,
            operation=Operation.ALTERATION,
            action="review.amend" if amended else "review.save",
            at=now,
            case_id=review.case_id,
        )
        return _view(session, ctx, review, now)


def direct_action(
    ctx: ServiceContext, actor: Actor, review_id: int, description: str, owner_id: int, due_at: datetime
) -> DirectedActionView:
    """Add a direction to a draft review: a checkable action, its owner and its due date."""
    now = ctx.now()
    text = description.strip()
    problems = []
    if not text:
        problems.append(FieldProblem("description", "Action", "is required"))
    elif len(text) > MAX_TEXT:
        problems.append(FieldProblem("description", "Action", f"is longer than {MAX_TEXT} characters"))
    if due_at.tzinfo is None:
        problems.append(FieldProblem("due_at", "Due", "must include the time zone"))
    elif due_at <= now:
        problems.append(FieldProblem("due_at", "Due", "must be in the future"))
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        review = _review(session, review_id)
        loaded = _load(session, ctx, actor, review.case_id)
        _require_reviewer(actor, review)
        if review.status != "draft":
            raise Conflict("This review is signed. Change it (it goes back to draft) before adding directions.")
        owner = session.get(User, owner_id)
        if (
            owner is None
            or not owner.active
            or owner.role not in (Role.INVESTIGATOR.value, Role.SUPERVISOR.value)
            or owner.district_id != loaded.case.district_id
        ):
            raise InvalidInput(
                [FieldProblem("owner", "Owner", "choose an active investigator or supervisor of the case's district")]
            )
        action = DirectedAction(
            case_id=review.case_id,
            review_id=review.id,
            description=text,
            owner_id=owner.id,
            due_at=due_at,
            directed_at=now,
            directed_by=actor.user_id,
            status="open",
            completed_at=None,
            completed_by=None,
            completion_note="",
        )
        session.add(action)
        record(
            session,
            who(actor),
            action,
            operation=Operation.COLLECTION,
            action="direction.add",
            at=now,
            case_id=review.case_id,
        )
        review.updated_at = now
        record(
            session,
            who(actor),
            review,
            operation=Operation.ALTERATION,
            action="review.direct",
            at=now,
            case_id=review.case_id,
        )
        refresh_summary(session, ctx, loaded, now)
        return _action_views(session, [action], now)[0]


def sign_review(ctx: ServiceContext, actor: Actor, review_id: int, password: str, comment: str = "") -> ReviewView:
    """Sign the review ("reviewed"). Every checklist item must be answered and findings written. The
    procedure's periodic review steps are completed by the review."""

    def change(session: Session, now: datetime) -> ReviewView:
        review = _review(session, review_id)
        loaded = _load(session, ctx, actor, review.case_id)
        _require_reviewer(actor, review)
        if review.status == "signed":
            raise Conflict("This review is already signed.")
        spec = loaded.procedure.supervisory_review
        problems = [
            FieldProblem(i.id, i.text, "is not answered")
            for i in spec.checklist
            if not review.checklist.get(i.id, {}).get("answer")
        ]
        if not review.findings.strip():
            problems.append(FieldProblem("findings", "Findings", "are required before signing"))
        if problems:
            raise InvalidInput(problems)
        review.status, review.signed_at, review.updated_at = "signed", now, now
        record(
            session,
            who(actor),
            review,
            operation=Operation.ALTERATION,
            action="review.sign",
            at=now,
            case_id=review.case_id,
        )
        _complete_review_steps(session, ctx, actor, loaded, review, now)
        signatures.add_signature(session, actor, now, review, Meaning.REVIEWED, case_id=review.case_id, comment=comment)
        refresh_summary(session, ctx, loaded, now)
        return _view(session, ctx, review, now)

    return signatures.signed_change(ctx, actor, password, "sign supervisory review", change)


def _complete_review_steps(
    session: Session, ctx: ServiceContext, actor: Actor, loaded: cs.LoadedCase, review: SupervisoryReview, now: datetime
) -> None:
    schedule = cs.schedule_of(ctx, loaded, now)
    for step_id in review.completes_steps:
        if step_id not in schedule:
            continue
        step = loaded.procedure.step(step_id)
        rec = loaded.records.get(step_id)
        write_step(
            session,
            ctx,
            actor,
            loaded,
            step,
            rec,
            now,
            "step.complete",
            status=StepStatus.DONE.value,
            evidence={"supervisory_review_id": review.id},
            completed_at=now,
            completed_by=actor.user_id,
            due_at=schedule[step_id].due_at,
            completions=(rec.completions if rec else 0) + 1,
        )


def complete_action(ctx: ServiceContext, actor: Actor, action_id: int, note: str) -> DirectedActionView:
    """The owner (or a supervisor of the team) completes a directed action with a note of what was done."""
    now = ctx.now()
    text = note.strip()
    if not text:
        raise InvalidInput([FieldProblem("note", "What was done", "is required to complete an action")])
    with ctx.db.write() as session:
        action = session.get(DirectedAction, action_id)
        if action is None:
            raise NotFound(f"Directed action {action_id} does not exist.")
        loaded = cs.load_case(session, ctx, action.case_id, actor, Action.DIRECTION_COMPLETE)
        cs.require_open(loaded.case)
        if actor.role is not Role.SUPERVISOR and actor.user_id != action.owner_id:
            raise PermissionDenied(actor, Action.DIRECTION_COMPLETE, "the action belongs to someone else")
        if action.status != "open":
            raise Conflict(f"Action {action.id} is already completed.")
        action.status, action.completed_at, action.completed_by, action.completion_note = (
            "done",
            now,
            actor.user_id,
            text,
        )
        record(
            session,
            who(actor),
            action,
            operation=Operation.ALTERATION,
            action="direction.complete",
            at=now,
            case_id=action.case_id,
        )
        refresh_summary(session, ctx, loaded, now)
        return _action_views(session, [action], now)[0]


def case_reviews(ctx: ServiceContext, actor: Actor, case_id: int) -> list[ReviewView]:
    """The case's reviews, newest first, with directions and signatures ("valid" or "superseded")."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_VIEW, cs.scope_of(case))
        rows = list(
            session.scalars(
                select(SupervisoryReview)
                .where(SupervisoryReview.case_id == case_id)
                .order_by(SupervisoryReview.started_at.desc(), SupervisoryReview.id.desc())
            )
        )
        for review in rows:
            record(
                session,
                who(actor),
                review,
                operation=Operation.CONSULTATION,
                action="review.view",
                at=now,
                case_id=case_id,
            )
        return [_view(session, ctx, r, now) for r in rows]


def case_actions(ctx: ServiceContext, actor: Actor, case_id: int) -> list[DirectedActionView]:
    """Every directed action on the case, open ones first by due date."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_VIEW, cs.scope_of(case))
        rows = list(session.scalars(select(DirectedAction).where(DirectedAction.case_id == case_id)))
        rows.sort(key=lambda a: (a.status != "open", a.due_at, a.id))
        for action in rows:
            record(
                session,
                who(actor),
                action,
                operation=Operation.CONSULTATION,
                action="direction.view",
                at=now,
                case_id=case_id,
            )
        return _action_views(session, rows, now)


def _require_reviewer(actor: Actor, review: SupervisoryReview) -> None:
    if review.reviewer_id != actor.user_id:
        raise PermissionDenied(actor, Action.REVIEW_RECORD, "the review is another supervisor's")


def _action_views(session: Session, rows: list[DirectedAction], now: datetime) -> list[DirectedActionView]:
    names = views.user_names(session, [i for a in rows for i in (a.owner_id, a.directed_by, a.completed_by)])
    return [
        DirectedActionView(
            a.id,
            a.case_id,
            a.review_id,
            a.description,
            a.owner_id,
            names.get(a.owner_id, ""),
            a.due_at,
            a.directed_at,
            names.get(a.directed_by or 0, ""),
            a.status,
            a.completed_at,
            names.get(a.completed_by or 0, ""),
            a.completion_note,
            a.status == "open" and a.due_at < now,
        )
        for a in rows
    ]


def _view(session: Session, ctx: ServiceContext, review: SupervisoryReview, now: datetime) -> ReviewView:
    session.flush()
    procedure = ctx.procedure(session, review.procedure_version_id)
    checklist = tuple(
        ChecklistAnswer(
            i.id,
            i.text,
            review.checklist.get(i.id, {}).get("answer", ""),
            review.checklist.get(i.id, {}).get("note", ""),
        )
        for i in procedure.supervisory_review.checklist
    )
    actions = list(
        session.scalars(select(DirectedAction).where(DirectedAction.review_id == review.id).order_by(DirectedAction.id))
    )
    numbers = tuple(procedure.step(s).number for s in review.completes_steps if s in procedure.step_map())
    names = views.user_names(session, [review.reviewer_id])
    sigs = signatures.signatures_on(session, "supervisory_reviews", [review.id]).get(review.id, [])
    return ReviewView(
        review.id,
        review.case_id,
        review.kind,
        review.reviewer_id,
        names.get(review.reviewer_id, ""),
        review.started_at,
        review.status,
        checklist,
        review.findings,
        numbers,
        tuple(_action_views(session, actions, now)),
        tuple(sigs),
    )
