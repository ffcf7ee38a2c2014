"""The models and the migrations describe the same schema: a database migrated to head has every table,
column (with its type), index, unique constraint and foreign key the models declare, and nothing else.
Runs on SQLite, and on PostgreSQL when CHECKLIST_APP_TEST_DB names a server database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from checklist_app.store.db import make_engine
from checklist_app.store.models import AUDITED_MODELS, Base, table_of


def test_a_migrated_database_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_every_table_is_on_the_one_metadata() -> None:
    """Importing the models package maps every model's table on `Base.metadata`, whichever module holds it."""
    assert len(Base.metadata.tables) == 24
    assert all(table_of(model) is Base.metadata.tables[model.__tablename__] for model in AUDITED_MODELS)
