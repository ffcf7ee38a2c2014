"""One line per message: a newline typed into a case reference, a file name or a folder setting was
printed as it was, so "error: There is no case with reference X" could be followed by a forged "OK ..."
line; the witness warning (and any library warning) was printed by Python itself, unescaped."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from support import open_case

from checklist_app.cli.terminal import SafeTerminal, diagnostics_to
from tests.cli.cli_support import assert_refused, cli

FORGED = "\nOK 1 entries, 1 records"


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


def test_an_error_quoting_a_newline_stays_one_line(db: str, tmp_path: Path) -> None:
    run = cli("--db", db, "report", "casework", f"CSE-X{FORGED}", "--out", tmp_path / "r.pdf")
    assert_refused(run, "There is no case with reference CSE-X\\x0aOK 1 ENTRIES", code=3)
    run = cli("--db", db, "user", "disable", f"nobody{FORGED}")
    assert_refused(run, "No user", code=3)
    assert "\nOK" not in run.err


def test_a_file_name_with_a_newline_is_printed_escaped(world, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    out = tmp_path / f"case{FORGED}.pdf"
    run = cli("--db", db, "report", "casework", case.reference, "--out", out)
    assert run.code == 0, run.text
    assert out.is_file()
    lines = run.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(str(tmp_path / "case\\x0aOK 1 entries")), run.out


def test_the_witness_warning_is_one_escaped_line(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CHECKLIST_APP_WITNESS", f"{blocker}/w{FORGED}")
    run = cli("--db", db, "team", "add", "Team W", "--district", "SHE")
    assert run.code == 0, run.text
    assert run.err.startswith("warning: witness file ") and "\\x0aOK 1 entries" in run.err, run.err
    assert len(run.err.splitlines()) == 1


def test_library_warnings_and_log_records_come_as_one_line_each() -> None:
    buffer = io.StringIO()
    err = SafeTerminal(buffer)
    with diagnostics_to(err):  # type: ignore[arg-type]
        warnings.warn("first\nsecond", UserWarning, stacklevel=1)
        logging.getLogger("checklist_app.test").warning("a\nb %s", "c\nd")
    assert buffer.getvalue() == "warning: first\\x0asecond\nwarning: a\\x0ab c\\x0ad\n"
    assert not any(
        isinstance(h, logging.Handler) and h.__class__.__name__ == "_LineHandler" for h in logging.getLogger().handlers
    )


def test_a_name_the_terminal_cannot_encode_is_written_escaped(world, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """PYTHONIOENCODING=ascii, a C locale without UTF-8, a Windows code page: printing 'Équipe' or '…'
    was an 'unexpected failure (UnicodeEncodeError)' after the work was done."""
    assert cli("--db", db, "team", "add", "Équipe Ω …", "--district", "SHE").code == 0
    env = {k: v for k, v in os.environ.items() if k != "CHECKLIST_APP_DB"}
    for encoding in ("ascii", "cp1252", "latin-1"):
        proc = subprocess.run(
            [sys.executable, "-m", "checklist_app", "--db", db, "team", "list"],
            capture_output=True,
            env={**env, "PYTHONIOENCODING": encoding},
            cwd=tmp_path,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
        listed = proc.stdout.decode(encoding)
        assert "\\u03a9" in listed and ("Équipe" in listed or "\\xc9quipe" in listed), listed
