"""Rows made ready outside the bulk writer (in demo worker processes) are stored and chained exactly as the
writer's own `add` and the services' `chained_entry` would store and chain them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from checklist_app.core.canonical import canonical_json, entry_hash
from checklist_app.store.audit import Operation, Who, chained_entry, hashed_fields
from checklist_app.store.bulk import AUDIT_COLUMNS, BulkWriter, _collection_text, _converter, ready_row
from checklist_app.store.models import AuditEntry, District, StepRecord, table_of
from checklist_app.store.verify import verify_database

WHO = Who(7, "demo.officer", "demo")
AT = datetime(2026, 11, 3, 9, 30, 15, 250, tzinfo=UTC)


def _step_values() -> dict[str, object]:
    return {
        "case_id": 12,
        "step_id": "initial-strategy",
        "status": "done",
        "reason": "",
        "evidence": {"notes": 'Strategy meeting held; "quoted" text, ünïcode', "attendees": ["police", "health"]},
        # not in UTC: both the canonical form and the stored text are in UTC
        "started_at": datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=1))),
        "completed_at": AT,
        "completed_by": 7,
        "due_at": None,
        "completions": [AT.isoformat()],
        "updated_at": AT,
        "updated_by": 7,
        "retired": False,
    }


@pytest.mark.parametrize(
    ("who", "case_id"),
    [(WHO, 12), (Who(None, "system", "demo"), None), (Who(3, 'o\'brien "ü"\\', "wks-ü"), 12)],
)
def test_ready_row_gives_the_entry_and_stored_values_of_an_ordinary_write(who, case_id):
    values = _step_values()
    prev, seq, row_id = "ab" * 32, 4321, 987
    expected = chained_entry(
        prev,
        seq,
        who,
        operation=Operation.COLLECTION,
        action="step.done",
        at=AT,
        object_type="step_records",
        object_id=row_id,
        case_id=case_id,
        state={f: values[f] for f in StepRecord.AUDIT_FIELDS},
    )
    table = table_of(StepRecord)
    text_hash = entry_hash(prev, hashed_fields(expected))
    for sqlite in (True, False):
        ready = ready_row(StepRecord, values, who=who, at=AT, action="step.done", case_id=case_id, sqlite=sqlite)
        assert ready.table == "step_records" and ready.names == tuple(values)
        assert _collection_text(ready, row_id, seq) == canonical_json(hashed_fields(expected))
        audit = (seq, *ready.entry_head, row_id, *ready.entry_tail, prev, text_hash)
        if sqlite:
            convert = [_converter(table_of(AuditEntry).c[n].type) for n in AUDIT_COLUMNS]
            assert audit == tuple(v if c is None else c(v) for v, c in zip(expected.values(), convert, strict=True))
            stored = tuple(
                v if c is None else c(v)
                for v, c in zip(values.values(), (_converter(table.c[n].type) for n in values), strict=True)
            )
            assert ready.params == stored
        else:
            assert audit == tuple(expected[n] for n in AUDIT_COLUMNS)
            assert ready.params == tuple(values.values())


def test_ready_rows_chain_with_ordinary_ones_and_verify(initialised):
    sqlite = initialised.db.engine.dialect.name == "sqlite"
    with initialised.db.engine.begin() as conn:
        writer = BulkWriter(conn)
        first = writer.add_ready(
            ready_row(District, {"code": "Q1", "name": "Test district one"}, **_entry(sqlite))  # type: ignore[arg-type]
        )
        second = writer.add(District, {"code": "Q2", "name": "Test district two"}, who=WHO, at=AT, action="x.add")
        third = writer.add_ready(
            ready_row(District, {"code": "Q3", "name": "Test district three"}, **_entry(sqlite))  # type: ignore[arg-type]
        )
        writer.flush()
    assert (second, third) == (first + 1, first + 2)
    result = verify_database(initialised.db)
    assert result.ok, result


def _entry(sqlite: bool) -> dict[str, object]:
    return {"who": WHO, "at": AT, "action": "x.add", "case_id": None, "sqlite": sqlite}
