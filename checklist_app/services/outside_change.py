"""Accepting a row changed outside the app, once the change has been investigated.

The point-of-use check (services/tamper_check.py) refuses an account or a case whose stored row differs
from its last audit entry. Restoring a backup would lose everyone's work since, and a live case must not
stay frozen, so a named administrator may instead accept the row as it now stands: with their password
re-entered, a reason naming the investigation, and never for their own account. One chained entry records
the row's current state (so verify and the point-of-use check pass for it from then on), the reason and
the state hash it replaces; verify names every acceptance as a note for as long as the log exists
(store/accepted_changes.py). It proves who accepted what and when, not that the edit was harmless."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.services import accounts
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from checklist_app.store.accepted_changes import ACCEPTABLE_TYPES, ACCEPTED_ACTION
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import Audited, Case, User
from checklist_app.store.record_check import last_entry, matches_last_entry

MIN_REASON = 20
MAX_REASON = 1000
# The audit log keeps a hash of each recorded state, never the values, so the changed columns cannot be named.
COLUMNS_UNKNOWN = "not known: the audit log keeps only a hash of the recorded state, not its values"


@dataclass(frozen=True, slots=True)
class AcceptedChange:
    object_type: str  # "users" or "cases"
    object_id: int
    label: str  # the user name or the case reference
    previous_state_hash: str | None  # None: no entry had recorded a state for the row (inserted outside the app)
    entry_seq: int  # the audit entry that accepted it


def accept_outside_change(
    ctx: ServiceContext, actor: Actor, object_type: str, name: str, reason: str, *, password: str
) -> AcceptedChange:
    """Accept the stored row of account `name` (object_type "users") or case `name` (a reference; "cases")
    as it now is. Refused unless the point-of-use check refuses the row now. A wrong password is counted
    and audited like any failed re-authentication, and nothing is accepted."""
    require(actor, Action.RECORD_ACCEPT_CHANGE)
    if object_type not in ACCEPTABLE_TYPES:
        raise InvalidInput(f"Only an account's or a case's outside change can be accepted, not {object_type!r}.")
    if actor.user_id <= 0:
        raise Conflict(
            "Only an administrator signed in with their own account can accept an outside change "
            "(the command line: name yourself with --user)."
        )
    reason = " ".join(reason.split())  # one line: verify prints it as one
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            f"Give a reason of at least {MIN_REASON} characters, naming the investigation of the change."
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is too long (at most {MAX_REASON} characters).")
    if not password:
        raise InvalidInput("Enter your password to accept an outside change.")
    now = ctx.now()
    refusal: AuthenticationFailed | None = None
    with ctx.db.write() as session:
        obj, label = _target(session, object_type, name)
        if isinstance(obj, User) and obj.id == actor.user_id:
            raise Conflict("You cannot accept a change to your own account: another administrator must.")
        if matches_last_entry(session, obj):
            raise Conflict(
                f"The stored record of {label} matches its last audit entry: there is no outside change to accept."
            )
        previous = last_entry(session, obj)
        refusal = accounts.reauthenticate(session, actor, password, now, purpose="accept an outside change")
        if refusal is None:
            entry = record(
                session,
                who(actor),
                obj,
                operation=Operation.ALTERATION,
                action=ACCEPTED_ACTION,
                at=now,
                case_id=obj.id if isinstance(obj, Case) else None,
                details={
                    "record": label,
                    "reason": reason,
                    "previous_entry": previous.seq if previous is not None else None,
                    "previous_state_hash": previous.state_hash if previous is not None else None,
                    "changed_columns": COLUMNS_UNKNOWN,
                },
            )
            accepted = AcceptedChange(
                object_type, obj.id, label, previous.state_hash if previous is not None else None, entry.seq
            )
    if refusal is not None:
        raise refusal
    return accepted


def _target(session: Session, object_type: str, name: str) -> tuple[Audited, str]:
    if object_type == "users":
        user = session.scalar(select(User).where(User.username == name.strip().lower()))
        if user is None:
            raise NotFound(f"No account {name.strip()[:64]!r}.")
        return user, f"account {user.username}"
    reference = name.strip().upper()
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        raise NotFound(f"No case {name.strip()[:40]!r}.")
    return case, f"case {case.reference}"
