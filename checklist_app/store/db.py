"""Engine settings, database location and transactions.

SQLite follows the security brief: WAL, synchronous FULL, foreign keys, busy timeout, secure delete,
trusted_schema off, set on every connection before any transaction. The pysqlite driver's own
transaction handling is switched off (isolation_level=None) and we emit BEGIN ourselves, so DDL and
savepoints are transactional and writers take the lock up front with BEGIN IMMEDIATE.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from checklist_app.store.errors import (
    BadDatabaseLocation,
    ConnectionLost,
    DatabaseBusy,
    DatabaseMissing,
    DatabaseUnreadable,
    StoreError,
    UnreadableValue,
)
from checklist_app.store.files import create_private_file
from checklist_app.store.redact import mask_url
from checklist_app.store.types import locate_rows
from checklist_app.store.unstorable import refusing_unstorable_text
from checklist_app.store.witness import append_head, witness_path

ENV_VAR = "CHECKLIST_APP_DB"
APP_NAME = "checklist-app"
BUSY_TIMEOUT_MS = 5000

SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
    ("secure_delete", "ON"),
    ("trusted_schema", "OFF"),
    ("temp_store", "MEMORY"),
)


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "checklist.db"


SUPPORTED = "Supported: SQLite (a file path, or sqlite:///PATH) and PostgreSQL (postgresql+psycopg://USER@HOST/NAME)."
_NETWORK_PATH = re.compile(r"^(\\\\|//)[^\\/]+[\\/]")


def resolve_url(location: str | None = None) -> str:
    """`--db` value, else $CHECKLIST_APP_DB, else the per-user default file. A plain path means SQLite."""
    if location is not None and not location.strip():
        raise BadDatabaseLocation("The database location is empty: give a database file or URL.")
    if location == "-":
        raise BadDatabaseLocation("'-' (standard input) cannot be a database: give a database file or URL.")
    value = location or os.environ.get(ENV_VAR) or ""
    if not value:
        path = default_database_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # $XDG_DATA_HOME naming a file, a read-only or missing home folder
            raise BadDatabaseLocation(
                f"The default database folder {path.parent} cannot be used: {_reason(exc)}. "
                f"Give the database with --db or ${ENV_VAR}, or check the home folder and $XDG_DATA_HOME."
            ) from None
        return sqlite_url(path)
    if "://" in value:
        shown = mask_url(value)
        try:
            backend = make_url(value).get_backend_name()
        except Exception:  # the URL parser raises several types; its message may quote the password
            raise BadDatabaseLocation(f"Not a database URL: {shown}. {SUPPORTED}") from None
        if backend not in ("sqlite", "postgresql"):
            raise BadDatabaseLocation(f"{backend} databases are not supported ({shown}). {SUPPORTED}")
        try:
            make_url(value).get_dialect()  # also loads the driver: a missing one is named here
        except Exception as exc:
            raise BadDatabaseLocation(
                f"Cannot use {shown}: its database driver is not installed ({type(exc).__name__}). {SUPPORTED}"
            ) from None
        if backend == "sqlite":
            _refuse_sqlite_url_options(value, shown)
        named = sqlite_path(value)
        if named is not None:
            _require_database_file(named)
        return value
    if _NETWORK_PATH.match(value):
        raise BadDatabaseLocation(
            f"{value} is on a network share. SQLite is not safe over network file systems; "
            "use PostgreSQL for a database shared between workstations."
        )
    try:
        path = Path(value).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # a name too long, a loop of symbolic links
        raise BadDatabaseLocation(f"{value} cannot be used as a database: {_reason(exc)}.") from None
    _require_database_file(path)
    return sqlite_url(path)


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of a SQLite file. '%', '?' and '#' are escaped: the URL parser would read a
    name like `force?mode=ro.db` as the file `force` with options, and `p%41.db` as `pA.db`."""
    quoted = str(path).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return f"sqlite:///{quoted}"


def _refuse_sqlite_url_options(value: str, shown: str) -> None:
    """Options after '?' change how SQLite opens the file (`mode=ro`, `uri=true`, `immutable=1`) or were
    silently ignored and made part of a new file's name; a database in memory is gone when the program
    ends. Neither is a database to keep casework in."""
    parsed = make_url(value)
    if parsed.query:
        raise BadDatabaseLocation(
            f"{shown}: a SQLite URL takes no options after '?'. Give the file as sqlite:///PATH or as a plain "
            "path (write %3F for a '?' that is part of the file name)."
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BadDatabaseLocation(
            f"{shown} is a database in memory, lost when the program ends: give the database file to use."
        )


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__


def _require_database_file(path: Path) -> None:
    """An existing SQLite path must be an ordinary file: SQLite would wait forever on a named pipe, and
    report a device or folder as an empty database it cannot set up."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:  # a name too long, no permission on a folder, a NUL character
        raise BadDatabaseLocation(f"{path} cannot be used as a database: {_reason(exc)}.") from None
    if stat.S_ISDIR(mode):
        raise BadDatabaseLocation(f"{path} is a folder; give the name of the database file.")
    if not stat.S_ISREG(mode):
        raise BadDatabaseLocation(
            f"{path} is not an ordinary file (it is a device, pipe or socket); give the name of the database file."
        )


def witness_for(url: str) -> Path | None:
    """The witness file of the database at `url` (per file path or server URL), or None when off."""
    path = sqlite_path(url)
    return witness_path(str(path.resolve()) if path is not None else mask_url(url))


def sqlite_path(url: str | URL) -> Path | None:
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _apply_sqlite_pragmas(
    dbapi_connection: sqlite3.Connection, foreign_keys: bool = True, read_only: bool = False
) -> None:
    # Pragmas must run outside any transaction: foreign_keys is silently ignored inside one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            if name == "foreign_keys" and not foreign_keys:
                value = "OFF"
            if name == "journal_mode" and (read_only or _another_programs(cursor)):
                # Switching to WAL is written into the file: a backup (one file, DELETE journal) or another
                # program's database (refused as such once open) must stay exactly as it was.
                continue
            cursor.execute(f"PRAGMA {name}={value}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _another_programs(cursor: sqlite3.Cursor) -> bool:
    """Tables but no schema-version table: not a checklist database (an empty file is a new one)."""
    names = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    names = {name for name in names if not str(name).startswith("sqlite_")}
    return bool(names) and "alembic_version" not in names


def read_only_uri(path: Path) -> str:
    """SQLite URI opening `path` without ever writing to it or beside it. On read-only media (a folder
    we cannot write to) SQLite cannot create the -shm file a WAL reader needs, so the file is opened as
    immutable: nothing can be changing it there."""
    mode = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
    return f"{path.absolute().as_uri()}?{mode}"


def _wal_files(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _wal_files_present(path: Path) -> bool:
    return any(os.path.lexists(name) for name in _wal_files(path))


def remove_reader_files(path: Path) -> None:
    """Remove the -wal and -shm files a read-only connection left beside `path` (which had none before it
    opened), so `verify` leaves the folder as it found it. Deleting them by hand could pull them from under
    another program that opened the database meanwhile; instead one ordinary connection reads the schema
    and closes, and SQLite removes them itself only if no other connection has the database open. Only an
    empty -wal is tidied: there is then nothing to checkpoint, so the database file is not written."""
    wal, _shm = _wal_files(path)
    try:
        if not wal.is_file() or wal.stat().st_size:
            return
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except (OSError, ValueError, sqlite3.Error):
        return  # best effort: the files are harmless, and SQLite removes them at the next ordinary close


def make_engine(url: str, *, foreign_keys: bool = True, echo: bool = False, read_only: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: a failed statement's error text must never carry case content or hashes.
        return refusing_unstorable_text(create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True))
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
    path = sqlite_path(parsed)
    if path is None:
        kwargs["poolclass"] = StaticPool
    elif read_only:
        uri = read_only_uri(path)
        timeout = BUSY_TIMEOUT_MS / 1000
        kwargs["creator"] = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)
    elif not path.exists() and path.parent.is_dir():
        # Created owner-only before SQLite creates it with the umask's mode; its -wal and -shm follow.
        create_private_file(path)
    engine = create_engine(url, echo=echo, hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        _apply_sqlite_pragmas(dbapi_connection, foreign_keys=foreign_keys, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return refusing_unstorable_text(engine)


def translate_error(exc: BaseException, url: str) -> StoreError | None:
    """Turn a driver error into one a user can act on, or None if it is not one of those."""
    if not isinstance(exc, DBAPIError):
        return None
    message = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    where = sqlite_path(url) or mask_url(make_url(url).render_as_string(hide_password=True))
    if "database is locked" in message or "database table is locked" in message or "busy" in message:
        return DatabaseBusy()
    if "file is not a database" in message or "malformed" in message:
        return DatabaseUnreadable(
            f"{where} is not a readable checklist database (damaged, encrypted or another kind of file)."
        )
    if "database or disk is full" in message or "no space left on device" in message:
        return DatabaseMissing(
            f"{where}: the disk is full (or the database has reached its size limit). "
            "Nothing was saved; free some space and try again."
        )
    if "readonly database" in message or "read-only transaction" in message:
        return DatabaseMissing(
            f"{where} is read-only (the file, its folder or the disk cannot be written to). Nothing was saved."
        )
    if "disk i/o error" in message or "could not write to file" in message:
        return DatabaseMissing(
            f"{where}: the disk reported a read or write error. Nothing was saved; check the disk "
            "(or the network share) and run `checklist-app verify`."
        )
    if "unable to open database file" in message:
        return DatabaseMissing(f"{where} cannot be opened: the folder is missing or not writable.")
    reason = _without_secrets(" ".join(str(exc.orig if exc.orig is not None else exc).split()), url)
    if any(words in message for words in _CONNECTION_LOST):
        return ConnectionLost(str(where), reason)
    connecting = isinstance(exc, OperationalError | ProgrammingError) and exc.statement is None
    if connecting or (isinstance(exc, OperationalError) and "connection" in message):
        # No statement: the connection itself failed (refused, bad password, an unknown URL option; the
        # driver calls the last one a programming error). A failed COMMIT has no statement either, but is
        # neither of these kinds unless the connection went (above).
        return DatabaseMissing(f"Cannot connect to {where}: {reason}")
    return None


# A server connection that went away mid-transaction: the transaction is rolled back by the server.
_CONNECTION_LOST = (
    "terminating connection",
    "server closed the connection",
    "connection is lost",
    "connection already closed",
    "the connection is closed",
    "consuming input failed",
    "ssl connection has been closed",
)


def _without_secrets(text_: str, url: str) -> str:
    """A driver's message with the URL's password (after the user name or as a query option) masked."""
    try:
        parsed = make_url(url)
    except Exception:  # resolve_url has already refused URLs that do not parse
        return text_
    secrets = [parsed.password] + [
        value for key, value in parsed.query.items() if "password" in key.lower() and isinstance(value, str)
    ]
    for secret in secrets:
        if secret:
            text_ = text_.replace(str(secret), "***")
    return text_


# Read-only, repeatable read: one snapshot for the whole transaction, and nothing can be written in it.
_PG_SNAPSHOT: dict[str, Any] = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


class Database:
    """An open database: engine, dialect facts and the two kinds of transaction the services use."""

    def __init__(self, url: str, *, echo: bool = False, read_only: bool = False, witness: Path | None = None) -> None:
        """With `read_only` a SQLite file is opened so that nothing is ever written to it or beside it
        (verifying a backup on read-only media); writes then fail. With `witness`, the chain head is
        appended to that file after every write transaction that moved it (see store/witness.py)."""
        self.url = url
        self.read_only = read_only
        self.witness = witness
        self._witnessed_seq: int | None = None
        self.engine = make_engine(url, echo=echo, read_only=read_only)
        # A reader of a WAL file creates its -wal and -shm but, unable to write, never removes them.
        self._tidy = self.path if read_only and self.path is not None and not _wal_files_present(self.path) else None
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._snapshot_engine = self.engine if self.is_sqlite else self.engine.execution_options(**_PG_SNAPSHOT)
        self._snapshot_sessions = sessionmaker(self._snapshot_engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def describe(self) -> str:
        return str(self.path) if self.path else mask_url(make_url(self.url).render_as_string(hide_password=True))

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction. Writers are serialised: SQLite by BEGIN IMMEDIATE, PostgreSQL by
        locking the chain head row first, which also keeps the audit chain single and ordered."""
        try:
            with self._translated():
                session = self._locked_write_session()
                with session:
                    try:
                        yield session
                        head = self._chain_head(session) if self.witness is not None else None
                        self._commit(session)
                    except BaseException:
                        session.rollback()
                        raise
                if head is not None and head[0] != self._witnessed_seq and self.witness is not None:
                    append_head(self.witness, head[0], head[1])
                    self._witnessed_seq = head[0]
        except Exception as exc:
            self._name_bad_rows(exc)
            self._after_rollback(exc)
            raise

    @contextmanager
    def bulk_write(self) -> Iterator[Connection]:
        """A plain connection in a write transaction that holds the write lock before it reads anything, as
        `write` does: for the bulk writer (demo data), which reads the chain head and the next ids and then
        writes after them. Begun as an ordinary (deferred) transaction, another writer could commit in between:
        SQLite then refused the write, and on PostgreSQL two writers numbered the same audit entries."""
        with self._translated(), self._writer.begin() as conn:  # BEGIN IMMEDIATE on SQLite
            if not self.is_sqlite:
                conn.execute(text("SELECT seq FROM chain_state WHERE id = 1 FOR UPDATE"))
            yield conn

    def _commit(self, session: Session) -> None:
        try:
            session.commit()
        except DBAPIError as exc:
            lost = translate_error(exc, self.url)
            if isinstance(lost, ConnectionLost):
                # The COMMIT may have reached the server before the connection went: say so, not "not saved".
                raise ConnectionLost(self.describe(), lost.reason, while_committing=True) from exc
            raise

    def _chain_head(self, session: Session) -> tuple[int, str] | None:
        session.flush()
        row = session.execute(text("SELECT seq, head_hash FROM chain_state WHERE id = 1")).first()
        return (int(row[0]), str(row[1])) if row is not None and row[0] else None

    def _locked_write_session(self) -> Session:
        """A session in a transaction that already holds the write lock. The lock is taken before any
        work so that a busy database (another writer past the busy timeout) can be retried once here,
        with nothing done yet, before the user is told."""
        for attempt in (1, 2):
            session = self._write_sessions()
            try:
                session.begin()
                session.connection()  # BEGIN IMMEDIATE on SQLite
                if not self.is_sqlite:
                    session.execute(text("SELECT seq FROM chain_state WHERE id = 1 FOR UPDATE"))
                return session
            except DBAPIError as exc:
                session.close()
                if attempt == 1 and isinstance(translate_error(exc, self.url), DatabaseBusy):
                    continue
                raise
        raise AssertionError("unreachable")  # the loop returns or raises

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A connection whose reads all see one state of the database, whatever others commit meanwhile: for
        checks that compare what several statements read (verify). SQLite's read transaction is such a
        snapshot already; PostgreSQL's default (read committed) gives each statement the latest commits, so
        a write landing between two of verify's statements looked like tampering (a chain head past the
        last entry walked, a record newer than its audit entry)."""
        with self._snapshot_engine.connect() as conn:  # driver errors reach the caller as they are
            yield conn

    @contextmanager
    def read(self, *, snapshot: bool = False) -> Iterator[Session]:
        """A read transaction; with `snapshot`, all its statements see one state (see `snapshot`)."""
        sessions = self._snapshot_sessions if snapshot else self._read_sessions
        try:
            with self._translated(), sessions() as session, session.begin():
                yield session
        except Exception as exc:
            self._name_bad_rows(exc)
            self._after_rollback(exc)
            raise

    def _name_bad_rows(self, exc: BaseException) -> None:
        if isinstance(exc, UnreadableValue):
            locate_rows(self.engine, exc)

    def _after_rollback(self, exc: BaseException) -> None:
        """A refusal that must itself be recorded (e.g. an audited access refusal) carries the write as
        `after_rollback(session)`: it runs in a transaction of its own once the refused one is undone."""
        follow_up = getattr(exc, "after_rollback", None)
        if follow_up is None:
            return
        del exc.after_rollback  # type: ignore[attr-defined]  # once, even if transactions are nested
        with self.write() as session:
            follow_up(session)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            friendly = translate_error(exc, self.url)
            if friendly is None:
                raise
            raise friendly from exc

    def dispose(self) -> None:
        self.engine.dispose()
        if self._tidy is not None:
            remove_reader_files(self._tidy)
