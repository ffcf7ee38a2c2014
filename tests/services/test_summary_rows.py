"""Verify's summary check reads a chunk's step records straight from the driver (`summary_rows.load_chunk`):
what it reads must be exactly what `case_state.load_rows` reads (the same cases, events, episodes and
assessments, the same record values) and the same schedule situation as `case_state.situation`; a value the
column types would refuse makes it step aside (None) so that the usual way names it. The worker process is
handed the procedures verify's process parsed. On a real database (SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime

from sqlalchemy import select

from checklist_app.demo import generator as demo
from checklist_app.services import case_state as cs
from checklist_app.services import summary_check, summary_rows
from checklist_app.services.context import system_actor
from checklist_app.store.models import Case, StepRecord

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)


def _demo(ctx):  # type: ignore[no-untyped-def]
    demo.generate(ctx, system_actor(), cases=30, seed=11, as_of=AS_OF, workers=0)
    with ctx.db.read() as session:
        return list(session.scalars(select(Case.id).order_by(Case.id)))


def _same_reads(ctx, ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """Compare load_chunk with load_rows for the cases; the number of records compared."""
    compared = 0
    with ctx.db.read() as session:
        fast = summary_rows.load_chunk(session, ctx, ids)
        plain = cs.load_rows(session, ctx, ids)
        assert fast is not None
        assert [one.loaded.case for one in fast] == plain_cases(plain)
        for one, usual in zip(fast, plain, strict=True):
            loaded = one.loaded
            assert loaded.procedure is usual.procedure
            assert (loaded.events, loaded.missing, loaded.risk) == (usual.events, usual.missing, usual.risk)
            assert (loaded.intelligence_priorities, loaded.intelligence_times) == (
                usual.intelligence_priorities,
                usual.intelligence_times,
            )
            assert list(loaded.records) == list(usual.records)
            for step_id, record in loaded.records.items():
                assert tuple(record) == tuple(usual.records[step_id]), step_id
                assert record.completed_at is None or record.completed_at.tzinfo is UTC
                compared += 1
            assert one.states == cs.record_states(usual.records)
            assert summary_rows.situation(one) == cs.situation(usual)
    return compared


def plain_cases(plain: list[cs.LoadedCase]) -> list[object]:
    return [loaded.case for loaded in plain]


def test_a_chunk_reads_as_load_rows_reads_it(initialised):
    ctx = initialised
    ids = _demo(ctx)
    assert _same_reads(ctx, ids) > 30 * 20  # every case's records, retired or not


def test_timestamps_in_another_form_read_as_the_column_type_reads_them(initialised):
    """A completion time written by another tool in another ISO form (no fraction, a 'T', an offset, which
    the column type replaces with UTC) reads as the column type reads it."""
    ctx = initialised
    ids = _demo(ctx)
    if not ctx.db.is_sqlite:  # PostgreSQL keeps a timestamp, never text
        return
    with ctx.db.read() as session:
        done = list(
            session.scalars(
                select(StepRecord.id).where(StepRecord.case_id == ids[0], StepRecord.completed_at.is_not(None))
            )
        )
    forms = ["2026-01-05 10:00:00", "2026-01-05T10:00:00.250000", "2026-01-05 10:00:00.1+0100", "2026-01-05T10:00"]
    conn = sqlite3.connect(ctx.db.path)
    try:
        for record_id, form in zip(done, forms, strict=False):
            conn.execute("UPDATE step_records SET completed_at = ? WHERE id = ?", (form, record_id))
        conn.commit()
    finally:
        conn.close()
    assert _same_reads(ctx, ids[:1]) > 0


def test_a_value_the_types_refuse_sends_the_chunk_the_usual_way(initialised):
    ctx = initialised
    ids = _demo(ctx)
    if not ctx.db.is_sqlite:  # PostgreSQL refuses such a value itself
        return
    with ctx.db.read() as session:
        record_id = session.scalars(select(StepRecord.id).where(StepRecord.case_id == ids[2]).limit(1)).one()
    conn = sqlite3.connect(ctx.db.path)
    try:
        original = conn.execute("SELECT status, completed_at FROM step_records WHERE id = ?", (record_id,)).fetchone()
        for column, value in (("status", "bogus"), ("completed_at", "garbage"), ("completed_at", 42)):
            conn.execute(f"UPDATE step_records SET {column} = ? WHERE id = ?", (value, record_id))
            conn.commit()
            with ctx.db.read() as session:
                assert summary_rows.load_chunk(session, ctx, ids) is None, (column, value)
                assert summary_rows.load_chunk(session, ctx, [i for i in ids if i != ids[2]]) is not None
            conn.execute("UPDATE step_records SET status = ?, completed_at = ? WHERE id = ?", (*original, record_id))
            conn.commit()
    finally:
        conn.close()
    assert summary_check.summary_problems(ctx) == []


def test_the_worker_is_handed_the_parsed_procedures(initialised):
    """What the worker's initializer and procedure task do, here in this process: the procedures given are
    the ones its chunks use, not parsed again, and the chunks' verdict is unchanged."""
    ctx = initialised
    ids = _demo(ctx)
    procedures = summary_check._procedures(ctx)
    assert procedures  # the demo's cases are on the shipped procedure
    summary_check._open_worker(ctx.db.url, ctx.calendar, multiprocessing.Value("q", 0, lock=False))
    try:
        summary_check._worker_procedures(procedures)
        worker = summary_check._worker_ctx
        assert worker is not None
        with worker.db.read() as session:
            for version, procedure in procedures.items():
                assert worker.procedure(session, version) is procedure
        assert summary_check._worker_chunk(ids) == []
    finally:
        if summary_check._worker_ctx is not None:
            summary_check._worker_ctx.close()
        summary_check._worker_ctx = None
