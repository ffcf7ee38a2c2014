"""Loading a case with everything its schedule depends on, and working out its situation for the schedule.

Shared by the case use cases; not a use case itself. System events (referral received, child returned,
...) are derived from the rows they describe rather than stored twice, so they cannot drift apart. The case
list's row for a case (its figures and keeping them current) is case_summary's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from checklist_app.core.facts import derive_facts
from checklist_app.core.intelligence import ItemTimes
from checklist_app.core.permissions import Action, Actor, CaseScope, PermissionDenied, require
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.schedule import CaseSituation, StepRecordState, StepSchedule, StepStatus, compute_schedule
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, NotFound, RecordChanged
from checklist_app.services.intel_items import items_of, stage_event_times
from checklist_app.services.tamper_check import CASE_CHANGED, refuse_if_changed
from checklist_app.store.audit import Operation, append
from checklist_app.store.models import Case, CaseEvent, MissingEpisode, RiskAssessment, StepRecord


@dataclass
class LoadedCase:
    case: Case
    procedure: Procedure
    records: dict[str, StepRecord]
    events: list[CaseEvent]
    missing: list[MissingEpisode]
    risk: list[RiskAssessment]
    intelligence_priorities: list[str]  # one per intelligence item linked to the case
    intelligence_times: list[ItemTimes] = field(default_factory=list)  # the same items' stage times

    @property
    def intelligence_count(self) -> int:
        return len(self.intelligence_priorities)


def scope_of(case: Case) -> CaseScope:
    return CaseScope(case.district_id, case.team_id, case.officer_id, case.supervisor_id)


def get_case(session: Session, case_id: int, *, ctx: ServiceContext, actor: Actor) -> Case:
    """The case, once its stored row is known to be the one its audit entries describe (see checked)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Case {case_id} does not exist.")
    return checked(session, ctx, actor, case)


def checked(session: Session, ctx: ServiceContext, actor: Actor, case: Case) -> Case:
    """`case`, if its stored row matches its last audit entry. Its officer, supervisor, team and district
    decide who may open it, so a row edited outside the app (an officer moved to gain access) is refused
    before anyone is let in, and the refusal is audited (store/record_check.py, services/tamper_check.py)."""
    refuse_if_changed(
        session,
        case,
        RecordChanged(CASE_CHANGED),
        who(actor),
        action="case.access_refused",
        at=ctx.now(),
        case_id=case.id,
    )
    return case


def load_case(session: Session, ctx: ServiceContext, case_id: int, actor: Actor, action: Action) -> LoadedCase:
    """Load a case after checking the actor may perform `action` on it."""
    case = get_case(session, case_id, ctx=ctx, actor=actor)
    authorise(session, ctx, actor, action, case)
    return load_for(session, ctx, case)


def authorise(session: Session, ctx: ServiceContext, actor: Actor, action: Action, case: Case) -> None:
    """Check the actor may perform `action` on `case`. A refusal is itself audited (an attempt to read
    or change case data): the refused transaction is undone and the refusal entry is written in a
    transaction of its own (see Database.write), then PermissionDenied reaches the caller."""
    try:
        require(actor, action, scope_of(case))
    except PermissionDenied as exc:
        # Like every entry naming a record, it carries the record's state (unchanged: checked first).
        case_id, now, state = case.id, ctx.now(), case.audit_state()
        # An attribute of our own on the exception: Database.write runs it once the refused work is undone.
        exc.after_rollback = lambda audit_session: append(  # type: ignore[attr-defined]
            audit_session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="case.access_refused",
            at=now,
            object_type="cases",
            object_id=case_id,
            case_id=case_id,
            outcome="refused",
            details={"attempted": action.value},
            state=state,
        )
        raise


def load_for(session: Session, ctx: ServiceContext, case: Case) -> LoadedCase:
    records = {r.step_id: r for r in session.scalars(select(StepRecord).where(StepRecord.case_id == case.id))}
    events = list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.occurred_at))
    )
    missing = list(
        session.scalars(
            select(MissingEpisode).where(MissingEpisode.case_id == case.id).order_by(MissingEpisode.reported_at.desc())
        )
    )
    risk = list(
        session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case.id)
            .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
        )
    )
    priorities, times = items_of(session, [case.id])[case.id]
    return LoadedCase(
        case, ctx.procedure(session, case.procedure_version_id), records, events, missing, risk, priorities, times
    )


# What the schedule and the list's figures read of a case and its records: `load_rows` reads only these
# columns, as plain rows that answer to the same attribute names (no ORM objects to build). The record's id
# is read too: a mandatory step marked not applicable is looked up by it for its agreement.
_CASE_COLUMNS = (
    Case.id,
    Case.procedure_version_id,
    Case.status,
    Case.referral_at,
    Case.opened_at,
    Case.closed_at,
    Case.date_of_birth,
    Case.age_band,
    Case.facts,
)
_MISSING_COLUMNS = (
    MissingEpisode.id,
    MissingEpisode.case_id,
    MissingEpisode.reported_at,
    MissingEpisode.found_at,
    MissingEpisode.risk_grade,
)
_RISK_COLUMNS = (
    RiskAssessment.id,
    RiskAssessment.case_id,
    RiskAssessment.assessed_at,
    RiskAssessment.calculated_category,
    RiskAssessment.final_category,
    RiskAssessment.countersigned_at,
)
SCHEDULE_RECORD_COLUMNS = (
    StepRecord.id,
    StepRecord.case_id,
    StepRecord.step_id,
    StepRecord.status,
    StepRecord.completed_at,
    StepRecord.reason,
    StepRecord.completions,
    StepRecord.retired,
)
_SCHEDULE_EVENT_COLUMNS = (CaseEvent.case_id, CaseEvent.event_type, CaseEvent.occurred_at)
# The rows' field names in that order: `record_states` and `event_times` unpack such rows by position
# (a Row's attribute lookup costs more than building the record's state) once the names are seen to match.
_RECORD_ROW_FIELDS = tuple(column.key for column in SCHEDULE_RECORD_COLUMNS)
_EVENT_ROW_FIELDS = tuple(column.key for column in _SCHEDULE_EVENT_COLUMNS)


def load_many(session: Session, ctx: ServiceContext, cases: list[Case]) -> list[LoadedCase]:
    """As `load_for` for many cases at once: one query per kind of record, the same orders."""
    ids = [c.id for c in cases]
    records: dict[int, dict[str, StepRecord]] = defaultdict(dict)
    for record in session.scalars(select(StepRecord).where(StepRecord.case_id.in_(ids))):
        records[record.case_id][record.step_id] = record
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.occurred_at)):
        events[event.case_id].append(event)
    missing: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in session.scalars(
        select(MissingEpisode).where(MissingEpisode.case_id.in_(ids)).order_by(MissingEpisode.reported_at.desc())
    ):
        missing[episode.case_id].append(episode)
    risk: dict[int, list[RiskAssessment]] = defaultdict(list)
    for assessment in session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.case_id.in_(ids))
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ):
        risk[assessment.case_id].append(assessment)
    return _assemble(session, ctx, cases, records, events, missing, risk, items_of(session, ids))


def load_rows(session: Session, ctx: ServiceContext, case_ids: list[int]) -> list[LoadedCase]:
    """As `load_many` for the cases with these ids (in id order), for callers that only compute (verify's
    summary check): each case and its records are plain rows holding just what the schedule and the list's
    figures read, under the same attribute names, read by the connection rather than the ORM (building
    ORM objects for a million step records costs more than the schedules themselves). A value of the wrong
    type in a column read here raises the store's UnreadableValue, as the ORM would."""
    conn = session.connection()
    records: dict[int, dict[str, StepRecord]] = defaultdict(dict)
    # Fetched all at once (not row by row) and keyed by position: case id, then step id (see the columns).
    for row in conn.execute(select(*SCHEDULE_RECORD_COLUMNS).where(StepRecord.case_id.in_(case_ids))).all():
        records[row[1]][row[2]] = row  # type: ignore[assignment]  # same attributes, read-only
    cases, events, missing, risk = situation_rows(conn, case_ids)
    return _assemble(
        session, ctx, cast("list[Case]", cases), records, events, missing, risk, items_of(session, case_ids)
    )


def situation_rows(
    conn: Connection, case_ids: list[int]
) -> tuple[list[Any], dict[int, list[Any]], dict[int, list[Any]], dict[int, list[Any]]]:
    """Everything but the step records that the schedule reads of `case_ids`, as plain read-only rows with
    the ORM objects' attribute names: the cases (in id order), and by case their events (oldest first),
    missing episodes and risk assessments (newest first). `load_rows` and the summary check's chunks
    (services/summary_rows.py) both read them here."""
    cases = list(conn.execute(select(*_CASE_COLUMNS).where(Case.id.in_(case_ids)).order_by(Case.id)))
    events: dict[int, list[Any]] = defaultdict(list)
    for event_row in conn.execute(
        select(*_SCHEDULE_EVENT_COLUMNS).where(CaseEvent.case_id.in_(case_ids)).order_by(CaseEvent.occurred_at)
    ).all():
        events[event_row[0]].append(event_row)
    missing: dict[int, list[Any]] = defaultdict(list)
    for episode in conn.execute(
        select(*_MISSING_COLUMNS)
        .where(MissingEpisode.case_id.in_(case_ids))
        .order_by(MissingEpisode.reported_at.desc())
    ):
        missing[episode.case_id].append(episode)
    risk: dict[int, list[Any]] = defaultdict(list)
    for assessment in conn.execute(
        select(*_RISK_COLUMNS)
        .where(RiskAssessment.case_id.in_(case_ids))
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ):
        risk[assessment.case_id].append(assessment)
    return cases, events, missing, risk


def _assemble(
    session: Session,
    ctx: ServiceContext,
    cases: list[Case],
    records: dict[int, dict[str, StepRecord]],
    events: dict[int, list[CaseEvent]],
    missing: dict[int, list[MissingEpisode]],
    risk: dict[int, list[RiskAssessment]],
    items: dict[int, tuple[list[str], list[ItemTimes]]],
) -> list[LoadedCase]:
    return [
        LoadedCase(
            c,
            ctx.procedure(session, c.procedure_version_id),
            records[c.id],
            events[c.id],
            missing[c.id],
            risk[c.id],
            *items[c.id],
        )
        for c in cases
    ]


def require_open(case: Case) -> None:
    if case.status != "open":
        raise Conflict(f"Case {case.reference} is closed. A supervisor must reopen it before it can change.")


def effective_category(assessment: RiskAssessment) -> int:
    """An override counts only once a supervisor has countersigned it."""
    if assessment.final_category != assessment.calculated_category and assessment.countersigned_at is None:
        return assessment.calculated_category
    return assessment.final_category


def current_risk_category(loaded: LoadedCase) -> int | None:
    return effective_category(loaded.risk[0]) if loaded.risk else None


def event_times(loaded: LoadedCase) -> dict[str, tuple[datetime, ...]]:
    times: dict[str, list[datetime]] = defaultdict(list)
    case = loaded.case
    times["referral_received"].append(case.referral_at)
    times["case_opened"].append(case.opened_at)
    for episode in loaded.missing:
        times["child_reported_missing"].append(episode.reported_at)
        if episode.found_at is not None:
            times["child_returned"].append(episode.found_at)
    for assessment in loaded.risk:
        times["risk_assessed"].append(assessment.assessed_at)
    if case.closed_at is not None:
        times["case_closed"].append(case.closed_at)
    events = loaded.events
    if events and _plain_rows(events[0], _EVENT_ROW_FIELDS):
        for _, event_type, occurred_at in cast("list[tuple[Any, ...]]", events):  # read-only rows: see load_rows
            times[event_type].append(occurred_at)
    else:
        for event in events:
            times[event.event_type].append(event.occurred_at)
    derived = stage_event_times(loaded.procedure, loaded.intelligence_times)  # procedure 1.2 on
    return {**{key: tuple(value) for key, value in times.items()}, **derived}


def derived_facts(loaded: LoadedCase) -> dict[str, object]:
    settings = loaded.procedure.settings
    # The episode reported last, not the one recorded last: an older episode may be entered late.
    latest = max(loaded.missing, key=lambda m: (m.reported_at, m.id or 0), default=None)
    return derive_facts(
        referral_at=loaded.case.referral_at,
        date_of_birth=loaded.case.date_of_birth,
        age_band=loaded.case.age_band,
        missing_returns=[m.reported_at for m in loaded.missing],
        risk_category=current_risk_category(loaded),
        intelligence_count=loaded.intelligence_count,
        repeat_threshold=settings.missing_repeat_threshold,
        repeat_window=settings.missing_repeat_window,
        intelligence_priorities=loaded.intelligence_priorities,
        latest_missing_grade=latest.risk_grade if latest is not None else None,
    )


# Status by stored value: a dict lookup rather than an enum call for every record of every case. An unknown
# value is still refused by StepStatus itself, with its own message.
_STATUS: dict[str, StepStatus] = {status.value: status for status in StepStatus}


def _status(value: str) -> StepStatus:
    status = _STATUS.get(value)
    return status if status is not None else StepStatus(value)


def _plain_rows(first: object, fields: tuple[str, ...]) -> bool:
    """Whether a case's records (or events) are the read-only rows of `load_rows`, in their column order:
    checked on the first, since one query reads all of a case's."""
    return type(first) is Row and first._fields == fields


def record_state(record: StepRecord) -> StepRecordState:
    return StepRecordState(
        record.step_id, _status(record.status), record.completed_at, record.reason, record.completions
    )


def record_states(records: Mapping[str, StepRecord]) -> dict[str, StepRecordState]:
    """The schedule's view of a case's step records by step id, retired ones left out; from ORM records or
    from the plain rows of `load_rows` (unpacked by position: verify's summary check
    builds a million of these)."""
    first = next(iter(records.values()), None)
    if not _plain_rows(first, _RECORD_ROW_FIELDS):
        return _orm_record_states(records)
    states: dict[str, StepRecordState] = {}
    status_of = _STATUS.get
    for key, row in records.items():
        _, _, step_id, value, completed_at, reason, completions, retired = cast("tuple[Any, ...]", row)
        if not retired:
            status = status_of(value)
            states[key] = StepRecordState(
                step_id, status if status is not None else StepStatus(value), completed_at, reason, completions
            )
    return states


def _orm_record_states(records: Mapping[str, StepRecord]) -> dict[str, StepRecordState]:
    """As `record_states` for ORM records (or rows of another layout). A loaded attribute's value is read
    from the instance's __dict__, where the ORM itself returns it from (changes made in the session
    included); a record with one of them not loaded (expired) is read through the ORM, which loads it."""
    states: dict[str, StepRecordState] = {}
    status_of = _STATUS.get
    for key, record in records.items():
        try:
            values = record.__dict__
            retired, step_id, value = values["retired"], values["step_id"], values["status"]
            completed_at, reason, completions = values["completed_at"], values["reason"], values["completions"]
        except (AttributeError, KeyError):  # a row of another layout, or a value not loaded (expired)
            if not record.retired:
                states[key] = record_state(record)
            continue
        if not retired:
            status = status_of(value)
            states[key] = StepRecordState(
                step_id, status if status is not None else StepStatus(value), completed_at, reason, completions
            )
    return states


def situation(loaded: LoadedCase) -> CaseSituation:
    facts = {**loaded.case.facts, **derived_facts(loaded)}
    return CaseSituation(facts, event_times(loaded), record_states(loaded.records), loaded.case.closed_at)


def schedule_of(ctx: ServiceContext, loaded: LoadedCase, now: datetime) -> dict[str, StepSchedule]:
    return compute_schedule(loaded.procedure, situation(loaded), now, ctx.calendar)
