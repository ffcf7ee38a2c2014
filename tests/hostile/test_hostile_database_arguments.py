"""Hostile `--db` values and files given as databases: a named pipe (SQLite waited on it forever), a device,
an empty or `-` value (an empty one silently created the default database), a name too long for the file
system, and another program's SQLite file (`init` added our schema beside its tables, and every command
switched it to WAL). Each gets one line, a non-zero exit, and nothing created or changed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url

from checklist_app.store import db as store_db
from tests.cli.cli_support import Run, assert_refused, cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite files")

COMMANDS = [
    ["verify"],
    ["init", "--no-admin"],
    ["demo", "--cases", "1"],
    ["user", "list"],
    ["team", "add", "Team Z", "--district", "SHE"],
    ["backup", "copy.db"],
    ["sop", "list"],
    ["report", "casework", "CSE-SHF-2026-00001", "--out", "case.pdf"],
]


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


@pytest.fixture
def no_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user default database, moved into the test's folder, so a test sees whether it was made."""
    default = tmp_path / "user-data" / "checklist.db"
    monkeypatch.setattr(store_db, "default_database_path", lambda: default)
    monkeypatch.delenv("CHECKLIST_APP_DB", raising=False)
    return default


def _in(folder: Path, *argv: str | Path) -> Run:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return cli(*argv)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_named_pipe_or_device_is_refused_without_waiting(tmp_path: Path, command: list[str]) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    before = sorted(p.name for p in tmp_path.iterdir())
    for location in (pipe, f"sqlite:///{pipe}", os.devnull):
        assert_refused(_in(tmp_path, "--db", location, *command), "is not an ordinary file", code=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(("value", "expected"), [("", "location is empty"), ("  ", "location is empty"), ("-", "'-'")])
def test_an_empty_or_dash_location_creates_nothing(tmp_path: Path, no_default_database: Path, value, expected) -> None:
    for command in COMMANDS:
        assert_refused(_in(tmp_path, f"--db={value}", *command), expected, code=3)
    assert not no_default_database.exists() and not no_default_database.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    long = "x" * 5000 + ".db"
    for command in COMMANDS:
        run = _in(tmp_path, "--db", long, *command)
        assert_refused(run, "cannot be used as a database", code=3)
        assert len(run.err) < 400, run.err  # the name is cut short, not echoed whole
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """Another program's SQLite database (its own tables, rollback journal, some rows)."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("CREATE TABLE users (name TEXT)")  # a name we use too
    conn.executemany("INSERT INTO invoices (amount) VALUES (?)", [(1.5,), (2.5,)])
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_another_programs_sqlite_file_is_refused_and_left_byte_for_byte(foreign: Path, command: list[str]) -> None:
    folder = foreign.parent
    before = _listing(folder)
    run = _in(folder, "--db", foreign, *command)
    assert_refused(run, "is not a checklist database: it holds 2 table(s) of another program", code=3)
    assert "'invoices'" in run.err
    assert _listing(folder) == before  # not switched to WAL, no backup, no -wal or -shm left
