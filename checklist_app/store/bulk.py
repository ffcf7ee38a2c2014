"""Writing many audited rows at once, for the demo generator and imports.

The rows and their audit entries are exactly what the services would have written one at a time (the
same state hashes and the same chain), but ids are allocated here and rows go to the database with
executemany. On SQLite the values are converted here to the text SQLAlchemy itself would store and
handed straight to the driver, which is several times faster than going through SQLAlchemy's types.

`ready_row` does all of a row's work that does not depend on its place (its state hash, its values and its
entry's converted for the driver), so it can run in other processes; the writer then only numbers the row,
writes its entry's canonical text out, hashes it into the chain and inserts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from hashlib import sha256
from typing import Any, NamedTuple

from sqlalchemy import Boolean, Connection, Date, Table, func, insert, select, text, update

from checklist_app.core.canonical import FORMAT_VERSION, canonical_json, state_hash
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
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(sep=" ", timespec="microseconds")[:26]


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


# The audit columns in the order entries are inserted: what the writer knows (sequence number, row id,
# chain hashes) goes between the parts `ready_row` prepares.
AUDIT_COLUMNS = (
    "seq",
    "occurred_at",
    "user_id",
    "username",
    "workstation",
    "operation",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "case_id",
    "details",
    "state_hash",
    "format_version",
    "prev_hash",
    "entry_hash",
)
_COLLECTION = Operation.COLLECTION.value


class ReadyRow(NamedTuple):
    """A new row and its collection entry, made ready by `ready_row` (possibly in another process)."""

    table: str
    names: tuple[str, ...]  # the row's columns, its id excepted
    params: tuple[Any, ...]  # their values, converted for the driver
    entry_head: tuple[Any, ...]  # the entry's columns occurred_at .. object_type, converted
    entry_tail: tuple[Any, ...]  # case_id .. format_version
    occurred: str  # the entry's time in its canonical form


@cache
def _json_string(value: str) -> str:
    return canonical_json(value)


def _collection_text(row: ReadyRow, row_id: int, seq: int) -> str:
    """The canonical JSON (`canonical_json(hashed_fields(entry))`) of a ready row's collection entry, written
    out: keys in sorted order, strings through the canonical encoder. A test holds it to the general path;
    the writer makes one per demo row, where encoding the entry would cost several times as much."""
    _, user_id, username, workstation, _, action, _, object_type = row.entry_head
    case_id, _, digest, version = row.entry_tail
    return (
        f'{{"action":{_json_string(action)},"case_id":{"null" if case_id is None else case_id},"details":"{{}}",'
        f'"format_version":{version},"object_id":{row_id},"object_type":{_json_string(object_type)},'
        f'"occurred_at":"{row.occurred}","operation":"collection","outcome":"success","seq":{seq},'
        f'"state_hash":"{digest}","user_id":{"null" if user_id is None else user_id},'
        f'"username":{_json_string(username)},"workstation":{_json_string(workstation)}}}'
    )


@cache
def _converters(table: Table, names: tuple[str, ...], sqlite: bool) -> tuple[Callable[[Any], Any] | None, ...]:
    if not sqlite:
        return tuple(None for _ in names)
    return tuple(_converter(table.c[name].type) for name in names)


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


_MODELS: dict[type[Audited], tuple[str, Table, tuple[str, ...]]] = {}


def _model(model: type[Audited]) -> tuple[str, Table, tuple[str, ...]]:
    found = _MODELS.get(model)
    if found is None:
        found = _MODELS[model] = (object_type_of(model), table_of(model), tuple(model.AUDIT_FIELDS))
    return found


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetime in a new row")
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")  # 2026-12-03T10:00:00.000000+00:00


# A row's times recur in its entry and in the rows after it (a step's completion is its update time, its
# event's time, the next step's anchor), so each instant's two texts are made once; cleared when large, as
# a worker makes hundreds of thousands.
_TIMES: dict[datetime, tuple[str, str]] = {}
_TIMES_MAX = 100_000


def _time_texts(value: datetime) -> tuple[str, str]:
    """An instant's canonical text (as `canonical_json` writes it) and its stored SQLite text (as
    `_sqlite_datetime` writes it). Equal instants in other zones share an entry: both texts are in UTC."""
    texts = _TIMES.get(value)
    if texts is None:
        iso = _utc_iso(value)
        texts = (iso[:-6] + "Z", iso[:10] + " " + iso[11:26])
        if len(_TIMES) >= _TIMES_MAX:
            _TIMES.clear()
        _TIMES[value] = texts
    return texts


# How `ready_row` converts a column for SQLite: a time's stored text, or the column's converter.
_TIME = object()


@cache
def _sqlite_conversions(table: Table, names: tuple[str, ...]) -> tuple[tuple[int, str, Any], ...]:
    """(position, name, how) of each column of `names` whose value SQLite stores converted."""
    return tuple(
        (i, name, _TIME if convert is _sqlite_datetime else convert)
        for i, (name, convert) in enumerate(zip(names, _converters(table, names, True), strict=True))
        if convert is not None
    )


def ready_row(
    model: type[Audited],
    values: dict[str, Any],
    *,
    who: Who,
    at: datetime,
    action: str,
    case_id: int | None,
    sqlite: bool,
) -> ReadyRow:
    """Everything about a new row (every audited field in `values`, no id) and its collection entry
    that does not depend on its id or place in the chain. `sqlite`: convert values as the SQLite path
    stores them; otherwise they stay Python values for SQLAlchemy."""
    name, table, audited = _model(model)
    times = {k: _time_texts(v) for k, v in values.items() if isinstance(v, datetime)}
    digest = state_hash({f: times[f][0] if f in times else values[f] for f in audited})
    at_canonical, at_stored = _time_texts(at)
    keys = tuple(values)
    names = _NAMES.setdefault(keys, keys)  # one tuple per column list, so pickling a batch stores it once
    if sqlite:
        converted = list(values.values())
        for i, column, how in _sqlite_conversions(table, names):
            if how is _TIME:
                texts = times.get(column)
                converted[i] = texts[1] if texts is not None else _sqlite_datetime(converted[i])
            else:
                converted[i] = how(converted[i])
        params = tuple(converted)
        occurred: Any = at_stored
    else:
        params = tuple(values.values())
        occurred = at
    return ReadyRow(
        name,
        names,
        params,
        (occurred, who.user_id, who.username, who.workstation, _COLLECTION, action, "success", name),
        (case_id, "{}", digest, FORMAT_VERSION),
        at_canonical,
    )


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
        self._ready: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
        self._audit: list[tuple[Any, ...]] = []  # in AUDIT_COLUMNS order, converted on SQLite
        self._audit_converters = _converters(table_of(AuditEntry), AUDIT_COLUMNS, self._sqlite)
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
        self._audit.append(
            tuple(
                entry[n] if c is None else c(entry[n])
                for n, c in zip(AUDIT_COLUMNS, self._audit_converters, strict=True)
            )
        )
        self._head = entry["entry_hash"]
        return row_id

    def add_ready(self, row: ReadyRow) -> int:
        """Queue a row made ready by `ready_row`, chaining its entry; return its id."""
        row_id = self._next_id[row.table]
        self._next_id[row.table] = row_id + 1
        self._seq += 1
        seq = self._seq
        digest = sha256(f"{self._head}\n{_collection_text(row, row_id, seq)}".encode()).hexdigest()
        self._ready[(row.table, row.names)].append((row_id, *row.params))
        self._audit.append((seq, *row.entry_head, row_id, *row.entry_tail, self._head, digest))
        self._head = digest
        return row_id

    def summary(self, values: dict[str, Any]) -> None:
        self._summaries.append(values)

    def flush(self) -> None:
        written: list[Table] = []
        ready = self._ready
        self._ready = defaultdict(list)
        for table in Base.metadata.sorted_tables:
            rows = self._rows.pop(table.name, None)
            if rows:
                self._insert(table, rows)
            for (name, names), tuples in ready.items():
                if name == table.name:
                    self._insert_tuples(table, ("id", *names), tuples)
            if rows or any(name == table.name for name, _ in ready):
                written.append(table)
        advance_id_sequences(self.conn, written)
        if self._summaries:
            self._insert(table_of(CaseSummary), self._summaries)
            self._summaries = []
        if self._audit:
            self._insert_tuples(table_of(AuditEntry), AUDIT_COLUMNS, self._audit)
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
        self._insert_tuples(table, tuple(names), params)

    def _insert_tuples(self, table: Table, names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows given as value tuples in `names` order (converted already on SQLite)."""
        if not self._sqlite:
            self.conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
            return
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        self.conn.exec_driver_sql(sql, rows)
