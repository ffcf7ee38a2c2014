from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import DueState, due_at, due_state
from checklist_app.core.procedure.model import Duration

LONDON = ZoneInfo("Europe/London")
D = Duration.parse


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def end_of_london_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=LONDON).astimezone(UTC)


# --- hours and days are exact spans ----------------------------------------------------------------


def test_hours_are_exact_across_spring_clock_change(cal: WorkingCalendar) -> None:
    # 29 March 2026: clocks go forward at 01:00 UTC.
    due = due_at(london(2026, 3, 28, 12, 0), D("24h"), cal)
    assert due == utc(2026, 3, 29, 12, 0)
    assert due.astimezone(LONDON).hour == 13  # the wall clock shows an hour later


def test_days_are_exact_24h_across_autumn_clock_change(cal: WorkingCalendar) -> None:
    # 25 October 2026: clocks go back.
    due = due_at(london(2026, 10, 20, 10, 0), D("7d"), cal)
    assert due - london(2026, 10, 20, 10, 0) == timedelta(days=7)
    assert due.astimezone(LONDON).hour == 9


def test_zero_hours_is_the_anchor(cal: WorkingCalendar) -> None:
    assert due_at(utc(2026, 5, 1, 8, 30), D("0h"), cal) == utc(2026, 5, 1, 8, 30)


def test_result_is_utc_for_non_utc_input(cal: WorkingCalendar) -> None:
    anchor = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    due = due_at(anchor, D("1h"), cal)
    assert due.tzinfo is UTC
    assert due == utc(2026, 5, 1, 8, 0)


def test_naive_datetimes_are_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 5, 1, 12, 0), D("1h"), cal)
    with pytest.raises(ValueError, match="timezone-aware"):
        due_state(utc(2026, 5, 1), None, datetime(2026, 5, 1), D("2wd"), cal)


# --- working days end at the close of the London day -----------------------------------------------


def test_working_days_end_at_close_of_london_day_in_summer(cal: WorkingCalendar) -> None:
    due = due_at(london(2026, 6, 1, 10, 0), D("1wd"), cal)  # Monday
    assert due == utc(2026, 6, 2, 22, 59, 59, 999999)


def test_working_days_end_at_close_of_london_day_in_winter(cal: WorkingCalendar) -> None:
    assert due_at(london(2026, 1, 5, 10, 0), D("1wd"), cal) == utc(2026, 1, 6, 23, 59, 59, 999999)


def test_working_days_count_from_the_london_date(cal: WorkingCalendar) -> None:
    # 23:30 UTC on Monday 1 June is 00:30 on Tuesday in London.
    assert due_at(utc(2026, 6, 1, 23, 30), D("0wd"), cal) == end_of_london_day(date(2026, 6, 2))


def test_zero_working_days_on_a_saturday_is_end_of_monday(cal: WorkingCalendar) -> None:
    assert due_at(london(2026, 6, 6, 11, 0), D("0wd"), cal) == end_of_london_day(date(2026, 6, 8))


def test_zero_working_days_on_a_working_day_is_end_of_that_day(cal: WorkingCalendar) -> None:
    assert due_at(london(2026, 6, 3, 9, 0), D("0wd"), cal) == end_of_london_day(date(2026, 6, 3))


def test_working_days_across_clock_changes(cal: WorkingCalendar) -> None:
    # Friday in GMT to Monday in BST, and Friday in BST to Monday in GMT.
    assert due_at(london(2026, 3, 27, 15, 0), D("1wd"), cal) == utc(2026, 3, 30, 22, 59, 59, 999999)
    assert due_at(london(2026, 10, 23, 15, 0), D("1wd"), cal) == utc(2026, 10, 26, 23, 59, 59, 999999)


def test_working_days_skip_bank_holidays(cal: WorkingCalendar) -> None:
    assert due_at(london(2027, 12, 24, 9, 0), D("1wd"), cal) == end_of_london_day(date(2027, 12, 29))


def test_explicit_calendar_is_used() -> None:
    no_holidays = WorkingCalendar((), years=range(2000, 2100))
    assert due_at(london(2027, 12, 24, 9, 0), D("1wd"), no_holidays) == end_of_london_day(date(2027, 12, 27))


# --- months keep the wall clock ----------------------------------------------------------------------


def test_month_clamps_to_last_day(cal: WorkingCalendar) -> None:
    assert due_at(london(2026, 1, 31, 10, 0), D("1mo"), cal) == london(2026, 2, 28, 10, 0)
    assert due_at(london(2028, 1, 31, 10, 0), D("1mo"), cal) == london(2028, 2, 29, 10, 0)
    assert due_at(london(2028, 2, 29, 10, 0), D("12mo"), cal) == london(2029, 2, 28, 10, 0)
    assert due_at(london(2026, 3, 31, 10, 0), D("3mo"), cal) == london(2026, 6, 30, 10, 0)


def test_month_keeps_london_wall_clock_across_clock_changes(cal: WorkingCalendar) -> None:
    spring = due_at(london(2026, 3, 15, 9, 0), D("1mo"), cal)
    assert spring == utc(2026, 4, 15, 8, 0)  # 09:00 BST
    autumn = due_at(london(2026, 10, 15, 9, 0), D("1mo"), cal)
    assert autumn == utc(2026, 11, 15, 9, 0)  # 09:00 GMT


def test_month_into_spring_gap_moves_past_the_gap(cal: WorkingCalendar) -> None:
    # 01:30 on 29 March 2026 does not exist in London; the deadline is 02:30 BST.
    due = due_at(london(2026, 1, 29, 1, 30), D("2mo"), cal)
    assert due == utc(2026, 3, 29, 1, 30)
    assert due.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


def test_month_into_autumn_repeat_takes_first_occurrence(cal: WorkingCalendar) -> None:
    # 01:30 on 25 October 2026 happens twice; the earlier (BST) one is the deadline.
    assert due_at(london(2026, 9, 25, 1, 30), D("1mo"), cal) == utc(2026, 10, 25, 0, 30)


def test_month_and_year_rollover(cal: WorkingCalendar) -> None:
    assert due_at(london(2026, 11, 30, 14, 0), D("3mo"), cal) == london(2027, 2, 28, 14, 0)


# --- due state ---------------------------------------------------------------------------------------


def test_due_state_without_deadline(cal: WorkingCalendar) -> None:
    assert due_state(None, None, utc(2026, 6, 1), D("2wd"), cal) is DueState.NO_DEADLINE


def test_due_state_done(cal: WorkingCalendar) -> None:
    due = utc(2026, 6, 3, 12)
    assert due_state(due, due, utc(2026, 7, 1), D("2wd"), cal) is DueState.DONE_ON_TIME
    late = due + timedelta(microseconds=1)
    assert due_state(due, late, utc(2026, 7, 1), D("2wd"), cal) is DueState.DONE_LATE


def test_due_state_open(cal: WorkingCalendar) -> None:
    now = london(2026, 6, 1, 10, 0)  # Monday
    wednesday_end = end_of_london_day(date(2026, 6, 3))
    thursday_end = end_of_london_day(date(2026, 6, 4))
    assert due_state(wednesday_end, None, now, D("2wd"), cal) is DueState.DUE_SOON
    assert due_state(thursday_end, None, now, D("2wd"), cal) is DueState.ON_TRACK
    assert due_state(now, None, now, D("2wd"), cal) is DueState.DUE_SOON  # due this instant: not yet late
    assert due_state(now - timedelta(seconds=1), None, now, D("2wd"), cal) is DueState.OVERDUE


def test_due_soon_in_hours(cal: WorkingCalendar) -> None:
    now = utc(2026, 6, 1, 10)
    assert due_state(utc(2026, 6, 1, 12), None, now, D("4h"), cal) is DueState.DUE_SOON
    assert due_state(utc(2026, 6, 1, 15), None, now, D("4h"), cal) is DueState.ON_TRACK
