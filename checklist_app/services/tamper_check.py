"""Refusing to act on a row changed outside the app (see store/record_check.py). The rows that grant power
(the account at log-on and at re-authentication, an account an administrator changes, a case when access
to it is decided) are re-hashed as they are read; a mismatch refuses the use case in plain words.

The refusal is audited in a transaction of its own once the refused one is undone (Database.write runs
the exception's `after_rollback`), so nothing else the refused transaction did is kept. Its entry names
the record but records no state: an entry carrying the edited row's state would make the edit look
legitimate to verify and to this check ever after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from checklist_app.services.errors import AuthenticationFailed, RecordChanged, SessionEnded
from checklist_app.store.audit import Operation, Who, append
from checklist_app.store.models import Audited, User, object_type_of
from checklist_app.store.record_check import matches_last_entry

# Said to an officer at log-on as much as to an administrator: the screen first, the command for a force
# without the desktop app on an administrator's machine.
_WAY_OUT = (
    "an administrator must run verify and, once the change is investigated, may accept it (Database page: "
    "Accept an outside change; or checklist-app {kind} accept-change {name})"
)
ACCOUNT_CHANGED = (
    "This account's stored record has been changed outside the app (it differs from its last audit entry). "
    "Log-on refused; " + _WAY_OUT.format(kind="user", name="USERNAME") + "."
)
SIGNED_IN_ACCOUNT_CHANGED = (
    "Your account's stored record has been changed outside the app (it differs from its last audit entry). "
    "Nothing was done and you are signed out; " + _WAY_OUT.format(kind="user", name="USERNAME") + "."
)
OTHER_ACCOUNT_CHANGED = (
    "The stored record of account {name} has been changed outside the app (it differs from its last audit "
    "entry), so it cannot be changed here: " + _WAY_OUT.format(kind="user", name="{name}") + "."
)
CASE_CHANGED = (
    "This case's stored record has been changed outside the app (it differs from its last audit entry). "
    "Access refused; " + _WAY_OUT.format(kind="case", name="REFERENCE") + "."
)
REASON = "stored record differs from its last audit entry"


def refuse_if_changed(
    session: Session,
    obj: Audited,
    refusal: Exception,
    who: Who,
    *,
    action: str,
    at: datetime,
    case_id: int | None = None,
) -> None:
    """Raise `refusal` if `obj`'s stored row differs from its last audit entry, with the audit entry
    `action` (outcome "refused") to be written once the refused transaction is undone."""
    if matches_last_entry(session, obj):
        return
    object_type, object_id = object_type_of(obj), obj.id

    def audit_refusal(audit_session: Session) -> None:
        append(
            audit_session,
            who,
            operation=Operation.CONSULTATION,
            action=action,
            at=at,
            object_type=object_type,
            object_id=object_id,
            case_id=case_id,
            outcome="refused",
            details={"reason": REASON},
        )

    refusal.after_rollback = audit_refusal  # type: ignore[attr-defined]
    raise refusal


def refuse_changed_logon(session: Session, user: User, at: datetime) -> None:
    """At log-on, before anything is decided or written: an edited role, lockout or password hash grants
    nothing, and counting a failure now would record the edited row as the app's own."""
    refusal = AuthenticationFailed(ACCOUNT_CHANGED)
    refuse_if_changed(session, user, refusal, Who(user.id, user.username), action="user.logon_refused", at=at)


def refuse_changed_signed_in(session: Session, who: Who, user: User, at: datetime) -> None:
    """At screen unlock, signing or a password change: the signed-in account edited meanwhile ends the session."""
    refusal = SessionEnded(SIGNED_IN_ACCOUNT_CHANGED)
    refuse_if_changed(session, user, refusal, who, action="user.reauthenticate_refused", at=at)


def refuse_changed_account(session: Session, who: Who, user: User, at: datetime) -> None:
    """Before an administrator changes an account. Recording its new state would carry the edit (a role, a
    password hash) into the audit log as if the app had made it, and verify would no longer name it. It
    cannot log on either, so nothing is lost by waiting for verify and an accepted change
    (services/outside_change.py)."""
    refusal = RecordChanged(OTHER_ACCOUNT_CHANGED.format(name=user.username))
    refuse_if_changed(session, user, refusal, who, action="user.change_refused", at=at)
