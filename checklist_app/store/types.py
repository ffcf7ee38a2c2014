"""Column types that behave the same on SQLite and PostgreSQL.

Each of them refuses a stored value it cannot read (written outside the app: `due_at = 'garbage'` in
sqlite3) with the store's own UnreadableValue, naming the table and column, instead of the driver's bare
ValueError or TypeError; `name_columns` tells every such column where it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Engine, MetaData, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from checklist_app.core.canonical import canonical_json
from checklist_app.store.errors import UnreadableValue

# What the drivers' converters raise on a value of the wrong type or shape.
_CONVERSION = (ValueError, TypeError, OverflowError)


class _Named(TypeDecorator[Any]):
    """A column type that knows its table and column ("table.column", set by `name_columns`), so a value it
    cannot read is reported with its place."""

    cache_ok = True
    what = "a value"  # what the column holds, for the message

    def __init__(self, where: str = "", key: str = "id") -> None:
        super().__init__()
        self.where = where
        self.key = key  # the table's key column, to name the row

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        inner = super().result_processor(dialect, coltype)
        if inner is None:
            return None
        where, key, what = self.where, self.key, self.what

        def process(value: Any) -> Any:
            try:
                return inner(value)
            except UnreadableValue as exc:
                exc.name_place(where, key)
                raise
            except _CONVERSION:
                shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                raise UnreadableValue(f"{shown} is not {what}", where=where, key=key, value=value) from None

        return process


class UTCDateTime(_Named):
    """Stores naive UTC, returns aware UTC; refuses naive input so no local time slips in."""

    impl = DateTime(timezone=False)
    cache_ok = True
    what = "a date and time"

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # SQLite hands back what was stored if its converter is bypassed
            raise TypeError(type(value).__name__)
        return value.replace(tzinfo=UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        """What `_Named` builds around the driver's converter and `process_result_value`, in one function:
        verify reads a million of these values, and the layers of calls cost more than the conversion."""
        inner = self.impl_instance.result_processor(dialect, coltype)
        if inner is None:  # the driver's value as it is (PostgreSQL's datetimes): the layered way is as fast
            return super().result_processor(dialect, coltype)
        where, key, what, convert = self.where, self.key, self.what, inner

        def process(value: Any) -> Any:
            if value is None:
                return None
            try:
                moment = convert(value)
                if moment is None:
                    return None
                if not isinstance(moment, datetime):  # as process_result_value
                    raise TypeError(type(moment).__name__)
            except _CONVERSION:  # as _Named's
                shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                raise UnreadableValue(f"{shown} is not {what}", where=where, key=key, value=value) from None
            return moment.replace(tzinfo=UTC)

        return process


class StoredDate(_Named):
    """A calendar date (no time, no zone)."""

    impl = Date
    cache_ok = True
    what = "a date"

    def process_result_value(self, value: date | None, dialect: Dialect) -> date | None:
        if value is not None and not isinstance(value, date):
            raise TypeError(type(value).__name__)
        return value


class Vocabulary(_Named):
    """Text from one of the program's fixed vocabularies (a role, a step's status, a signature's meaning).
    A value outside it was written outside the app; the code reading it would fail deep inside
    (`'god' is not a valid Role` at log-on, `'bogus' is not a valid StepStatus` opening the case)."""

    impl = String
    cache_ok = True
    choices: frozenset[str] = frozenset()

    def __init__(self, length: int, where: str = "", key: str = "id") -> None:
        super().__init__(where, key)
        self.impl = String(length)  # type: ignore[assignment]  # the declared length, as the migrations make it
        self.length = length

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is not None and value not in self.choices:
            raise ValueError(value)
        return value


# The values of core's Role, StepStatus and Meaning (a test holds them equal); spelled out so the store
# does not load the schedule engine.
class RoleText(Vocabulary):
    cache_ok = True
    what = "a role this program knows"
    choices = frozenset({"investigator", "supervisor", "intelligence_officer", "auditor", "administrator"})


class StepStatusText(Vocabulary):
    cache_ok = True
    what = "a step status this program knows"
    choices = frozenset({"not_started", "in_progress", "done", "not_applicable", "blocked"})


class MeaningText(Vocabulary):
    cache_ok = True
    what = "a signature meaning this program knows"
    choices = frozenset(
        {
            "reviewed",
            "approved for closure",
            "audit completed",
            "addendum",
            "moderated",
            "countersigned",
            "agreed not applicable",
        }
    )


class CanonicalJSON(_Named):
    """JSON kept as canonical text, so a value read back hashes exactly as it did when written."""

    impl = Text
    cache_ok = True
    what = "JSON"

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else canonical_json(value)

    shape: type | None = None  # what the model's annotation promises the code reading it

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        try:
            loaded = json.loads(value)
        except ValueError:
            raise UnreadableValue(f"{value[:40]!r} is not JSON", value=value) from None
        if self.shape is not None and not isinstance(loaded, self.shape):
            # The screens would fail on it deep inside (`'list' object has no attribute 'get'`).
            raise UnreadableValue(f"{type(loaded).__name__} where the app keeps a {self.shape.__name__}", value=value)
        return loaded


class CanonicalJSONObject(CanonicalJSON):
    shape = dict
    cache_ok = True


class CanonicalJSONList(CanonicalJSON):
    shape = list
    cache_ok = True


def name_columns(metadata: MetaData) -> None:
    """Tell each column of these types its table and column, for the message when it holds a bad value.
    Called once, when the models are defined, before any statement is compiled."""
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, _Named):
                column.type.where = f"{table.name}.{column.name}"
                keys = list(table.primary_key.columns)
                column.type.key = keys[0].name if len(keys) == 1 else ""


def locate_rows(engine: Engine, exc: UnreadableValue) -> None:
    """Name the rows that hold the value `exc` could not read (the type saw the value, not its row), by
    looking the raw value up in its column. Best effort: a failed lookup leaves the message as it was."""
    if not exc.where or not exc.key or exc.value is None or exc.rows:
        return
    table, _, column = exc.where.partition(".")
    key = exc.key
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(f'SELECT "{key}" FROM "{table}" WHERE "{column}" = :value ORDER BY "{key}" LIMIT 6'),
                {"value": exc.value},
            ).scalars()
            exc.name_rows(tuple(int(r) for r in rows))
    except Exception:
        return
