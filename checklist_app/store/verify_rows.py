"""Reading rows for verification when some values may be of the wrong type (written with another tool:
`referral_at = 'not a date'`). The fast path lets SQLAlchemy convert whole batches; the first value that
cannot be converted switches the rest of the table to reading raw values and converting them one by
one, so the bad value is reported with its table, row and column and verification goes on."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sqlalchemy import Column, Connection, Table, select, type_coerce
from sqlalchemy.types import NullType

from checklist_app.core.text import shorten, terminal_safe

BATCH = 5000
# What a column's converter raises on a value of the wrong type.
CONVERSION_ERRORS = (ValueError, TypeError, OverflowError, ArithmeticError, AttributeError, KeyError, IndexError)

# A row by column name: SQLAlchemy's RowMapping (also keyed by Column) or a plain dict of converted values.
RowValues = Mapping[Any, Any]
BadValue = Callable[[Any, str, object], None]  # (row key, column name, raw value)


def describe_value(raw: object) -> str:
    return shorten(terminal_safe(repr(raw)), 60)


def safe_rows(
    conn: Connection, table: Table, columns: list[Column[Any]], key: Column[Any], on_bad: BadValue
) -> Iterator[tuple[Any, RowValues | None, RowValues]]:
    """(key, converted row, raw row) for each row of `columns` ordered by `key` (one of them). A row with a
    value that cannot be converted is reported through `on_bad` and comes with None as converted row."""
    last: Any = None
    try:
        query = select(*columns).order_by(key)
        for row in conn.execution_options(yield_per=BATCH).execute(query).mappings():
            last = row[key.name]
            yield last, row, row
        return
    except CONVERSION_ERRORS:
        pass  # carry on after the last good row, value by value
    yield from _raw_rows(conn, columns, key, last, on_bad)


def _raw_rows(
    conn: Connection, columns: list[Column[Any]], key: Column[Any], after: Any, on_bad: BadValue
) -> Iterator[tuple[Any, RowValues | None, RowValues]]:
    dialect = conn.dialect
    processors = {c.name: c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns}
    query = select(*(type_coerce(c, NullType()).label(c.name) for c in columns)).order_by(key)
    if after is not None:
        query = query.where(key > after)
    for raw in conn.execution_options(yield_per=BATCH).execute(query).mappings():
        values: dict[str, Any] = {}
        bad = False
        for name, value in raw.items():
            convert = processors[name]
            try:
                values[name] = convert(value) if convert is not None and value is not None else value
            except CONVERSION_ERRORS:
                on_bad(raw[key.name], name, value)
                bad = True
        yield raw[key.name], (None if bad else values), raw
