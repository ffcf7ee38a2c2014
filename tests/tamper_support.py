"""Editing the database behind the app's back, as a tamperer with write access to it would: a connection
of its own (the sqlite3 module on a SQLite file, a plain SQLAlchemy connection to a server database),
never the app's sessions. Plain code, no fixtures: imported as `tamper_support` from any test folder."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text


def tamper(world, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """Run one statement (named `:parameters`) on the world's database and commit it."""
    path = world.ctx.db.path
    if path is not None:
        conn = sqlite3.connect(path)
        try:
            conn.execute(sql, params)
            conn.commit()
        finally:
            conn.close()
        return
    engine = create_engine(world.ctx.db.url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()
