"""Tampering `verify` must name, on a database edited with another tool: values of the wrong type
(verification goes on and names table, row and column), protective triggers replaced by look-alikes or
added elsewhere, and an extra schema-version row (init and verify say so plainly)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from db_support import server_url
from support import file_with_one_step_done, run_sql

from checklist_app.cli.main import main

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


def _run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out, err=out)
    return code, out.getvalue()


@pytest.fixture
def db_file(world) -> Path:
    return file_with_one_step_done(world)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE cases SET referral_at = 'not a date'", "cases, id 1: column referral_at holds 'not a date'"),
        ("UPDATE cases SET referral_at = 12", "cases, id 1: column referral_at holds a value of the wrong type"),
        ("UPDATE cases SET referral_at = x'00ff'", "cases, id 1: column referral_at holds"),
        ("UPDATE users SET active = 'maybe' WHERE id = 2", "users, id 2: column active holds a value of the wrong"),
        ("UPDATE step_records SET evidence = '{not json'", "step_records, id 1: column evidence holds '{not json'"),
        ("UPDATE step_records SET completions = 'many'", "step_records, id 1: column completions holds a value"),
    ],
)
def test_wrong_type_values_are_named_and_verification_goes_on(db_file: Path, statement: str, expected: str) -> None:
    run_sql(db_file, statement, "UPDATE teams SET name = 'Renamed' WHERE id = 1")
    code, output = _run("--db", db_file, "verify")
    assert code == 1, output
    assert expected in output, output
    assert "teams, id 1" in output  # the later, separate tampering is still found
    assert "unexpected" not in output and "Traceback" not in output


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            [
                "DROP TRIGGER audit_log_no_update",
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END",
            ],
            "protective trigger audit_log_no_update is not the one the program creates",
        ),
        (
            [
                "DROP TRIGGER audit_log_no_delete",
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON teams "
                "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END",
            ],
            "protective trigger audit_log_no_delete is not the one the program creates",
        ),
        (
            ["CREATE TRIGGER sneaky AFTER INSERT ON cases BEGIN UPDATE cases SET priority = 'low'; END"],
            "cases: trigger sneaky was not created by the program",
        ),
    ],
)
def test_triggers_are_checked_by_definition(db_file: Path, statements: list[str], expected: str) -> None:
    run_sql(db_file, *statements)
    code, output = _run("--db", db_file, "verify")
    assert code == 1 and expected in output, output


def test_triggers_written_with_other_spacing_and_case_still_pass(db_file: Path) -> None:
    run_sql(
        db_file,
        "DROP TRIGGER audit_log_no_update",
        "create   trigger audit_log_no_update before update on audit_log\n"
        "begin select raise(ABORT, 'audit entries cannot be changed');\nend",
    )
    code, output = _run("--db", db_file, "verify")
    assert code == 0, output


def test_an_extra_schema_version_row_is_named_plainly(db_file: Path) -> None:
    run_sql(db_file, "INSERT INTO alembic_version (version_num) VALUES ('0001')")
    for command in (["verify"], ["init", "--no-admin"]):
        code, output = _run("--db", db_file, *command)
        assert code == 3, output
        assert "schema version table holds 2 rows" in output and "unexpected" not in output
