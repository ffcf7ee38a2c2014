"""District duties (a `team_duties` entry with `level: district`, such as the intelligence officer's
problem-profile themes): recorded once per district per period by the owner role, seen by the district's
supervisors. On SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from world_support import add_user

from checklist_app.core.procedure.model import Role
from checklist_app.services import district_duties, team_duties
from checklist_app.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from checklist_app.store.models import AuditEntry, DistrictDutyRecord
from checklist_app.store.verify import verify_database

DUTY = "problem-profile-themes"
GOOD = {"profile_themes": "Older peer groups at two retail parks; taxi firm contact"}


def _status(world, actor):  # type: ignore[no-untyped-def]
    return {s.duty.id: s for s in district_duties.district_duties(world.ctx, actor, world.procedure_id)}


def test_the_intelligence_officer_records_it_once_per_district_per_period(world):
    before = _status(world, world.intel)
    assert list(before) == [DUTY] and before[DUTY].period == "2026-03" and not before[DUTY].done
    # Not a team duty: the team list leaves it out and the team service refuses it.
    assert DUTY not in {s.duty.id for s in team_duties.team_duties(world.ctx, world.supervisor, world.procedure_id)}
    with pytest.raises(Conflict, match="district duty"):
        team_duties.record_team_duty(world.ctx, world.supervisor, DUTY, GOOD, "", world.procedure_id)
    status = district_duties.record_district_duty(
        world.ctx, world.intel, DUTY, GOOD, "From the monthly tasking", world.procedure_id
    )
    assert status.done and status.evidence == GOOD and status.recorded_by == "Io Gorse"
    second = add_user(world.ctx, "io.holly", Role.INTELLIGENCE_OFFICER, district="SHE")
    with pytest.raises(Conflict, match="already recorded for 2026-03"):
        district_duties.record_district_duty(world.ctx, second, DUTY, GOOD, "", world.procedure_id)
    # The district's supervisors see it recorded; another district's do not.
    seen = _status(world, world.supervisor)[DUTY]
    assert seen.done and seen.recorded_by == "Io Gorse" and seen.note == "From the monthly tasking"
    other = add_user(world.ctx, "io.larch", Role.INTELLIGENCE_OFFICER, district="DON")
    assert not _status(world, other)[DUTY].done
    world.clock.advance(days=31)
    assert not _status(world, world.intel)[DUTY].done  # April: a new period
    with world.ctx.db.read() as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "district_duty_records")) == (
            "district_duty.record"
        )
        assert len(session.scalars(select(DistrictDutyRecord)).all()) == 1
    assert verify_database(world.ctx.db).ok


def test_evidence_is_checked_and_unknown_duties_named(world):
    with pytest.raises(InvalidInput) as caught:
        district_duties.record_district_duty(world.ctx, world.intel, DUTY, {}, "", world.procedure_id)
    assert {p.field for p in caught.value.problems} == {"profile_themes"}
    with pytest.raises(NotFound):
        district_duties.record_district_duty(world.ctx, world.intel, "workload-check", GOOD, "", world.procedure_id)


@pytest.mark.parametrize("who", ["investigator", "supervisor", "auditor", "admin"])
def test_only_the_owner_role_records_a_district_duty(world, who):
    with pytest.raises(PermissionDenied):
        district_duties.record_district_duty(world.ctx, getattr(world, who), DUTY, GOOD, "", world.procedure_id)


@pytest.mark.parametrize("who", ["investigator", "auditor", "admin"])
def test_only_supervisors_and_the_owner_role_see_district_duties(world, who):
    with pytest.raises(PermissionDenied):
        district_duties.district_duties(world.ctx, getattr(world, who), world.procedure_id)
