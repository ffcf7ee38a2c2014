"""Working days in England and Wales: Monday to Friday except bank holidays.

Bank holidays come from the shipped GOV.UK-shaped file (regenerate with scripts/make_bank_holidays.py).
Outside the years that file covers only weekends are known, so the calendar says which dates it
`covers` and logs once per uncovered year rather than quietly treating a future bank holiday as a
working day.
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
from collections.abc import Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from checklist_app.paths import resource

LOCAL_TZ = ZoneInfo("Europe/London")
HOLIDAYS_FILE = ("data", "bank-holidays-england-and-wales.json")

_log = logging.getLogger(__name__)
_ONE_DAY = timedelta(days=1)
_MAX_MEMO = 100_000


class WorkingCalendar:
    """A set of bank holidays plus the range of years for which that set is complete."""

    def __init__(self, holidays: Iterable[date], years: range | None = None) -> None:
        self._holidays = frozenset(holidays)
        # Only weekday holidays change working-day arithmetic; sorted for range counting.
        self._weekday_holidays = tuple(sorted(d for d in self._holidays if d.weekday() < 5))
        if years is None and self._holidays:
            years = range(min(self._holidays).year, max(self._holidays).year + 1)
        self._years = years if years is not None else range(0)
        self._warned: set[int] = set()
        # add_working_days results: pure for a given calendar, and a schedule asks the same few again and
        # again (the same anchors and offsets across steps, recomputations and cases).
        self._added: dict[tuple[date, int], date] = {}

    @classmethod
    def from_json(cls, text: str) -> WorkingCalendar:
        data = json.loads(text)
        holidays = [date.fromisoformat(e["date"]) for e in data["events"]]
        years = None
        if "first_year" in data and "last_year" in data:
            years = range(int(data["first_year"]), int(data["last_year"]) + 1)
        return cls(holidays, years)

    @classmethod
    def default(cls) -> WorkingCalendar:
        """The shipped England and Wales calendar (loaded once per process)."""
        return _default_calendar()

    @property
    def years(self) -> range:
        return self._years

    @property
    def holidays(self) -> frozenset[date]:
        return self._holidays

    def covers(self, day: date) -> bool:
        """Whether bank holidays are known for this date's year."""
        return day.year in self._years

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if day.year not in self._years:
            self._warn_uncovered(day.year)
        return day not in self._holidays

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n < 0). With n == 0: `day` itself if it is
        a working day, else the next working day."""
        key = (day, n)
        found = self._added.get(key)
        if found is not None:
            return found
        found = self._count_working_days(day, n)
        if len(self._added) >= _MAX_MEMO:
            self._added.clear()
        self._added[key] = found
        return found

    def _count_working_days(self, day: date, n: int) -> date:
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        if n == 0:
            while not self.is_working_day(day):
                day += step
            return day
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; negative when b is before a. Inverts add_working_days:
        working_days_between(d, add_working_days(d, n)) == n for n >= 1."""
        if b < a:
            return -self.working_days_between(b, a)
        for year in range(a.year, b.year + 1):
            if year not in self._years:
                self._warn_uncovered(year)
        weekdays = _weekdays_through(b) - _weekdays_through(a)
        lo = bisect.bisect_right(self._weekday_holidays, a)
        hi = bisect.bisect_right(self._weekday_holidays, b)
        return weekdays - (hi - lo)

    def _warn_uncovered(self, year: int) -> None:
        if year not in self._warned:
            self._warned.add(year)
            _log.warning(
                "no bank holiday data for %s (covered: %s); counting only weekends as non-working days",
                year,
                f"{self._years.start}-{self._years.stop - 1}" if self._years else "none",
            )

    def __repr__(self) -> str:
        return f"WorkingCalendar({len(self._holidays)} holidays, years={self._years!r})"


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday dates from a fixed Monday up to and including `day`."""
    ordinal = day.toordinal()  # ordinal 1 (0001-01-01) is a Monday
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


@functools.cache
def _default_calendar() -> WorkingCalendar:
    return WorkingCalendar.from_json(resource(*HOLIDAYS_FILE).read_text(encoding="utf-8"))
