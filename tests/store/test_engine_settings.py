"""SQLite as the security brief sets it up (section 5 and 6): the pragmas on every connection, writers that
take the lock up front, transactional DDL and migrations, refused locations and versions, backups before an
upgrade, and the kill -9 robustness loop of section 9. All on real files."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_support import server_url
from sqlalchemy import text
from support import open_case
from world_support import MINIMAL_SOP, FakeClock, World, build_world

from checklist_app import paths
from checklist_app.services import steps
from checklist_app.services.context import ServiceContext
from checklist_app.store import db as store_db
from checklist_app.store import migrate
from checklist_app.store.db import Database, make_engine, resolve_url
from checklist_app.store.errors import (
    BadDatabaseLocation,
    DatabaseBusy,
    DatabaseMissing,
    DatabaseTooNew,
    DatabaseUnreadable,
    StoreError,
)
from checklist_app.store.verify import verify_database

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite engine settings: run in the SQLite pass")

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _migrated(path: Path) -> str:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return _migrated(tmp_path / "app.db")


@pytest.fixture
def world(url: str) -> Iterator[World]:
    clock = FakeClock()
    ctx = ServiceContext(Database(url), clock=clock)
    yield build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))
    ctx.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


# --- pragmas ----------------------------------------------------------------------------------------


def _pragmas(conn) -> dict[str, object]:  # type: ignore[no-untyped-def]
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "secure_delete", "trusted_schema")
    return {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in (*names, "temp_store")}


def test_pragmas_read_back_on_every_fresh_connection(url: str) -> None:
    database = Database(url)
    try:
        with database.engine.connect() as first, database.engine.connect() as second:  # two pooled connections
            for conn in (first, second):
                settings = _pragmas(conn)
                assert settings["journal_mode"] == "wal"
                assert settings["synchronous"] == 2  # FULL
                assert settings["foreign_keys"] == 1
                assert int(settings["busy_timeout"]) >= 5000  # type: ignore[call-overload]
                assert settings["secure_delete"] == 1
                assert settings["trusted_schema"] == 0
                assert settings["temp_store"] == 2  # MEMORY
        with database.write() as session:  # and inside the services' transactions
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA synchronous")).scalar() == 2
    finally:
        database.dispose()


def test_the_migration_engine_differs_only_in_foreign_keys(url: str) -> None:
    engine = make_engine(url, foreign_keys=False)  # pitfall 11: batch rebuilds must not cascade
    try:
        with engine.connect() as conn:
            settings = _pragmas(conn)
    finally:
        engine.dispose()
    assert settings["foreign_keys"] == 0
    assert (settings["journal_mode"], settings["synchronous"], settings["trusted_schema"]) == ("wal", 2, 0)


def test_wal_mode_is_stored_in_the_file(url: str, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "app.db")  # a plain connection, none of our settings
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


# --- locking ----------------------------------------------------------------------------------------


def _other_writer(path: Path, timeout: float = 0.1) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def test_writers_take_the_write_lock_at_begin_and_readers_do_not(url: str, tmp_path: Path) -> None:
    database = Database(url)
    other = _other_writer(tmp_path / "app.db")
    try:
        with database.write() as session:
            # Only a read so far, yet the lock is held: BEGIN IMMEDIATE, so a writer that reads first can
            # never fail with SQLITE_BUSY when it later writes (security brief, section 6).
            session.execute(text("SELECT count(*) FROM districts"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM districts").fetchone() == (0,)  # WAL: readers go on
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
        with database.read() as session:  # a read transaction is deferred: it does not block writers
            session.execute(text("SELECT count(*) FROM districts"))
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        database.dispose()


def test_a_second_writer_waits_for_the_first_instead_of_failing(world: World, url: str) -> None:
    case = open_case(world)
    second = ServiceContext(Database(url), clock=world.clock)
    finished: list[float] = []
    failures: list[BaseException] = []

    def write_in_second_context() -> None:
        try:
            steps.mark_not_applicable(second, world.investigator, case.id, "investigation.seize-devices", "None")
            finished.append(time.monotonic())
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    with world.ctx.db.write() as session:
        session.execute(text("UPDATE chain_state SET seq = seq WHERE id = 1"))
        thread = threading.Thread(target=write_in_second_context)
        thread.start()
        time.sleep(0.5)
        assert not finished, "the second writer did not wait for the first"
        released = time.monotonic()
    thread.join(timeout=10)
    second.close()
    assert not failures, failures
    assert finished and finished[0] >= released
    assert verify_database(world.ctx.db).ok


def test_a_writer_blocked_past_the_busy_timeout_gets_a_plain_message(
    world: World, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = open_case(world)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)  # the real 5 s would only make the test slow
    monkeypatch.setattr(
        store_db, "SQLITE_PRAGMAS", tuple((n, "200" if n == "busy_timeout" else v) for n, v in store_db.SQLITE_PRAGMAS)
    )
    impatient = ServiceContext(Database(url), clock=world.clock)
    other = _other_writer(tmp_path / "app.db")
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy, match="Nothing was saved; try again"):
            steps.complete_step(impatient, world.investigator, case.id, "referral.record-details", FLAG)
        other.execute("ROLLBACK")
        steps.complete_step(impatient, world.investigator, case.id, "referral.record-details", FLAG)  # then it works
    finally:
        other.close()
        impatient.close()
    assert verify_database(world.ctx.db).ok


# --- transactional DDL and migrations ---------------------------------------------------------------


def test_ddl_is_rolled_back_with_its_transaction(tmp_path: Path) -> None:
    path = tmp_path / "ddl.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(Exception, match="no such table"), engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE first_table (id INTEGER PRIMARY KEY)")
            conn.exec_driver_sql("ALTER TABLE first_table ADD COLUMN note TEXT")
            conn.exec_driver_sql("CREATE INDEX ix_first ON first_table (note)")
            conn.exec_driver_sql("INSERT INTO missing_table VALUES (1)")
    finally:
        engine.dispose()
    assert _tables(path) == set()


def test_another_programs_tables_are_refused_before_any_backup_or_change(tmp_path: Path) -> None:
    # Once the first migration tripped over this table half-way (rolled back, but after a backup); now a
    # file holding tables and no schema version is refused as another program's before anything happens.
    path = tmp_path / "clash.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE step_records (x INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"is not a checklist database: it holds 1 table\(s\) of another program"):
        migrate.upgrade(f"sqlite:///{path}")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clash.db"]


def test_upgrading_a_current_database_changes_nothing_and_takes_no_backup(url: str, tmp_path: Path) -> None:
    result = migrate.upgrade(url)
    assert (result.before, result.after, result.backup, result.changed) == (
        migrate.head_revision(),
        migrate.head_revision(),
        None,
        False,
    )
    assert not list(tmp_path.glob("*.bak"))


_NEXT_REVISION = '''"""Test-only revision: rebuilds the users table (a parent of many others) with one more column."""

import sqlalchemy as sa
from alembic import op

revision = "9000_test_next"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.add_column(sa.Column("test_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.drop_column("test_note")
'''


def test_upgrade_of_an_older_schema_backs_up_first_and_keeps_every_row(
    world: World, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulates the next release: a copy of the shipped migrations plus one that rebuilds `users`."""
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    world.ctx.close()
    counts_before = _counts(tmp_path / "app.db")

    with paths.as_path(paths.migrations_dir()) as shipped:
        newer = tmp_path / "migrations"
        shutil.copytree(shipped, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "9000_test_next.py").write_text(
        _NEXT_REVISION.format(head=migrate.head_revision()), encoding="utf-8"
    )
    old_head = migrate.head_revision()
    monkeypatch.setattr(paths, "migrations_dir", lambda: newer)

    result = migrate.upgrade(url)
    assert (result.before, result.after) == (old_head, "9000_test_next")
    assert result.backup is not None and result.backup.name.startswith(f"app.pre-{old_head}-")
    assert _tables(result.backup) >= {"users", "step_records", "audit_log"}
    backup_db = Database(f"sqlite:///{result.backup}")
    try:
        assert verify_database(backup_db).ok
    finally:
        backup_db.dispose()
    assert _counts(tmp_path / "app.db") == counts_before  # pitfall 11: no child row lost to the rebuild
    upgraded = Database(url)
    try:
        assert verify_database(upgraded).ok  # includes foreign_key_check
    finally:
        upgraded.dispose()

    monkeypatch.undo()  # this program again: the upgraded file now comes from a "newer version"
    with pytest.raises(DatabaseTooNew, match="newer version"):
        ServiceContext.open(url)


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


# --- locations and versions -------------------------------------------------------------------------


@pytest.mark.parametrize("location", [r"\\server\share\cases.db", "//server/share/cases.db", r"\\10.0.0.5\cse\x.db"])
def test_network_paths_are_refused_with_the_reason(location: str) -> None:
    message = "is on a network share. SQLite is not safe over network file systems; use PostgreSQL"
    with pytest.raises(BadDatabaseLocation, match=message):
        resolve_url(location)
    with pytest.raises(BadDatabaseLocation, match=message):
        ServiceContext.open(location)


def test_a_database_from_a_newer_version_is_refused_and_left_alone(url: str, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match=r"newer version of this program \(schema 9999_future\)"):
        ServiceContext.open(str(path))
    with pytest.raises(DatabaseTooNew, match="it was not changed"):
        migrate.upgrade(url)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "minutes.db"
    path.write_bytes(b"Minutes of the strategy meeting\n" * 200)
    with pytest.raises(DatabaseUnreadable, match="is not a readable checklist database"):
        ServiceContext.open(str(path))
    with pytest.raises(DatabaseUnreadable, match="is not a readable checklist database"):
        migrate.upgrade(f"sqlite:///{path}")
    assert path.read_bytes() == b"Minutes of the strategy meeting\n" * 200


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "x.db"
    with pytest.raises(DatabaseMissing, match="the folder is missing or not writable"):
        migrate.upgrade(f"sqlite:///{target}")
    with pytest.raises(DatabaseMissing, match="There is no database at"):
        ServiceContext.open(str(target))
    assert not target.parent.exists()


# --- kill -9 ----------------------------------------------------------------------------------------

CRASH_WRITER = Path(__file__).with_name("crash_writer.py")
CYCLES = 10
# Each step's statuses in the order the child writes them: a later one may be committed but unacknowledged.
ORDER = {"referral.record-details": ["in_progress", "done"]}


class _Reader(threading.Thread):
    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.stream, self.lines = stream, []  # type: ignore[var-annotated]

    def run(self) -> None:
        for line in self.stream:
            if line.endswith("\n"):  # a line cut short by the kill was never acknowledged
                self.lines.append(line.split())


def _crash_once(url: str, actors: str, rng: random.Random) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, str(CRASH_WRITER), url, actors],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reader = _Reader(proc.stdout)
    reader.start()
    deadline = time.monotonic() + 60
    while ["ready"] not in reader.lines:
        assert proc.poll() is None, f"the writer died on its own:\n{proc.stderr.read() if proc.stderr else ''}"
        assert time.monotonic() < deadline, "the writer did not start"
        time.sleep(0.02)
    # On a loaded machine the first write can take longer than the random delay below: wait for one
    # acknowledged write first, so every cycle kills a writer that is really writing.
    while len(reader.lines) < 2:
        assert proc.poll() is None, f"the writer died on its own:\n{proc.stderr.read() if proc.stderr else ''}"
        assert time.monotonic() < deadline + 60, "the writer acknowledged nothing"
        time.sleep(0.02)
    time.sleep(rng.uniform(0.05, 0.4))
    assert proc.poll() is None, f"the writer stopped before the kill:\n{proc.stderr.read() if proc.stderr else ''}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if proc.stderr:
        proc.stderr.close()
    return [line for line in reader.lines if line != ["ready"]]


def _check_after_crash(path: Path, url: str, acked: list[list[str]]) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        cases = {row[0] for row in conn.execute("SELECT id FROM cases")}
        decisions = {row[0] for row in conn.execute("SELECT id FROM decisions")}
        statuses = {(c, s): st for c, s, st in conn.execute("SELECT case_id, step_id, status FROM step_records")}
    finally:
        conn.close()
    for kind, *rest in acked:
        if kind == "case":
            assert int(rest[0]) in cases, f"acknowledged case {rest[0]} is missing"
        elif kind == "decision":
            assert int(rest[0]) in decisions, f"acknowledged decision {rest[0]} is missing"
        else:
            case_id, step_id, status = int(rest[0]), rest[1], rest[2]
            order = ORDER.get(step_id, [status])
            found = statuses.get((case_id, step_id))
            assert found in order[order.index(status) :], f"acknowledged {step_id} {status} on case {case_id}: {found}"
    database = Database(url)
    try:
        report = verify_database(database)  # every record has its audit entry and the chain is whole
    finally:
        database.dispose()
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.slow
def test_kill_minus_nine_loses_no_acknowledged_work(world: World, url: str, tmp_path: Path) -> None:
    world.ctx.close()
    actors = json.dumps(
        {
            role: [a.user_id, a.username, a.display_name, a.role.value, a.team_id, a.district_id]
            for role, a in (("investigator", world.investigator), ("supervisor", world.supervisor))
        }
        | {"procedure_id": world.procedure_id}
    )
    rng = random.Random(9)
    acknowledged: list[list[str]] = []
    for _ in range(CYCLES):
        acknowledged += _crash_once(url, actors, rng)
        _check_after_crash(tmp_path / "app.db", url, acknowledged)
    assert sum(1 for a in acknowledged if a[0] == "step") >= CYCLES, "too little work was done to prove anything"
