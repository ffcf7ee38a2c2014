"""Decision log and missing episodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checklist_app.core.permissions import Action, Actor
from checklist_app.services import case_state as cs
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.validation import check_moment
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import Decision, MissingEpisode

DECISION_CATEGORIES = (
    "general",
    "safeguarding",
    "investigation",
    "intelligence",
    "risk",
    "disruption",
    "charging",
    "supervision",
    "closure",
)
MISSING_RISK_GRADES = ("low", "medium", "high")


def add_decision(
    ctx: ServiceContext,
    actor: Actor,
    case_id: int,
    *,
    decision: str,
    rationale: str,
    category: str = "general",
    decided_at: datetime | None = None,
) -> int:
    """Add an entry to the case's decision log. Entries are never edited; a changed decision is a new entry."""
    now = ctx.now()
    when = decided_at or now
    problems = []
    if not decision.strip():
        problems.append(FieldProblem("decision", "Decision", "is required"))
    if not rationale.strip():
        problems.append(FieldProblem("rationale", "Rationale", "is required: say why"))
    if category not in DECISION_CATEGORIES:
        problems.append(FieldProblem("category", "Category", f"must be one of: {', '.join(DECISION_CATEGORIES)}"))
    problems += check_moment(when, now, "decided_at", "Decided at")
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.DECISION_ADD)
        cs.require_open(loaded.case)
        row = Decision(
            case_id=case_id,
            decided_at=when,
            recorded_at=now,
            author_id=actor.user_id or None,
            category=category,
            decision=decision.strip(),
            rationale=rationale.strip(),
        )
        session.add(row)
        record(session, who(actor), row, operation=Operation.COLLECTION, action="decision.add", at=now, case_id=case_id)
        return row.id


@dataclass
class MissingUpdate:
    """Fields of a missing episode to set; None leaves a field as it is."""

    found_at: datetime | None = None
    safe_well_at: datetime | None = None
    rhi_offered_at: datetime | None = None
    rhi_held_at: datetime | None = None
    rhi_declined: bool | None = None
    findings: str | None = None
    risk_grade: str | None = None


def record_missing_episode(
    ctx: ServiceContext,
    actor: Actor,
    case_id: int,
    *,
    reported_at: datetime,
    risk_grade: str,
    update: MissingUpdate | None = None,
) -> int:
    now = ctx.now()
    problems = check_moment(reported_at, now, "reported_at", "Reported missing at")
    if risk_grade not in MISSING_RISK_GRADES:
        problems.append(FieldProblem("risk_grade", "Missing risk grade", "must be low, medium or high"))
    if problems:
        raise InvalidInput(problems)
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.MISSING_RECORD)
        cs.require_open(loaded.case)
        episode = MissingEpisode(
            case_id=case_id,
            reported_at=reported_at,
            found_at=None,
            risk_grade=risk_grade,
            safe_well_at=None,
            safe_well_by=None,
            rhi_offered_at=None,
            rhi_held_at=None,
            rhi_declined=False,
            findings="",
            recorded_by=actor.user_id or None,
            updated_at=now,
        )
        if update is not None:
            _apply(episode, update, actor, now)
        session.add(episode)
        record(
            session,
            who(actor),
            episode,
            operation=Operation.COLLECTION,
            action="missing.record",
            at=now,
            case_id=case_id,
        )
        loaded.missing.insert(0, episode)
        refresh_summary(session, ctx, loaded, now)
        return episode.id


def update_missing_episode(ctx: ServiceContext, actor: Actor, episode_id: int, update: MissingUpdate) -> None:
    now = ctx.now()
    with ctx.db.write() as session:
        episode = session.get(MissingEpisode, episode_id)
        if episode is None:
            raise NotFound(f"Missing episode {episode_id} does not exist.")
        loaded = cs.load_case(session, ctx, episode.case_id, actor, Action.MISSING_RECORD)
        cs.require_open(loaded.case)
        episode = next(m for m in loaded.missing if m.id == episode_id)
        _apply(episode, update, actor, now)
        record(
            session,
            who(actor),
            episode,
            operation=Operation.ALTERATION,
            action="missing.update",
            at=now,
            case_id=episode.case_id,
        )
        refresh_summary(session, ctx, loaded, now)


def _apply(episode: MissingEpisode, update: MissingUpdate, actor: Actor, now: datetime) -> None:
    problems: list[FieldProblem] = []
    times = {
        "found_at": ("Found / returned at", update.found_at),
        "safe_well_at": ("Safe and well check at", update.safe_well_at),
        "rhi_offered_at": ("Return interview offered at", update.rhi_offered_at),
        "rhi_held_at": ("Return interview held at", update.rhi_held_at),
    }
    for name, (label, value) in times.items():
        if value is not None:
            problems += check_moment(value, now, name, label)
    if update.risk_grade is not None and update.risk_grade not in MISSING_RISK_GRADES:
        problems.append(FieldProblem("risk_grade", "Missing risk grade", "must be low, medium or high"))
    found = update.found_at or episode.found_at
    if update.found_at is not None and update.found_at < episode.reported_at:
        problems.append(FieldProblem("found_at", "Found / returned at", "is before the child was reported missing"))
    for name in ("safe_well_at", "rhi_offered_at", "rhi_held_at"):
        value = getattr(update, name)
        if value is None:
            continue
        if found is None:
            problems.append(FieldProblem(name, times[name][0], "record when the child returned first"))
        elif value < found - timedelta(minutes=1):
            problems.append(FieldProblem(name, times[name][0], "is before the child returned"))
    if update.rhi_held_at is not None and (update.rhi_offered_at or episode.rhi_offered_at) is None:
        problems.append(FieldProblem("rhi_held_at", "Return interview held at", "record when it was offered first"))
    if problems:
        raise InvalidInput(problems)
    for name in times:
        value = getattr(update, name)
        if value is not None:
            if getattr(episode, name) is not None and name == "found_at":
                raise Conflict("The return time is already recorded; add a new episode for a new absence.")
            setattr(episode, name, value)
    if update.safe_well_at is not None:
        episode.safe_well_by = actor.user_id or None
    if update.rhi_declined is not None:
        episode.rhi_declined = update.rhi_declined
    if update.findings is not None:
        episode.findings = update.findings.strip()
    if update.risk_grade is not None:
        episode.risk_grade = update.risk_grade
    episode.updated_at = now
