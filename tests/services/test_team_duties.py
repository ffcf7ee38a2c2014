"""Team duties: recorded once per team per period, by the owner role, with the SOP's evidence fields."""

from __future__ import annotations

import pytest

from checklist_app.services import team_duties
from checklist_app.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied

GOOD = {"over_threshold": 1, "workload_action": "Cases reallocated"}


def test_recorded_once_per_team_per_period(world):
    before = {s.duty.id: s for s in team_duties.team_duties(world.ctx, world.supervisor, world.procedure_id)}
    assert before["workload-check"].period == "2026-03" and not before["workload-check"].done
    assert before["welfare-checks"].period == "2026-Q1"
    status = team_duties.record_team_duty(world.ctx, world.supervisor, "workload-check", GOOD, "", world.procedure_id)
    assert status.done and status.evidence == GOOD
    with pytest.raises(Conflict, match="already recorded for 2026-03"):
        team_duties.record_team_duty(world.ctx, world.supervisor2, "workload-check", GOOD, "", world.procedure_id)
    seen = {s.duty.id: s for s in team_duties.team_duties(world.ctx, world.supervisor2, world.procedure_id)}
    assert seen["workload-check"].done and seen["workload-check"].recorded_by == "Ds Cedar"
    world.clock.advance(days=31)  # April: a new monthly period
    again = {s.duty.id: s for s in team_duties.team_duties(world.ctx, world.supervisor, world.procedure_id)}
    assert again["workload-check"].period == "2026-04" and not again["workload-check"].done


def test_evidence_is_checked_against_the_duty_fields(world):
    with pytest.raises(InvalidInput) as caught:
        team_duties.record_team_duty(
            world.ctx, world.supervisor, "workload-check", {"workload_action": "Shrug"}, "", world.procedure_id
        )
    assert {p.field for p in caught.value.problems} == {"over_threshold", "workload_action"}
    with pytest.raises(NotFound):
        team_duties.record_team_duty(world.ctx, world.supervisor, "no-such-duty", {}, "", world.procedure_id)


@pytest.mark.parametrize("who", ["investigator", "intel", "auditor", "admin"])
def test_only_supervisors_record_team_duties(world, who):
    with pytest.raises(PermissionDenied):
        team_duties.record_team_duty(world.ctx, getattr(world, who), "workload-check", GOOD, "", world.procedure_id)
