from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given
from hypothesis import strategies as st

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import END_OF_DAY, due_at
from checklist_app.core.procedure.model import Duration, DurationUnit

CAL = WorkingCalendar.default()
LONDON = ZoneInfo("Europe/London")

covered_days = st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 11, 30))
FIRST, LAST = datetime(2010, 1, 1), datetime(2035, 11, 30)
instants = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(UTC))
durations = st.builds(Duration, st.integers(min_value=0, max_value=40), st.sampled_from(list(DurationUnit)))


@given(covered_days, st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(day, n))


@given(covered_days, st.integers(min_value=1, max_value=60))
def test_working_days_between_inverts_add(day: date, n: int) -> None:
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(covered_days, st.integers(min_value=-60, max_value=60))
def test_add_from_a_working_day_inverts_either_way(day: date, n: int) -> None:
    assume(CAL.is_working_day(day))
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(covered_days, covered_days, covered_days)
def test_working_days_between_is_additive(a: date, b: date, c: date) -> None:
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == CAL.working_days_between(a, c)


@given(covered_days, st.integers(min_value=0, max_value=400))
def test_working_days_between_matches_day_by_day_count(a: date, span: int) -> None:
    b = a + timedelta(days=span)
    slow = sum(CAL.is_working_day(a + timedelta(days=k)) for k in range(1, span + 1))
    assert CAL.working_days_between(a, b) == slow


@given(instants, durations)
def test_due_at_is_never_before_the_anchor_and_is_utc(anchor: datetime, offset: Duration) -> None:
    due = due_at(anchor, offset, CAL)
    assert due >= anchor
    assert due.tzinfo is UTC


@given(instants, st.integers(min_value=0, max_value=30))
def test_working_day_deadlines_end_a_london_working_day(anchor: datetime, n: int) -> None:
    local = due_at(anchor, Duration(n, DurationUnit.WORKING_DAYS), CAL).astimezone(LONDON)
    assert local.time() == END_OF_DAY
    assert CAL.is_working_day(local.date())
    assert CAL.working_days_between(anchor.astimezone(LONDON).date(), local.date()) in (n, n + 1)


@given(instants, st.integers(min_value=1, max_value=24))
def test_month_deadlines_keep_the_wall_clock_or_clamp(anchor: datetime, n: int) -> None:
    start = anchor.astimezone(LONDON)
    end = due_at(anchor, Duration(n, DurationUnit.MONTHS), CAL).astimezone(LONDON)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)
    # The wall clock only moves when the target time falls in the spring-forward gap.
    assert end.time() == start.time() or end.hour == start.hour + 1
