"""The computer's clock as an adversary: set far in the future or the past (a flat clock battery back at
1970, a typo in the year), or put back between two writes. Times shown and deadlines use Europe/London
whatever $TZ says (core/calendar.py); clock changes are tests/core/test_deadlines.py's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support import open_case
from world_support import PASSWORD

from checklist_app.services import accounts, admin, records, steps
from checklist_app.services.context import system_actor
from checklist_app.services.errors import ClockWrong
from checklist_app.store.models import AuditEntry, Case


def _counts(world) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Case)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


@pytest.mark.parametrize(
    "wrong",
    [datetime(9999, 12, 30, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)],
    ids=["year-9999", "epoch", "year-1"],
)
def test_a_clock_that_cannot_be_right_saves_nothing_and_says_so(world, wrong: datetime) -> None:  # type: ignore[no-untyped-def]
    """Year 9999 ended opening a case with 'OverflowError: date value out of range' (a deadline past the
    last date Python has); 1970 and year 1 were accepted and stamped on the case and its audit entries."""
    before = _counts(world)
    world.clock.now = wrong
    for attempt in (
        lambda: open_case(world),
        lambda: accounts.log_on(world.ctx, world.investigator.username, PASSWORD),
    ):
        with pytest.raises(
            ClockWrong, match=rf"clock says {wrong:%d/%m/%Y} 00:00 UTC, which cannot be .* Nothing was saved"
        ):
            attempt()
    assert _counts(world) == before
    report = admin.verify(world.ctx, system_actor())  # verify does not need the clock: it still runs
    assert report.ok, [str(p) for p in report.problems]


def test_the_clock_put_back_between_writes_keeps_the_chain_whole(world) -> None:  # type: ignore[no-untyped-def]
    """Entries are ordered by their number, not their time: a clock put back (by hours, by a year) between
    two writes gives entries that read earlier than the ones before them, and the chain still verifies."""
    case = open_case(world)
    records.add_decision(world.ctx, world.investigator, case.id, decision="First", rationale="Before")
    world.clock.now -= timedelta(days=3)
    records.add_decision(world.ctx, world.investigator, case.id, decision="Second", rationale="After")
    world.clock.now -= timedelta(days=400)
    steps.save_progress(world.ctx, world.investigator, case.id, "referral.record-details", {"cse_flag_reference": "Y"})
    report = admin.verify(world.ctx, system_actor())
    assert report.ok, [str(p) for p in report.problems]
