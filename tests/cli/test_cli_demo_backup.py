"""`checklist-app demo` (same seed, same data) and `checklist-app backup` (online copy, checked, never
silently overwriting). Both work on SQLite files; the PostgreSQL refusal runs when a server is configured."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_support import assert_refused, chain_head, cli
from db_support import server_url
from support import open_case
from world_support import MINIMAL_SOP, FakeClock, build_world

from checklist_app.services import steps
from checklist_app.services.context import ServiceContext
from checklist_app.store import migrate
from checklist_app.store.db import Database

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _projection(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a person would see of the demo force: cases, their steps, and how many of everything."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = {
            "cases": "SELECT c.reference, c.referral_at, c.referral_source, c.subject_ref, c.age_band, c.priority, "
            "c.status, c.closed_at, d.code, t.name, o.username FROM cases c JOIN districts d ON d.id = c.district_id "
            "LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN users o ON o.id = c.officer_id ORDER BY c.reference",
            "steps": "SELECT c.reference, s.step_id, s.status, s.completions, s.completed_at, s.reason, s.evidence "
            "FROM step_records s JOIN cases c ON c.id = s.case_id ORDER BY c.reference, s.step_id",
            "risk": "SELECT case_id, assessed_at, score, calculated_category, final_category FROM risk_assessments "
            "ORDER BY id",
            "users": "SELECT username, role FROM users ORDER BY username",
            "counts": "SELECT (SELECT count(*) FROM intelligence_items), (SELECT count(*) FROM missing_episodes), "
            "(SELECT count(*) FROM decisions), (SELECT count(*) FROM case_events), (SELECT count(*) FROM teams), "
            "(SELECT count(*) FROM audit_log)",
        }
        return {name: conn.execute(sql).fetchall() for name, sql in query.items()}
    finally:
        conn.close()


@pytest.mark.slow
def test_demo_same_seed_gives_the_same_force_and_it_verifies(tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    for db in (one, two):
        run = cli("--db", db, "demo", "--cases", "30", "--seed", "11")
        assert run.code == 0, run
        assert run.out.startswith("demo data: 30 cases ("), run.out
        assert "demo: 30/30 cases written" in run.err
    first, second = _projection(one), _projection(two)
    assert len(first["cases"]) == 30 and len(first["steps"]) > 300
    assert first == second

    for db in (one, two):
        verified = cli("--db", db, "verify")
        assert verified.code == 0, verified
        assert verified.out.startswith("OK ")

    before = chain_head(one)
    assert_refused(cli("--db", one, "demo", "--cases", "5"), "already holds 30 cases", code=3)
    assert chain_head(one) == before


def test_demo_refuses_a_silly_case_count(tmp_path: Path) -> None:
    assert_refused(cli("--db", tmp_path / "x.db", "demo", "--cases", "-1"), "--cases must be between", code=1)
    assert not (tmp_path / "x.db").exists()


# --- backup -----------------------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A SQLite file with a small force, a case and a completed step (whatever CHECKLIST_APP_TEST_DB says)."""
    path = tmp_path / "live.db"
    migrate.upgrade(f"sqlite:///{path}")
    clock = FakeClock()
    ctx = ServiceContext(Database(f"sqlite:///{path}"), clock=clock)
    try:
        world = build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))
        case = open_case(world)
        steps.complete_step(ctx, world.investigator, case.id, "referral.record-details", FLAG)
    finally:
        ctx.close()
    return path


def _journal_mode(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_backup_writes_a_checked_self_contained_copy(live: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    run = cli("--db", live, "backup", dest)
    assert run.code == 0, run
    seq, digest = chain_head(live)
    size = dest.stat().st_size
    assert run.out == (
        f"backup written to {dest} ({size:,} bytes); integrity OK; chain verified: {seq} entries, head {digest}\n"
    )
    assert not Path(f"{dest}-wal").exists() and not Path(f"{dest}-shm").exists()
    assert _journal_mode(dest) == "delete"  # one file that can be carried away on its own
    verified = cli("--db", dest, "verify")
    assert verified.code == 0 and verified.out.endswith(f"head {seq} {digest}\n"), verified


def test_backup_never_overwrites_unless_told(live: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    assert cli("--db", live, "backup", dest).code == 0
    original = dest.read_bytes()
    assert_refused(cli("--db", live, "backup", dest), f"{dest} already exists", code=3)
    assert dest.read_bytes() == original

    clock = FakeClock()
    ctx = ServiceContext(Database(f"sqlite:///{live}"), clock=clock)
    try:  # new work after the first backup, so the overwritten copy must differ
        from checklist_app.services import accounts

        actor = accounts.log_on(ctx, "dc.alder", "correct-horse-42")
        steps.mark_not_applicable(ctx, actor, 1, "investigation.seize-devices", "No devices")
    finally:
        ctx.close()
    run = cli("--db", live, "backup", dest, "--overwrite")
    assert run.code == 0, run
    assert run.out.endswith(f"head {chain_head(live)[1]}\n")
    assert chain_head(dest) == chain_head(live)


@pytest.mark.parametrize(
    ("dest", "expected"),
    [
        ("{tmp}", "is a folder; give a file name for the backup"),
        ("{tmp}/no-such-folder/copy.db", "The folder {tmp}/no-such-folder does not exist"),
        ("{live}", "that is the live database's file live.db"),
    ],
)
def test_backup_refuses_bad_destinations(live: Path, tmp_path: Path, dest: str, expected: str) -> None:
    target = dest.format(tmp=tmp_path, live=live)
    before = live.read_bytes()
    assert_refused(cli("--db", live, "backup", target, "--overwrite"), expected.format(tmp=tmp_path), code=1)
    assert not (tmp_path / "no-such-folder").exists()
    assert cli("--db", live, "verify").code == 0 and live.read_bytes() == before


def test_backup_is_online_and_leaves_out_uncommitted_work(live: Path, tmp_path: Path) -> None:
    """Another program holds a write transaction while the backup runs: the copy is consistent."""
    other = sqlite3.connect(live, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO teams (name, district_id) VALUES ('Uncommitted team', 1)")
        run = cli("--db", live, "backup", tmp_path / "copy.db")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run.code == 0, run
    assert cli("--db", tmp_path / "copy.db", "verify").code == 0


def test_backup_of_a_damaged_database_is_refused_and_leaves_no_file(live: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    data = bytearray(live.read_bytes())
    page = 4096
    data[3 * page : 3 * page + 2000] = b"\xab" * 2000  # scribble over a b-tree page, keep the header
    damaged.write_bytes(bytes(data))
    dest = tmp_path / "copy.db"
    run = cli("--db", damaged, "backup", dest)
    assert_refused(run, "The backup copy failed its checks and was deleted", code=3)
    assert not dest.exists()


@pytest.mark.skipif(
    not (server_url() or "").startswith("postgresql"), reason="needs CHECKLIST_APP_TEST_DB (PostgreSQL)"
)
def test_backup_of_a_postgresql_database_is_refused(db_url: str, tmp_path: Path) -> None:
    dest = tmp_path / "pg.db"
    assert_refused(cli("--db", db_url, "backup", dest), "made with the server's tools (pg_dump)", code=3)
    assert not dest.exists()


def test_verify_reports_progress_on_stderr_only_when_asked(live: Path) -> None:
    quiet = cli("--db", live, "verify")
    assert quiet.code == 0 and quiet.err == "", quiet
    shown = cli("--db", live, "verify", "--progress")
    assert shown.code == 0 and shown.out == quiet.out, shown
    lines = shown.err.splitlines()
    assert lines[0].startswith("verify: database file: 0/")
    assert lines[-1].startswith("verify: ") and lines[-1].endswith("rows (100%)"), lines
