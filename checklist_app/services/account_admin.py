"""Account administration beyond creating and locking: changing a user's role and team, resetting a password
to a one-time password, and the rule that such a password must be replaced at the next log-on.

The administrator's console and the command line both call these, so both are audited the same way.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.passwords import password_problems
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.roles import Role
from checklist_app.services import accounts, organisation
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import UserInfo
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.tamper_check import refuse_changed_account
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import District, Team, User

# No 0/o, 1/l/i: the password is read out or copied by hand from the administrator's screen.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_OTP_GROUPS, _OTP_GROUP_LENGTH = 3, 4


def one_time_password(username: str = "") -> str:
    """Three groups of four characters (about 59 bits): typed once, then replaced by the user. Never one the
    password rules would refuse for `username` (it must not contain the user name)."""
    while True:
        password = "-".join(
            "".join(secrets.choice(_OTP_ALPHABET) for _ in range(_OTP_GROUP_LENGTH)) for _ in range(_OTP_GROUPS)
        )
        if not password_problems(password, username.strip().lower()):
            return password


def reset_to_one_time_password(ctx: ServiceContext, actor: Actor, username: str) -> tuple[UserInfo, str]:
    """Give the account a generated password that works for one log-on: the user must choose their own
    there and then. Also releases a lock, as `accounts.reset_password` does. Returns the password, which is
    stored only as its hash: the administrator must pass it on now."""
    password = one_time_password(username)
    return accounts.reset_password(ctx, actor, username, password), password


def password_change_required(ctx: ServiceContext, actor: Actor) -> bool:
    """Whether the signed-in user logged on with a password an administrator set (they must replace it
    before doing anything else)."""
    with ctx.db.read() as session:
        user = session.get(User, actor.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        return bool(user.must_change_password)


def change_role(
    ctx: ServiceContext,
    actor: Actor,
    username: str,
    *,
    role: str,
    team: str | None = None,
    district_code: str | None = None,
) -> UserInfo:
    """Give a user another role, team or district. Investigators and supervisors need a team (their
    district follows from it), intelligence officers a district. Takes effect at the user's next log-on."""
    require(actor, Action.USER_MANAGE)
    if role not in {r.value for r in Role}:
        raise InvalidInput([FieldProblem("role", "Role", f"must be one of: {', '.join(r.value for r in Role)}")])
    now = ctx.now()
    with ctx.db.write() as session:
        user = accounts._user_by_name(session, username)
        refuse_changed_account(session, who(actor), user, now)
        team_row = organisation.team_by_name_or_id(session, team) if team else None
        district_id = team_row.district_id if team_row else None
        if district_code and team_row is None:
            district_id = organisation.district_by_code(session, district_code).id
        _check_placement(Role(role), team_row, district_id)
        if user.id == actor.user_id and role != user.role:
            raise Conflict("You cannot change your own role: another administrator must do it.")
        if role != Role.ADMINISTRATOR.value:
            accounts.require_another_administrator(session, user, "given another role")
        before = _placement(session, user)
        new_team_id = team_row.id if team_row else None
        if (user.role, user.team_id, user.district_id) == (role, new_team_id, district_id):
            raise Conflict(f"{user.username} already has that role and team; nothing changed.")
        user.role, user.team_id, user.district_id = role, new_team_id, district_id
        session.flush()
        record(
            session,
            who(actor),
            user,
            operation=Operation.ALTERATION,
            action="user.change_role",
            at=now,
            details={"from": before, "to": _placement(session, user)},
        )
        return accounts._user_info(session, user)


def _check_placement(role: Role, team: Team | None, district_id: int | None) -> None:
    if role in (Role.INVESTIGATOR, Role.SUPERVISOR) and team is None:
        article = "an" if role is Role.INVESTIGATOR else "a"
        raise InvalidInput([FieldProblem("team", "Team", f"is required for {article} {role.value}")])
    if role is Role.INTELLIGENCE_OFFICER and district_id is None:
        raise InvalidInput([FieldProblem("district", "District", "is required for an intelligence officer")])


def _placement(session: Session, user: User) -> dict[str, str | None]:
    team = session.get(Team, user.team_id) if user.team_id else None
    district = session.get(District, user.district_id) if user.district_id else None
    return {"role": user.role, "team": team.name if team else None, "district": district.code if district else None}


def team_members(ctx: ServiceContext) -> dict[int, int]:
    """How many active users each team has (team id to count), for the teams page."""
    with ctx.db.read() as session:
        counts: dict[int, int] = {}
        for team_id in session.scalars(select(User.team_id).where(User.active.is_(True), User.team_id.is_not(None))):
            if team_id is not None:  # always, given the filter
                counts[team_id] = counts.get(team_id, 0) + 1
        return counts


def attempts_left(ctx: ServiceContext, actor: Actor) -> int:
    """How many more wrong passwords the signed-in user may enter before the account locks (0 when it is
    locked or disabled), for the lock screen to say so."""
    with ctx.db.read() as session:
        user = session.get(User, actor.user_id)
        if user is None or not user.active or user.locked_at is not None:
            return 0
        counted = user.failed_logons
        if user.first_failed_at is not None and ctx.now() - user.first_failed_at > accounts.LOCK_WINDOW:
            counted = 0
        return max(0, accounts.LOCK_AFTER - counted)
