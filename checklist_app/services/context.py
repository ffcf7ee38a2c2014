"""What every use case needs: the database, a clock, the working calendar and loaded procedures."""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.roles import Role
from checklist_app.services import guards  # noqa: F401  (installs the rules every write obeys)
from checklist_app.services.errors import ClockWrong
from checklist_app.store import migrate
from checklist_app.store.audit import Who
from checklist_app.store.db import Database, resolve_url, sqlite_path, witness_for
from checklist_app.store.errors import DatabaseMissing, UnreadableValue
from checklist_app.store.models import ProcedureVersion

if TYPE_CHECKING:  # the model loads with the parser, when the first case is opened
    from checklist_app.core.procedure.model import Procedure

# A clock outside these is wrong, not early or late: the bounds procedure dates are held to (1900-2200),
# narrowed to years this program can have been running in, with room for ten-year deadlines before 2200.
CLOCK_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_LATEST = datetime(2190, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    clock: Callable[[], datetime] = utcnow
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar.default)
    _procedures: dict[int, Procedure] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, location: str | None = None, *, check: bool = True, read_only: bool = False) -> ServiceContext:
        """Open the database at `location` (path or URL; default per-user file). With `check`, refuse a
        database that is missing its schema or comes from another program version. With `read_only` a
        SQLite file is never written to (a backup on read-only media)."""
        url = resolve_url(location)
        path = sqlite_path(url)
        if check and path is not None and not path.exists():
            # Connecting would create an empty file; a command that reads a database must not do that.
            raise DatabaseMissing(
                f"There is no database at {path}. Check the path, or create one with `checklist-app init`."
            )
        db = Database(url, read_only=read_only, witness=None if read_only else witness_for(url))
        if check:
            try:
                migrate.check_schema(db.engine)
            except Exception:
                db.dispose()
                raise
        return cls(db)

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the service clock must return aware UTC datetimes")
        moment = moment.astimezone(UTC)
        if not CLOCK_EARLIEST <= moment < CLOCK_LATEST:
            raise ClockWrong(
                f"The computer's clock says {moment:%d/%m/%Y %H:%M} UTC, which cannot be the time now (this program "
                f"works between {CLOCK_EARLIEST.year} and {CLOCK_LATEST.year - 1}). Nothing was saved: set the "
                "computer's date and time, then try again."
            )
        return moment

    def procedure(self, session: Session, version_id: int) -> Procedure:
        """The published procedure a case is pinned to, parsed once per process (versions are immutable)."""
        with self._lock:
            cached = self._procedures.get(version_id)
        if cached is not None:
            return cached
        row = session.get(ProcedureVersion, version_id)
        if row is None:  # the foreign key holds it in the app; another tool can switch the check off
            raise UnreadableValue(
                f"procedure version {version_id} is not in the database",
                where="cases.procedure_version_id",
                value=version_id,
            )
        # The parser (YAML and the procedure checks) loads with the first case opened, not at start-up.
        from checklist_app.core.procedure.loader import load_procedure_text
        from checklist_app.core.procedure.sop_error import SopValidationError

        label = f"{row.procedure_id} v{row.version}"
        try:
            procedure = load_procedure_text(row.source_text, label)
        except SopValidationError as exc:  # published text is fixed: it validated when it was stored
            first = exc.problems[0] if exc.problems else "no text"
            raise UnreadableValue(
                f"the stored procedure {label} no longer reads as a procedure ({first})",
                where="procedure_versions.source_text",
                value=row.source_text,
            ) from None
        with self._lock:
            self._procedures[version_id] = procedure
        return procedure

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> ServiceContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def who(actor: Actor) -> Who:
    return Who(actor.user_id or None, actor.username)


def system_actor() -> Actor:
    """The operating-system user running the command line: whoever can reach the database file or
    server credentials administers it anyway, so CLI commands act with the administrator role."""
    try:
        name = getpass.getuser()
    except Exception:  # getuser raises several types when no name can be found
        name = "unknown"
    return Actor(0, f"system:{name}"[:64], f"System ({name})", Role.ADMINISTRATOR, None, None)
