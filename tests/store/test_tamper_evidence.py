"""`verify` proves the chain and every record; tampering with the database file is found and named."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from db_support import server_url
from support import intelligence_form

from checklist_app.cli.main import main
from checklist_app.services import intelligence, records, steps
from checklist_app.store.verify import verify_database

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file directly")


def _populate(world):
    from support import open_case

    case = open_case(world)
    steps.complete_step(
        world.ctx,
        world.investigator,
        case.id,
        "referral.record-details",
        {"cse_flag_reference": "CSE/1", "referral_source": "school"},
    )
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, "investigation.seize-devices", "No devices")
    records.add_decision(world.ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    item = intelligence.submit(
        world.ctx,
        world.investigator,
        case.id,
        intelligence_form(
            world,
            received_at=world.clock.now - timedelta(hours=1),
            summary="Vehicle seen",
            source_evaluation="1",
            intelligence_assessment="A",
            priority="medium",
        ),
    )
    return case, item


def _verify(db_file: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--db", str(db_file), "verify"], out=out, err=out)
    return code, out.getvalue()


def _db_file(world) -> Path:
    path = world.ctx.db.path
    world.ctx.close()  # release the file; the "attacker" edits it with another program
    return path


def _edit(db_file: Path, *sql: str) -> None:
    conn = sqlite3.connect(db_file)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_untouched_database_verifies(world):
    _populate(world)
    code, output = _verify(_db_file(world))
    assert code == 0, output
    assert output.startswith("OK ") and " entries" in output
    head = output.split()[-1]
    assert len(head) == 64


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE cases SET subject_ref = 'SC-999999' WHERE id = 1", "cases, id 1"),
        ("UPDATE step_records SET status = 'done' WHERE step_id = 'investigation.seize-devices'", "step_records, id 2"),
        ("DELETE FROM step_records WHERE id = 1", "step_records, id 1"),
        (
            "INSERT INTO step_records (case_id, step_id, status, reason, evidence, completions, updated_at, retired) "
            "VALUES (1, 'risk.seraf-assessment', 'done', '', '{}', 1, '2026-03-02 09:00:00', 0)",
            "step_records, id 3",
        ),
        (
            "INSERT INTO cases (reference, district_id, team_id, procedure_version_id, referral_at, referral_source, "
            "subject_ref, circumstances, facts, priority, status, opened_at, closure_reason) SELECT 'CSE-X', "
            "district_id, team_id, procedure_version_id, referral_at, referral_source, 'SC-1', '', '{}', 'low', "
            "'open', opened_at, '' FROM cases WHERE id = 1",
            "cases, id 2",
        ),
        ("UPDATE decisions SET rationale = 'changed' WHERE id = 1", "decisions, id 1"),
        ("UPDATE intelligence_items SET priority = 'low' WHERE id = 1", "intelligence_items, id 1"),
        ("UPDATE audit_log SET username = 'someone.else' WHERE seq = 5", "audit_log, audit entry 5"),
        ("DELETE FROM audit_log WHERE seq = 7", "audit_log, audit entry 8"),
        ("UPDATE audit_log SET details = '{}' WHERE seq = (SELECT max(seq) FROM audit_log)", "audit_log, audit entry"),
        ("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", "chain_state"),
        (
            "INSERT INTO audit_log SELECT seq + 1000, occurred_at, user_id, username, workstation, operation, action, "
            "outcome, object_type, object_id, case_id, details, state_hash, format_version, prev_hash, entry_hash "
            "FROM audit_log WHERE seq = 3",
            "audit entry 1003",
        ),
        ("UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'", "users, id"),
    ],
)
def test_each_kind_of_tampering_is_found_and_named(world, sql, expected):
    _populate(world)
    db_file = _db_file(world)
    _edit(db_file, sql)
    code, output = _verify(db_file)
    assert code == 1, output
    assert expected in output, output
    assert output.strip().splitlines()[-1].startswith("FAILED")


def test_removing_the_triggers_alone_is_reported(world):
    _populate(world)
    db_file = _db_file(world)
    _edit(db_file)
    code, output = _verify(db_file)
    assert code == 1 and "protective trigger" in output


def test_triggers_refuse_ordinary_edits_of_the_audit_log(world):
    _populate(world)
    db_file = _db_file(world)
    conn = sqlite3.connect(db_file)
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        conn.execute("UPDATE audit_log SET username = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        conn.execute("DELETE FROM audit_log WHERE seq = 1")
    conn.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line tool is not installed")
def test_tampering_with_the_sqlite3_command_line_tool(world):
    _populate(world)
    db_file = _db_file(world)
    subprocess.run(["sqlite3", str(db_file), "UPDATE step_records SET reason = 'edited' WHERE id = 2"], check=True)
    code, output = _verify(db_file)
    assert code == 1 and "step_records, id 2" in output


def test_verify_report_counts(world):
    _populate(world)
    report = verify_database(world.ctx.db)
    assert report.ok and report.entries == report.head_seq > 10
    assert report.records_checked > 10


def _head(db_file: Path) -> tuple[int, str]:
    conn = sqlite3.connect(db_file)
    try:
        return conn.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def test_an_anchor_exposes_entries_cut_off_the_end(world):
    """Reads leave audit entries but change no record, so cutting them off and moving the stored head back
    leaves a chain that verifies on its own: only a head kept outside the database shows the cut."""
    from checklist_app.services import cases

    case, _item = _populate(world)
    cases.case_detail(world.ctx, world.investigator, case.id)  # a consultation: who read the case, and when
    db_file = _db_file(world)
    seq, digest = _head(db_file)
    conn = sqlite3.connect(db_file)
    triggers = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
    conn.close()
    _edit(
        db_file,
        f"DELETE FROM audit_log WHERE seq = {seq}",
        f"UPDATE chain_state SET seq = {seq - 1}, head_hash = (SELECT entry_hash FROM audit_log WHERE seq = {seq - 1})",
    )
    assert "protective trigger" in _verify(db_file)[1]  # the cut's only other trace, which a careful one restores
    _edit(db_file, *triggers)  # put back exactly what the migration created
    assert _verify(db_file)[0] == 0

    out = io.StringIO()
    code = main(["--db", str(db_file), "verify", "--anchor", f"{seq}:{digest}"], out=out, err=out)
    assert code == 1
    assert f"audit_log, audit entry {seq}: is named by an anchor" in out.getvalue()
    assert f"log ends at entry {seq - 1}" in out.getvalue()


def test_an_anchor_that_no_longer_matches_is_reported(world):
    _populate(world)
    db_file = _db_file(world)
    seq, digest = _head(db_file)
    out = io.StringIO()
    assert (
        main(
            ["--db", str(db_file), "verify", "--anchor", f"{seq}:{digest}", "--anchor", f"1 {digest}"], out=out, err=out
        )
        == 1
    )
    assert "audit_log, audit entry 1: does not match the anchor" in out.getvalue()
    out = io.StringIO()
    assert main(["--db", str(db_file), "verify", "--anchor", f"{seq}:{digest.upper()}"], out=out, err=out) == 0
    assert out.getvalue().rstrip().endswith("1 anchor(s) held")


@pytest.mark.parametrize(
    ("anchor", "message"),
    [("12", "is not an anchor"), ("x:" + "a" * 64, "is not an anchor"), ("3:abc", "64 hexadecimal characters")],
)
def test_a_malformed_anchor_is_refused_in_words(world, anchor, message, capsys):
    db_file = _db_file(world)
    assert main(["--db", str(db_file), "verify", "--anchor", anchor]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
