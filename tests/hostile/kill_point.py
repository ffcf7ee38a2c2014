"""Child process of the kill -9 tests: runs `checklist-app ARGV` and kills itself with SIGKILL at a chosen
point, so each crash lands at the same place on every run (no timing, no randomness).

    python kill_point.py SPEC ARGV...

SPEC is `sql:N` (just before the N-th SQL statement any SQLite connection of the process runs: BEGIN,
each INSERT, COMMIT, the backup's and the checks' pragmas), `after-commit:N` (just before the statement
that follows the N-th COMMIT, i.e. between two transactions), `replace:N` (just before the N-th rename of a
finished file into place) or `count:PATH` (run to the end and write the number of statements and renames
to PATH as `SQL REPLACES`). With `--script FILE ARGS...` instead of a command line it runs that Python file
(the desktop app's service calls, gui_writes.py).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys

counts = {"sql": 0, "replace": 0, "after-commit": 0}


# KILL_POINT_SIGNAL=TERM (or HUP) sends that signal instead: a polite stop, which the program may unwind.
SIGNAL = getattr(signal, "SIG" + os.environ.get("KILL_POINT_SIGNAL", "KILL"))


def _die() -> None:
    os.kill(os.getpid(), SIGNAL)


def main() -> int:
    spec, argv = sys.argv[1], sys.argv[2:]
    kind, _, value = spec.partition(":")
    target = int(value) if kind in counts else -1

    def tick(what: str) -> None:
        counts[what] += 1
        if what == kind and counts[what] == target:
            _die()

    def statement(text: str) -> None:
        if kind == "after-commit" and counts["after-commit"] == target:
            _die()
        tick("sql")
        if text.strip().upper().startswith("COMMIT"):
            counts["after-commit"] += 1

    real_connect = sqlite3.connect

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statement)
        return conn

    # SQLAlchemy's pysqlite dialect calls sqlite3.dbapi2.connect; the backup code calls sqlite3.connect.
    sqlite3.connect = connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = connect  # type: ignore[attr-defined]

    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        tick("replace")
        return real_replace(src, dst, *args, **kwargs)

    os.replace = replace  # type: ignore[assignment]

    if argv[:1] == ["--script"]:  # a driver of the service calls the desktop app makes (gui_writes.py)
        import runpy

        sys.argv = argv[1:]
        try:
            runpy.run_path(argv[1], run_name="__main__")
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    else:
        from checklist_app.cli.main import main as cli_main

        code = cli_main(argv)
    if kind == "count":
        with open(value, "w", encoding="utf-8") as handle:
            handle.write(f"{counts['sql']} {counts['replace']}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
