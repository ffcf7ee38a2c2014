"""Verifying without writing (a backup on read-only media), and one retry when SQLite is busy.

The tests run as whatever user the machine gives; as root, file modes do not stop writes, so the
read-only open is also checked directly: the file's bytes and its folder are unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from db_support import server_url
from sqlalchemy.exc import OperationalError

from checklist_app.cli.main import main
from checklist_app.services import admin, records
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import db as store_db
from checklist_app.store.db import Database, read_only_uri
from checklist_app.store.errors import DatabaseBusy
from checklist_app.store.verify import verify_database

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite files: read-only opening and busy locks")


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def backup_file(world, tmp_path: Path) -> Path:
    from support import open_case

    open_case(world)
    folder = tmp_path / "media"
    folder.mkdir()
    target = folder / "backup.sqlite"
    admin.backup(world.ctx, world.admin, target)
    world.ctx.close()
    return target


def test_a_backup_is_verified_read_only_without_writing_anything(backup_file: Path):
    before = _snapshot(backup_file.parent)
    database = Database(f"sqlite:///{backup_file}", read_only=True)
    try:
        report = verify_database(database)
        assert report.ok and report.entries > 0, [str(p) for p in report.problems]
        with pytest.raises(OperationalError, match=r"readonly|read-only|query_only"), database.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM case_summaries")
    finally:
        database.dispose()
    assert _snapshot(backup_file.parent) == before  # same bytes, and no -wal, -shm or journal beside it


def test_read_only_media_are_opened_immutable(backup_file: Path, monkeypatch):
    assert "immutable" not in read_only_uri(backup_file)
    monkeypatch.setattr(store_db.os, "access", lambda path, mode: mode != os.W_OK)
    uri = read_only_uri(backup_file)
    assert uri.startswith("file://") and uri.endswith("?mode=ro&immutable=1")
    before = _snapshot(backup_file.parent)
    with ServiceContext.open(str(backup_file), read_only=True) as ctx:
        assert ctx.db.read_only
        report = admin.verify(ctx, system_actor())
    assert report.ok, [str(p) for p in report.problems]
    assert _snapshot(backup_file.parent) == before


def test_the_verify_command_on_a_read_only_file_in_a_read_only_folder(backup_file: Path):
    folder = backup_file.parent
    before = _snapshot(folder)
    backup_file.chmod(0o444)
    folder.chmod(0o555)
    try:
        out = io.StringIO()
        code = main(["--db", str(backup_file), "verify"], out=out, err=out)
    finally:
        folder.chmod(0o755)
        backup_file.chmod(0o600)
    assert code == 0, out.getvalue()
    assert out.getvalue().startswith("OK ")
    assert _snapshot(folder) == before


# --- busy ------------------------------------------------------------------------------------------


@pytest.fixture
def quick_busy(world, monkeypatch):  # type: ignore[no-untyped-def]
    """The world's database reopened with a 300 ms busy timeout, and a case to write to."""
    from support import open_case

    case = open_case(world)
    path = world.ctx.db.path
    world.ctx.close()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    pragmas = tuple((n, "300" if n == "busy_timeout" else v) for n, v in store_db.SQLITE_PRAGMAS)
    monkeypatch.setattr(store_db, "SQLITE_PRAGMAS", pragmas)
    ctx = ServiceContext(Database(f"sqlite:///{path}"), clock=world.clock)
    yield ctx, case, path
    ctx.close()


def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(5)
    return thread


def _decisions(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM decisions").fetchone()[0])
    finally:
        conn.close()


def test_a_write_waits_out_a_busy_database_with_one_retry(world, quick_busy):
    ctx, case, path = quick_busy
    holder = _hold_write_lock(path, 0.45)  # longer than one busy timeout, shorter than two
    started = time.monotonic()
    records.add_decision(ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    waited = time.monotonic() - started
    holder.join()
    assert waited > 0.3  # the first attempt timed out; the retry got the lock
    assert _decisions(path) == 1


def test_a_database_busy_past_the_retry_is_refused_plainly_with_nothing_saved(world, quick_busy):
    ctx, case, path = quick_busy
    holder = _hold_write_lock(path, 1.5)
    with pytest.raises(DatabaseBusy, match="Nothing was saved; try again"):
        records.add_decision(ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    holder.join()
    assert _decisions(path) == 0
