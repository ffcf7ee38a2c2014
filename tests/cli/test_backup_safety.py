"""`backup` never loses data: a destination that is the live database or one of its companion files, by
any name, is refused before anything is touched; an existing destination is replaced only by a copy that
passed its checks; every file the program makes is owner-only."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from cli_support import assert_refused, chain_head, cli
from support import open_case
from world_support import MINIMAL_SOP, FakeClock, build_world

from checklist_app.services.context import ServiceContext
from checklist_app.store import migrate
from checklist_app.store.backup import clash_with_database
from checklist_app.store.db import Database


@pytest.fixture
def live(tmp_path: Path) -> tuple[Path, ServiceContext]:
    """A live SQLite database held open (so its -wal and -shm exist), with a case."""
    path = tmp_path / "live.db"
    migrate.upgrade(f"sqlite:///{path}")
    clock = FakeClock()
    ctx = ServiceContext(Database(f"sqlite:///{path}"), clock=clock)
    world = build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))
    open_case(world)
    yield path, ctx
    ctx.close()


def _case_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()


def _names_for_live_files(path: Path, tmp: Path) -> list[Path]:
    """Every way of naming the live file or a companion: direct, symbolic link, hard link, other case,
    a path through `..`."""
    names: list[Path] = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        real = Path(f"{path}{suffix}")
        names.append(real)
        names.append(real.with_name(real.name.upper()))
        names.append(tmp / "sub" / ".." / real.name)
        link = tmp / f"link{suffix or '-db'}"
        link.symlink_to(real)
        names.append(link)
        if real.exists():
            hard = tmp / f"hard{suffix or '-db'}"
            os.link(real, hard)
            names.append(hard)
    (tmp / "sub").mkdir()
    return names


def test_backup_refuses_every_name_of_a_live_file_and_loses_nothing(live, tmp_path: Path) -> None:
    path, _ctx = live
    assert Path(f"{path}-wal").exists()  # the live WAL holds acknowledged writes
    before_head, before_cases = chain_head(path), _case_count(path)
    wal_before = Path(f"{path}-wal").read_bytes()
    for name in _names_for_live_files(path, tmp_path):
        assert clash_with_database(name, path) is not None, name
        run = cli("--db", path, "backup", name, "--overwrite")
        assert_refused(run, "the live database's file", code=1)
        assert Path(f"{path}-wal").read_bytes() == wal_before, name
    assert chain_head(path) == before_head and _case_count(path) == before_cases
    assert cli("--db", path, "verify").code == 0


def test_a_backup_that_fails_its_checks_leaves_the_old_destination_untouched(live, tmp_path: Path) -> None:
    path, _ctx = live
    dest = tmp_path / "copy.db"
    assert cli("--db", path, "backup", dest).code == 0
    good = dest.read_bytes()
    conn = sqlite3.connect(path)
    try:  # tamper with the live database: its copy fails the chain verification
        conn.execute("UPDATE cases SET subject_ref = 'SC-000000'")
        conn.commit()
    finally:
        conn.close()
    run = cli("--db", path, "backup", dest, "--overwrite")
    assert_refused(run, "failed its checks", code=3)
    assert dest.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")) == []


def test_backup_refuses_a_destination_with_its_own_wal_beside_it(live, tmp_path: Path) -> None:
    path, _ctx = live
    dest = tmp_path / "other.db"
    dest.write_bytes(b"")
    Path(f"{dest}-wal").write_bytes(b"someone else's recovery data")
    assert_refused(cli("--db", path, "backup", dest, "--overwrite"), "may be in use or need recovery", code=3)
    assert Path(f"{dest}-wal").read_bytes() == b"someone else's recovery data"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_database_companions_backups_and_logs_are_owner_only(live, tmp_path: Path, monkeypatch) -> None:
    path, _ctx = live
    os.umask(0o022)  # a typical login umask; the program must not rely on it
    fresh = tmp_path / "fresh.db"
    migrate.upgrade(f"sqlite:///{fresh}")
    fresh_ctx = ServiceContext(Database(f"sqlite:///{fresh}"))
    try:
        with fresh_ctx.db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x)")
        made = [fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")]
        dest = tmp_path / "copy.db"
        assert cli("--db", path, "backup", dest).code == 0
        made.append(dest)
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        from checklist_app.services.crash_log import log_path, log_unexpected

        log_unexpected(RuntimeError("probe"))
        made.append(log_path())
        for made_file in made:
            assert made_file.exists(), made_file
            assert stat.S_IMODE(made_file.stat().st_mode) == 0o600, made_file
    finally:
        fresh_ctx.close()
        os.umask(0o022)
