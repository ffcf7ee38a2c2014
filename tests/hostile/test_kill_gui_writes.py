"""kill -9 during the desktop app's own writes: the service calls its screens make (gui_writes.py: log-on,
the new-case wizard, a step saved and marked not applicable, the supervisor's signed agreement, an
intelligence item), killed just before chosen SQL statements and right after chosen COMMITs. Afterwards
SQLite's checks and `verify` (chain, records, signatures, summaries, schema, the witness file) pass, and
every case in the database is whole: a kill never leaves a case without its records or a signature
without the step it signed."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from db_support import server_url

from tests.cli.cli_support import cli
from tests.hostile.test_kill_cli_writers import _count, _killed, _sqlite_checks

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
    pytest.mark.skipif(bool(server_url()), reason="kills writers of a SQLite file"),
]

DRIVER = Path(__file__).with_name("gui_writes.py")


def _cases_and_summaries(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM cases").fetchone()[0],
            conn.execute("SELECT count(*) FROM case_summaries").fetchone()[0],
        )
    finally:
        conn.close()


def test_kill_minus_nine_during_the_app_s_writes(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    assert cli("--db", template, "demo", "--cases", "0").code == 0
    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copyfile(template, probe / "force.db")
    argv = ("--script", DRIVER, "force.db")
    total, _ = _count(argv, probe)
    step = max(1, total // 8)
    specs = [f"sql:{n}" for n in range(1, total + 1, step)] + [f"after-commit:{n}" for n in (1, 2, 3, 4, 5, 6)]
    for spec in specs:
        here = tmp_path / spec.replace(":", "")
        here.mkdir()
        db = here / "force.db"
        shutil.copyfile(template, db)
        _killed(spec, *argv, cwd=here)
        _sqlite_checks(db)
        run = cli("--db", db, "verify")
        assert run.code == 0 and run.out.startswith("OK "), f"{spec}: {run.text}"
        cases, summaries = _cases_and_summaries(db)
        assert cases == summaries, f"{spec}: {cases} case(s) but {summaries} summary row(s)"
