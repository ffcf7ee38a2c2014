"""Appending to the tamper-evident audit chain.

Each entry's hash covers the previous entry's hash and a canonical form of the entry, including the
hash of the state of the record it describes. Entries are written in the same transaction as the change
they describe, so a change without its entry (or the reverse) cannot be committed.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.canonical import FORMAT_VERSION, canonical_json, entry_hash, state_hash, utc_text
from checklist_app.store.models import Audited, AuditEntry, ChainState, object_type_of


class Operation(StrEnum):
    """The six kinds of processing DPA 2018 s.62(1) requires to be logged."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"


@dataclass(frozen=True, slots=True)
class Who:
    """Whoever is acting: a signed-in user, or the system (command line, demo generator)."""

    user_id: int | None
    username: str
    workstation: str = socket.gethostname()[:128]


def hashed_fields(entry: AuditEntry | dict[str, Any]) -> dict[str, object]:
    """The fields an entry's hash covers, in canonical-ready form."""
    get = entry.get if isinstance(entry, dict) else lambda name: getattr(entry, name)
    occurred = get("occurred_at")
    return {
        "seq": get("seq"),
        "occurred_at": utc_text(occurred) if isinstance(occurred, datetime) else occurred,
        "user_id": get("user_id"),
        "username": get("username"),
        "workstation": get("workstation"),
        "operation": get("operation"),
        "action": get("action"),
        "outcome": get("outcome"),
        "object_type": get("object_type"),
        "object_id": get("object_id"),
        "case_id": get("case_id"),
        "details": get("details"),
        "state_hash": get("state_hash"),
        "format_version": get("format_version"),
    }


def entry_fields(
    seq: int,
    who: Who,
    *,
    operation: Operation,
    action: str,
    at: datetime,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    state: dict[str, object] | None = None,
    outcome: str = "success",
    state_digest: str | None = None,
) -> dict[str, Any]:
    """The column values of an entry, without its place in the chain (previous hash and own hash)."""
    return {
        "seq": seq,
        "occurred_at": at,
        "user_id": who.user_id,
        "username": who.username,
        "workstation": who.workstation,
        "operation": operation.value,
        "action": action,
        "outcome": outcome,
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id,
        "details": canonical_json(details) if details else "{}",
        "state_hash": state_digest or (state_hash(state) if state is not None else None),
        "format_version": FORMAT_VERSION,
    }


def chained_entry(
    prev_hash: str,
    seq: int,
    who: Who,
    *,
    operation: Operation,
    action: str,
    at: datetime,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    state: dict[str, object] | None = None,
    outcome: str = "success",
    state_digest: str | None = None,
) -> dict[str, Any]:
    """The column values of the entry that follows `prev_hash`, its own hash included. The one place
    entries are built, for the services and the bulk writer alike. `state_digest` is the state's hash
    when the caller already has it (computed in a demo worker process)."""
    fields = entry_fields(
        seq,
        who,
        operation=operation,
        action=action,
        at=at,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        details=details,
        state=state,
        outcome=outcome,
        state_digest=state_digest,
    )
    return {**fields, "prev_hash": prev_hash, "entry_hash": entry_hash(prev_hash, hashed_fields(fields))}


def _chain_head(session: Session) -> ChainState:
    head = session.get(ChainState, 1)
    if head is None:
        raise RuntimeError("audit chain head missing: the database was not initialised by `checklist-app init`")
    return head


def append(
    session: Session,
    who: Who,
    *,
    operation: Operation,
    action: str,
    at: datetime,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    state: dict[str, object] | None = None,
    outcome: str = "success",
) -> AuditEntry:
    head = _chain_head(session)
    values = chained_entry(
        head.head_hash,
        head.seq + 1,
        who,
        operation=operation,
        action=action,
        at=at,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        details=details,
        state=state,
        outcome=outcome,
    )
    entry = AuditEntry(**values)
    session.add(entry)
    head.seq, head.head_hash = values["seq"], values["entry_hash"]
    return entry


def record(
    session: Session,
    who: Who,
    obj: Audited,
    *,
    operation: Operation,
    action: str,
    at: datetime,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Audit a change to (or a read of) one record, carrying the hash of its state as it now stands."""
    session.flush()
    return append(
        session,
        who,
        operation=operation,
        action=action,
        at=at,
        object_type=object_type_of(obj),
        object_id=obj.id,
        case_id=case_id,
        details=details,
        state=None if operation is Operation.ERASURE else obj.audit_state(),
    )


def head(session: Session) -> tuple[int, str]:
    state = session.execute(select(ChainState.seq, ChainState.head_hash).where(ChainState.id == 1)).one()
    return int(state.seq), str(state.head_hash)
