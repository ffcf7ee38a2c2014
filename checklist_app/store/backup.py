"""Copying a live SQLite database safely: the backup API, never a file copy.

A backup never deletes or overwrites anything before the new copy is complete and checked: it is written to
a temporary file beside the destination and moved into place atomically. A destination that is the live
database or one of its companion files (-wal, -shm, -journal), by any name (symbolic link, hard link or a
different letter case), is refused: overwriting the live -wal loses acknowledged writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from checklist_app.core.file_targets import remove_stale_temporaries
from checklist_app.store.errors import StoreError
from checklist_app.store.files import OWNER_ONLY, create_private_file, fsync_folder

COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def companions(path: Path) -> tuple[Path, ...]:
    """The database file and the files SQLite keeps beside it."""
    return (path, *(Path(f"{path}{suffix}") for suffix in COMPANION_SUFFIXES))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # symbolic links and hard links (same device and inode)
    except OSError:
        return False


def clash_with_database(target: Path, database: Path) -> Path | None:
    """The live file (the database or a companion) that `target` names, or None. Compares resolved paths,
    inodes, and names that differ only in letter case in the same folder (case-insensitive file systems)."""
    resolved = target.resolve()
    for live in companions(database):
        if resolved == live.resolve() or _same_file(target, live):
            return live
        same_folder = resolved.parent == live.resolve().parent or _same_file(resolved.parent, live.parent)
        if same_folder and resolved.name.casefold() == live.name.casefold():
            return live
    return None


def sqlite_backup(source: Path, target: Path) -> None:
    """Online backup of `source` into a new file `target` (which must not exist). The file is created
    owner-only. On failure no partial copy is left behind."""
    if target.exists():
        raise FileExistsError(str(target))
    create_private_file(target)
    src = sqlite3.connect(f"{Path(source).absolute().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            # A single self-contained file: the copy should not need a -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        remove_copy(target)
        raise StoreError(f"Could not copy {source} to {target}: {exc}. Nothing was written.") from exc
    finally:
        src.close()


def open_elsewhere(database: Path) -> bool:
    """Whether another process has the SQLite database at `database` open. In WAL mode every connection
    holds a shared lock on one byte of the -shm file for as long as it is open (SQLite's "DMS" lock, byte
    128 on Unix): if an exclusive lock on that byte cannot be had, someone holds it. POSIX only; False when
    it cannot be told (no -shm file, no fcntl, a file that cannot be opened for writing). This process must
    hold no connection to the database itself: closing this probe's descriptor would drop that one's locks."""
    try:
        import fcntl
    except ImportError:  # Windows
        return False
    shm = Path(f"{database}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


_SHM_DMS_BYTE = 128  # os_unix.c: UNIX_SHM_DMS = (22 + SQLITE_SHM_NLOCK) * 4 + SQLITE_SHM_NLOCK


def remove_copy(path: Path) -> None:
    """Delete a copy this program made (never the live database) and its companion files."""
    for leftover in companions(path):
        leftover.unlink(missing_ok=True)


def safe_backup(source: Path, target: Path, check: Callable[[Path], list[str]]) -> None:
    """Copy `source` to a temporary file beside `target`, run `check` on it (problems -> refused, copy
    deleted), make it one self-contained file, then atomically replace `target`. Until the final rename the
    existing `target`, if any, is untouched."""
    remove_stale_temporaries(target, ".partial")
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    staging = Path(name)
    staging.unlink()  # sqlite_backup creates it afresh, owner-only
    try:
        sqlite_backup(source, staging)
        problems = check(staging)
        if problems:
            raise StoreError("The backup copy failed its checks and was deleted: " + "; ".join(problems[:5]))
        single_file(staging)
        with open(staging, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(staging, OWNER_ONLY)
        os.replace(staging, target)
        fsync_folder(target.parent)
    finally:
        with contextlib.suppress(OSError):
            remove_copy(staging)


def single_file(path: Path) -> None:
    """Checkpoint a closed database and switch it to rollback-journal mode, leaving no -wal or -shm file."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def integrity_problems(path: Path) -> list[str]:
    """SQLite's own checks: `integrity_check` plus `foreign_key_check` (which the former misses). A file
    so damaged that the checks cannot finish is reported as a problem, not raised."""
    conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"the integrity check could not finish: {exc}"]
    finally:
        conn.close()
