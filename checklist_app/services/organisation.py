"""The force's organisation: its districts and the teams in them, created and listed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.text import name_key, name_problem, normal_name
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import DistrictInfo, TeamInfo
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import District, Team

DISTRICTS = (("BAR", "Barnsley"), ("DON", "Doncaster"), ("ROT", "Rotherham"), ("SHE", "Sheffield"))


def ensure_districts(ctx: ServiceContext, actor: Actor) -> list[DistrictInfo]:
    """Create the force's four districts if missing (idempotent)."""
    now = ctx.now()
    with ctx.db.write() as session:
        existing = {d.code for d in session.scalars(select(District))}
        for code, name in DISTRICTS:
            if code not in existing:
                district = District(code=code, name=name)
                session.add(district)
                record(session, who(actor), district, operation=Operation.COLLECTION, action="district.create", at=now)
        return [DistrictInfo(d.id, d.code, d.name) for d in session.scalars(select(District).order_by(District.name))]


def list_districts(ctx: ServiceContext) -> list[DistrictInfo]:
    with ctx.db.read() as session:
        return [DistrictInfo(d.id, d.code, d.name) for d in session.scalars(select(District).order_by(District.name))]


def district_by_code(session: Session, code: str) -> District:
    district = session.scalar(select(District).where(func.upper(District.code) == code.strip().upper()))
    if district is None:
        names = ", ".join(f"{d.code} ({d.name})" for d in session.scalars(select(District)))
        raise NotFound(f"No district {code!r}. Districts: {names or 'none yet (run init)'}")
    return district


TEAM_NAME_MAX = 120  # teams.name


def create_team(ctx: ServiceContext, actor: Actor, name: str, district_code: str) -> TeamInfo:
    require(actor, Action.USER_MANAGE)
    name = normal_name(name)
    if not name:
        raise InvalidInput([FieldProblem("name", "Team name", "is required")])
    if (problem := name_problem(name)) is not None:
        raise InvalidInput([FieldProblem("name", "Team name", problem)])
    if len(name) > TEAM_NAME_MAX:
        raise InvalidInput([FieldProblem("name", "Team name", f"must be at most {TEAM_NAME_MAX} characters")])
    now = ctx.now()
    with ctx.db.write() as session:
        district = district_by_code(session, district_code)
        # The same name in another letter case, spacing or form is the same team to the people choosing it.
        same = next((t for t in session.scalars(select(Team.name)) if name_key(t) == name_key(name)), None)
        if same is not None:
            raise Conflict(f"A team called {same!r} already exists.")
        team = Team(name=name, district_id=district.id)
        session.add(team)
        record(session, who(actor), team, operation=Operation.COLLECTION, action="team.create", at=now)
        return TeamInfo(team.id, team.name, district.id, district.name)


def list_teams(ctx: ServiceContext) -> list[TeamInfo]:
    with ctx.db.read() as session:
        rows = session.execute(select(Team, District).join(District).order_by(District.name, Team.name)).all()
        return [TeamInfo(t.id, t.name, d.id, d.name) for t, d in rows]


def team_by_name_or_id(session: Session, name_or_id: str) -> Team:
    query = select(Team).where(Team.name == name_or_id)
    if name_or_id.isdigit():
        query = select(Team).where(Team.id == int(name_or_id))
    team = session.scalar(query)
    if team is None:
        raise NotFound(f"No team {name_or_id!r}. Create it first (checklist-app team add).")
    return team
