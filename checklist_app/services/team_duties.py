"""Team-level duties (the SOP's `team_duties`: the workload check, the quarterly checks, problem-profile
themes): recorded once per team per period, not repeated as a step on every case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select

from checklist_app.core.evidence import clean_evidence
from checklist_app.core.permissions import Action, Actor, PermissionDenied, require
from checklist_app.core.procedure.model import TeamDuty
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.procedures import find_version
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import TeamDutyRecord, User

MAX_NOTE = 20000


def period_of(duty: TeamDuty, moment: datetime) -> str:
    """The period a moment falls in: 2026-03 for a monthly duty, 2026-Q1 for a quarterly one (UTC)."""
    if duty.period == "quarterly":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year}-{moment.month:02d}"


@dataclass(frozen=True, slots=True)
class TeamDutyStatus:
    duty: TeamDuty
    period: str  # the current period
    done: bool
    recorded_at: datetime | None
    recorded_by: str
    evidence: dict[str, object]
    note: str


def _require_team(actor: Actor) -> int:
    require(actor, Action.WORKLOAD_VIEW)
    if actor.team_id is None:
        raise PermissionDenied(actor, Action.WORKLOAD_VIEW, "you are not in a team")
    return actor.team_id


def team_duties(ctx: ServiceContext, actor: Actor, procedure_id: str = "cse-sop") -> list[TeamDutyStatus]:
    """Each duty of the current procedure with whether the actor's team has recorded it this period."""
    team_id = _require_team(actor)
    now = ctx.now()
    with ctx.db.read() as session:
        procedure = ctx.procedure(session, find_version(session, procedure_id).id)
        found = []
        for duty in procedure.team_duties:
            if duty.level != "team":  # district duties: services/district_duties.py
                continue
            period = period_of(duty, now)
            row = session.scalar(
                select(TeamDutyRecord).where(
                    TeamDutyRecord.team_id == team_id,
                    TeamDutyRecord.duty_id == duty.id,
                    TeamDutyRecord.period == period,
                )
            )
            name = session.get_one(User, row.recorded_by).display_name if row and row.recorded_by else ""
            found.append(
                TeamDutyStatus(
                    duty,
                    period,
                    row is not None,
                    row.recorded_at if row else None,
                    name,
                    dict(row.evidence) if row else {},
                    row.note if row else "",
                )
            )
        return found


def record_team_duty(
    ctx: ServiceContext,
    actor: Actor,
    duty_id: str,
    evidence: dict[str, object],
    note: str = "",
    procedure_id: str = "cse-sop",
) -> TeamDutyStatus:
    """Record a team duty for the current period. Once per team per period: a second record is refused."""
    team_id = _require_team(actor)
    now = ctx.now()
    with ctx.db.write() as session:
        version = find_version(session, procedure_id)
        procedure = ctx.procedure(session, version.id)
        duty = next((d for d in procedure.team_duties if d.id == duty_id), None)
        if duty is None:
            raise NotFound(f"{procedure.label} has no team duty {duty_id!r}.")
        if duty.level != "team":
            raise Conflict(f"'{duty.title}' is a district duty: it is recorded for the district, not a team.")
        if duty.owner_role.value != actor.role.value:
            raise PermissionDenied(actor, Action.WORKLOAD_VIEW, f"this duty is for the {duty.owner_role.value} role")
        # clean_evidence reads only a step's number and evidence fields, which a duty has too.
        cleaned, errors = clean_evidence(
            SimpleNamespace(number=duty.title, evidence=duty.evidence),  # type: ignore[arg-type]
            evidence,
            require=True,
            now=now,
        )
        problems = [FieldProblem(e.field_id, e.label, e.message) for e in errors]
        if len(note) > MAX_NOTE:
            problems.append(FieldProblem("note", "Note", f"is longer than {MAX_NOTE} characters"))
        if problems:
            raise InvalidInput(problems)
        period = period_of(duty, now)
        exists = session.scalar(
            select(TeamDutyRecord.id).where(
                TeamDutyRecord.team_id == team_id, TeamDutyRecord.duty_id == duty.id, TeamDutyRecord.period == period
            )
        )
        if exists is not None:
            raise Conflict(f"'{duty.title}' is already recorded for {period}.")
        row = TeamDutyRecord(
            team_id=team_id,
            duty_id=duty.id,
            period=period,
            procedure_version_id=version.id,
            recorded_at=now,
            recorded_by=actor.user_id,
            evidence=cleaned,
            note=note.strip(),
        )
        session.add(row)
        record(
            session,
            who(actor),
            row,
            operation=Operation.COLLECTION,
            action="team_duty.record",
            at=now,
            details={"duty": duty.id, "period": period},
        )
        return TeamDutyStatus(duty, period, True, now, actor.display_name, cleaned, row.note)
