"""When a deadline falls, and how a step stands against it.

Every datetime in and out is timezone-aware; results are UTC. Working days and months are reckoned on
the Europe/London wall clock, because that is the clock the officers (and the rules) work to.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import functools
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from checklist_app.core.calendar import LOCAL_TZ, WorkingCalendar
from checklist_app.core.procedure.model import Duration, DurationUnit

END_OF_DAY = time(23, 59, 59, 999999)


class DueState(StrEnum):
    NO_DEADLINE = "no_deadline"
    AWAITING = "awaiting"  # the anchor has not happened yet, so there is no due date
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    NOT_APPLICABLE = "not_applicable"


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """`value` in UTC; naive datetimes are refused because their zone would be a guess."""
    zone = value.tzinfo
    if zone is UTC:  # most values: astimezone would return the value itself
        return value
    if zone is None or zone.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def due_at(anchor_time: datetime, offset: Duration, calendar: WorkingCalendar | None = None) -> datetime:
    """The deadline `offset` after `anchor_time`, in UTC.

    h and d are exact spans (a day is 24 hours even across a clock change). wd ends at 23:59:59.999999
    London time on the n-th working day after the anchor's London date (0wd: that day if it is a working
    day, else the next one). mo keeps the London wall-clock time n months on, clamped to the month's end.
    """
    anchor = require_aware(anchor_time, "anchor_time")
    unit = offset.unit
    if unit is DurationUnit.HOURS:
        return anchor + timedelta(hours=offset.amount)
    if unit is DurationUnit.DAYS:
        return anchor + timedelta(days=offset.amount)
    local = anchor.astimezone(LOCAL_TZ)
    if unit is DurationUnit.WORKING_DAYS:
        cal = calendar if calendar is not None else WorkingCalendar.default()
        return _end_of_day(cal.add_working_days(local.date(), offset.amount))
    return _add_months_local(local, offset.amount).astimezone(UTC)


@functools.lru_cache(maxsize=8192)
def _end_of_day(day: date) -> datetime:
    """The last instant of a London day, in UTC. Cached: zone arithmetic costs more than the look-up."""
    # No UK clock change happens near midnight, so the end of day is never ambiguous.
    return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(UTC)


def _add_months_local(local: datetime, months: int) -> datetime:
    if months == 0:
        return local
    index = local.year * 12 + local.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, _stdlib_calendar.monthrange(year, month)[1])
    # fold=0: an ambiguous autumn time resolves to its first (earlier) occurrence and a spring-gap time
    # to the hour after the gap, so the deadline never drifts later than the wall clock promised.
    return local.replace(year=year, month=month, day=day, fold=0)


def due_soon_horizon(now: datetime, due_soon: Duration, calendar: WorkingCalendar | None = None) -> datetime:
    """Deadlines at or before this instant count as due soon (once `now` has not passed them)."""
    return due_at(now, due_soon, calendar)


def due_state(
    due: datetime | None,
    completed_at: datetime | None,
    now: datetime,
    due_soon: Duration,
    calendar: WorkingCalendar | None = None,
) -> DueState:
    """How a step stands against `due` at `now`. A deadline is met up to and including its instant."""
    now_utc = require_aware(now, "now")
    if due is None:
        return DueState.NO_DEADLINE
    due_utc = require_aware(due, "due")
    if completed_at is not None:
        return state_when_done(due_utc, require_aware(completed_at, "completed_at"))
    return state_when_open(due_utc, now_utc, due_soon_horizon(now_utc, due_soon, calendar))


def state_when_done(due: datetime, completed_at: datetime) -> DueState:
    return DueState.DONE_ON_TIME if completed_at <= due else DueState.DONE_LATE


def state_when_open(due: datetime, now: datetime, horizon: datetime) -> DueState:
    """Open-step state with a precomputed horizon, so a whole schedule computes it once."""
    if now > due:
        return DueState.OVERDUE
    if due <= horizon:
        return DueState.DUE_SOON
    return DueState.ON_TRACK
