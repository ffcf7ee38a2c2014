"""The demo force's teams and people. Every name is invented: call-sign style surnames from trees and
birds with a number, so no demo officer can be mistaken for a real person."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, organisation
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import Conflict
from checklist_app.store.models import District, Team, User

DEMO_PASSWORD = "demo-pass-2026"
DISTRICT_WEIGHTS = {"SHE": 0.38, "DON": 0.24, "ROT": 0.22, "BAR": 0.16}
DISTRICT_NAMES = {"BAR": "Barnsley", "DON": "Doncaster", "ROT": "Rotherham", "SHE": "Sheffield"}
TEAMS_PER_DISTRICT = 2
INVESTIGATORS_PER_TEAM = 5
_SURNAMES = (
    "Alder",
    "Birch",
    "Cedar",
    "Hazel",
    "Rowan",
    "Willow",
    "Linden",
    "Aspen",
    "Juniper",
    "Larch",
    "Hawthorn",
    "Elder",
    "Holly",
    "Maple",
    "Spruce",
    "Yew",
    "Kestrel",
    "Merlin",
    "Plover",
    "Curlew",
    "Dunlin",
    "Linnet",
    "Wren",
    "Siskin",
    "Tern",
    "Heron",
    "Lapwing",
    "Redstart",
    "Whimbrel",
    "Avocet",
)

# The accounts a newcomer uses first; documented in the README.
NAMED = {
    "admin": ("Demo Administrator", Role.ADMINISTRATOR, None, None),
    "investigator": ("DC Alder 01", Role.INVESTIGATOR, "Sheffield CSE Team A", None),
    "supervisor": ("DS Cedar 01", Role.SUPERVISOR, "Sheffield CSE Team A", None),
    "supervisor2": ("DS Rowan 02", Role.SUPERVISOR, "Sheffield CSE Team A", None),
    "intel": ("IO Kestrel 01", Role.INTELLIGENCE_OFFICER, None, "SHE"),
    "auditor": ("Auditor Heron 01", Role.AUDITOR, None, None),
}


@dataclass
class Staff:
    teams: dict[str, list[int]] = field(default_factory=dict)  # district code -> team ids
    investigators: dict[int, list[int]] = field(default_factory=dict)  # team id -> user ids
    supervisors: dict[int, list[int]] = field(default_factory=dict)  # team id -> user ids
    intel: dict[str, list[int]] = field(default_factory=dict)  # district code -> user ids
    auditors: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=dict)


def team_name(code: str, index: int) -> str:
    return f"{DISTRICT_NAMES[code]} CSE Team {'AB'[index]}"


def _accounts_wanted() -> list[tuple[str, str, Role, str | None, str | None]]:
    wanted = [(u, *spec) for u, spec in NAMED.items()]
    serial = 2
    for code in DISTRICT_NAMES:
        for t in range(TEAMS_PER_DISTRICT):
            team = team_name(code, t)
            lower = f"{code.lower()}{'ab'[t]}"
            first = 1 if team == "Sheffield CSE Team A" else 0
            for i in range(first, INVESTIGATORS_PER_TEAM):
                surname = _SURNAMES[(serial * 7) % len(_SURNAMES)]
                wanted.append((f"dc.{lower}{i + 1}", f"DC {surname} {serial:02d}", Role.INVESTIGATOR, team, None))
                serial += 1
            if team != "Sheffield CSE Team A":
                for i in range(2):
                    surname = _SURNAMES[(serial * 11) % len(_SURNAMES)]
                    wanted.append((f"ds.{lower}{i + 1}", f"DS {surname} {serial:02d}", Role.SUPERVISOR, team, None))
                    serial += 1
        for i in range(2):
            if code == "SHE" and i == 0:
                continue
            surname = _SURNAMES[(serial * 13) % len(_SURNAMES)]
            wanted.append(
                (f"io.{code.lower()}{i + 1}", f"IO {surname} {serial:02d}", Role.INTELLIGENCE_OFFICER, None, code)
            )
            serial += 1
    for i in range(2):
        wanted.append(
            (
                f"auditor{i + 2}",
                f"Auditor {_SURNAMES[(serial * 17) % len(_SURNAMES)]} {serial:02d}",
                Role.AUDITOR,
                None,
                None,
            )
        )
        serial += 1
    return wanted


def ensure_staff(ctx: ServiceContext, actor: Actor) -> Staff:
    """Create the demo teams and accounts that do not exist yet, and return who is where."""
    existing_teams = {t.name for t in organisation.list_teams(ctx)}
    for code in DISTRICT_NAMES:
        for t in range(TEAMS_PER_DISTRICT):
            if team_name(code, t) not in existing_teams:
                organisation.create_team(ctx, actor, team_name(code, t), code)
    existing_users = {u.username for u in accounts.list_users(ctx, actor)}
    for username, display, role, team, district in _accounts_wanted():
        if username not in existing_users:
            accounts.create_user(
                ctx,
                actor,
                username=username,
                display_name=display,
                role=role.value,
                password=DEMO_PASSWORD,
                demo_account=True,
                team=team,
                district_code=district,
            )
    return _load_staff(ctx)


def _load_staff(ctx: ServiceContext) -> Staff:
    staff = Staff()
    with ctx.db.read() as session:
        teams = {t.id: t for t in session.scalars(select(Team))}
        code_of_team = {}
        for code, name in DISTRICT_NAMES.items():
            ids = sorted(t.id for t in teams.values() if t.name.startswith(f"{name} CSE Team"))
            staff.teams[code] = ids
            code_of_team.update({i: code for i in ids})
        district_codes = {d.id: d.code for d in session.scalars(select(District))}
        users = session.scalars(select(User).where(User.active).order_by(User.id))
        for user in users:
            staff.names[user.id] = user.display_name
            staff.usernames[user.id] = user.username
            if user.role == Role.INVESTIGATOR.value and user.team_id in code_of_team:
                staff.investigators.setdefault(user.team_id, []).append(user.id)
            elif user.role == Role.SUPERVISOR.value and user.team_id in code_of_team:
                staff.supervisors.setdefault(user.team_id, []).append(user.id)
            elif user.role == Role.INTELLIGENCE_OFFICER.value and user.district_id is not None:
                staff.intel.setdefault(district_codes[user.district_id], []).append(user.id)
            elif user.role == Role.AUDITOR.value:
                staff.auditors.append(user.id)
    # A team someone else made under a demo-like name, or whose demo accounts an administrator disabled, has
    # nobody to give a case to: use only teams with an investigator and a supervisor, and say so in words
    # when a district is left without one (a bare KeyError reached the user before).
    for code, ids in staff.teams.items():
        staff.teams[code] = [t for t in ids if staff.investigators.get(t) and staff.supervisors.get(t)]
    lacking = [
        DISTRICT_NAMES[code] for code in DISTRICT_NAMES if not staff.teams.get(code) or not staff.intel.get(code)
    ]
    if lacking:
        raise Conflict(
            "Demo data needs, in every district, a CSE team with an active investigator and supervisor and an "
            f"active intelligence officer; missing in: {', '.join(lacking)}. Enable the demo accounts again "
            "(`checklist-app user enable`) or load demo data into a new database."
        )
    return staff
