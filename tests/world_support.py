"""The standard test world (a small force with one user of each role and a published procedure), the
hand-moved clock and the constants tests share. Plain code, no fixtures: imported as `world_support`
from any test folder (never `from conftest import ...`, which is ambiguous once folders have their own
conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, organisation, procedures
from checklist_app.services.context import ServiceContext, system_actor

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL_SOP = FIXTURES / "sop" / "minimal.yaml"
PASSWORD = "correct-horse-42"
CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand. Starts on Monday 2 March 2026, 09:00 UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or CLOCK_START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@dataclass(frozen=True)
class People:
    """Who the world holds and what it published: everything in a World but its database and clock."""

    admin: Actor
    investigator: Actor
    investigator2: Actor  # same team as `investigator`
    supervisor: Actor
    supervisor2: Actor  # same team, to countersign the first's overrides
    other_team_investigator: Actor  # Sheffield, another team
    other_district_investigator: Actor  # Doncaster
    intel: Actor
    auditor: Actor
    procedure_id: str


@dataclass
class World:
    """A small force: two teams in Sheffield, one in Doncaster, and one user of each role."""

    ctx: ServiceContext
    clock: FakeClock
    admin: Actor
    investigator: Actor
    investigator2: Actor  # same team as `investigator`
    supervisor: Actor
    supervisor2: Actor  # same team, to countersign the first's overrides
    other_team_investigator: Actor  # Sheffield, another team
    other_district_investigator: Actor  # Doncaster
    intel: Actor
    auditor: Actor
    procedure_id: str

    @classmethod
    def of(cls, ctx: ServiceContext, clock: FakeClock, people: People) -> World:
        return cls(ctx=ctx, clock=clock, **{name: getattr(people, name) for name in People.__dataclass_fields__})

    def people(self) -> People:
        return People(**{name: getattr(self, name) for name in People.__dataclass_fields__})


def add_user(
    ctx: ServiceContext, username: str, role: Role, team: str | None = None, district: str | None = None
) -> Actor:
    """Create a user with the shared test password and sign them in."""
    accounts.create_user(
        ctx,
        system_actor(),
        username=username,
        display_name=username.replace(".", " ").title(),
        role=role.value,
        password=PASSWORD,
        team=team,
        district_code=district,
    )
    return accounts.log_on(ctx, username, PASSWORD)


def build_world(ctx: ServiceContext, clock: FakeClock, sop_text: str) -> World:
    system = system_actor()
    organisation.ensure_districts(ctx, system)
    procedure = procedures.publish(ctx, system, sop_text, "test").version
    organisation.create_team(ctx, system, "Sheffield CSE Team 1", "SHE")
    organisation.create_team(ctx, system, "Sheffield CSE Team 2", "SHE")
    organisation.create_team(ctx, system, "Doncaster CSE Team 1", "DON")
    return World(
        ctx=ctx,
        clock=clock,
        admin=add_user(ctx, "admin.one", Role.ADMINISTRATOR),
        investigator=add_user(ctx, "dc.alder", Role.INVESTIGATOR, "Sheffield CSE Team 1"),
        investigator2=add_user(ctx, "dc.birch", Role.INVESTIGATOR, "Sheffield CSE Team 1"),
        supervisor=add_user(ctx, "ds.cedar", Role.SUPERVISOR, "Sheffield CSE Team 1"),
        supervisor2=add_user(ctx, "ds.hazel", Role.SUPERVISOR, "Sheffield CSE Team 1"),
        other_team_investigator=add_user(ctx, "dc.elm", Role.INVESTIGATOR, "Sheffield CSE Team 2"),
        other_district_investigator=add_user(ctx, "dc.fir", Role.INVESTIGATOR, "Doncaster CSE Team 1"),
        intel=add_user(ctx, "io.gorse", Role.INTELLIGENCE_OFFICER, district="SHE"),
        auditor=add_user(ctx, "aud.holly", Role.AUDITOR),
        procedure_id=procedure.procedure_id,
    )
