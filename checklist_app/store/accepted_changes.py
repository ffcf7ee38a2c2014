"""Outside changes an administrator accepted (services/outside_change.py), as verify reports them.

Accepting records the edited row's current state in a chained entry, so the row passes verify and the
point-of-use check from then on. The acceptance itself must stay visible for as long as the log exists:
verify names every one as a note (not a failure), with who accepted it, when and why."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, select

from checklist_app.store.models import AuditEntry, table_of
from checklist_app.store.verify import Problem

ACCEPTED_ACTION: Final = "record.outside_change_accepted"
# The kinds of record the point-of-use check refuses, so the only ones whose outside change can be accepted.
ACCEPTABLE_TYPES: Final = ("users", "cases")


def accepted_changes(conn: Connection) -> list[Problem]:
    """One note per accepted outside change, oldest first. The entries' own integrity is the chain walk's
    business: a details text that cannot be read is named here as such, not guessed at."""
    log = table_of(AuditEntry)
    query = (
        select(log.c.seq, log.c.object_type, log.c.object_id, log.c.username, log.c.occurred_at, log.c.details)
        .where(log.c.object_type.in_(ACCEPTABLE_TYPES), log.c.action == ACCEPTED_ACTION)
        .order_by(log.c.seq)
    )
    notes: list[Problem] = []
    for seq, object_type, object_id, username, occurred_at, details in conn.execute(query):
        try:
            parsed = json.loads(details)
            reason, label = str(parsed.get("reason", "")), str(parsed.get("record", ""))
        except (TypeError, ValueError, AttributeError):
            reason, label = "(the entry's details cannot be read)", ""
        when = f"{occurred_at:%Y-%m-%d %H:%M} UTC" if isinstance(occurred_at, datetime) else str(occurred_at)
        named = f" ({label})" if label else ""
        notes.append(
            Problem(
                str(object_type),
                object_id if isinstance(object_id, int) else None,
                seq if isinstance(seq, int) else None,
                f"accepted outside change{named} by {username} on {when}: {reason}",
            )
        )
    return notes
