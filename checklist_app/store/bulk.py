"""Writing many audited rows at once, for the demo generator and imports.

The rows and their audit entries are exactly what the services would have written one at a time (the
same state hashes and the same chain), but ids are allocated here and rows go to the database with
executemany. On SQLite the values are converted here to the text SQLAlchemy itself would store and
handed straight to the driver, which is several times faster than going through SQLAlchemy's types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table, func, insert, select, text, update

from checklist_app.core.canonical import canonical_json, state_hash
from checklist_app.store.audit import Operation, Who, chained_entry
from checklist_app.store.models import (
    AUDITED_MODELS,
    Audited,
    AuditEntry,
    Base,
    CaseSummary,
    ChainState,
    object_type_of,
    table_of,
)
from checklist_app.store.types import CanonicalJSON, StoredDate, UTCDateTime


def _sqlite_datetime(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format, always with microseconds.
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")[:26]


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def _sqlite_json(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, UTCDateTime):
        return _sqlite_datetime
    if isinstance(column_type, CanonicalJSON):
        return _sqlite_json
    if isinstance(column_type, Boolean):
        return _sqlite_bool
    if isinstance(column_type, Date | StoredDate):
        return _sqlite_date
    return None


def advance_id_sequences(conn: Connection, tables: list[Table]) -> None:
    """After rows were inserted with explicit ids, move each table's id sequence past the highest id, so
    ordinary inserts that follow do not collide. SQLite's rowid allocation needs nothing."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            ),
            {"table": table.name},
        )


class BulkWriter:
    """Collects rows and their audit entries in memory; `flush` writes them in dependency order."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._sqlite = conn.dialect.name == "sqlite"
        self._next_id: dict[str, int] = {}
        for model in AUDITED_MODELS:
            table = table_of(model)
            self._next_id[table.name] = (conn.scalar(select(func.max(table.c.id))) or 0) + 1
        head = conn.execute(select(ChainState.seq, ChainState.head_hash).where(ChainState.id == 1)).one()
        self._seq, self._head = int(head.seq), str(head.head_hash)
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._audit: list[dict[str, Any]] = []
        self._summaries: list[dict[str, Any]] = []

    def next_id(self, table: str) -> int:
        """The id the next row added to `table` will get (for references that follow the id)."""
        return self._next_id[table]

    def add(
        self,
        model: type[Audited],
        values: dict[str, Any],
        *,
        who: Who,
        at: datetime,
        action: str,
        case_id: int | None = None,
        operation: Operation = Operation.COLLECTION,
        details: dict[str, Any] | None = None,
        digest: str | None = None,
    ) -> int:
        """Queue a new row (with every audited field given) and its collection entry; return its id.
        `digest` is the row's state hash when it was computed already."""
        name = object_type_of(model)
        row_id = self._next_id[name]
        self._next_id[name] = row_id + 1
        row = {**values, "id": row_id}
        self._rows[name].append(row)
        if digest is None:
            digest = state_hash({field: row[field] for field in model.AUDIT_FIELDS})
        self._seq += 1
        entry = chained_entry(
            self._head,
            self._seq,
            who,
            operation=operation,
            action=action,
            at=at,
            object_type=name,
            object_id=row_id,
            case_id=case_id,
            details=details,
            state_digest=digest,
        )
        self._audit.append(entry)
        self._head = entry["entry_hash"]
        return row_id

    def summary(self, values: dict[str, Any]) -> None:
        self._summaries.append(values)

    def flush(self) -> None:
        written: list[Table] = []
        for table in Base.metadata.sorted_tables:
            rows = self._rows.pop(table.name, None)
            if rows:
                self._insert(table, rows)
                written.append(table)
        advance_id_sequences(self.conn, written)
        if self._summaries:
            self._insert(table_of(CaseSummary), self._summaries)
            self._summaries = []
        if self._audit:
            self._insert(table_of(AuditEntry), self._audit)
            self._audit = []
        self.conn.execute(
            update(table_of(ChainState)).where(ChainState.id == 1).values(seq=self._seq, head_hash=self._head)
        )

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not self._sqlite:
            self.conn.execute(insert(table), rows)
            return
        names = list(rows[0])
        converters = [_converter(table.c[name].type) for name in names]
        params = [
            tuple(
                row[name] if convert is None else convert(row[name])
                for name, convert in zip(names, converters, strict=True)
            )
            for row in rows
        ]
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        self.conn.exec_driver_sql(sql, params)
