"""Procedure 1.2: the intelligence steps 5.4, 5.5 and 5.7 count from the submission of the item still waiting
at that stage (core.intelligence.stage_events), not from the completion of 5.1, so an item added long after
the first report is not overdue the moment it arrives. Cases on 1.1 keep 1.1's dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checklist_app import paths
from checklist_app.core.deadlines import DueState
from checklist_app.core.intelligence import STAGE_EVENTS, ItemTimes, stage_events
from checklist_app.core.procedure.loader import load_procedure_file
from checklist_app.core.procedure.model import SYSTEM_EVENTS, Procedure
from checklist_app.core.schedule import CaseSituation, StepRecordState, StepStatus, compute_schedule


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture(scope="module")
def v11() -> Procedure:
    return load_procedure_file(paths.sop_dir() / "cse-sop-v1.1.yaml")


@pytest.fixture(scope="module")
def v12() -> Procedure:
    return load_procedure_file(paths.sop_dir() / "cse-sop-v1.2.yaml")


FIRST = utc(2027, 1, 11, 9, 0)  # Monday: the first report, 5.1 to 5.3 done at once
LATER = utc(2027, 3, 1, 10, 0)  # Monday, seven weeks later: a second, high-priority item


def done(*steps: str, at: datetime = FIRST) -> dict[str, StepRecordState]:
    return {
        f"intelligence.{s}": StepRecordState(f"intelligence.{s}", StepStatus.DONE, at, completions=1) for s in steps
    }


# --- the derived events ---------------------------------------------------------------------------


def test_no_items_no_events() -> None:
    assert stage_events([]) == {}


def test_each_stage_counts_from_the_item_waiting_longest_there() -> None:
    old_done = ItemTimes(FIRST, FIRST, FIRST, FIRST)
    routed_only = ItemTimes(utc(2027, 2, 1, 9, 0), routed_at=utc(2027, 2, 1, 10, 0))
    new = ItemTimes(LATER)
    events = stage_events([new, old_done, routed_only])  # any order
    assert events == {
        "intelligence_to_route": (LATER,),  # only the new item is not routed
        "intelligence_to_assess": (utc(2027, 2, 1, 9, 0),),  # the routed item has waited longer than the new one
        "intelligence_to_action": (utc(2027, 2, 1, 9, 0),),  # not assessed, so not actioned either
    }


def test_when_every_item_is_through_a_stage_it_counts_from_the_latest_submission() -> None:
    items = [ItemTimes(FIRST, FIRST, FIRST, FIRST), ItemTimes(LATER, LATER, LATER, LATER)]
    assert stage_events(items) == {event: (LATER,) for event in STAGE_EVENTS.values()}


def test_the_events_are_system_events_declared_by_1_2_only(v11: Procedure, v12: Procedure) -> None:
    assert set(STAGE_EVENTS.values()) <= SYSTEM_EVENTS
    assert set(STAGE_EVENTS.values()) <= set(v12.event_map())
    assert not set(STAGE_EVENTS.values()) & set(v11.event_map())
    steps = ("intelligence.route", "intelligence.assess", "intelligence.acknowledge")
    anchors = {s: str(v12.step(s).deadline.anchor) for s in steps}  # type: ignore[union-attr]
    assert anchors == {
        "intelligence.route": "event:intelligence_to_route",
        "intelligence.assess": "event:intelligence_to_assess",
        "intelligence.acknowledge": "event:intelligence_to_action",
    }


# --- the schedule -----------------------------------------------------------------------------------


def situation(items: list[ItemTimes], records: dict[str, StepRecordState], priority: str) -> CaseSituation:
    events = {"referral_received": (FIRST,), **stage_events(items)}
    return CaseSituation(facts={"intelligence_priority": priority}, events=events, records=records)


def test_an_item_submitted_long_after_5_3_is_not_overdue_at_once(v11: Procedure, v12: Procedure) -> None:
    # The first item went through every stage in January; 5.1 to 5.3 were recorded then. A high-priority
    # item arrives in March and nothing on the checklist after 5.3 has been recorded.
    items = [ItemTimes(FIRST, FIRST, FIRST, FIRST), ItemTimes(LATER)]
    case = situation(items, done("submit", "quality-check", "sanitise"), "high")
    now = utc(2027, 3, 1, 10, 30)
    row = compute_schedule(v12, case, now)["intelligence.route"]
    assert row.due_at == utc(2027, 3, 1, 11, 0)  # 1 hour from the new item's submission
    assert row.due_state is not DueState.OVERDUE
    # 1.1 counts from completing 5.1 in January: the same case there is overdue at once (its old behaviour).
    old = compute_schedule(v11, case, now)["intelligence.route"]
    assert old.due_at == utc(2027, 1, 11, 10, 0)
    assert old.due_state is DueState.OVERDUE


def test_assessment_and_acknowledgement_count_from_the_waiting_item_with_the_priority_durations(
    v12: Procedure,
) -> None:
    items = [ItemTimes(FIRST, FIRST, FIRST, FIRST), ItemTimes(LATER, routed_at=utc(2027, 3, 1, 10, 20))]
    records = done("submit", "quality-check", "sanitise", "route", "disseminate")
    now = utc(2027, 3, 1, 10, 30)
    medium = compute_schedule(v12, situation(items, records, "medium"), now)
    assert medium["intelligence.assess"].due_at == utc(2027, 3, 2, 23, 59, 59, 999999)  # 1 working day
    assert medium["intelligence.assess"].due_state is not DueState.OVERDUE
    high = compute_schedule(v12, situation(items, records, "high"), now)
    assert high["intelligence.assess"].due_at == utc(2027, 3, 1, 12, 0)  # 2 hours
    assert high["intelligence.acknowledge"].due_at == utc(2027, 3, 1, 14, 0)  # 4 hours
    # Still measured: two hours on, the waiting item's assessment is late.
    late = compute_schedule(v12, situation(items, records, "high"), utc(2027, 3, 1, 12, 1))
    assert late["intelligence.assess"].due_state is DueState.OVERDUE


def test_a_step_done_before_a_later_item_arrived_stays_done_on_time(v12: Procedure) -> None:
    items = [ItemTimes(FIRST, FIRST, FIRST), ItemTimes(LATER)]
    records = done("submit", "quality-check", "sanitise", "route", "assess", at=utc(2027, 1, 11, 10, 0))
    row = compute_schedule(v12, situation(items, records, "high"), utc(2027, 3, 1, 10, 5))["intelligence.assess"]
    assert row.due_state is DueState.DONE_ON_TIME


def test_without_items_the_steps_wait_for_one(v12: Procedure) -> None:
    case = CaseSituation(
        facts={"intelligence_priority": None},
        events={"referral_received": (FIRST,)},
        records=done("submit", "quality-check", "sanitise"),
    )
    row = compute_schedule(v12, case, LATER)["intelligence.route"]
    assert (row.due_at, row.due_state) == (None, DueState.AWAITING)
    assert row.waiting_for == "Waiting for: Intelligence item submitted (the one waiting longest to be routed)"
