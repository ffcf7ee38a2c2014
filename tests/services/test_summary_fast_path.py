"""Verify's summary check recomputes each case's list figures the fast way (a chunk's cases read as plain
rows in a few queries, agreements worked out together, done steps' dates not reckoned); the figures must be
exactly those of the plain way (`load_for` and `expected_summary`, case by case), and of the whole schedule,
for every case of a demo database: closed cases, cases with steps awaiting agreement and cases with open
directed actions among them. A value of the wrong type still sends the check case by case, where the row is
named. On a real database (SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from checklist_app.demo import generator as demo
from checklist_app.services import case_state as cs
from checklist_app.services import summary_check
from checklist_app.services.case_summary import expected_summary
from checklist_app.services.context import system_actor
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.models import Case, CaseSummary, DirectedAction, StepRecord

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)


def _demo_with_directed_actions(ctx):  # type: ignore[no-untyped-def]
    """The demo's cases, with open directed actions on some open ones (one falling due before anything else,
    one long after) and a done one, and their summaries brought up to date as an upgrade would."""
    demo.generate(ctx, system_actor(), cases=60, seed=5, as_of=AS_OF, workers=0)
    with ctx.db.write() as session:
        open_cases = list(session.scalars(select(Case).where(Case.status == "open").order_by(Case.id)))
        for index, case in enumerate(open_cases[:12]):
            due = AS_OF + (timedelta(days=-30) if index % 2 else timedelta(days=400))
            for status in ("open", "done"):
                session.add(
                    DirectedAction(
                        case_id=case.id,
                        description=f"Directed action {index} ({status})",
                        owner_id=case.officer_id,
                        due_at=due,
                        directed_at=AS_OF - timedelta(days=40),
                        directed_by=case.supervisor_id,
                        status=status,
                    )
                )
    summary_check.rebuild_summaries(ctx)


def test_fast_figures_equal_the_plain_ones_for_every_demo_case(initialised):
    ctx = initialised
    _demo_with_directed_actions(ctx)
    kinds = {"closed": 0, "awaiting": 0, "directed": 0}
    with ctx.db.read() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        fast = summary_check._recompute(session, ctx, ids)
        assert sorted(fast) == ids
        for case_id in ids:
            case = session.get_one(Case, case_id)
            moment = summary_check._utc(session.get_one(CaseSummary, case_id).computed_at)
            loaded = cs.load_for(session, ctx, case)
            plain = expected_summary(session, ctx, loaded, moment)
            known = fast[case_id]
            assert not isinstance(known, summary_check.Problem), known
            assert known[1] == plain, case.reference
            # The whole schedule (every done step's dates reckoned) gives the same figures.
            awaiting = awaiting_agreement(session, loaded) if case.status == "open" else frozenset()
            if not awaiting:
                whole = expected_summary(session, ctx, loaded, moment, schedule=cs.schedule_of(ctx, loaded, moment))
                assert whole == plain, case.reference
            kinds["closed"] += case.status == "closed"
            kinds["awaiting"] += bool(awaiting)
            kinds["directed"] += plain["next_due_step"] == "Action"
    assert all(kinds.values()), kinds  # each kind of case was compared
    assert summary_check.summary_problems(ctx) == []
    if ctx.db.is_sqlite:  # PostgreSQL refuses a value of the wrong type itself
        _wrong_type_values_are_named_and_the_other_cases_checked(ctx, ids)


def _wrong_type_values_are_named_and_the_other_cases_checked(ctx, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    with ctx.db.read() as session:
        done = session.scalars(
            select(StepRecord).where(StepRecord.status == "done", StepRecord.case_id == ids[3]).limit(1)
        ).one()
    tampered, spoiled = ids[1], ids[3]
    conn = sqlite3.connect(ctx.db.path)
    try:
        conn.execute("UPDATE case_summaries SET next_due_at = 'garbage' WHERE case_id = ?", (tampered,))
        conn.execute("UPDATE step_records SET completed_at = 'garbage' WHERE id = ?", (done.id,))
        conn.execute("UPDATE case_summaries SET steps_done = steps_done + 1 WHERE case_id = ?", (ids[-1],))
        conn.commit()
    finally:
        conn.close()
    found = {p.record_id: p.message for p in summary_check.summary_problems(ctx)}
    assert found == {
        tampered: "column next_due_at holds a value of the wrong type (written outside the app?)",
        spoiled: "could not be recomputed (UnreadableValue); see the problems above",
        ids[-1]: found[ids[-1]],
    }
    assert found[ids[-1]].startswith("does not match the case's records (steps_done)")
