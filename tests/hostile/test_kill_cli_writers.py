"""kill -9 of the real command-line writers, at fixed points (security brief, section 9).

Each scenario runs `checklist-app ...` in a child process (kill_point.py) that kills itself with SIGKILL
just before its N-th SQL statement, or just before it renames a finished file into place. N is spread over
the statements a full run executes (counted first), so every run crashes at the same places: inside the
first transaction, between COMMITs, inside the pre-upgrade copy, inside the backup's checks. After each
crash the database must open with SQLite's checks clean, `verify` must pass (after `init` where the crash
left a schema not yet created or upgraded, which `verify` names as such), and every file left in the folder
must be either whole (a backup that verifies, a PDF that reads) or an obviously unfinished hidden
`.NAME.XXXXXXXX.partial`/`.part` copy: never a half-written file under a name that looks finished.
"""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from db_support import server_url

from tests.cli.cli_support import cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL"),
    pytest.mark.skipif(bool(server_url()), reason="kills writers of a SQLite file"),
]

KILL_POINT = Path(__file__).with_name("kill_point.py")
FIXTURE = Path(__file__).parents[1] / "fixtures" / "upgrade" / "v0.1.0-demo.db"
COMPANION = re.compile(r"-(wal|shm|journal)$")
UNFINISHED = re.compile(r"^\.[^/]+\.[A-Za-z0-9_]{8}\.(partial|part)$")


def _run(spec: str, *argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(KILL_POINT), spec, *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def _count(argv: tuple[str | Path, ...], cwd: Path) -> tuple[int, int]:
    counts = cwd / "counts.txt"
    done = _run(f"count:{counts}", *argv, cwd=cwd)
    assert done.returncode == 0, done.stderr
    sql, replaces = counts.read_text(encoding="utf-8").split()
    counts.unlink()
    return int(sql), int(replaces)


def _points(total: int) -> list[int]:
    """Kill points spread over a run: the first statements, evenly between, and the last ones."""
    return sorted({1, total // 3, 2 * total // 3, total - 1, total} - {0})


def _killed(spec: str, *argv: str | Path, cwd: Path) -> None:
    done = _run(spec, *argv, cwd=cwd)
    assert done.returncode == -signal.SIGKILL, f"{spec}: not killed ({done.returncode}): {done.stderr[-2000:]}"


def _sqlite_checks(path: Path) -> None:
    conn = sqlite3.connect(path)  # opens as the app does: a hot journal or the -wal is recovered
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], path
    finally:
        conn.close()


def _verifies(path: Path) -> str:
    """`verify` passes, after `init` if the crash left the schema missing or older (verify says which)."""
    _sqlite_checks(path)
    run = cli("--db", path, "verify")
    if run.code != 0:
        assert "has not been set up" in run.err or "is older than this program's" in run.err, run.text
        assert "Traceback" not in run.text and "unexpected" not in run.text, run.text
        init = cli("--db", path, "init", "--no-admin")
        assert init.code == 0, init.text
        run = cli("--db", path, "verify")
    assert run.code == 0 and run.out.startswith("OK "), run.text
    return run.out


def _revision_and_cases(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision, conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


def _leftovers(folder: Path, known: set[str]) -> list[Path]:
    """Files in `folder` the command may have made: each must be whole or plainly unfinished."""
    found = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name in known or (COMPANION.search(name) and COMPANION.sub("", name) in known):
            continue
        if UNFINISHED.match(COMPANION.sub("", name)):
            continue  # a hidden copy the next write of that name removes (README: "Files written")
        found.append(entry)
    return found


def test_kill_minus_nine_during_init_of_a_new_database(tmp_path: Path) -> None:
    argv = ("--db", "app.db", "init", "--admin-user", "admin.one", "--admin-password", "Tr1cky-Passphrase-42")
    probe = tmp_path / "probe"
    probe.mkdir()
    total, _ = _count(argv, probe)
    for point in _points(total):
        here = tmp_path / f"sql{point}"
        here.mkdir()
        _killed(f"sql:{point}", *argv, cwd=here)
        db = here / "app.db"
        if db.exists():
            _verifies(db)
        assert _leftovers(here, {"app.db"}) == []


def test_kill_minus_nine_during_an_upgrade_leaves_the_old_schema_and_only_whole_backups(tmp_path: Path) -> None:
    before = _revision_and_cases(FIXTURE)
    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copyfile(FIXTURE, probe / "force.db")
    argv = ("--db", "force.db", "init", "--no-admin")
    total, _ = _count(argv, probe)
    # Right after each of the first COMMITs too: the upgrade once committed the new schema, then rebuilt
    # the case list's figures in a second transaction; killed in between, verify failed for good.
    specs = [f"sql:{n}" for n in _points(total)] + ["after-commit:1", "after-commit:2"]
    for spec in specs:
        here = tmp_path / spec.replace(":", "")
        here.mkdir()
        shutil.copyfile(FIXTURE, here / "force.db")
        _killed(spec, *argv, cwd=here)
        revision, cases = _revision_and_cases(here / "force.db")
        assert cases == before[1]
        assert revision in (before[0], _revision_and_cases(probe / "force.db")[0])  # all or nothing
        for extra in _leftovers(here, {"force.db"}):
            # The only other file a name may carry is the copy taken before upgrading, and it must be whole.
            assert re.fullmatch(r"force\.pre-\d{4}-\d{8}T\d{6}Z(-\d+)?\.db\.bak", extra.name), extra.name
            _sqlite_checks(extra)
            assert _revision_and_cases(extra) == before, extra.name
        _verifies(here / "force.db")


def test_kill_minus_nine_during_demo_generation(tmp_path: Path) -> None:
    argv = ("--db", "demo.db", "demo", "--cases", "2", "--seed", "5")
    probe = tmp_path / "probe"
    probe.mkdir()
    total, _ = _count(argv, probe)
    for point in (1, total // 4, total // 2, total - 1):
        here = tmp_path / f"sql{point}"
        here.mkdir()
        _killed(f"sql:{point}", *argv, cwd=here)
        if (here / "demo.db").exists():
            _verifies(here / "demo.db")
        assert _leftovers(here, {"demo.db"}) == []


@pytest.fixture
def small_force(tmp_path: Path) -> Path:
    """A database with two demo cases, made in this process (argon2 at test cost)."""
    db = tmp_path / "live.db"
    run = cli("--db", db, "demo", "--cases", "2", "--seed", "5")
    assert run.code == 0, run.text
    return db


def test_kill_minus_nine_during_a_backup_never_leaves_a_backup_that_is_not_whole(
    small_force: Path, tmp_path: Path
) -> None:
    folder = small_force.parent
    argv = ("--db", small_force.name, "backup", "copy.db", "--overwrite")
    total, replaces = _count(argv, folder)
    assert replaces == 1
    known = {small_force.name, "copy.db"}
    (folder / "copy.db").unlink()
    for spec in [f"sql:{n}" for n in _points(total)] + ["replace:1"]:
        _killed(spec, *argv, cwd=folder)
        _verifies(small_force)
        copy = folder / "copy.db"
        if copy.exists():  # a whole, checked copy, or none at all
            assert cli("--db", copy, "verify").code == 0, spec
            copy.unlink()
        assert _leftovers(folder, known | {"witness"}) == [], spec
    # The next backup of that name works, and clears nothing younger than it should.
    assert cli("--db", small_force, "backup", folder / "copy.db").code == 0


def test_kill_minus_nine_during_a_report_never_leaves_half_a_pdf(small_force: Path) -> None:
    folder = small_force.parent
    conn = sqlite3.connect(small_force)
    try:
        reference = conn.execute("SELECT reference FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    argv = ("--db", small_force.name, "report", "casework", reference, "--out", "case.pdf", "--overwrite")
    total, replaces = _count(argv, folder)
    assert replaces == 1
    pdf = folder / "case.pdf"
    pdf.unlink()
    from pypdf import PdfReader

    for spec in [f"sql:{n}" for n in _points(total)] + ["replace:1"]:
        _killed(spec, *argv, cwd=folder)
        _verifies(small_force)  # the disclosure's audit entry is whole or absent
        if pdf.exists():
            assert len(PdfReader(pdf).pages) > 0, spec
            pdf.unlink()
        assert _leftovers(folder, {small_force.name, "case.pdf"}) == [], spec
