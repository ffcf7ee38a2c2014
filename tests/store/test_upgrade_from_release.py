"""A database made by the previous release (0.1.0, schema 0002) opens in this one: `init` backs it up and
migrates it, `verify` passes and every case keeps its procedure version.

The fixture `tests/fixtures/upgrade/v0.1.0-demo.db` was made with the 0.1.0 code (commit 94a3c64):
`checklist-app --db v0.1.0-demo.db demo --cases 24 --seed 7`. It is synthetic demo data."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.cli.cli_support import cli

FIXTURE = Path(__file__).parents[1] / "fixtures" / "upgrade" / "v0.1.0-demo.db"
RELEASE_SCHEMA = "0002"


def _case_versions(path: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT c.reference, p.procedure_id, p.version FROM cases c "
            "JOIN procedure_versions p ON p.id = c.procedure_version_id"
        ).fetchall()
    finally:
        con.close()
    return {ref: (pid, ver) for ref, pid, ver in rows}


def _schema(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def test_release_database_upgrades_and_verifies(tmp_path: Path) -> None:
    db = tmp_path / "force.db"
    shutil.copyfile(FIXTURE, db)
    before = _case_versions(db)
    assert len(before) == 24
    assert _schema(db) == RELEASE_SCHEMA

    run = cli("--db", db, "init", "--no-admin")
    assert run.code == 0, run.text
    assert "Traceback" not in run.text
    head = _schema(db)
    if head != RELEASE_SCHEMA:
        # A migration ran: the file was copied aside first, and the copy is still the release's schema.
        assert f"schema: {RELEASE_SCHEMA} -> {head}" in run.out, run.out
        backup_lines = [line for line in run.out.splitlines() if line.startswith("backup taken before upgrading: ")]
        assert backup_lines, run.out
        backup = Path(backup_lines[0].split(": ", 1)[1].strip())
        assert backup.exists()
        assert _schema(backup) == RELEASE_SCHEMA
        assert _case_versions(backup) == before

    check = cli("--db", db, "verify")
    assert check.code == 0, check.text
    assert check.out.startswith("OK") or "\nOK" in check.out, check.out

    assert _case_versions(db) == before
