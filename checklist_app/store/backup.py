"""Copying a live SQLite database safely: the backup API, never a file copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checklist_app.store.errors import StoreError


def sqlite_backup(source: Path, target: Path) -> None:
    """Online backup of `source` into a new file `target` (which must not exist). On failure no partial
    copy is left behind."""
    if target.exists():
        raise FileExistsError(str(target))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            # A single self-contained file: the copy should not need a -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        for leftover in (target, Path(f"{target}-journal"), Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        raise StoreError(f"Could not copy {source} to {target}: {exc}. Nothing was written.") from exc
    finally:
        src.close()


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
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"the integrity check could not finish: {exc}"]
    finally:
        conn.close()
