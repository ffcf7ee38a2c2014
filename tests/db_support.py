"""Test databases: which server database a test run uses (one per pytest-xdist worker) and how it is
emptied between tests. Plain code, no fixtures: imported as `db_support` from any test folder."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from checklist_app.store.db import make_engine
from checklist_app.store.models import Base

TEST_DB_ENV = "CHECKLIST_APP_TEST_DB"

_worker_urls: dict[str, str] = {}


def server_url() -> str | None:
    """The server database named by CHECKLIST_APP_TEST_DB; under pytest-xdist each worker gets its own
    database beside it (created on first use), because every test empties the tables."""
    url = os.environ.get(TEST_DB_ENV) or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    return _worker_database(url, worker)


def _worker_database(url: str, worker: str) -> str:
    if worker in _worker_urls:
        return _worker_urls[worker]
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    _worker_urls[worker] = base.set(database=name).render_as_string(hide_password=False)
    return _worker_urls[worker]


def reset_server_schema(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_server_database(url: str) -> None:
    """Every table emptied and the audit chain back at its start, as a freshly migrated database."""
    engine = make_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO chain_state (id, seq, head_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
    engine.dispose()
