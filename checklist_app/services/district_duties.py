"""Duties held by a district rather than a team (the SOP's `team_duties` with `level: district`, such as the
intelligence officer's problem-profile themes): recorded once per district per period by the duty's owner
role, and shown to the supervisors of the district on their dashboards.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.evidence import clean_evidence
from checklist_app.core.permissions import Action, Actor, PermissionDenied, allowed, require
from checklist_app.core.procedure.model import Procedure, TeamDuty
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.procedures import find_version
from checklist_app.services.team_duties import MAX_NOTE, TeamDutyStatus, period_of
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import DistrictDutyRecord, User


def _district_of(actor: Actor) -> int:
    """Supervisors (who see their district's duties on the dashboard) and the roles that record them."""
    if not (allowed(actor, Action.WORKLOAD_VIEW) or allowed(actor, Action.DISTRICT_DUTY_RECORD)):
        raise PermissionDenied(
            actor, Action.DISTRICT_DUTY_RECORD, "district duties are for supervisors and their owners"
        )
    if actor.district_id is None:
        raise PermissionDenied(actor, Action.DISTRICT_DUTY_RECORD, "you are not in a district")
    return actor.district_id


def _district_duties(procedure: Procedure) -> list[TeamDuty]:
    return [d for d in procedure.team_duties if d.level == "district"]


def _status(session: Session, duty: TeamDuty, district_id: int, now: datetime) -> TeamDutyStatus:
    period = period_of(duty, now)
    row = session.scalar(
        select(DistrictDutyRecord).where(
            DistrictDutyRecord.district_id == district_id,
            DistrictDutyRecord.duty_id == duty.id,
            DistrictDutyRecord.period == period,
        )
    )
    name = session.get_one(User, row.recorded_by).display_name if row and row.recorded_by else ""
    return TeamDutyStatus(
        duty,
        period,
        row is not None,
        row.recorded_at if row else None,
        name,
        dict(row.evidence) if row else {},
        row.note if row else "",
    )


def district_duties(ctx: ServiceContext, actor: Actor, procedure_id: str = "cse-sop") -> list[TeamDutyStatus]:
    """Each district duty of the current procedure with whether the actor's district recorded it this period."""
    district_id = _district_of(actor)
    now = ctx.now()
    with ctx.db.read() as session:
        procedure = ctx.procedure(session, find_version(session, procedure_id).id)
        return [_status(session, duty, district_id, now) for duty in _district_duties(procedure)]


def record_district_duty(
    ctx: ServiceContext,
    actor: Actor,
    duty_id: str,
    evidence: dict[str, object],
    note: str = "",
    procedure_id: str = "cse-sop",
) -> TeamDutyStatus:
    """Record a district duty for the current period; once per district per period (a second is refused)."""
    require(actor, Action.DISTRICT_DUTY_RECORD)
    district_id = _district_of(actor)
    now = ctx.now()
    with ctx.db.write() as session:
        version = find_version(session, procedure_id)
        procedure = ctx.procedure(session, version.id)
        duty = next((d for d in _district_duties(procedure) if d.id == duty_id), None)
        if duty is None:
            raise NotFound(f"{procedure.label} has no district duty {duty_id!r}.")
        if duty.owner_role.value != actor.role.value:
            raise PermissionDenied(
                actor, Action.DISTRICT_DUTY_RECORD, f"this duty is for the {duty.owner_role.value} role"
            )
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
        if _status(session, duty, district_id, now).done:
            raise Conflict(f"'{duty.title}' is already recorded for {period}.")
        row = DistrictDutyRecord(
            district_id=district_id,
            duty_id=duty.id,
            period=period,
            procedure_version_id=version.id,
            recorded_at=now,
            recorded_by=actor.user_id or None,
            evidence=cleaned,
            note=note.strip(),
        )
        session.add(row)
        record(
            session,
            who(actor),
            row,
            operation=Operation.COLLECTION,
            action="district_duty.record",
            at=now,
            details={"duty": duty.id, "period": period},
        )
        return TeamDutyStatus(duty, period, True, now, actor.display_name, cleaned, row.note)
