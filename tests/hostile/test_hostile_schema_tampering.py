"""Tampering with the schema rather than the rows: `verify` checked the audit log's triggers but not the
rest of the schema, so a dropped index or unique constraint, a column made nullable, an added column,
table or view all verified "OK". Each is now named, table and object, and the commands still run."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url

from tests.cli.cli_support import cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="the schema is altered with the sqlite3 tool")

TEAMS_WITHOUT_UNIQUE_NAME = """
CREATE TABLE teams_new (id INTEGER NOT NULL, name VARCHAR(120), district_id INTEGER NOT NULL,
  CONSTRAINT pk_teams PRIMARY KEY (id),
  CONSTRAINT fk_teams_district_id_districts FOREIGN KEY(district_id) REFERENCES districts (id));
INSERT INTO teams_new SELECT id, name, district_id FROM teams;
DROP TABLE teams;
ALTER TABLE teams_new RENAME TO teams;
"""

CASES = {
    "dropped index": ("DROP INDEX ix_audit_log_case", ["audit_log: index ix_audit_log_case (case_id) is missing"]),
    "added column": (
        "ALTER TABLE cases ADD COLUMN side_note TEXT",
        ["cases: column side_note was not created by the program (added?)"],
    ),
    "added table": ("CREATE TABLE side_notes (x TEXT)", ["side_notes: table side_notes was not created"]),
    "added view": ("CREATE VIEW open_cases AS SELECT 1", ["open_cases: view open_cases was not created"]),
    "added index": (
        "CREATE INDEX ix_side ON cases (reference)",
        ["cases: index ix_side (reference) was not created by the program (added?)"],
    ),
    "unique constraint dropped, column made nullable": (
        TEAMS_WITHOUT_UNIQUE_NAME,
        [
            "teams: unique constraint uq_teams_name (name) is missing (dropped?)",
            "teams: column name allows empty values (NULL); the program's column does not",
        ],
    ),
}


@pytest.fixture
def live(world, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = Path(world.ctx.db.path)
    world.ctx.close()
    copy = tmp_path / "tampered.db"
    shutil.copyfile(path, copy)
    return copy


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_verify_names_each_change_to_the_schema(live: Path, case: str) -> None:
    assert cli("--db", live, "verify").code == 0
    statements, expected = CASES[case]
    conn = sqlite3.connect(live, isolation_level=None)
    conn.executescript(f"BEGIN; {statements}; COMMIT;")
    conn.close()
    run = cli("--db", live, "verify")
    assert run.code == 1, run.text
    assert "Traceback" not in run.text and "unexpected" not in run.text
    for words in expected:
        assert words in run.out, run.out
    assert f"FAILED: {len(expected)} problem(s)" in run.out, run.out
    assert cli("--db", live, "team", "list").code == 0  # the app still runs; verify is what tells
