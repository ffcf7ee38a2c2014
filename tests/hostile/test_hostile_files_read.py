"""Hostile files the app reads (third pass): the witness file damaged or forged, and procedure files whose
text would read differently from what it holds. A witness line numbered with '²²' (str.isdigit says digit,
int() refuses it) or with 5,000 digits stopped `verify`, `verify --recent` and the desktop app's start-up
check with 'unexpected failure (ValueError ...)'; a line of gigabytes was read whole. Each is now a located
problem ('line N of FILE cannot be read'), the rest of the file is still held. A named pipe in the witness's
place hung every write after its COMMIT (opening a pipe to write waits for a reader), and in the log's place
the report of an unexpected failure: both are now refused at once as not ordinary files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from db_support import server_url
from support import witnessed_copy

from checklist_app.services import crash_log
from checklist_app.store import witness as witness_module
from checklist_app.store.db import witness_for
from tests.cli.cli_support import cli, cli_process

pytestmark = pytest.mark.skipif(bool(server_url()), reason="the witness of a SQLite file copy")

HASH = "ab" * 32
FORGED = {
    "superscript digits": f"²² {HASH} 2026-03-02T09:00:00Z\n",
    "arabic-indic digits": f"٣ {HASH} 2026-03-02T09:00:00Z\n",
    "5,000 digits": f"{'9' * 5000} {HASH} 2026-03-02T09:00:00Z\n",
    "beyond 64 bits": f"{'9' * 25} {HASH} 2026-03-02T09:00:00Z\n",
    "verified with superscripts": "# verified ²³ 2026-03-02T09:00:00Z\n",
    "a line of two megabytes": "7" * 2_000_000 + "\n",
    "binary": "\x00\x01\ufffd\u202e\x1b[2J garbage\n",
}


@pytest.fixture
def witnessed(world) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    ctx = witnessed_copy(world)
    path, witness = ctx.db.path, witness_for(ctx.db.url)
    ctx.close()
    assert path is not None
    assert witness is not None and witness.is_file()
    return path, witness


@pytest.mark.parametrize("line", FORGED.values(), ids=FORGED.keys())
def test_a_forged_witness_line_is_a_located_problem_in_both_checks(witnessed: tuple[Path, Path], line: str) -> None:
    db, witness = witnessed
    lines = witness.read_text(encoding="utf-8").count("\n")
    with witness.open("a", encoding="utf-8") as handle:
        handle.write(line)
    for argv in (["verify", "--recent"], ["verify"]):
        run = cli("--db", db, *argv)
        assert run.code == 1, run.text
        assert f"line {lines + 1} of {witness} cannot be read" in run.out, run.text
        assert "unexpected" not in run.text and "Traceback" not in run.text
        assert "\x1b" not in run.text and "\u202e" not in run.text
        assert "witness anchor(s)" in run.out and "0 witness anchor(s)" not in run.out  # the good lines still held


def test_a_witness_of_garbage_lists_a_hundred_lines_and_counts_the_rest(witnessed: tuple[Path, Path]) -> None:
    db, witness = witnessed
    with witness.open("a", encoding="utf-8") as handle:
        handle.write("not an anchor\n" * 50_000)
    run = cli("--db", db, "verify")
    assert run.code == 1 and "49,900 more lines of" in run.out, run.text
    assert run.out.count("cannot be read") == witness_module.MAX_LISTED + 1


def test_a_witness_that_cannot_be_opened_is_said_in_words(
    witnessed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop the root account the tests may run as, so the refusal is made here.
    def refuse(path: Path, contents: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    db, witness = witnessed
    monkeypatch.setattr(witness_module, "_read_into", refuse)
    run = cli("--db", db, "verify", "--recent")
    assert run.code == 1 and f"{witness} cannot be read: Permission denied" in run.out, run.text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "title: Record the report and flag it as CSE",
            "title: Record the report and flag it as \u202eESC",
            r"hostile.yaml:\d+: .*title: the text contains a bidirectional override \(U\+202E\)",
        ),
        (
            "Create the crime or incident record",
            "Create the crime or \u2066incident\u2069 record",
            r"hostile.yaml:\d+: .*guidance: the text contains a bidirectional override \(U\+2066\)",
        ),
        (
            "title: Confirm the child is safe now",
            "title: Confirm the child is\u200b safe now",
            r"hostile.yaml:\d+: .*title: the text contains an invisible character \(U\+200B\)",
        ),
    ],
    ids=["override in a title", "isolate in guidance", "zero-width space in a title"],
)
def test_a_procedure_reading_differently_from_what_it_holds_is_refused(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = (Path(__file__).resolve().parent.parent / "fixtures" / "sop" / "minimal.yaml").read_text("utf-8")
    assert text.count(old) == 1
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    run = cli("sop", "validate", path)
    assert run.code == 1, run.text
    assert re.search(expected, run.text), run.text
    assert "\u202e" not in run.text and "\u2066" not in run.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_in_place_of_the_witness_neither_hangs_a_write_nor_passes_unnoticed(
    witnessed: tuple[Path, Path], tmp_path: Path
) -> None:
    # Opening a pipe for writing waits for a reader: every write transaction hung after its COMMIT.
    db, witness = witnessed
    witness.unlink()
    os.mkfifo(witness)
    run = cli_process("--db", db, "team", "add", "Team Q", "--district", "SHE", cwd=tmp_path, timeout=60)
    assert run.code == 0 and "created team Team Q" in run.out, run.text
    assert "could not be written: not an ordinary file" in run.err, run.text
    for argv in (["verify", "--recent"], ["verify"]):
        run = cli("--db", db, *argv)
        assert run.code == 1 and f"{witness} cannot be read: not an ordinary file" in run.out, run.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_or_folder_in_place_of_the_log_does_not_hang_the_report_of_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = tmp_path / "checklist-app.log"
    os.mkfifo(pipe)
    monkeypatch.setattr(crash_log, "log_path", lambda: pipe)
    assert crash_log.log_unexpected(RuntimeError("boom")) is None
    pipe.unlink()
    pipe.mkdir()
    assert crash_log.log_unexpected(RuntimeError("boom")) is None
