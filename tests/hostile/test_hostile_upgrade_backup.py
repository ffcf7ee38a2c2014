"""The copy taken before an upgrade: written beside its name and renamed into place once whole and
checked (a crash mid-copy left a half copy under the finished name), and never onto an earlier copy of
the same second (a second `init` after a crash failed with "unexpected failure (FileExistsError)")."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from db_support import server_url

from checklist_app.store import migrate
from tests.cli.cli_support import cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite files")

FIXTURE = Path(__file__).parents[1] / "fixtures" / "upgrade" / "v0.1.0-demo.db"


def _revision(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def test_an_earlier_copy_of_the_same_second_is_kept_and_a_new_name_used(tmp_path: Path) -> None:
    db = tmp_path / "force.db"
    shutil.copyfile(FIXTURE, db)
    revision = _revision(db)
    # Copies "taken" this second and the next (the run may cross a second): the upgrade must not touch them.
    now = datetime.now(UTC)
    taken = [
        tmp_path / f"force.pre-{revision}-{(now + timedelta(seconds=s)).strftime('%Y%m%dT%H%M%SZ')}.db.bak"
        for s in (0, 1)
    ]
    for path in taken:
        path.write_bytes(b"an earlier copy")
    run = cli("--db", db, "init", "--no-admin")
    assert run.code == 0, run.text
    assert all(path.read_bytes() == b"an earlier copy" for path in taken)
    line = next(line for line in run.out.splitlines() if line.startswith("backup taken before upgrading: "))
    backup = Path(line.split(": ", 1)[1])
    assert backup.name.endswith("-2.db.bak") and _revision(backup) == revision
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no unfinished copy left"


def test_the_copy_is_checked_before_it_takes_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "force.db"
    shutil.copyfile(FIXTURE, db)
    from checklist_app.store import backup

    monkeypatch.setattr(backup, "integrity_problems", lambda path: ["page 7 is damaged"])
    with pytest.raises(Exception, match="failed its checks"):
        migrate.upgrade(f"sqlite:///{db}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["force.db"]
    assert _revision(db) == _revision(FIXTURE)
