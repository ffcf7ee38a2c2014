"""Hostile command lines: unsupported engines, malformed URLs with passwords, bytes that are not UTF-8.
Each gets one plain line that names the problem and never echoes a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import assert_refused, cli


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root:hunter2@db/cases", "mysql databases are not supported"),
        ("mssql+pyodbc://sa:hunter2@db/cases", "mssql databases are not supported"),
        ("oracle://scott:hunter2@db/cases", "oracle databases are not supported"),
        ("postgresql+psycopg://user:hunter2@host:notaport/db", "Not a database URL"),
        ("postgresql+nodriver://user:hunter2@host/db", "driver is not installed"),
    ],
)
def test_unsupported_or_malformed_urls_name_the_engines_and_hide_the_password(url: str, expected: str) -> None:
    run = cli("--db", url, "verify")
    assert_refused(run, expected, code=3)
    assert "Supported: SQLite" in run.err and "PostgreSQL" in run.err
    assert "hunter2" not in run.text


def test_password_on_stdin_that_is_not_utf8_gets_a_plain_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "x.db"
    assert cli("--db", db, "init", "--no-admin").code == 0
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "checklist_app",
            "--db",
            str(db),
            "user",
            "add",
            "bad.bytes",
            "--name",
            "B",
            "--role",
            "auditor",
            "--password-stdin",
        ],
        input=b"\xff\xfe\xfa-not-utf8\n",
        capture_output=True,
        timeout=120,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err
    assert "not valid UTF-8" in err and "Traceback" not in err and "unexpected" not in err
