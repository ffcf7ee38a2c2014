"""The optimised schedule gives results identical to the straightforward one (tests/core/schedule_reference.py)
on thousands of generated cases of the shipped procedures, with times crowded onto the calendar's edges:
clock changes in Europe/London, bank holidays, weekends, month ends, leap days and years without holiday data.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import schedule_reference as reference

from checklist_app import paths
from checklist_app.core.agreement import open_due, schedule_counting_awaiting
from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.conditions import compile_condition, evaluate, parse
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.loader import load_procedure_file
from checklist_app.core.procedure.model import Duration, DurationUnit, FactType, Procedure
from checklist_app.core.schedule import (
    CaseSituation,
    StepRecordState,
    StepSchedule,
    StepStatus,
    compute_schedule,
    next_due,
    phase_progress,
)

PROCEDURES = [load_procedure_file(f) for f in paths.shipped_sop_files()]
DEFAULT = WorkingCalendar.default()
# The shipped holidays with only some years declared complete, so later dates take the uncovered path.
PARTIAL = WorkingCalendar(DEFAULT.holidays, years=range(2018, 2027))
LONDON = ZoneInfo("Europe/London")
ZONES = (UTC, UTC, UTC, LONDON, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))
CASES_PER_PROCEDURE = 300


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _edge_day(rng: random.Random) -> date:
    year = rng.randint(2014, 2032)
    kind = rng.randrange(6)
    if kind == 0:  # a clock change
        return _last_sunday(year, rng.choice((3, 10))) + timedelta(days=rng.randint(-1, 1))
    if kind == 1:  # around a bank holiday (Christmas and Easter runs included)
        return rng.choice(sorted(DEFAULT.holidays)) + timedelta(days=rng.randint(-3, 3))
    if kind == 2:  # a month's end
        return date(year, rng.randint(1, 12), 1) - timedelta(days=rng.randint(0, 2))
    if kind == 3:  # a leap day and its neighbours
        leap = rng.choice((2016, 2020, 2024, 2028, 2032))
        return date(leap, 2, 28) + timedelta(days=rng.randint(0, 2))
    if kind == 4:  # a weekend
        monday = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
        return monday - timedelta(days=monday.weekday()) + timedelta(days=rng.randint(4, 7))
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 364))


def _instant(rng: random.Random) -> datetime:
    """An aware time on an edge day, often within hours of midnight or of a clock change."""
    day = _edge_day(rng)
    minute = rng.choice((0, 59, 60, 61, 119, 120, 121, 1380, 1439, rng.randint(0, 1439)))
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=minute, microseconds=rng.randint(0, 1)
    )
    return moment.astimezone(rng.choice(ZONES))


def _fact_value(rng: random.Random, kind: FactType, choices: tuple[str, ...]) -> object:
    if rng.random() < 0.15:
        return None
    if kind is FactType.YESNO:
        return rng.random() < 0.5
    if kind is FactType.CHOICE:
        return rng.choice(choices)
    return rng.randint(0, 4)


def _situation(rng: random.Random, procedure: Procedure) -> tuple[CaseSituation, datetime]:
    start = _instant(rng)
    facts = {f.id: _fact_value(rng, f.type, f.choices) for f in procedure.facts if rng.random() < 0.9}

    def later(max_days: int) -> datetime:
        if rng.random() < 0.3:  # on an edge of its own
            return _instant(rng)
        return start + timedelta(minutes=rng.randint(0, max_days * 1440))

    events = {
        e: tuple(later(90) for _ in range(rng.randint(0, 3))) for e in procedure.event_map() if rng.random() < 0.6
    }
    records: dict[str, StepRecordState] = {}
    for step in procedure.steps:
        pick = rng.random()
        if pick < 0.35:
            continue
        status = rng.choice(list(StepStatus))
        done = status is StepStatus.DONE or (status is StepStatus.IN_PROGRESS and rng.random() < 0.2)
        completed = later(120) if done else None
        records[step.id] = StepRecordState(step.id, status, completed, "", rng.randint(0, 3) if done else 0)
    closed = later(200) if rng.random() < 0.15 else None
    now = later(240) if rng.random() < 0.8 else _instant(rng)
    return CaseSituation(facts, events, records, closed), now


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.version)
def test_schedules_are_identical_to_the_reference(procedure: Procedure) -> None:
    rng = random.Random(f"schedule identity {procedure.version}")
    compared = 0
    for index in range(CASES_PER_PROCEDURE):
        situation, now = _situation(rng, procedure)
        calendar = PARTIAL if index % 5 == 0 else DEFAULT
        expected = reference.compute_schedule(procedure, situation, now, calendar)
        for _ in range(2):  # the second time from warm caches
            got = compute_schedule(procedure, situation, now, calendar)
            assert repr(got) == repr(expected), f"case {index} as of {now}"
        # The list's phase figures, from the whole schedule and from part of it (as `only` gives).
        halves = random.Random(index)  # its own: the cases generated stay the same
        part = {k: v for k, v in got.items() if halves.random() < 0.5}
        for rows in (got, part):
            assert phase_progress(procedure, rows) == reference.phase_progress(procedure, rows), f"case {index}"
        compared += sum(1 for row in expected.values() if row.due_at is not None)
    assert compared > CASES_PER_PROCEDURE * 10  # most cases have dated steps: the comparison bit


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.version)
def test_schedules_counting_steps_awaiting_agreement_are_identical(procedure: Procedure) -> None:
    """The second, unmarked schedule now covers only the awaiting steps and what they depend on."""
    rng = random.Random(f"awaiting identity {procedure.version}")
    dependent = [s.id for s in procedure.steps if s.depends_on]
    for index in range(CASES_PER_PROCEDURE // 2):
        situation, now = _situation(rng, procedure)
        marked = [k for k, r in situation.records.items() if r.status is StepStatus.NOT_APPLICABLE]
        # Marked steps as the services pick them, plus steps with long dependency chains and an unknown id.
        awaiting = frozenset(rng.sample(marked, min(len(marked), rng.randint(1, 3))) + rng.sample(dependent, 2))
        if index % 7 == 0:
            awaiting |= {"no-such-step"}
        expected = reference.schedule_counting_awaiting(procedure, situation, now, DEFAULT, awaiting)
        got = schedule_counting_awaiting(procedure, situation, now, DEFAULT, awaiting)
        assert repr(got) == repr(expected), f"case {index} as of {now}, awaiting {sorted(awaiting)}"


def _figures(procedure: Procedure, schedule: dict[str, StepSchedule]) -> tuple[object, ...]:
    """What the case list keeps of a schedule (see case_summary.summary_values)."""
    upcoming = next_due(schedule)
    return (
        phase_progress(procedure, schedule),
        (upcoming.step_id, upcoming.due_at) if upcoming else None,
        open_due(schedule),
    )


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: p.version)
def test_figures_only_schedules_give_the_figures_of_the_reference(procedure: Procedure) -> None:
    """`figures_only` leaves out the dates of done steps that do not recur, which the list's figures never read:
    the figures are those of the whole schedule, and every other row is identical, awaiting steps or not."""
    rng = random.Random(f"figures identity {procedure.version}")
    left_out = 0
    for index in range(CASES_PER_PROCEDURE):
        situation, now = _situation(rng, procedure)
        marked = [k for k, r in situation.records.items() if r.status is StepStatus.NOT_APPLICABLE]
        awaiting = frozenset(rng.sample(marked, min(len(marked), rng.randint(0, 2))))
        expected = reference.schedule_counting_awaiting(procedure, situation, now, DEFAULT, awaiting)
        got = schedule_counting_awaiting(procedure, situation, now, DEFAULT, awaiting, figures_only=True)
        assert _figures(procedure, got) == _figures(procedure, expected), f"case {index} as of {now}"
        for step_id, row in got.items():
            if repr(row) != repr(expected[step_id]):
                assert row.status is StepStatus.DONE and row.due_at is None, (index, step_id)
                left_out += 1
    assert left_out > CASES_PER_PROCEDURE  # done steps' dates were left out: the comparison bit


DURATIONS = [Duration(n, unit) for unit in DurationUnit for n in (0, 1, 2, 3, 5, 10, 15, 28, 40)]


@pytest.mark.parametrize("calendar", [DEFAULT, PARTIAL], ids=["shipped", "partial years"])
def test_due_at_is_identical_to_the_reference(calendar: WorkingCalendar) -> None:
    rng = random.Random("due_at identity")
    for _ in range(4000):
        anchor, offset = _instant(rng), rng.choice(DURATIONS)
        expected = reference.due_at(anchor, offset, calendar)
        got = due_at(anchor, offset, calendar)
        assert (got, repr(got)) == (expected, repr(expected)), f"{offset} after {anchor.isoformat()}"


def test_working_day_arithmetic_is_identical_from_warm_and_cold_caches() -> None:
    rng = random.Random("working days")
    warm = WorkingCalendar(DEFAULT.holidays, DEFAULT.years)
    for _ in range(3000):
        day, n = _edge_day(rng), rng.randint(-25, 25)
        expected = reference.add_working_days(DEFAULT, day, n)
        assert warm.add_working_days(day, n) == expected == warm.add_working_days(day, n), f"{n} from {day}"
        assert WorkingCalendar(DEFAULT.holidays, DEFAULT.years).add_working_days(day, n) == expected


CONDITIONS = [
    "a",
    "not a",
    "a and b",
    "a or b",
    "a and b and event.e",
    "a or b or not event.e",
    "not (a or event.e) and (b or n >= 2)",
    "n == 3",
    "n != 3",
    "n < 2.5",
    "n <= 2",
    "n > 1",
    "n >= 1",
    "c == 'x'",
    "c != 'x'",
    "c in ['x', 'y']",
    "n in [1, 2]",
    "c < 'm'",  # text ordering; a number against text is false, not an error
    "a == true",
    "a != false",
    "event.e",
    "not event.f or (c in ['y'] and n > 0)",
]
FACT_VALUES = [None, True, False, 0, 1, 2, 3, 2.5, -1, "x", "y", "z", "", "3"]


def test_compiled_conditions_answer_as_evaluate() -> None:
    rng = random.Random("conditions")
    texts = CONDITIONS + [s.condition for p in PROCEDURES for s in p.steps if s.condition]
    for text in texts:
        expr = parse(text)
        test = compile_condition(expr)
        for _ in range(200):
            facts = {name: rng.choice(FACT_VALUES) for name in ("a", "b", "c", "n") if rng.random() < 0.9}
            facts |= {f.id: rng.choice(FACT_VALUES) for f in PROCEDURES[-1].facts if rng.random() < 0.5}
            occurred = {e for e in ("e", "f", *PROCEDURES[-1].event_map()) if rng.random() < 0.4}
            assert test(facts, occurred) is evaluate(expr, facts, occurred), f"{text} with {facts}, {occurred}"


def test_record_states_keep_their_completion_instant_in_utc() -> None:
    rng = random.Random("records")
    for _ in range(500):
        moment = _instant(rng)
        state = StepRecordState("s", StepStatus.DONE, moment, "", 1)
        expected = reference.require_aware(moment)
        assert (state.completed_at, repr(state.completed_at)) == (expected, repr(expected))
    with pytest.raises(ValueError, match="must be timezone-aware"):
        StepRecordState("s", StepStatus.DONE, datetime(2026, 3, 29, 1, 30), "", 1)
    with pytest.raises(ValueError, match="done but has no completed_at"):
        StepRecordState("s", StepStatus.DONE)
