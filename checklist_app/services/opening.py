"""Opening the database the app was pointed at: where it is, and opening it, upgrading an older or new
one first (SQLite files are backed up before an upgrade). The desktop app's start-up uses this, so the GUI
never handles engines or migrations itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import migrate
from checklist_app.store.db import Database, default_database_path, resolve_url, sqlite_path, witness_for
from checklist_app.store.errors import DatabaseNotInitialised


@dataclass(frozen=True, slots=True)
class Location:
    url: str
    file: Path | None  # the SQLite file, or None for a server database
    is_default: bool  # the built-in default file in the user's data folder

    @property
    def missing(self) -> bool:
        return self.file is not None and not self.file.exists()


def locate(location: str | None) -> Location:
    """Where `location` (a path, a URL, or None for the default) points. Raises StoreError when it
    names something that cannot be a database."""
    url = resolve_url(location)
    path = sqlite_path(url)
    return Location(url=url, file=path, is_default=path is not None and path == default_database_path())


def open_or_upgrade(url: str) -> ServiceContext:
    """A context on the database at `url`, migrated to this version when it is new or older."""
    db = Database(url, witness=witness_for(url))
    try:
        migrate.check_schema(db.engine)
    except DatabaseNotInitialised:
        db.dispose()
        from checklist_app.services import admin  # set-up and upgrade code: a first or upgrading start only

        ctx, _ = admin.initialise(url, system_actor())
        return ctx
    except Exception:
        db.dispose()
        raise
    return ServiceContext(db)
