"""verify's record walk: each audited table's records checked against the last audit entry describing each.

On its own (not in store/verify.py) so that a table can be checked in verify's worker process too (see
services/summary_check.py); verify.py calls `check_table` for the tables it checks itself."""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha256
from typing import Any, Final

from sqlalchemy import Connection, func, inspect, select, type_coerce
from sqlalchemy.types import NullType

from checklist_app.store.models import AUDITED_MODELS, AuditEntry, object_type_of, table_of
from checklist_app.store.record_hash import describes_record, record_digest
from checklist_app.store.verify import _BATCH, Problem, _as_int, _Meter
from checklist_app.store.verify_fast import Converter, batches, fast_text, raw_batches
from checklist_app.store.verify_rows import describe_value

# The last audit entry describing a record, as the driver gives it: (object id, seq, operation, state hash).
# A plain tuple: one is read for each of 1.6 million records on a large database.
_LastEntry = tuple[Any, int, str, str | None]
_SEQ: Final = 1
_OPERATION: Final = 2
_STATE_HASH: Final = 3


def _last_entries(conn: Connection, name: str) -> Iterator[_LastEntry]:
    """The last audit entry describing each record of table `name`, by record (object) id.
    Read in index order (object type, object id, seq) and collapsed here, so memory stays flat however
    long the log is: nothing per record is kept. Only entries that `describes_record` count."""
    table = table_of(AuditEntry)
    columns = [table.c.object_id, table.c.seq, table.c.operation, table.c.state_hash]
    query = (
        select(*(type_coerce(c, NullType()).label(c.name) for c in columns))
        .where(
            table.c.object_type == name,
            table.c.object_id.is_not(None),
            describes_record(table),
        )
        .order_by(table.c.object_id, table.c.seq)
    )
    entry: Any = None
    # A batch at a time (not through `stream`): one generator fewer between a record and its entry.
    for batch in batches(conn, query):
        for row in batch:
            if entry is not None and row[0] != entry[0]:
                yield entry
            entry = row
    if entry is not None:
        yield entry


def audited_tables(conn: Connection) -> list[tuple[str, int]]:
    """The audited tables present, in the order verify checks them, with their number of records."""
    existing_tables = set(inspect(conn).get_table_names())
    return [
        (name, int(conn.execute(select(func.count()).select_from(table_of(model))).scalar() or 0))
        for model in AUDITED_MODELS
        if (name := object_type_of(model)) in existing_tables
    ]


def check_table(conn: Connection, name: str, meter: _Meter) -> tuple[int, list[Problem]]:
    """One audited table's records (by id) merged with the last entry describing each (by object id):
    how many records were checked, and the problems, in the order verify reports them. On its own so that
    a table can be checked in another process (see services/summary_check.py)."""
    model = next(m for m in AUDITED_MODELS if object_type_of(m) == name)
    table = table_of(model)
    columns = [table.c.id, *(table.c[f] for f in model.AUDIT_FIELDS)]
    problems: list[Problem] = []
    missing: list[Problem] = []

    def bad_value(record_id: object, column: str, raw: object) -> None:
        problems.append(
            Problem(name, _as_int(record_id), None, f"column {column} holds {describe_value(raw)}, not a valid value")
        )

    def gone(entry: _LastEntry) -> None:
        if entry[_OPERATION] != "erasure":
            missing.append(
                Problem(name, entry[0], entry[_SEQ], "is missing but its audit entry says it exists (deleted?)")
            )

    described = _last_entries(conn, name)
    pending = next(described, None)
    checked = 0
    text_of = fast_text(columns, range(1, len(columns)), conn.dialect.name == "sqlite")
    convert = Converter(conn, columns)
    for batch in raw_batches(conn, table, columns, table.c.id):
        for raw in batch:
            record_id = raw[0]
            if pending is not None and pending[0] == record_id and type(pending[0]) is int:
                entry: _LastEntry | None = pending  # the usual case: the record's own last entry is next
                pending = next(described, None)
            else:
                # Entries for ids below this record describe records that are gone; an object id that is not
                # a whole number (written with another tool) can describe no record.
                while pending is not None and (not isinstance(pending[0], int) or pending[0] < record_id):
                    gone(pending)
                    pending = next(described, None)
                entry = None
                if pending is not None and pending[0] == record_id:
                    entry = pending
                    pending = next(described, None)
            checked += 1
            if checked % _BATCH == 0:
                meter.tick(name, _BATCH)
            if text_of is not None and entry is not None and entry[_OPERATION] != "erasure":
                text = text_of(raw)
                if text is not None and sha256(text.encode()).hexdigest() == entry[_STATE_HASH]:
                    continue  # the shortcut held: the record is as its last entry says
            row = convert(raw, record_id, bad_value)
            if entry is None:
                problems.append(Problem(name, record_id, None, "has no audit entry (inserted outside the app?)"))
                continue
            if entry[_OPERATION] == "erasure":
                problems.append(Problem(name, record_id, entry[_SEQ], "was recorded as erased but is present again"))
            elif row is None:
                continue  # reported by bad_value
            elif record_digest(row, model.AUDIT_FIELDS) != entry[_STATE_HASH]:
                problems.append(
                    Problem(
                        name,
                        record_id,
                        entry[_SEQ],
                        "differs from its last audit entry (changed outside the app?)",
                    )
                )
    meter.tick(name, checked % _BATCH)
    while pending is not None:
        gone(pending)
        pending = next(described, None)
    return checked, problems + missing
