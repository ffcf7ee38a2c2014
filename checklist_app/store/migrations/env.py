"""Alembic environment. Migrations run from code (`checklist_app.store.migrate`), never from an ini file,
so they work from a wheel and a frozen build alike. The caller passes an open connection."""

from __future__ import annotations

from alembic import context

from checklist_app.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through checklist_app.store.migrate, which supplies a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite can barely ALTER; batch mode rebuilds tables instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
