"""How a record is held to its audit entries: the one record hasher and the one rule for which entries
describe a record. Shared by verify's record walk (store/verify_records.py) and the point-of-use check
(store/record_check.py); on its own so that the check, which runs at log-on, does not load verify."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Table, or_

from checklist_app.core.canonical import state_hash
from checklist_app.store.verify_rows import CONVERSION_ERRORS


def record_digest(row: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    """The hash of a record's audited fields, as its audit entries record it; None when a value cannot be
    hashed. The one record hasher: verify's walk and the point-of-use check (store/record_check.py) both
    use it."""
    try:
        return state_hash({f: row[f] for f in fields})
    except CONVERSION_ERRORS:
        return None


def describes_record(table: Table) -> ColumnElement[bool]:
    """Which audit entries describe a record's columns: those that record a state (or an erasure). A
    consultation or disclosure that names a record it read (a team's dashboard, a case's report) says
    nothing about its columns, and counting it as the last word made every such read look like tampering."""
    return or_(table.c.state_hash.is_not(None), table.c.operation == "erasure")
