"""Copying a live SQLite database safely: the backup API, never a file copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_backup(source: Path, target: Path) -> None:
    """Online backup of `source` into a new file `target` (which must not exist)."""
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
    finally:
        src.close()


def integrity_problems(path: Path) -> list[str]:
    """SQLite's own checks: `integrity_check` plus `foreign_key_check` (which the former misses)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
        return problems
    finally:
        conn.close()
