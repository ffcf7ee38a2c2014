"""SQL for reckoning time limits in aggregate queries: counting rows that meet a condition, in time, late or
overdue against a limit, and working-day deadlines by London calendar day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, and_, case, column, func, literal, text

from checklist_app.core.calendar import LOCAL_TZ, WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, DurationUnit
from checklist_app.services.compliance_figures import (
    Period,
    Timed,
)
from checklist_app.store.sqlfuncs import epoch_seconds, seconds_between
from checklist_app.store.types import UTCDateTime


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def utc_value(value: datetime) -> ColumnElement[datetime]:
    return literal(value, UTCDateTime())


def limit_checks(
    start: SQLColumnExpression[datetime | None],
    done: SQLColumnExpression[datetime | None],
    limit: Duration,
    now: datetime,
    due: ColumnElement[int] | None = None,
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(within, late, overdue) conditions for something to be done `limit` after `start`: exact spans
    are compared in seconds; other limits need their `due` column (see `due_days`)."""
    if limit.unit in (DurationUnit.HOURS, DurationUnit.DAYS):
        seconds = limit.amount * (3600 if limit.unit is DurationUnit.HOURS else 86400)
        return (
            and_(done.is_not(None), seconds_between(start, done) <= seconds),
            and_(done.is_not(None), seconds_between(start, done) > seconds),
            and_(done.is_(None), seconds_between(start, utc_value(now)) > seconds),
        )
    assert due is not None  # POSIX seconds
    return (
        and_(done.is_not(None), epoch_seconds(done) <= due),
        and_(done.is_not(None), epoch_seconds(done) > due),
        and_(done.is_(None), due < int(now.timestamp())),
    )


_EPOCH = date(1970, 1, 1)


def london_day(moment: SQLColumnExpression[datetime], p: Period) -> ColumnElement[int]:
    """The London calendar day of a UTC moment, as days since 1970: UTC plus an hour in summer time.
    Summer time's edges come from the time zone database for the years around the period."""
    summer = []
    for year in range(p.start.year - 1, p.end.year + 2):
        edges = [
            datetime(year, month, day, hour, tzinfo=UTC)
            for month in (3, 10)
            for day in range(25, 32)
            for hour in (0, 1, 2)
            if (datetime(year, month, day, hour, tzinfo=UTC) + timedelta(minutes=30)).astimezone(LOCAL_TZ).dst()
            != (datetime(year, month, day, hour, tzinfo=UTC) - timedelta(minutes=30)).astimezone(LOCAL_TZ).dst()
        ]
        if len(edges) == 2:
            summer.append((int(edges[0].timestamp()), int(edges[1].timestamp())))
    seconds = epoch_seconds(moment)
    shift = case(*((and_(seconds >= a, seconds < b), 3600) for a, b in summer), else_=0) if summer else literal(0)
    return (seconds + shift) // 86400


def due_days(limits: list[Duration], calendar: WorkingCalendar, p: Period) -> Any:
    """One row per London day of the period: the day (days since 1970) and, for each limit, the deadline
    (POSIX seconds) of something started that day. Working-day deadlines depend only on the London date
    they start from, so a join on the day replaces a calendar computation per row. The rows are whole
    numbers this function computed, written into the statement as literals (nothing from a user)."""
    first = p.start - timedelta(days=1)
    rows = []
    for i in range((p.end - first).days + 2):
        day = first + timedelta(days=i)
        start = datetime.combine(day, time(12), tzinfo=LOCAL_TZ)
        dues = ", ".join(
            f"{int(due_at(start, limit, calendar).timestamp())} AS due{n}" for n, limit in enumerate(limits)
        )
        rows.append(f"SELECT {(day - _EPOCH).days} AS day, {dues}")
    columns = [column("day", Integer), *(column(f"due{n}", Integer) for n in range(len(limits)))]
    return text(" UNION ALL ".join(rows)).columns(*columns).subquery("due_days")


def timed_rows(
    rows: Sequence[Any], names: dict[int, str], target: dict[Any, Timed], extra: tuple[str, ...] = ()
) -> None:
    for district_id, m, within, late, overdue, total in rows:
        key = (names[district_id], m, *extra)
        target[key] = Timed(int(within), int(late), int(overdue), int(total) - int(within) - int(late) - int(overdue))
