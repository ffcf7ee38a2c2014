"""The point-of-use check: is one record, as the app is about to act on it, the state its last audit entry
recorded? verify proves that for every record, but runs in full only on demand; a row edited outside the
app (an account's role, a case's officer) would be acted on until then. The rows that grant power are
checked with this as they are read: one indexed query, and the same hasher and the same choice of "last
entry" as verify's record walk (store/verify_records.py), so the two can never disagree."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Row, Select, bindparam, inspect, select
from sqlalchemy.orm import Session

from checklist_app.store.models import Audited, AuditEntry, object_type_of, table_of
from checklist_app.store.record_hash import describes_record, record_digest


def matches_last_entry(session: Session, obj: Audited) -> bool:
    """Whether `obj`'s audited fields, as they were read from the database, hash to the state of the last
    audit entry describing it. False for a record with no such entry (inserted outside the app) or one
    recorded as erased. Changes made to `obj` in this transaction and not yet flushed are not counted: the
    check is of the stored row."""
    stored = _stored_values(obj)  # before the flush, which would make unrecorded changes look stored
    last = last_entry(session, obj)
    if last is None or last.operation == "erasure":
        return False
    return last.state_hash is not None and record_digest(stored, obj.AUDIT_FIELDS) == last.state_hash


def last_entry(session: Session, obj: Audited) -> Row[tuple[int, str, str | None]] | None:
    """The last audit entry describing `obj` (its seq, operation and state hash), or None if none does."""
    session.flush()  # an entry recorded in this transaction, not yet written, may be the last word
    query = _last_entry()
    return session.connection().execute(query, {"object_type": object_type_of(obj), "object_id": obj.id}).first()


@cache
def _last_entry() -> Select[tuple[int, str, str | None]]:
    """The last entry describing one record: built once (building it cost more than running it). The index
    on (object type, object id) finds the record's entries; on SQLite it holds the seq too (the row id)."""
    log = table_of(AuditEntry)
    return (
        select(log.c.seq, log.c.operation, log.c.state_hash)
        .where(
            log.c.object_type == bindparam("object_type"),
            log.c.object_id == bindparam("object_id"),
            describes_record(log),
        )
        .order_by(log.c.seq.desc())
        .limit(1)
    )


def _stored_values(obj: Audited) -> dict[str, object]:
    """The audited fields as loaded: an attribute changed since the last flush gives its value before."""
    committed = inspect(obj).committed_state
    return {name: committed[name] if name in committed else getattr(obj, name) for name in obj.AUDIT_FIELDS}
