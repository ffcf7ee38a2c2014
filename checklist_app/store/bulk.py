"""Writing many audited rows at once, for the demo generator and imports.

The rows and their audit entries are exactly what the services would have written one at a time (the
same state hashes and the same chain), but ids are allocated here and rows go to the database with
executemany, which is what makes a 20,000-case demo take minutes rather than hours.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from checklist_app.store.audit import Operation, Who, chained_entry
from checklist_app.store.models import (
    AUDITED_MODELS,
    AuditEntry,
    Base,
    CaseSummary,
    ChainState,
    object_type_of,
)


class BulkWriter:
    """Collects rows and their audit entries in memory; `flush` writes them in dependency order."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._next_id: dict[str, int] = {}
        for model in AUDITED_MODELS:
            table = model.__table__  # type: ignore[attr-defined]
            self._next_id[table.name] = (conn.scalar(select(func.max(table.c.id))) or 0) + 1
        head = conn.execute(select(ChainState.seq, ChainState.head_hash).where(ChainState.id == 1)).one()
        self._seq, self._head = int(head.seq), str(head.head_hash)
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._audit: list[dict[str, Any]] = []
        self._summaries: list[dict[str, Any]] = []

    def next_id(self, table: str) -> int:
        """The id the next row added to `table` will get (for references that follow the id)."""
        return self._next_id[table]

    def add(
        self,
        model: type[Base],
        values: dict[str, Any],
        *,
        who: Who,
        at: datetime,
        action: str,
        case_id: int | None = None,
        operation: Operation = Operation.COLLECTION,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Queue a new row (with every audited field given) and its collection entry; return its id."""
        name = object_type_of(model)  # type: ignore[arg-type]
        row_id = self._next_id[name]
        self._next_id[name] = row_id + 1
        row = {**values, "id": row_id}
        self._rows[name].append(row)
        state = {field: row[field] for field in model.AUDIT_FIELDS}  # type: ignore[attr-defined]
        self.audit(
            who,
            at=at,
            operation=operation,
            action=action,
            object_type=name,
            object_id=row_id,
            case_id=case_id,
            details=details,
            state=state,
        )
        return row_id

    def audit(
        self,
        who: Who,
        *,
        at: datetime,
        operation: Operation,
        action: str,
        object_type: str,
        object_id: int | None = None,
        case_id: int | None = None,
        details: dict[str, Any] | None = None,
        state: dict[str, object] | None = None,
    ) -> None:
        self._seq += 1
        values = chained_entry(
            self._head,
            self._seq,
            who,
            operation=operation,
            action=action,
            at=at,
            object_type=object_type,
            object_id=object_id,
            case_id=case_id,
            details=details,
            state=state,
        )
        self._audit.append(values)
        self._head = values["entry_hash"]

    def summary(self, values: dict[str, Any]) -> None:
        self._summaries.append(values)

    def flush(self) -> None:
        for table in Base.metadata.sorted_tables:
            rows = self._rows.pop(table.name, None)
            if rows:
                self.conn.execute(insert(table), rows)
        if self._summaries:
            self.conn.execute(insert(CaseSummary.__table__), self._summaries)
            self._summaries = []
        if self._audit:
            self.conn.execute(insert(AuditEntry.__table__), self._audit)
            self._audit = []
        self.conn.execute(
            update(ChainState.__table__).where(ChainState.id == 1).values(seq=self._seq, head_hash=self._head)
        )
