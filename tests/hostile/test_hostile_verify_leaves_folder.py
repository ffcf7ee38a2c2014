"""`verify` on a live database in WAL mode, in a folder it could write to, left `-wal` and `-shm` files
beside it: its read-only connection creates them and, unable to write, never removes them. A check that
promises never to write must leave the folder as it found it, without pulling the files from under
another program that has the database open."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url

from checklist_app.store.db import remove_reader_files
from tests.cli.cli_support import cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite files beside the database")


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def live(world, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = Path(world.ctx.db.path)
    world.ctx.close()  # the last connection closes: SQLite removes its -wal and -shm
    folder = tmp_path / "live"
    folder.mkdir()
    target = folder / "force.db"
    path.rename(target)
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert sorted(p.name for p in folder.iterdir()) == ["force.db"]
    return target


@pytest.mark.parametrize("how", [[], ["--recent"]], ids=["full", "recent"])
def test_verify_leaves_a_wal_database_s_folder_as_it_found_it(live: Path, how: list[str]) -> None:
    before = _snapshot(live.parent)
    run = cli("--db", live, "verify", *how)
    assert run.code == 0, run.text
    assert _snapshot(live.parent) == before  # same bytes, no -wal or -shm


def test_files_another_connection_is_using_are_left_to_it(live: Path) -> None:
    other = sqlite3.connect(live)
    try:
        other.execute("SELECT count(*) FROM audit_log").fetchone()  # opens the WAL, as the app would
        wal, shm = live.with_name("force.db-wal"), live.with_name("force.db-shm")
        assert wal.exists() and shm.exists()
        remove_reader_files(live)
        assert wal.exists() and shm.exists()
        assert other.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
    finally:
        other.close()


def test_a_wal_holding_another_writer_s_frames_is_not_touched(live: Path) -> None:
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE scratch (x)")  # frames in the -wal
    wal = live.with_name("force.db-wal")
    size, db_bytes = wal.stat().st_size, live.read_bytes()
    assert size > 0
    remove_reader_files(live)
    assert wal.stat().st_size == size and live.read_bytes() == db_bytes
    writer.close()
