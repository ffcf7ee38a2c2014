"""A disk that fills up, a database that cannot be written and a disk that fails: SQLite's "database or disk
is full", "attempt to write a readonly database" and "disk I/O error" (and PostgreSQL's "No space left on
device" and read-only transactions) reached the user as "unexpected failure (OperationalError...)". Each is
now said in words, with nothing saved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from checklist_app.store import db as store_db
from checklist_app.store.errors import StoreError
from tests.cli.cli_support import assert_refused, chain_head, cli


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    if not world.ctx.db.is_sqlite:
        pytest.skip("SQLite's own limits simulate the full and read-only disk")
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


def _pages(url: str) -> int:
    path = store_db.sqlite_path(url)
    assert path is not None
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def _with_pragma(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setattr(store_db, "SQLITE_PRAGMAS", (*store_db.SQLITE_PRAGMAS, (name, value)))


SHIPPED = Path(__file__).resolve().parents[2] / "sop" / "cse-sop-v1.1.yaml"
FULL = "the disk is full (or the database has reached its size limit). Nothing was saved"
READ_ONLY = "is read-only (the file, its folder or the disk cannot be written to). Nothing was saved"


def test_a_write_on_a_full_disk_is_refused_in_words(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = chain_head(db)
    _with_pragma(monkeypatch, "max_page_count", str(_pages(db)))  # a procedure's text needs new pages
    assert_refused(cli("--db", db, "sop", "publish", SHIPPED), FULL, code=3)
    monkeypatch.undo()
    assert chain_head(db) == before
    assert cli("--db", db, "verify").code == 0


def test_a_write_on_a_read_only_database_is_refused_in_words(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = chain_head(db)
    _with_pragma(monkeypatch, "query_only", "ON")
    for argv in (
        ["team", "add", "Team Full", "--district", "SHE"],
        ["user", "add", "full.user", "--name", "F", "--role", "auditor", "--password", "Quite-Long-Pass-77"],
        ["user", "list"],  # an audited read writes too
        ["sop", "publish", SHIPPED],
    ):
        assert_refused(cli("--db", db, *argv), READ_ONLY, code=3)
    monkeypatch.undo()
    assert chain_head(db) == before


@pytest.mark.parametrize(
    ("driver_message", "words"),
    [
        ('could not extend file "base/1/2": No space left on device', "the disk is full"),
        ("cannot execute INSERT in a read-only transaction", "is read-only"),
        ("disk I/O error", "the disk reported a read or write error"),
        ('could not write to file "pg_wal/xlogtemp.1": Input/output error', "the disk reported a read or write"),
    ],
)
def test_each_driver_message_is_translated(driver_message: str, words: str) -> None:
    for url in ("sqlite:////data/force.db", "postgresql+psycopg://app:secret@db.example/force"):
        friendly = store_db.translate_error(OperationalError("INSERT", {}, Exception(driver_message)), url)
        assert isinstance(friendly, StoreError) and words in str(friendly), friendly
        assert "secret" not in str(friendly)
