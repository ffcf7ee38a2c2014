"""SQL expressions the report queries need that SQLite and PostgreSQL spell differently.

Each is one SQLAlchemy construct compiled per dialect, so the report queries themselves are written once
and run unchanged on both. Datetimes are stored as naive UTC (see `types.UTCDateTime`): SQLite keeps them
as ISO text, which `julianday` and `substr` read; PostgreSQL as `timestamp without time zone`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class year_month(FunctionElement[str]):
    """'YYYY-MM' of a stored UTC datetime."""

    type = String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(year_month, "postgresql")
def _year_month_pg(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class seconds_between(FunctionElement[float]):
    """Seconds from the first datetime to the second (negative if the second is earlier)."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


class count_below(FunctionElement[int]):
    """How many numbers in a JSON array column (stored as text) are below a limit: the open steps of a
    case summary that are past due at a moment, from its sorted POSIX due times."""

    type = Integer()
    inherit_cache = True


@compiles(count_below, "sqlite")
def _count_below_sqlite(element: count_below, compiler: Any, **kw: Any) -> str:
    array, limit = list(element.clauses)
    return (
        f"(SELECT count(*) FROM json_each({compiler.process(array, **kw)}) AS due "
        f"WHERE due.value < {compiler.process(limit, **kw)})"
    )


@compiles(count_below, "postgresql")
def _count_below_pg(element: count_below, compiler: Any, **kw: Any) -> str:
    array, limit = list(element.clauses)
    return (
        f"(SELECT count(*) FROM json_array_elements_text(CAST({compiler.process(array, **kw)} AS json)) AS due "
        f"WHERE CAST(due AS double precision) < {compiler.process(limit, **kw)})"
    )


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01 UTC of a stored UTC datetime, as an integer."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(floor(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"
