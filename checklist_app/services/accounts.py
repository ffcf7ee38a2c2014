"""Accounts: log-on with lockout, and user administration (districts and teams are in organisation.py).

Passwords are hashed with Argon2id at the OWASP minimum (m=19 MiB, t=2, p=1), checked at log-on and
rehashed when the parameters rise. Five failed log-ons within 15 minutes lock the account until an
administrator unlocks it. Every log-on, failure, lock and unlock is audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklist_app.core.passwords import password_problems
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.roles import Role
from checklist_app.core.text import normal_name, terminal_safe
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import UserInfo
from checklist_app.services.errors import (
    AuthenticationFailed,
    Conflict,
    FieldProblem,
    InvalidInput,
    NotFound,
    ServiceError,
)
from checklist_app.services.organisation import district_by_code, team_by_name_or_id
from checklist_app.services.tamper_check import refuse_changed_account, refuse_changed_logon, refuse_changed_signed_in
from checklist_app.services.validation import user_problems
from checklist_app.store.audit import Operation, Who, append, record
from checklist_app.store.models import AuditEntry, District, Team, User

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    PRODUCTION_HASHER: PasswordHasher
    HASHER: PasswordHasher


def __getattr__(name: str) -> object:
    """`HASHER` (what the services hash with; tests put a cheaper one in its place) and `PRODUCTION_HASHER`,
    made on first use: argon2-cffi takes about 40 ms to import, and the desktop app's start does not need it
    before the log-on screen is up (the screen loads it on the worker while the user types: `load_hasher`)."""
    if name in ("HASHER", "PRODUCTION_HASHER"):
        from argon2 import PasswordHasher

        production = globals().setdefault(
            "PRODUCTION_HASHER", PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
        )
        return globals().setdefault("HASHER", production) if name == "HASHER" else production
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_hasher() -> None:
    """Import argon2-cffi and make the hasher now, ahead of the first password to check."""
    _hasher()


def _hasher() -> PasswordHasher:
    hasher = globals().get("HASHER")
    return hasher if hasher is not None else __getattr__("HASHER")  # type: ignore[return-value]


def _mismatch() -> tuple[type[Exception], ...]:
    """What argon2-cffi raises for a password that does not match or a hash it cannot read."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    return (VerifyMismatchError, VerificationError, InvalidHashError)


LOCK_AFTER = 5
LOCK_WINDOW = timedelta(minutes=15)

FAILURE_ACTION = "user.logon_failed"
_FAILURES_RESET_BY = (
    "user.logon",
    "user.unlock",
    "user.reset_password",
    "user.reauthenticated",
    "user.change_password",
    "user.locked",
)

WRONG_CREDENTIALS = "The user name or password is wrong."
LOCKED = "This account is locked after too many failed log-on attempts. Ask an administrator to unlock it."
DISABLED = "This account is disabled. Ask an administrator."


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role), user.team_id, user.district_id)


def _user_info(session: Session, user: User) -> UserInfo:
    team = session.get(Team, user.team_id) if user.team_id else None
    district = session.get(District, user.district_id) if user.district_id else None
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.team_id,
        team.name if team else "",
        user.district_id,
        district.name if district else "",
        user.active,
        user.locked_at is not None,
        user.last_logon_at,
        user.failed_logons,
        user.locked_at,
        user.must_change_password,
    )


# --- log-on -----------------------------------------------------------------------------------------


def log_on(ctx: ServiceContext, username: str, password: str) -> Actor:
    """Check credentials. Raises AuthenticationFailed (after committing the audit entry) on refusal."""
    now = ctx.now()
    refusal: AuthenticationFailed | None = None
    with ctx.db.write() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        # The same Argon2 work whether the name exists, is disabled or locked: timing must not tell.
        password_ok = _password_matches(user.password_hash if user is not None else _dummy_hash(), password)
        if user is None:
            append(
                session,
                # As typed, but escaped: an escape code or override in it is evidence, not text to store raw.
                Who(None, terminal_safe(username.strip())[:64] or "(blank)"),
                operation=Operation.CONSULTATION,
                action="user.logon_failed",
                at=now,
                object_type="users",
                outcome="failure",
                details={"reason": "unknown user name"},
            )
            refusal = AuthenticationFailed(WRONG_CREDENTIALS)
        else:
            refuse_changed_logon(session, user, now)
            refusal = _check_user(session, user, password, password_ok, now)
        actor = _actor(user) if user is not None else None
    if refusal is not None:
        raise refusal
    assert actor is not None
    return actor


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher().verify(password_hash, password))
    except _mismatch():
        return False


_DUMMY: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash with the current parameters, of a random secret nobody knows, for unknown user names."""
    key = id(_hasher())
    if key not in _DUMMY:
        _DUMMY[key] = _hasher().hash(secrets.token_urlsafe(24))
    return _DUMMY[key]


def _check_user(
    session: Session, user: User, password: str, password_ok: bool, now: datetime
) -> AuthenticationFailed | None:
    actor = Who(user.id, user.username)
    if not user.active:
        record(
            session,
            actor,
            user,
            operation=Operation.CONSULTATION,
            action="user.logon_refused",
            at=now,
            details={"reason": "disabled"},
        )
        return AuthenticationFailed(DISABLED)
    if user.locked_at is not None:
        record(
            session,
            actor,
            user,
            operation=Operation.CONSULTATION,
            action="user.logon_refused",
            at=now,
            details={"reason": "locked"},
        )
        return AuthenticationFailed(LOCKED, locked=True)
    if not password_ok:
        return _record_failure(session, user, now)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    user.failed_logons = 0
    user.first_failed_at = None
    user.last_logon_at = now
    record(session, actor, user, operation=Operation.CONSULTATION, action="user.logon", at=now)
    return None


def _recent_failures(session: Session, user: User, now: datetime) -> list[datetime]:
    """Times of this account's failed log-ons in the last LOCK_WINDOW, newer than its last successful
    log-on, unlock or password reset (read from the audit log, which already records each of them)."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.occurred_at)
        .where(
            AuditEntry.object_type == "users",
            AuditEntry.object_id == user.id,
            AuditEntry.occurred_at > now - LOCK_WINDOW,
            AuditEntry.action.in_((FAILURE_ACTION, *_FAILURES_RESET_BY)),
        )
        .order_by(AuditEntry.seq.desc())
    )
    failures = []
    for action, at in rows:
        if action != FAILURE_ACTION:
            break
        failures.append(at)
    return failures


def _record_failure(session: Session, user: User, now: datetime, *, purpose: str | None = None) -> AuthenticationFailed:
    # A sliding window: five failures in any LOCK_WINDOW lock, however they are paced.
    earlier = _recent_failures(session, user, now)
    user.failed_logons = len(earlier) + 1
    user.first_failed_at = min([*earlier, now])
    actor = Who(user.id, user.username)
    details: dict[str, object] = {"reason": "wrong password", "failures": user.failed_logons}
    if purpose is not None:
        details["purpose"] = purpose
    if user.failed_logons >= LOCK_AFTER:
        user.locked_at = now
        record(session, actor, user, operation=Operation.ALTERATION, action="user.locked", at=now, details=details)
        return AuthenticationFailed(LOCKED, locked=True)
    record(session, actor, user, operation=Operation.ALTERATION, action="user.logon_failed", at=now, details=details)
    left = LOCK_AFTER - user.failed_logons
    return AuthenticationFailed(
        f"{WRONG_CREDENTIALS} {left} more failed attempt{'s' if left != 1 else ''} will lock the account."
    )


def verify_password(ctx: ServiceContext, actor: Actor, password: str, *, purpose: str) -> bool:
    """Re-check the signed-in user's password (screen unlock, signing). Failures count towards lockout."""
    now = ctx.now()
    with ctx.db.write() as session:
        return reauthenticate(session, actor, password, now, purpose=purpose) is None


def reauthenticate(
    session: Session, actor: Actor, password: str, now: datetime, *, purpose: str
) -> AuthenticationFailed | None:
    """Check the password of the signed-in user inside the caller's transaction. A wrong password counts
    towards lockout like a failed log-on and is audited; the caller must commit that before refusing, so it
    gets the refusal back instead of an exception."""
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        return AuthenticationFailed(DISABLED)
    refuse_changed_signed_in(session, who(actor), user, now)
    if user.locked_at is not None:
        return AuthenticationFailed(LOCKED, locked=True)
    try:
        _hasher().verify(user.password_hash, password)
    except _mismatch():
        return _record_failure(session, user, now)
    user.failed_logons, user.first_failed_at = 0, None
    record(
        session,
        who(actor),
        user,
        operation=Operation.CONSULTATION,
        action="user.reauthenticated",
        at=now,
        details={"purpose": purpose},
    )
    return None


# --- administration ---------------------------------------------------------------------------------


def create_user(
    ctx: ServiceContext,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    team: str | None = None,
    district_code: str | None = None,
    must_change_password: bool = False,
    demo_account: bool = False,
) -> UserInfo:
    """`demo_account`: the demo generator's accounts, the only ones that may use the published password."""
    require(actor, Action.USER_MANAGE)
    username = username.strip().lower()
    problems = user_problems(username, display_name, role, password, demo_account=demo_account)
    if problems:
        raise InvalidInput(problems)
    now = ctx.now()
    with ctx.db.write() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise Conflict(f"User name {username!r} is taken.")
        team_row = team_by_name_or_id(session, team) if team else None
        district_id = team_row.district_id if team_row else None
        if district_code:
            district_id = district_by_code(session, district_code).id
        if Role(role) in (Role.INVESTIGATOR, Role.SUPERVISOR) and team_row is None:
            article = "an" if role.startswith(("a", "e", "i", "o", "u")) else "a"
            raise InvalidInput([FieldProblem("team", "Team", f"is required for {article} {role.replace('_', ' ')}")])
        if Role(role) is Role.INTELLIGENCE_OFFICER and district_id is None:
            raise InvalidInput([FieldProblem("district", "District", "is required for an intelligence officer")])
        user = User(
            username=username,
            display_name=normal_name(display_name),
            role=role,
            team_id=team_row.id if team_row else None,
            district_id=district_id,
            password_hash=_hasher().hash(password),
            active=True,
            failed_logons=0,
            must_change_password=must_change_password,
            created_at=now,
        )
        session.add(user)
        record(session, who(actor), user, operation=Operation.COLLECTION, action="user.create", at=now)
        return _user_info(session, user)


def list_users(ctx: ServiceContext, actor: Actor) -> list[UserInfo]:
    """Everyone, for administration and for choosing officers and assessors on forms. A signed-in
    actor is required and the listing is audited (a consultation of personal data)."""
    now = ctx.now()
    with ctx.db.write() as session:
        users = [_user_info(session, u) for u in session.scalars(select(User).order_by(User.username))]
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="user.list",
            at=now,
            object_type="users",
            details={"shown": len(users)},
        )
        return users


def _user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user {username!r}.")
    return user


def require_another_administrator(session: Session, user: User, change: str) -> None:
    """Refuse to take away the last active administrator: nobody could then manage accounts, publish a
    procedure or take a backup, and only a new installation would give one back."""
    if user.role != Role.ADMINISTRATOR.value or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMINISTRATOR.value, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(
            f"{user.username} is the only active administrator and cannot be {change}: make another account an "
            "administrator first, or nobody could manage accounts."
        )


def set_active(ctx: ServiceContext, actor: Actor, username: str, active: bool) -> UserInfo:
    require(actor, Action.USER_MANAGE)
    now = ctx.now()
    with ctx.db.write() as session:
        user = _user_by_name(session, username)
        refuse_changed_account(session, who(actor), user, now)
        if user.id == actor.user_id and not active:
            raise Conflict("You cannot disable your own account.")
        if not active:
            require_another_administrator(session, user, "disabled")
        user.active = active
        record(
            session,
            who(actor),
            user,
            operation=Operation.ALTERATION,
            action="user.enable" if active else "user.disable",
            at=now,
        )
        return _user_info(session, user)


def unlock(ctx: ServiceContext, actor: Actor, username: str) -> UserInfo:
    require(actor, Action.USER_MANAGE)
    now = ctx.now()
    with ctx.db.write() as session:
        user = _user_by_name(session, username)
        refuse_changed_account(session, who(actor), user, now)
        if user.locked_at is None and user.failed_logons == 0:
            raise Conflict(f"{user.username} is not locked.")
        user.locked_at, user.failed_logons, user.first_failed_at = None, 0, None
        record(session, who(actor), user, operation=Operation.ALTERATION, action="user.unlock", at=now)
        return _user_info(session, user)


def reset_password(ctx: ServiceContext, actor: Actor, username: str, password: str) -> UserInfo:
    require(actor, Action.USER_MANAGE)
    now = ctx.now()
    with ctx.db.write() as session:
        user = _user_by_name(session, username)
        refuse_changed_account(session, who(actor), user, now)
        problems = password_problems(password, user.username)
        if problems:
            raise InvalidInput([FieldProblem("password", "Password", p) for p in problems])
        user.password_hash = _hasher().hash(password)
        user.must_change_password = True
        user.locked_at, user.failed_logons, user.first_failed_at = None, 0, None
        record(session, who(actor), user, operation=Operation.ALTERATION, action="user.reset_password", at=now)
        return _user_info(session, user)


def change_own_password(ctx: ServiceContext, actor: Actor, old: str, new: str) -> None:
    """A wrong current password counts towards lockout and is audited, as at log-on, signing and screen
    unlock (otherwise this dialog would be a way round the lockout); the failure is committed before the
    refusal. An empty current password is no attempt and is not counted."""
    if not old:
        raise InvalidInput([FieldProblem("old", "Current password", "is empty")])
    now = ctx.now()
    refusal: ServiceError | None = None
    with ctx.db.write() as session:
        user = session.get(User, actor.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        refuse_changed_signed_in(session, who(actor), user, now)
        if not user.active:
            raise AuthenticationFailed(DISABLED)
        if user.locked_at is not None:
            raise AuthenticationFailed(LOCKED, locked=True)
        try:
            _hasher().verify(user.password_hash, old)
        except _mismatch():
            failed = _record_failure(session, user, now, purpose="change password")
            refusal = failed if failed.locked else InvalidInput([FieldProblem("old", "Current password", _wrong(user))])
        else:
            problems = password_problems(new, user.username)
            if problems:
                raise InvalidInput([FieldProblem("new", "New password", p) for p in problems])
            user.password_hash = _hasher().hash(new)
            user.must_change_password = False
            user.failed_logons, user.first_failed_at = 0, None
            record(session, who(actor), user, operation=Operation.ALTERATION, action="user.change_password", at=now)
    if refusal is not None:
        raise refusal


def _wrong(user: User) -> str:
    left = LOCK_AFTER - user.failed_logons
    return f"is wrong; {left} more failed attempt{'s' if left != 1 else ''} will lock the account"


def user_count(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def is_locked(ctx: ServiceContext, username: str) -> bool:
    """Whether an account is locked or disabled (after a failed unlock, the screen must know)."""
    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        return user is None or not user.active or user.locked_at is not None
