"""The fast path of verify: a row's canonical text put together from the driver's raw values.

verify hashes every audit entry and audited record (three million rows on a 20,000-case database).
Letting SQLAlchemy convert each value (text to an aware datetime, JSON text to a dict) only for the
canonical encoder to turn it back into text cost several times the reading itself. Every value the app
writes is stored in a form whose canonical text follows from the raw value directly: a timestamp's text
rearranged, a whole number, a string escaped, a JSON column's text as it is (CanonicalJSON stores the
canonical text). So the text is put together from the raw values; a row whose hash does not match that
way, or with a raw value not in the expected form, is converted value by value as before
(`convert_row`), and reported exactly as before.

Why a match proves what the slow path would: the hash matches only if the text put together is the very
text that was hashed when the row was written, which was the canonical form of values the app held.
Each value's text also lines up with the original's: a string's escaped text and a JSON text (checked
to be exactly one JSON value) end where they must, and a timestamp's or date's text has a fixed width
(checked, with the one separator replaced), so a match proves that every raw value is the text of the
value the app held: readable, so the slow path could not have reported a bad value either. That is why
a timestamp's text is not parsed here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring  # the C encoder's string escaping
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    String,
    Table,
    Text,
    select,
    type_coerce,
)
from sqlalchemy.types import NullType, TypeEngine

from checklist_app.store.types import CanonicalJSON, StoredDate, UTCDateTime, Vocabulary
from checklist_app.store.verify_rows import BATCH, CONVERSION_ERRORS, BadValue

# Each encoder gives a raw value's canonical text, or raises TypeError when the value is not in the form
# the app writes: the row then takes the slow path.


def _timestamp(raw: Any) -> str:
    kind = type(raw)
    if kind is str:  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff", naive UTC, as SQLAlchemy writes it
        # Not parsed here: the text has a fixed width, so a hash match proves it is the very text of a real
        # moment (see the module's docstring); a text that is not one fails the hash and takes the slow path.
        if len(raw) != 26 or raw[10] != " " or raw[19] != ".":
            raise TypeError
        return f'"{raw[:10]}T{raw[11:]}Z"'
    if kind is datetime and raw.tzinfo is None:  # PostgreSQL: a naive UTC datetime
        return f'"{raw.isoformat(timespec="microseconds")}Z"'
    raise TypeError


def _date(raw: Any) -> str:
    kind = type(raw)
    if kind is str and len(raw) == 10:  # fixed width, as a timestamp: a hash match proves it a real date
        return f'"{raw}"'
    if kind is date:
        return f'"{raw.isoformat()}"'
    raise TypeError


# The C scanner under json.loads, without its whitespace skipping: a third of the time per value.
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json(raw: Any) -> str:
    """The text as it is if it is one JSON value and nothing else: readable, as the slow path would need
    it (stricter than json.loads, which also allows whitespace around it: such a text takes the slow path)."""
    if type(raw) is not str:
        raise TypeError
    try:
        end = _scan_json(raw, 0)[1]
    except (ValueError, RecursionError, StopIteration):
        raise TypeError from None
    if end != len(raw):
        raise TypeError
    return raw


# Per column type, the name of its encoder in the generated function. A whole number and a string need no
# function of ours: int.__repr__ and the JSON string escaper are C and raise TypeError on anything else;
# a boolean is looked up (0.0 and 1.0 find false and true, as the slow path reads them too).
# Decorated types come first: UTCDateTime is a DateTime underneath, CanonicalJSON a Text.
_ENCODERS: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (UTCDateTime, "timestamp"),
    (CanonicalJSON, "json_text"),
    (StoredDate, "date"),
    (Vocabulary, "string"),  # a value outside its vocabulary is named by the column type on the slow path
    (Boolean, "boolean"),
    (Date, "date"),
    (Integer, "integer"),
    (String, "string"),
    (Text, "string"),
)
_FUNCTIONS: dict[str, Any] = {
    "NULL": "null",
    "Q": '"',
    "T": "T",
    "ZQ": 'Z"',
    "BOOLEANS": {False: "false", True: "true"},  # 0 and 1 too: the same keys
    "timestamp": _timestamp,
    "json_text": _json,
    "date": _date,
    "integer": int.__repr__,
    "string": encode_basestring,
}

RowText = Callable[[Sequence[Any]], str | None]


def fast_text(
    columns: Sequence[Column[Any]],
    positions: Iterable[int],
    text_timestamps: bool = False,
    chained: int | None = None,
) -> RowText | None:
    """A function giving the canonical JSON text of a dict of some of a raw row's columns (by position),
    keyed by column name, or None when some raw value is not in the form the app writes; None instead of
    the function if a column has a type the fast path does not know. `text_timestamps`: the driver gives
    timestamps as text (SQLite), so they are rearranged in line rather than by a function per value.
    `chained`: the position of a text column (an audit entry's previous hash) that the text starts with,
    followed by a newline, as an entry's hash covers it (None if that value is not text), so the hashed
    text is built in one go rather than joined per row.

    The function is generated as one f-string per table (as dataclasses and namedtuple generate their
    methods): a loop over the columns cost more than the encoding itself. An encoder's TypeError (ours,
    or that of int.__repr__ and the string escaper on a value of another type), a boolean that is not
    one (KeyError) or a failed check of a timestamp's text means "not the usual form"."""
    parts, checks = [], []
    for n, position in enumerate(sorted(positions, key=lambda p: columns[p].name)):  # canonical JSON sorts keys
        column = columns[position]
        encoder = next((name for kind, name in _ENCODERS if isinstance(column.type, kind)), None)
        if encoder is None:
            return None
        value = f"row[{position}]"
        if encoder == "timestamp" and text_timestamps:
            # The one character replaced must be the separator; the rest is proven by the hash (fixed width).
            check = f'(type({value}) is str and len({value}) == 26 and {value}[10] == " ")'
            checks.append(f"({value} is None or {check})" if column.nullable else check)
            text = f"Q + {value}[:10] + T + {value}[11:] + ZQ"
        elif encoder == "boolean":
            text = f"BOOLEANS[{value}]"
        else:
            text = f"{encoder}({value})"
        if column.nullable:
            text = f"NULL if {value} is None else {text}"
        key = (("," if n else "{") + encode_basestring(column.name) + ":").replace("{", "{{").replace("}", "}}")
        parts.append(f"{key}{{{text}}}")
    parts.append("}}")
    if chained is not None:
        checks.insert(0, f"type(row[{chained}]) is str")
        parts.insert(0, f"{{row[{chained}]}}\n")
    # One f-string: built in one go, where a chain of `+` made a new string per column.
    source = (
        "def row_text(row):\n"
        "    try:\n"
        + (f"        if not ({' and '.join(checks)}):\n            return None\n" if checks else "")
        + f"        return f{''.join(parts)!r}\n"
        "    except (TypeError, KeyError):\n"
        "        return None\n"
    )
    namespace = dict(_FUNCTIONS)
    exec(source, namespace)  # our own source, from our own column names
    function: RowText = namespace["row_text"]
    return function


def raw_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    key: Column[Any],
    where: ColumnElement[bool] | None = None,
) -> Iterator[Sequence[Any]]:
    """The columns' raw driver values, row by row ordered by `key` (only those `where` allows, if given),
    streamed in batches."""
    for batch in raw_batches(conn, table, columns, key, where):
        yield from batch


def raw_batches(
    conn: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    key: Column[Any],
    where: ColumnElement[bool] | None = None,
) -> Iterator[Sequence[Sequence[Any]]]:
    """`raw_rows` a batch at a time: the long walks loop over each batch themselves, as a generator
    handing out millions of rows one by one cost a second of its own."""
    query = select(*(type_coerce(c, NullType()).label(c.name) for c in columns)).select_from(table)
    return batches(conn, (query.where(where) if where is not None else query).order_by(key))


def stream(conn: Connection, query: Select[*tuple[Any, ...]]) -> Iterator[Sequence[Any]]:
    """The rows of `query` as the driver gives them, streamed in batches (see `batches`)."""
    for batch in batches(conn, query):
        yield from batch


def batches(conn: Connection, query: Select[*tuple[Any, ...]]) -> Iterator[Sequence[Sequence[Any]]]:
    """The rows of `query` as the driver gives them, a batch at a time. On SQLite straight from the
    driver's cursor on the same connection (so the same transaction), as plain tuples; elsewhere through
    SQLAlchemy's streaming (a server-side cursor, so memory stays flat)."""
    if conn.dialect.name == "sqlite":
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql)
            while batch := cursor.fetchmany(BATCH):
                yield batch
        finally:
            cursor.close()
        return
    yield from conn.execution_options(yield_per=BATCH).execute(query).partitions()


class Converter:
    """The slow path for one row: each raw value converted by its column's type, as SQLAlchemy reads it.
    A value that cannot be converted is reported through `on_bad` and the row comes back as None."""

    def __init__(self, conn: Connection, columns: Sequence[Column[Any]]) -> None:
        dialect = conn.dialect
        self._names = [c.name for c in columns]
        self._processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]

    def __call__(self, raw: Sequence[Any], key: Any, on_bad: BadValue) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        bad = False
        for name, convert, value in zip(self._names, self._processors, raw, strict=True):
            try:
                values[name] = convert(value) if convert is not None and value is not None else value
            except CONVERSION_ERRORS:
                on_bad(key, name, value)
                bad = True
        return None if bad else values
