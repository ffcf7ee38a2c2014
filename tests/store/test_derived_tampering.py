"""Derived data `verify` must check against the chained records: the case list's summary table and who
published each procedure version and when. The edits are made with SQL behind the application's back, on
SQLite and on PostgreSQL; one test makes them with the sqlite3 tool on the file and runs the command."""

from __future__ import annotations

import io
import sqlite3

import pytest
from db_support import server_url
from sqlalchemy import text

from checklist_app.cli.main import main
from checklist_app.services import admin, risk, steps


def _populate(world):  # type: ignore[no-untyped-def]
    from support import open_case

    case = open_case(world)
    steps.complete_step(
        world.ctx,
        world.investigator,
        case.id,
        "referral.record-details",
        {"cse_flag_reference": "CSE/1", "referral_source": "school"},
    )
    # A trigger makes the case high risk; forty days on, its steps are overdue.
    risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"]))
    world.clock.advance(days=40)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, "investigation.seize-devices", "No devices")
    return case


def _tamper(world, *statements: str) -> None:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _problems(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in admin.verify(world.ctx, world.admin).problems]


def test_untouched_summaries_and_publications_verify(world):
    _populate(world)
    assert _problems(world) == []


@pytest.mark.parametrize(
    ("assignment", "field"),
    [
        ("risk_category = 0", "risk_category"),
        ("next_due_at = NULL", "next_due_at"),
        ("open_due = '[]'", "open_due"),
        ("steps_done = steps_required", "steps_done"),
        ("next_due_title = 'Nothing to do'", "next_due_title"),
        ("phase_number = 3", "phase_number"),
    ],
)
def test_an_edited_summary_row_is_named(world, assignment, field):
    case = _populate(world)
    _tamper(world, f"UPDATE case_summaries SET {assignment} WHERE case_id = {case.id}")
    problems = _problems(world)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"case_summaries, id {case.id}: does not match the case's records")
    assert field in problems[0]


def test_a_high_risk_overdue_case_hidden_from_the_list_is_named(world):
    case = _populate(world)
    with world.ctx.db.engine.connect() as conn:
        category, due = conn.execute(
            text(f"SELECT risk_category, next_due_at FROM case_summaries WHERE case_id = {case.id}")
        ).one()
    assert category >= 3 and due is not None  # high risk, something due (and overdue)
    _tamper(
        world,
        f"UPDATE case_summaries SET risk_category = 0, next_due_at = NULL, open_due = '[]' WHERE case_id = {case.id}",
    )
    problems = _problems(world)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"case_summaries, id {case.id}: does not match the case's records")
    assert all(name in problems[0] for name in ("risk_category", "next_due_at", "open_due"))


def test_a_deleted_or_orphaned_summary_row_is_named(world):
    case = _populate(world)
    _tamper(world, f"DELETE FROM case_summaries WHERE case_id = {case.id}")
    assert _problems(world) == [f"case_summaries, id {case.id}: is missing: the case list does not show this case"]


def test_who_published_a_version_and_when_are_checked(world):
    _populate(world)
    _tamper(world, "UPDATE procedure_versions SET published_by = 'someone.else'")
    problems = _problems(world)
    assert len(problems) == 1 and problems[0].startswith("procedure_versions, id 1, audit entry")
    assert "published_by says 'someone.else'" in problems[0]
    _tamper(
        world,
        "UPDATE procedure_versions SET published_by = (SELECT username FROM audit_log WHERE object_type = "
        "'procedure_versions' ORDER BY seq LIMIT 1), published_at = published_at + INTERVAL '1 day'"
        if world.ctx.db.engine.dialect.name == "postgresql"
        else "UPDATE procedure_versions SET published_by = (SELECT username FROM audit_log WHERE object_type = "
        "'procedure_versions' ORDER BY seq LIMIT 1), published_at = '2020-01-01 00:00:00.000000'",
    )
    problems = _problems(world)
    assert len(problems) == 1 and "published_at says" in problems[0], problems


@pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")
def test_summary_edited_with_the_sqlite3_tool_fails_the_verify_command(world):
    case = _populate(world)
    path = world.ctx.db.path
    world.ctx.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"UPDATE case_summaries SET risk_category = 0, next_due_at = NULL WHERE case_id = {case.id}")
        conn.commit()
    finally:
        conn.close()
    out = io.StringIO()
    code = main(["--db", str(path), "verify"], out=out, err=out)
    assert code != 0
    assert f"case_summaries, id {case.id}: does not match the case's records (next_due_at" in out.getvalue()


def test_an_upgrade_rebuilds_summaries_computed_by_older_rules(world):
    from checklist_app.services.summary_check import rebuild_summaries

    case = _populate(world)
    # As an older version might have left it: a figure the current rules compute differently.
    _tamper(world, f"UPDATE case_summaries SET steps_done = 0, open_due = '[]' WHERE case_id = {case.id}")
    assert len(_problems(world)) == 1
    assert rebuild_summaries(world.ctx) == 1
    assert _problems(world) == []
    assert rebuild_summaries(world.ctx) == 0


def test_summaries_checked_in_a_worker_process_name_the_same_rows(world, monkeypatch):
    """On a large database the summary check runs in a worker process beside the store checks; its
    verdict is the one checking in this process gives (here forced on a small database)."""
    from checklist_app.services import summary_check

    case = _populate(world)
    _tamper(world, f"UPDATE case_summaries SET risk_category = 0, next_due_at = NULL WHERE case_id = {case.id}")
    here = _problems(world)
    monkeypatch.setattr(summary_check, "PARALLEL_FROM", 0)
    check = summary_check.SummaryCheck(world.ctx)
    assert check.in_worker  # the worker was started
    assert [str(p) for p in check.problems()] == [p for p in here if p.startswith("case_summaries")]
    assert _problems(world) == here and len(here) == 1


def test_summaries_shared_between_the_worker_and_this_process_name_the_same_rows(world, monkeypatch):
    """Chunks of one case each: the worker starts from the first, this process takes back the ones not
    started from the last; however they are shared, every row is checked once and the verdict is the same."""
    from checklist_app.services import summary_check

    cases = [_populate(world) for _ in range(4)]
    for case in (cases[0], cases[3]):
        _tamper(world, f"UPDATE case_summaries SET steps_done = 0 WHERE case_id = {case.id}")
    here = [p for p in _problems(world) if p.startswith("case_summaries")]
    assert len(here) == 2
    monkeypatch.setattr(summary_check, "PARALLEL_FROM", 0)
    monkeypatch.setattr(summary_check, "_CHUNK", 1)
    check = summary_check.SummaryCheck(world.ctx)
    assert check.in_worker
    ticks: list[tuple[int, int]] = []
    found = check.problems(lambda _stage, done, total: ticks.append((done, total)))
    assert [str(p) for p in found] == here
    assert sorted(ticks) == [(n, len(cases)) for n in range(1, len(cases) + 1)]


def test_records_checked_in_the_worker_process_name_the_same_problems(world, monkeypatch):
    """On a large database the worker checks the largest audited table's records while this process walks
    the chain and the rest: the problems, their order and the counts are those of checking it all here."""
    from checklist_app.services import summary_check
    from checklist_app.store.verify import verify_database

    for _ in range(2):
        _populate(world)
    _tamper(
        world,
        "UPDATE step_records SET reason = 'edited' WHERE id = (SELECT min(id) FROM step_records)",
        # A value of the wrong type where the database allows one (SQLite); a changed count elsewhere.
        "UPDATE step_records SET "
        + ("completions = completions + 5" if server_url() else "updated_at = 'not a date'")
        + " WHERE id = (SELECT max(id) FROM step_records)",
        "DELETE FROM step_records WHERE id = (SELECT max(id) - 1 FROM step_records)",
        "UPDATE cases SET circumstances = 'edited' WHERE id = (SELECT min(id) FROM cases)",
    )
    here = verify_database(world.ctx.db)
    assert sum(p.table == "step_records" for p in here.problems) == 3, here.problems
    monkeypatch.setattr(summary_check, "PARALLEL_FROM", 0)
    # The largest table on a demo database; here (a few cases) users outnumber step records.
    assert summary_check._largest_table(world.ctx) == "users"
    monkeypatch.setattr(summary_check, "_largest_table", lambda _ctx: "step_records")
    check = summary_check.SummaryCheck(world.ctx)
    try:
        assert check.tables == {"step_records"}
        collected = []
        table_result = check.table_result

        def spy(name, waiting):  # type: ignore[no-untyped-def]
            collected.append(table_result(name, waiting))
            return collected[-1]

        monkeypatch.setattr(check, "table_result", spy)
        ticks: list[int] = []
        there = verify_database(world.ctx.db, (), lambda _stage, done, _total: ticks.append(done), check.elsewhere)
        assert check.rows_done() > 0  # counted there, for the progress bar here
        assert len(collected) == 1 and collected[0] is not None  # checked there, not here again
    finally:
        check.close()
    assert there.problems == here.problems
    assert (there.records_checked, there.entries) == (here.records_checked, here.entries)
    assert ticks == sorted(ticks) and ticks[-1] == here.entries + here.records_checked


def test_verify_stopped_while_the_worker_checks_a_table_stops(world, monkeypatch):
    """Cancelling (the progress callback raises) while the worker checks a table ends verify with that
    error; the worker is not waited for and no result is made up."""
    from checklist_app.services import summary_check

    _populate(world)
    monkeypatch.setattr(summary_check, "PARALLEL_FROM", 0)
    monkeypatch.setattr(summary_check, "_largest_table", lambda _ctx: "step_records")

    class Stop(Exception):
        pass

    def progress(stage: str, _done: int, _total: int) -> None:
        if stage == "audit chain":
            raise Stop

    with pytest.raises(Stop):
        admin.verify(world.ctx, world.admin, progress=progress)
    assert _problems(world) == []  # and the next verify runs as usual
