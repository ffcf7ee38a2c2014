"""The dashboard's missing-episode lines: for each combination of safe and well check and return interview
(not offered, offered, declined with or without the offer's time), the lines name exactly what the episode
still lacks, before and after its time limit. On a real database (SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import open_case

from checklist_app.services import dashboard, records
from checklist_app.services.records import MissingUpdate

CHECK_LATE = "Safe and well check not recorded within 24 h of return"
CHECK_PENDING = "Safe and well check not yet recorded (24 h from return)"
OFFER_LATE = "Return interview not offered within 72 h of return"
OFFER_PENDING = "Return interview not yet offered (72 h from return)"


def _episode(world, case_id: int, *, checked: bool, interview: str) -> None:  # type: ignore[no-untyped-def]
    now = world.clock.now
    episode = records.record_missing_episode(
        world.ctx, world.investigator, case_id, reported_at=now - timedelta(hours=5), risk_grade="medium"
    )
    update = MissingUpdate(found_at=now - timedelta(hours=1))
    if checked:
        update.safe_well_at = now
    if interview in ("offered", "declined after offer"):
        update.rhi_offered_at = now
    if interview.startswith("declined"):
        update.rhi_declined = True
    records.update_missing_episode(world.ctx, world.investigator, episode, update)


@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize(
    "interview", ["not offered", "offered", "declined, offer time not recorded", "declined after offer"]
)
def test_each_line_names_only_what_the_episode_lacks(world, checked, interview):
    case = open_case(world)
    _episode(world, case.id, checked=checked, interview=interview)
    offer_needed = interview == "not offered"

    def lines() -> list[tuple[str, bool]]:
        board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
        assert all(line.case_id == case.id and line.place == "tab:missing" for line in board.missing)
        return [(line.what, line.overdue) for line in board.missing]

    expected = [(CHECK_PENDING, False)] * (not checked) + [(OFFER_PENDING, False)] * offer_needed
    assert lines() == expected
    world.clock.advance(hours=30)  # past the 24 h check, within the 72 h offer
    expected = [(CHECK_LATE, True)] * (not checked) + [(OFFER_PENDING, False)] * offer_needed
    assert lines() == expected
    world.clock.advance(hours=48)  # past both
    expected = [(CHECK_LATE, True)] * (not checked) + [(OFFER_LATE, True)] * offer_needed
    assert lines() == expected


def test_a_child_still_missing_has_no_return_follow_ups(world):
    case = open_case(world)
    records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=world.clock.now - timedelta(hours=1), risk_grade="high"
    )
    world.clock.advance(days=5)
    assert dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id).missing == ()


@pytest.mark.parametrize(
    ("check", "offer", "after_hours", "expected"),
    [
        (True, True, 1, [CHECK_PENDING, OFFER_PENDING]),
        (True, True, 25, [CHECK_LATE, OFFER_PENDING]),
        (True, False, 73, [CHECK_LATE]),
        (False, True, 73, [OFFER_LATE]),
        (False, False, 73, []),
    ],
)
def test_the_wording_follows_the_time_limits(world, check, offer, after_hours, expected):
    found = world.clock.now
    got = dashboard.missing_followup(check, offer, found, found + timedelta(hours=after_hours))
    assert [what for what, _ in got] == expected
    assert all(due - found in (timedelta(hours=24), timedelta(hours=72)) for _, due in got)
