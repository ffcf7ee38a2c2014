"""Drawing an audit sample that anyone can draw again.

The procedure, fixed so a recorded seed and frame always give the same sample:

1. The frame is every case in the round's period and districts. Cases the auditor may not audit
   (independence, see `audit_independence`) are set aside with their reason; the rest are eligible.
2. Eligible cases fall into strata by (district code, risk category); strata are taken in that order
   (category 0 means "not yet assessed").
3. Allocation is proportional with largest-remainder rounding: stratum s of N_s cases among N gets
   floor(n * N_s / N) places, and the places left over go one each to the strata with the largest
   remainders, ties broken by stratum order. So each stratum's allocation is within one case of its
   exact proportional share.
4. One `random.Random(seed)` draws every stratum in stratum order: `rng.sample(members, k)` where
   members are the stratum's cases sorted by reference. Python keeps `Random(int)` and `sample`
   stable across versions, so the draw can be repeated with the seed and the kept frame.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MAX_SEED = 2**63 - 1


class SamplingError(ValueError):
    """A round that cannot be drawn as asked; the message says why."""


@dataclass(frozen=True, slots=True, order=True)
class Stratum:
    district: str
    risk_category: int

    def describe(self) -> str:
        risk = f"risk category {self.risk_category}" if self.risk_category else "risk not assessed"
        return f"{self.district}, {risk}"


@dataclass(frozen=True, slots=True)
class FrameCase:
    case_id: int
    reference: str
    district: str
    risk_category: int

    @property
    def stratum(self) -> Stratum:
        return Stratum(self.district, self.risk_category)


@dataclass(frozen=True, slots=True)
class Allocation:
    stratum: Stratum
    population: int  # eligible cases in the stratum
    share: float  # exact proportional share of the sample
    places: int  # cases drawn


@dataclass(frozen=True, slots=True)
class Draw:
    seed: int
    allocations: tuple[Allocation, ...]
    sampled: tuple[FrameCase, ...]  # sorted by reference

    def stratum_of(self, case_id: int) -> Stratum:
        return next(c.stratum for c in self.sampled if c.case_id == case_id)


def strata(cases: Iterable[FrameCase]) -> dict[Stratum, list[FrameCase]]:
    groups: dict[Stratum, list[FrameCase]] = {}
    for case in cases:
        groups.setdefault(case.stratum, []).append(case)
    return {s: sorted(groups[s], key=lambda c: (c.reference, c.case_id)) for s in sorted(groups)}


def allocate(populations: dict[Stratum, int], size: int) -> tuple[Allocation, ...]:
    """Largest-remainder proportional allocation of `size` places over strata (in stratum order)."""
    total = sum(populations.values())
    if size < 0:
        raise SamplingError("the sample size cannot be negative")
    if size > total:
        raise SamplingError(f"a sample of {size} is larger than the {total} eligible cases in the frame")
    order = sorted(s for s, n in populations.items() if n > 0)
    if not order:
        return ()
    # Integer arithmetic: exact quotas and remainders, no float ties decided by rounding noise.
    floors = {s: size * populations[s] // total for s in order}
    remainders = {s: size * populations[s] % total for s in order}
    left = size - sum(floors.values())
    ranked = sorted(order, key=lambda s: (-remainders[s], order.index(s)))
    extra = set(ranked[:left])
    return tuple(
        Allocation(s, populations[s], size * populations[s] / total, floors[s] + (1 if s in extra else 0))
        for s in order
    )


def draw(eligible: Sequence[FrameCase], size: int, seed: int) -> Draw:
    """The sample for `seed` (see the module notes for the procedure)."""
    if not 0 <= seed <= MAX_SEED:
        raise SamplingError(f"the seed must be a whole number from 0 to {MAX_SEED}")
    ids = [c.case_id for c in eligible]
    if len(set(ids)) != len(ids):
        raise SamplingError("the frame lists a case twice")
    groups = strata(eligible)
    allocations = allocate({s: len(members) for s, members in groups.items()}, size)
    rng = random.Random(seed)
    chosen: list[FrameCase] = []
    for allocation in allocations:
        chosen += rng.sample(groups[allocation.stratum], allocation.places)
    return Draw(seed, allocations, tuple(sorted(chosen, key=lambda c: (c.reference, c.case_id))))


def choose_for_moderation(sampled_ids: Sequence[int], rate: float, seed: int) -> tuple[int, ...]:
    """The sampled cases whose audits a second auditor checks: ceil(rate x sample) of them (at least one
    when the rate is above nought), drawn with their own generator so the main draw is not disturbed."""
    if not sampled_ids or rate <= 0:
        return ()
    basis_points = min(10_000, round(rate * 10_000))  # whole basis points: no float noise in the ceiling
    count = max(1, -(-(basis_points * len(sampled_ids)) // 10_000))
    rng = random.Random(f"moderation:{seed}")
    return tuple(sorted(rng.sample(sorted(sampled_ids), count)))


# --- periods ------------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")

MAX_SAMPLE_SIZE = 1000  # cases one round can sample; the procedure's default and the command line alike

PERIOD_FORMATS = "YYYY (a year), YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY-MM-DD..YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive calendar dates; a case belongs to the period if it was open on any day of it."""

    label: str
    first: date
    last: date


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999  # no case records outside these; and date arithmetic stays in range
OUT_OF_RANGE = f"choose dates between {EARLIEST_YEAR} and {LATEST_YEAR}"


def _shown(text: str) -> str:
    """The text as typed, cut short: a pasted page must not come back as a page of error message."""
    return repr(text[:40]) + ("…" if len(text) > 40 else "")


def parse_period(text: str) -> Period:
    period = _parse_period(text)
    if period.first.year < EARLIEST_YEAR or period.last.year > LATEST_YEAR:
        raise SamplingError(f"bad period {_shown(text)}: {OUT_OF_RANGE}")
    return period


def _parse_period(text: str) -> Period:
    value = text.strip()
    try:
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            first = date(year, month, 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return Period(value, first, last)
        if m := _QUARTER.match(value):
            year, quarter = int(m.group(1)), int(m.group(2))
            first = date(year, 3 * quarter - 2, 1)
            end_month = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
            return Period(f"{year}-Q{quarter}", first, end_month - timedelta(days=1))
        if m := _YEAR.match(value):
            year = int(m.group(1))
            return Period(value, date(year, 1, 1), date(year, 12, 31))
        if m := _RANGE.match(value):
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if last < first:
                raise SamplingError(f"bad period {_shown(text)}: it ends before it starts")
            return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)
    except (ValueError, OverflowError) as exc:  # OverflowError: the month or year after 9999-12
        if isinstance(exc, SamplingError):
            raise
        if isinstance(exc, OverflowError):
            raise SamplingError(f"bad period {_shown(text)}: {OUT_OF_RANGE}") from None
        raise SamplingError(f"bad period {_shown(text)}: {exc}") from None
    raise SamplingError(f"bad period {_shown(text)}: use {PERIOD_FORMATS}")
