"""Creating and upgrading the schema with Alembic, run from code.

A new database goes through the same migration ladder as an old one. Before upgrading a database that
already holds data, SQLite files are backed up beside themselves. A database stamped with a revision
this program does not know was made by a newer version and is refused, not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from checklist_app import paths
from checklist_app.store.db import make_engine, sqlite_path, translate_error
from checklist_app.store.errors import DatabaseNotInitialised, DatabaseTooNew, DatabaseUnreadable, StoreError
from checklist_app.store.redact import mask_url

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Every revision this program knows, oldest first; the last is the schema it works with. Opening a database
# only needs this list, so Alembic itself is imported only when a schema is created or upgraded (it adds
# about half a second to start-up). A test checks the list against the migration scripts.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config() -> tuple[Config, ScriptDirectory]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    with paths.as_path(paths.migrations_dir()) as location:
        config.set_main_option("script_location", str(location))
        return config, ScriptDirectory.from_config(config)


def shipped_revisions() -> tuple[str, ...]:
    """The revisions of the migration scripts actually installed, oldest first."""
    _, script = _config()
    return tuple(reversed([rev.revision for rev in script.walk_revisions(base="base", head="heads")]))


def head_revision() -> str:
    return REVISIONS[-1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        versions = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    if len(versions) > 1:
        shown = ", ".join(repr(str(v))[:40] for v in versions[:5])
        raise StoreError(
            f"The database's schema version table holds {len(versions)} rows ({shown}) where there must be "
            "exactly one: it was changed outside the program. Nothing was changed; restore a checked backup, "
            "or have an administrator inspect the alembic_version table."
        )
    return versions[0] if versions else None


def _known(revision: str) -> bool:
    return revision in REVISIONS


def _script_knows(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several lookup errors for unknown ids
        return False


def check_schema(engine: Engine) -> None:
    """Raise a StoreError unless the database is at exactly this program's schema."""
    try:
        revision = current_revision(engine)
    except DBAPIError as exc:
        raise (translate_error(exc, str(engine.url)) or exc) from exc
    if revision is None:
        _refuse_another_programs_tables(engine)
        raise DatabaseNotInitialised(
            "The database has not been set up. Run `checklist-app init` (or choose Create in the app)."
        )
    if not _known(revision):
        raise DatabaseTooNew(
            f"The database was created by a newer version of this program (schema {revision}). "
            "Use the newer program, or restore a backup made by this version."
        )
    if revision != head_revision():
        raise DatabaseNotInitialised(
            f"The database schema ({revision}) is older than this program's ({head_revision()}). "
            "Run `checklist-app init` to upgrade it; a backup is taken first."
        )


def _has_user_tables(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    return bool(names - {"alembic_version"})


def _refuse_another_programs_tables(engine: Engine) -> None:
    """A database without our schema-version table but with tables in it belongs to another program (or
    is another program's file given by mistake): creating our schema beside its tables would change it."""
    names = sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})
    if names:
        shown = ", ".join(repr(name)[:40] for name in names[:5]) + (", ..." if len(names) > 5 else "")
        raise DatabaseUnreadable(
            f"{_where(engine)} is not a checklist database: it holds {len(names)} table(s) of another program "
            f"({shown}) and no checklist schema. Nothing was changed; give the checklist database, or a new "
            "file name to create one."
        )


def _where(engine: Engine) -> str:
    path = sqlite_path(engine.url)
    return str(path) if path is not None else mask_url(engine.url.render_as_string(hide_password=True))


def upgrade(url: str, then: Callable[[Connection, str | None, str], None] | None = None) -> MigrationResult:
    """Create or upgrade the schema at `url` to this program's head revision. `then(connection, before,
    head)` runs inside the migration's own transaction, after the scripts: work an upgrade needs done
    (derived data recomputed by the new rules) commits with the new schema version or not at all."""
    # A dedicated engine with foreign keys off: batch rebuilds of parent tables would otherwise
    # cascade deletes into child rows (engineering notes, pitfall 11).
    from alembic import command

    engine = make_engine(url, foreign_keys=False)
    try:
        # Upgrading asks the migration scripts themselves (not the REVISIONS list) what exists.
        config, script = _config()
        before = current_revision(engine)
        if before is None:
            _refuse_another_programs_tables(engine)
        if before is not None and not _script_knows(script, before):
            raise DatabaseTooNew(
                f"The database was created by a newer version of this program (schema {before}); it was not changed."
            )
        head = script.get_current_head() or head_revision()
        backup = None
        if before != head and _has_user_tables(engine):
            backup = _backup_before_upgrade(url, before)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            if then is not None:
                then(conn, before, head)
        if engine.dialect.name == "sqlite":
            _require_foreign_keys_hold(engine)
        return MigrationResult(before, head, backup)
    except DBAPIError as exc:
        friendly = translate_error(exc, url)
        raise (friendly or StoreError(f"Could not set up the database: {exc.orig}")) from exc
    finally:
        engine.dispose()


def _require_foreign_keys_hold(engine: Engine) -> None:
    with engine.connect() as conn:
        broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        raise StoreError(f"Upgrade left {len(broken)} rows with broken references; restore the backup.")


def _backup_before_upgrade(url: str, revision: str | None) -> Path | None:
    source = sqlite_path(url)
    if source is None:
        return None  # PostgreSQL: the DBA's own backups apply; we do not dump a server database.
    from checklist_app.store.backup import integrity_problems, safe_backup

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = f"{source.stem}.pre-{revision or 'empty'}-{stamp}"
    target = source.with_name(f"{stem}{source.suffix}.bak")
    # Two upgrades in one second (a retry after a crash) must not collide with, or replace, the first copy.
    for number in range(2, 1000):
        if not target.exists():
            break
        target = source.with_name(f"{stem}-{number}{source.suffix}.bak")
    # Written beside its name and renamed into place once whole and checked: a crash mid-copy must never
    # leave a half copy under a name that reads as the backup taken before upgrading.
    safe_backup(source, target, integrity_problems)
    return target
