"""`checklist-app verify --recent`: the quick check the app makes at start-up, on the command line."""

from __future__ import annotations

import pytest
from cli_support import cli
from db_support import server_url
from support import edit_audit_details, witnessed_copy

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


def test_verify_recent_on_the_command_line(world):
    ctx = witnessed_copy(world)
    path = ctx.db.path
    ctx.close()
    run = cli("--db", path, "verify", "--recent")
    assert run.code == 0 and run.out.startswith("OK (quick check): "), run.text
    assert "newest entries re-hashed" in run.out and "checklist-app verify" in run.out
    edit_audit_details(path, 2)
    run = cli("--db", path, "verify", "--recent")
    assert run.code == 1 and "FAILED (quick check): 1 problem(s)" in run.out and "entry 2" in run.out, run.text
    run = cli("--db", path, "verify", "--recent", "--anchor", f"1:{'ab' * 32}")
    assert run.code == 2 and "give --anchor to the full verify" in run.err
