"""Reading a chunk of cases for verify's summary check, step records straight from the driver.

`case_state.load_rows` reads a chunk's cases as SQLAlchemy rows; for the step records (62 a case, 1.2
million on a 20,000-case database) building those rows and running each value through its column type cost
more than the schedules. Here the records' raw values are converted in one loop, exactly as their column
types would (a status in its vocabulary, a timestamp's text parsed by the same `fromisoformat` and given
UTC), and each record's schedule state is built on the way. A value the types would refuse makes
`load_chunk` answer None: the caller then reads the chunk the usual way, which names the value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from checklist_app.core.schedule import CaseSituation, StepRecordState, StepStatus
from checklist_app.services import case_state as cs
from checklist_app.services.context import ServiceContext
from checklist_app.services.intel_items import items_of
from checklist_app.store.models import Case, StepRecord
from checklist_app.store.verify_fast import batches


class RecordRow(NamedTuple):
    """What the summary check reads of a step record, under the model's attribute names."""

    id: int
    case_id: int
    step_id: str
    status: str
    completed_at: datetime | None
    reason: str
    completions: int
    retired: Any  # the driver's value: only its truth is read (as the column type's bool() of it)


@dataclass(frozen=True, slots=True)
class ChunkCase:
    """A case as `load_rows` gives it (its records as RecordRow), with its records' schedule states."""

    loaded: cs.LoadedCase
    states: dict[str, StepRecordState]  # by step id, retired records left out (as `record_states`)


# A status by its stored value; the vocabulary the column type holds a value to (a test keeps them equal).
_STATUS: dict[str, StepStatus] = {status.value: status for status in StepStatus}


class _Refused(Exception):
    """A raw value the column's type would not read: the chunk is read the usual way instead."""


def load_chunk(session: Session, ctx: ServiceContext, case_ids: list[int]) -> list[ChunkCase] | None:
    """The cases with these ids, in id order, as `case_state.load_rows` reads them, their step records as
    RecordRow; None if a step record holds a value its column type would refuse (or a case, event, episode
    or assessment does, which raises the store's UnreadableValue as `load_rows` would)."""
    try:
        records, states = _records(session, case_ids)
    except _Refused:
        return None
    cases, events, missing, risk = cs.situation_rows(session.connection(), case_ids)
    items = items_of(session, case_ids)
    return [
        ChunkCase(
            cs.LoadedCase(
                cast("Case", case),  # a read-only row with the same attributes, as load_rows gives
                ctx.procedure(session, case.procedure_version_id),
                cast("dict[str, StepRecord]", records[case.id]),
                events[case.id],
                missing[case.id],
                risk[case.id],
                *items[case.id],
            ),
            states[case.id],
        )
        for case in cases
    ]


def _records(
    session: Session, case_ids: list[int]
) -> tuple[dict[int, dict[str, RecordRow]], dict[int, dict[str, StepRecordState]]]:
    """The chunk's step records and their schedule states, by case id and step id; _Refused on a value
    the column types would not read. The same query as load_rows (same rows, same order), with the driver's
    values."""
    query = select(*(type_coerce(c, NullType()).label(c.key) for c in cs.SCHEDULE_RECORD_COLUMNS)).where(
        StepRecord.case_id.in_(case_ids)
    )
    records: dict[int, dict[str, RecordRow]] = defaultdict(dict)
    states: dict[int, dict[str, StepRecordState]] = defaultdict(dict)
    status_of, parse, utc = _STATUS.get, datetime.fromisoformat, UTC
    conn = session.connection()
    # On SQLite the driver's cursor itself; elsewhere SQLAlchemy's rows of the same raw values (its streaming
    # option would stay set on the session's connection).
    chunks: Iterable[Sequence[Any]] = (
        batches(conn, query) if conn.dialect.name == "sqlite" else [conn.execute(query).all()]
    )
    make = RecordRow._make  # tuple.__new__ itself: the class call goes through a Python __new__
    current: Any = None  # a case's records come together (the query reads them case by case)
    case_records: dict[str, RecordRow] = {}
    case_states: dict[str, StepRecordState] = {}
    try:
        for batch in chunks:
            for raw in batch:
                record_id, case_id, step_id, value, completed_at, reason, completions, retired = raw
                status = status_of(value)
                if status is None:
                    raise _Refused
                if completed_at is not None:
                    completed_at = _moment(completed_at, parse, utc)
                if case_id != current:
                    current, case_records, case_states = case_id, records[case_id], states[case_id]
                case_records[step_id] = make(
                    (record_id, case_id, step_id, value, completed_at, reason, completions, retired)
                )
                if retired:
                    case_states.pop(step_id, None)  # a later row for the same step replaces the earlier
                else:
                    case_states[step_id] = StepRecordState(step_id, status, completed_at, reason, completions)
    except (ValueError, TypeError, OverflowError):  # what the converters raise on a value of another form
        raise _Refused from None
    return records, states


def _moment(raw: Any, parse: Any, utc: Any) -> datetime:
    """A timestamp as UTCDateTime reads it: SQLite's text parsed by SQLAlchemy's own converter
    (`fromisoformat`), PostgreSQL's naive datetime as it is; either given UTC. The app's own text
    ("YYYY-MM-DD HH:MM:SS.ffffff") is parsed with its zone ("+00:00"): the same moment, where `replace`
    costs three times the parsing."""
    if type(raw) is str:
        if len(raw) == 26 and raw[19] == ".":
            try:
                moment: datetime | None = parse(raw + "+00:00")
            except ValueError:  # another text of that width (with an offset of its own): read as below
                moment = None
            if moment is not None and moment.tzinfo is utc:
                return moment
        return parse(raw).replace(tzinfo=utc)  # type: ignore[no-any-return]
    if not isinstance(raw, datetime):
        raise _Refused
    return raw.replace(tzinfo=utc)


def situation(one: ChunkCase) -> CaseSituation:
    """As `case_state.situation` of the case, from the states read with its records."""
    loaded = one.loaded
    facts = {**loaded.case.facts, **cs.derived_facts(loaded)}
    return CaseSituation(facts, cs.event_times(loaded), one.states, loaded.case.closed_at)
