import importlib.util
import json
import logging
from datetime import date
from pathlib import Path

import pytest

from checklist_app.core.calendar import HOLIDAYS_FILE, WorkingCalendar
from checklist_app.paths import resource

REPO = Path(__file__).resolve().parents[2]

# England and Wales bank holidays as published at https://www.gov.uk/bank-holidays.json.
GOV_UK = {
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar.default()


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_shipped_holidays_match_gov_uk(cal: WorkingCalendar, year: int) -> None:
    expected = {date.fromisoformat(f"{year}-{md}") for md in GOV_UK[year]}
    assert {d for d in cal.holidays if d.year == year} == expected


def test_one_off_holidays_outside_the_checked_years(cal: WorkingCalendar) -> None:
    assert cal.is_holiday(date(2011, 4, 29))  # royal wedding
    assert cal.is_holiday(date(2012, 6, 4)) and cal.is_holiday(date(2012, 6, 5))
    assert not cal.is_holiday(date(2012, 5, 28))  # the spring holiday moved to 4 June


def test_shipped_file_is_what_the_script_generates() -> None:
    script = REPO / "scripts" / "make_bank_holidays.py"
    spec = importlib.util.spec_from_file_location("make_bank_holidays", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = resource(*HOLIDAYS_FILE).read_text(encoding="utf-8")
    assert shipped == module.render(module.build())
    data = json.loads(shipped)
    assert data["division"] == "england-and-wales"
    assert all(set(e) >= {"date", "title"} for e in data["events"])


def test_default_is_cached_and_covers_2010_to_2035(cal: WorkingCalendar) -> None:
    assert WorkingCalendar.default() is cal
    assert cal.years == range(2010, 2036)
    assert cal.covers(date(2010, 1, 1)) and cal.covers(date(2035, 12, 31))
    assert not cal.covers(date(2009, 12, 31)) and not cal.covers(date(2036, 1, 1))


def test_is_working_day(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 6, 1))  # Monday
    assert not cal.is_working_day(date(2026, 6, 6))  # Saturday
    assert not cal.is_working_day(date(2026, 6, 7))  # Sunday
    assert not cal.is_working_day(date(2026, 4, 3))  # Good Friday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 10), 1, date(2025, 1, 13)),  # Friday -> Monday
        (date(2025, 1, 11), 1, date(2025, 1, 13)),  # Saturday -> Monday
        (date(2025, 1, 6), 5, date(2025, 1, 13)),  # a full week
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Thursday before Good Friday -> Tuesday after Easter
        (date(2027, 12, 24), 1, date(2027, 12, 29)),  # Christmas and Boxing Day substitutes
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Boxing Day substitute on Monday 28th
        (date(2024, 12, 20), 3, date(2024, 12, 27)),
        (date(2022, 6, 1), 1, date(2022, 6, 6)),  # Platinum Jubilee Thursday and Friday
        (date(2026, 6, 6), 0, date(2026, 6, 8)),  # 0 on a Saturday rolls to Monday
        (date(2026, 6, 3), 0, date(2026, 6, 3)),
        (date(2027, 12, 29), -1, date(2027, 12, 24)),
    ],
)
def test_add_working_days(cal: WorkingCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_working_days(start, n) == expected


def test_working_days_between(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2027, 12, 24), date(2027, 12, 29)) == 1
    assert cal.working_days_between(date(2027, 12, 29), date(2027, 12, 24)) == -1
    assert cal.working_days_between(date(2026, 6, 3), date(2026, 6, 3)) == 0
    assert cal.working_days_between(date(2026, 6, 5), date(2026, 6, 7)) == 0  # Friday to Sunday
    # 2025 has 261 weekdays and all 8 of its bank holidays fall on weekdays.
    assert cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 253


def test_explicit_holidays_for_tests() -> None:
    cal = WorkingCalendar({date(2030, 1, 1)})
    assert cal.years == range(2030, 2031)
    assert not cal.is_working_day(date(2030, 1, 1))
    assert cal.add_working_days(date(2029, 12, 31), 1) == date(2030, 1, 2)
    explicit_range = WorkingCalendar((), years=range(2000, 2100))
    assert explicit_range.covers(date(2050, 1, 1))


def test_beyond_coverage_falls_back_to_weekends_and_says_so(
    cal: WorkingCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    probe = WorkingCalendar({date(2030, 1, 1)})
    with caplog.at_level(logging.WARNING, logger="checklist_app.core.calendar"):
        assert probe.is_working_day(date(2036, 1, 1))  # a Tuesday; holidays for 2036 are unknown
        assert not probe.is_working_day(date(2036, 1, 5))  # Saturday is still known
        probe.is_working_day(date(2036, 1, 2))
    assert not probe.covers(date(2036, 1, 1))
    warnings = [r for r in caplog.records if "2036" in r.getMessage()]
    assert len(warnings) == 1  # once per year, not per call
