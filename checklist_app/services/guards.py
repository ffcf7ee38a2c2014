"""Rules every write transaction obeys, whichever service makes it: checked once, at flush time, on
everything the transaction is about to write, so no service can forget them.

- A closed case does not change: no record that belongs to a case closed before and after the
  transaction may be added, changed or deleted. Closing and reopening are the transitions themselves.
  Oversight of the case is not the case: its casework audits, their remedial actions and their signatures
  come after closure by design (a round samples cases closed in its period), so they are not refused.
- A disabled or locked account does nothing more: every audit entry a transaction writes names its user,
  and that account is re-read inside the same transaction. Entries about failed log-ons and locks are
  written *about* such accounts, so those actions are exempt.
- No text is longer than its column: SQLite would store it whole (and PostgreSQL refuse it with a database
  error), so a pasted page in a name from any screen or command is refused in words, whichever service
  forgot to measure it. A column of unbounded text holds at most MAX_TEXT characters (a megabyte pasted
  into a decision was stored, and made the case's report hundreds of pages).
- No text holds a character it cannot be stored, shown or printed with: NUL (PostgreSQL refuses it, SQLite
  stored it), lone surrogates (no encoder accepts them), escape codes and other control characters, and the
  bidirectional overrides that make a note or name read differently from what it holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Mapper, Session

from checklist_app.core.text import record_text_problem
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, SessionEnded
from checklist_app.store.models import (
    AuditAddendum,
    Audited,
    AuditEntry,
    AuditModeration,
    Case,
    CaseAudit,
    ProcedureVersion,
    RemedialAction,
    Signature,
    User,
    object_type_of,
)

# Written on behalf of an account that is, or is becoming, unable to sign in.
ACCOUNT_REFUSAL_ACTIONS = frozenset(
    {"user.logon_failed", "user.logon_refused", "user.locked", "user.reauthenticate_refused"}
)
DISABLED = "Your account has been disabled since you signed in. Nothing was saved; ask an administrator."
LOCKED = "Your account has been locked since you signed in. Nothing was saved; ask an administrator to unlock it."


_STATUS_AT_START = "guards.case_status_at_start"


def _remember_status_changes(session: Session) -> None:
    """A transaction may flush several times: keep each case's status as it was when the transaction
    began (the first flush that changes it still knows the old value)."""
    remembered = session.info.setdefault(_STATUS_AT_START, {})
    for obj in session.dirty:
        if isinstance(obj, Case):
            history = inspect(obj).attrs.status.history
            if history.deleted and obj.id not in remembered:
                remembered[obj.id] = str(history.deleted[0])


def _closed_throughout(session: Session, case: Case) -> bool:
    before = session.info.get(_STATUS_AT_START, {}).get(case.id, case.status)
    return before == "closed" and case.status == "closed"


def _is_oversight(obj: Any) -> bool:
    if isinstance(obj, CaseAudit | RemedialAction):
        return True
    return isinstance(obj, Signature) and obj.object_type in _OVERSIGHT_TYPES


_OVERSIGHT_TYPES = frozenset(object_type_of(t) for t in (CaseAudit, AuditAddendum, AuditModeration))


def _owning_case(session: Session, obj: Any) -> Case | None:
    if isinstance(obj, Case):
        return obj
    case_id = getattr(obj, "case_id", None)
    if case_id is None:
        return None
    return session.get(Case, case_id)


def _check_closed_cases(session: Session) -> None:
    changed = [o for o in session.dirty if isinstance(o, Audited) and session.is_modified(o)]
    for obj in [*session.new, *changed, *session.deleted]:
        if not isinstance(obj, Audited) or _is_oversight(obj):
            continue
        case = _owning_case(session, obj)
        if case is not None and case.id is not None and _closed_throughout(session, case):
            raise Conflict(f"Case {case.reference} is closed. A supervisor must reopen it before it can change.")


def _check_accounts(session: Session) -> None:
    checked: set[int] = set()
    for obj in session.new:
        if not isinstance(obj, AuditEntry) or obj.user_id is None or obj.action in ACCOUNT_REFUSAL_ACTIONS:
            continue
        if obj.user_id in checked:
            continue
        checked.add(obj.user_id)
        user = session.get(User, obj.user_id)
        if user is None:
            raise SessionEnded("Your account no longer exists. Nothing was saved.")
        if not user.active:
            raise SessionEnded(DISABLED)
        if user.locked_at is not None:
            raise SessionEnded(LOCKED, locked=True)


# The longest text any screen or command takes (guidance, findings, rationales); services say so first.
MAX_TEXT = 20_000
# Unbounded columns the program fills itself: a procedure's published text, an audit entry's JSON details.
_SYSTEM_TEXT = frozenset({(ProcedureVersion.__tablename__, "source_text"), (AuditEntry.__tablename__, "details")})
_TEXT_LIMITS: dict[Mapper[Any], tuple[tuple[str, int | None], ...]] = {}


def _text_limits(mapper: Mapper[Any]) -> tuple[tuple[str, int | None], ...]:
    """Every text column of a mapped class, with its length (None for the program's own unbounded text)."""
    limits = _TEXT_LIMITS.get(mapper)
    if limits is None:
        table = getattr(mapper.class_, "__tablename__", "")
        limits = tuple(
            (attr.key, column.type.length or (None if (table, column.name) in _SYSTEM_TEXT else MAX_TEXT))
            for attr in mapper.column_attrs
            for column in attr.columns[:1]
            if isinstance(column.type, String)
        )
        _TEXT_LIMITS[mapper] = limits
    return limits


def _check_texts(session: Session) -> None:
    # Audit entries last: their details repeat the values of the rows beside them, which name the field.
    objects = [*session.new, *session.dirty]
    objects.sort(key=lambda o: isinstance(o, AuditEntry))
    for obj in objects:
        state = inspect(obj)
        for key, length in _text_limits(state.mapper):
            value = getattr(obj, key, None)
            if not isinstance(value, str) or (state.persistent and not state.attrs[key].history.has_changes()):
                continue
            label = key.replace("_", " ").capitalize()
            if length is not None and len(value) > length:
                raise InvalidInput(
                    [FieldProblem(key, label, f"is {len(value):,} characters long; at most {length:,} fit")]
                )
            if (problem := record_text_problem(value)) is not None:
                raise InvalidInput([FieldProblem(key, label, problem)])


@event.listens_for(Session, "before_flush")
def _guard(session: Session, _context: object, _instances: object) -> None:
    with session.no_autoflush:
        _remember_status_changes(session)
        _check_closed_cases(session)
        _check_accounts(session)
        _check_texts(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:  # the outermost transaction only
        session.info.pop(_STATUS_AT_START, None)
