"""Hostile command lines for `report casework|compliance`, `backup` and `audit round|sample`: special files as
destinations, unwritable folders, dates at the ends of the calendar, numbers too big for the database, digits
that are not ASCII. Each gets one plain line, a non-zero exit, and leaves no file behind."""

from __future__ import annotations

import io
import os
import stat
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cli_support import assert_refused, cli
from support import open_case
from world_support import PASSWORD

from checklist_app.core.audit_sampling import SamplingError, parse_period
from checklist_app.core.file_targets import not_an_ordinary_file
from checklist_app.reports import generate
from checklist_app.services.compliance_figures import ComplianceFigures, Period
from checklist_app.services.errors import InvalidInput


@pytest.fixture
def force(world, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Two Sheffield cases; `run` calls the CLI on this database with the auditor's password on stdin."""
    reference = open_case(world).reference
    open_case(world, subject_ref="SC-SHE-002")
    db = world.ctx.db.engine.url.render_as_string(hide_password=False)

    def run(*argv: str | Path):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        return cli("--db", db, *argv)

    run.reference = reference  # type: ignore[attr-defined]
    return run


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """An empty folder for the files written (the test database lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _only(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- destinations ------------------------------------------------------------------------------------


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    return pipe


def test_a_report_never_replaces_a_device_or_pipe_even_with_overwrite(force, here: Path) -> None:
    # The first adversary's run replaced /dev/full with a PDF: a rename over a device swaps the device out.
    pipe = _fifo(here)
    for target in (pipe, Path(os.devnull)):
        run = force("report", "casework", force.reference, "--out", target, "--overwrite")
        assert_refused(run, "is not an ordinary file", code=1)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert _only(here) == {"pipe.pdf"}


def test_a_backup_never_replaces_a_device_or_pipe(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    assert cli("--db", db, "init", "--no-admin").code == 0
    pipe = _fifo(tmp_path)
    assert_refused(cli("--db", db, "backup", pipe, "--overwrite"), "is not an ordinary file", code=1)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert_refused(cli("--db", db, "backup", ""), "No file name given", code=1)
    assert_refused(cli("--db", db, "backup", "a\x00b.db"), "NUL character", code=1)


def test_csv_next_to_a_device_is_refused_before_the_pdf_is_written(force, here: Path) -> None:
    pipe = here / "steps.csv"
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    os.mkfifo(pipe)
    out = here / "c.pdf"
    run = force(
        "report",
        "compliance",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--out",
        out,
        "--csv",
        here,
        "--overwrite",
    )
    assert_refused(run, "is not an ordinary file", code=1)
    assert _only(here) == {"steps.csv"}


def test_an_existing_csv_is_refused_before_the_pdf_is_written(force, here: Path) -> None:
    (here / "workload.csv").write_text("mine\n")
    out = here / "c.pdf"
    run = force("report", "compliance", "--from", "2026-01-01", "--to", "2026-03-31", "--out", out, "--csv", here)
    assert_refused(run, "workload.csv already exists", code=1)
    assert _only(here) == {"workload.csv"} and (here / "workload.csv").read_text() == "mine\n"


def test_a_csv_name_taken_by_a_folder_is_refused(force, here: Path) -> None:
    (here / "intelligence.csv").mkdir()
    run = force(
        "report",
        "compliance",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--out",
        here / "c.pdf",
        "--csv",
        here,
        "--overwrite",
    )
    assert_refused(run, "intelligence.csv is a folder", code=1)
    assert _only(here) == {"intelligence.csv"}


def test_the_csv_names_checked_are_the_tables_written(tmp_path: Path) -> None:
    # The names checked before the PDF must be exactly the tables written after it: an existing file of any
    # of them is refused without --overwrite, and nothing is written beside them.
    figures = ComplianceFigures(Period(date(2026, 1, 1), date(2026, 1, 31)), datetime(2026, 2, 1, tzinfo=UTC), (), ())
    written = generate.write_csv(figures, tmp_path)
    assert sorted(p.name for p in written) == sorted(generate.CSV_NAMES) == sorted(_only(tmp_path))
    for name in generate.CSV_NAMES:
        with pytest.raises(InvalidInput, match=f"{name} already exists"):
            generate.check_csv_targets(tmp_path, overwrite=False)
        (tmp_path / name).unlink()  # the next name is the first still there


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("", "--out is empty"),
        ("   ", "--out is empty"),
        ("nodir/x.pdf", "does not exist"),
        ("a\x00b.pdf", "NUL character"),
    ],
)
def test_bad_out_names(force, here: Path, monkeypatch: pytest.MonkeyPatch, out: str, expected: str) -> None:
    monkeypatch.chdir(here)
    assert_refused(force("report", "casework", force.reference, "--out", out), expected, code=1)
    assert _only(here) == set()


def test_a_write_that_fails_half_way_leaves_nothing_and_says_why(
    force, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checklist_app.reports import casework

    def disk_full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(casework, "build", disk_full)
    run = force("report", "casework", force.reference, "--out", here / "r.pdf")
    assert_refused(run, "No space left on device", code=1)
    assert "Nothing was written" in run.err
    assert _only(here) == set()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder(force, here: Path) -> None:
    folder = here / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert_refused(force("report", "casework", force.reference, "--out", folder / "r.pdf"), "cannot be written")
    finally:
        folder.chmod(0o700)


def test_a_folder_that_cannot_hold_files_gets_a_message_not_a_traceback(force, here: Path) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs /proc")
    run = force("report", "casework", force.reference, "--out", "/proc/no-such-report.pdf")
    assert_refused(run, "Could not write /proc/no-such-report.pdf", code=1)


def test_not_an_ordinary_file_accepts_files_folders_and_absent_names(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    assert not_an_ordinary_file(tmp_path / "f") is None
    assert not_an_ordinary_file(tmp_path) is None
    assert not_an_ordinary_file(tmp_path / "absent") is None


# --- dates at the ends of the calendar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("0001-01-01", "0001-01-31", "starts before 1900"),
        ("1899-12-31", "1900-01-31", "starts before 1900"),
        ("9999-12-01", "9999-12-31", "starts in the future"),
        ("2026-03-01", "2026-01-01", "ends"),
    ],
)
def test_compliance_periods_at_the_ends_of_the_calendar(force, here: Path, start, end, expected) -> None:
    run = force("report", "compliance", "--from", start, "--to", end, "--out", here / "c.pdf")
    assert_refused(run, expected, code=1)
    assert _only(here) == set()


@pytest.mark.parametrize("date", ["2026-02-30", "0000-01-01", "2026-13-01", "", "\u0662\u0660\u0662\u0666-01-01x"])
def test_impossible_dates_are_usage_errors(force, here: Path, date: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = force("report", "compliance", "--from", date, "--to", "2026-03-01", "--out", here / "c.pdf")
    err = capsys.readouterr().err  # argparse writes its usage message to the real stderr
    assert run.code == 2 and "is not a date" in err and "Traceback" not in err
    assert _only(here) == set()


@pytest.mark.parametrize(
    "period", ["9999", "9999-12", "9999-Q4", "9999-12-31..9999-12-31", "0001", "1899-Q4", "0001-01-01..2026-01-01"]
)
def test_audit_periods_at_the_ends_of_the_calendar(force, period: str) -> None:
    run = force("audit", "round", "create", "--user", "aud.holly", "--period", period)
    assert_refused(run, "bad period", code=1)


@pytest.mark.parametrize("period", ["9999", "9999-12", "9999-12-31..9999-12-31", "0001-01-01..0001-01-01"])
def test_parse_period_never_overflows(period: str) -> None:
    with pytest.raises(SamplingError, match="between 1900 and 2999"):
        parse_period(period)


# --- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("round", "show", "99999999999999999999999"), "The audit round is too large"),
        (("round", "show", "-99999999999999999999999"), "The audit round is too large"),
        (("sample", "99999999999999999999999", "--seed", "1"), "The audit round is too large"),
        (("round", "create", "--period", "2026", "--size", "\u0663"), "--size must be a whole number"),
        (("round", "create", "--period", "2026", "--seed", "1_000"), "--seed must be a whole number"),
        (("round", "create", "--period", "2026", "--seed", "0x10"), "--seed must be a whole number"),
        (("round", "create", "--period", "2026", "--seed", ""), "--seed must be a whole number"),
        (("round", "create", "--period", "2026", "--seed", "9" * 5000), "--seed is too large"),
        (("round", "show", "1\x00"), "The audit round must be a whole number"),
    ],
)
def test_numbers_that_are_not_or_too_big(force, argv, expected) -> None:
    run = force("audit", *argv, "--user", "aud.holly")
    assert_refused(run, expected, code=1)
    assert len(run.err) < 300  # a 5000-digit seed is not echoed back whole


def test_a_long_word_is_not_echoed_back_whole(force) -> None:
    run = force("audit", "round", "create", "--user", "aud.holly", "--period", "2026", "--seed", "x" * 100_000)
    assert_refused(run, "--seed must be a whole number", code=1)
    assert len(run.err) < 300


def test_a_long_period_is_not_echoed_back_whole(force) -> None:
    run = force("audit", "round", "create", "--user", "aud.holly", "--period", "2026" * 25_000)
    assert_refused(run, "bad period", code=1)
    assert len(run.err) < 300


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "casework", "A" * 100_000, "--out", "x.pdf"),
        ("report", "casework", "REF", "--out", "x.pdf", "--marking", "M" * 100_000),
        (
            "report",
            "compliance",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-01",
            "--district",
            "D" * 100_000,
            "--out",
            "x.pdf",
        ),
    ],
)
def test_a_pasted_page_is_not_echoed_back_whole(force, here: Path, monkeypatch: pytest.MonkeyPatch, argv) -> None:
    monkeypatch.chdir(here)
    run = force(*argv)
    assert_refused(run, "characters)", code=None)
    assert len(run.err) < 400
    assert _only(here) == set()


# --- leftovers of a killed writer -----------------------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    then = path.stat().st_mtime - seconds
    os.utime(path, (then, then))


def test_a_killed_reports_leftover_is_removed_by_the_next_report_of_that_name(force, here: Path) -> None:
    from checklist_app.core.file_targets import STALE_SECONDS

    old = here / ".r.pdf.ab12_XYZ.part"  # what kill -9 during `report --out r.pdf` leaves
    young = here / ".r.pdf.cd34_xyz.part"  # another report of that name, perhaps still being written
    other = here / ".mine.pdf.ab12_XYZ.part"  # not ours to touch
    for leftover in (old, young, other):
        leftover.write_bytes(b"%PDF-1.4 half a report")
    _age(old, STALE_SECONDS + 60)
    _age(other, STALE_SECONDS + 60)
    assert force("report", "casework", force.reference, "--out", here / "r.pdf").code == 0
    assert _only(here) == {"r.pdf", young.name, other.name}


def test_a_killed_backups_leftover_copy_is_removed_by_the_next_backup(tmp_path: Path) -> None:
    from checklist_app.core.file_targets import STALE_SECONDS

    db = tmp_path / "live.db"
    assert cli("--db", db, "init", "--no-admin").code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    copy, journal = folder / ".b.db.Zz9_aaaa.partial", folder / ".b.db.Zz9_aaaa.partial-journal"
    for leftover in (copy, journal):
        leftover.write_bytes(b"SQLite format 3\x00 half a copy")
        _age(leftover, STALE_SECONDS + 60)
    assert cli("--db", db, "backup", folder / "b.db").code == 0
    assert _only(folder) == {"b.db"}
