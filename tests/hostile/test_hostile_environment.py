"""A hostile process environment: standard streams that are full or closed, user folders that cannot be
used, database URLs carrying a password where the masking did not look. The real `checklist-app` runs as
a separate program, so what reaches the terminal (and the exit status) is what a user would see."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from db_support import server_url

from tests.cli.cli_support import Run, cli

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and /dev/full"),
    pytest.mark.skipif(bool(server_url()), reason="the command line on a SQLite file"),
]

FULL = "/dev/full"
LOST = "standard output cannot be written (No space left on device); the command stopped there"


def _run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None, stdout=None, stderr=None) -> Run:  # type: ignore[no-untyped-def]
    environment = {k: v for k, v in os.environ.items() if k != "CHECKLIST_APP_DB"}
    environment.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "checklist_app", *map(str, argv)],
        stdin=subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )
    return Run(proc.returncode, proc.stdout or "", proc.stderr or "")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "force.db"
    assert cli("--db", path, "init", "--no-admin").code == 0
    return path


@pytest.fixture
def full() -> object:
    if not os.path.exists(FULL):
        pytest.skip("no /dev/full")
    with open(FULL, "w") as handle:
        yield handle


def _clean(run: Run) -> None:
    assert "Traceback" not in run.text and "unexpected failure" not in run.text, run.text


def test_results_that_cannot_be_written_are_said_in_words_not_a_traceback(database: Path, full) -> None:  # type: ignore[no-untyped-def]
    """`> /dev/full` (a full disk, an I/O error): 'unexpected failure (OSError...)' before, or, for a
    write, a failure reported after the change was saved, which a user would retry."""
    for argv in (["user", "list"], ["verify"]):
        run = _run("--db", database, *argv, cwd=database.parent, stdout=full)
        _clean(run)
        assert run.code == 3 and run.err == f"error: {LOST}. Anything it had finished before then is saved.\n", run
    added = _run(
        "--db", database, "user", "add", "aud.full", "--name", "Auditor", "--role", "auditor",
        "--password", "Correct-Horse-9-battery", cwd=database.parent, stdout=full,
    )  # fmt: skip
    _clean(added)
    assert added.code == 3 and LOST in added.err, added
    listed = _run("--db", database, "user", "list", cwd=database.parent)
    assert "aud.full" in listed.out  # saved before the result was printed, as the message says


def test_progress_that_cannot_be_written_does_not_stop_the_work(database: Path, full, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Progress and warnings on a standard error that fails: verify stopped at its first progress line
    with an exit status of 1 and nothing said anywhere."""
    run = _run("--db", database, "verify", "--progress", cwd=tmp_path, stderr=full)
    assert run.code == 0 and run.out.startswith("OK "), run
    copy = tmp_path / "copy.db"
    run = _run("--db", database, "backup", copy, cwd=tmp_path, stderr=full)
    assert run.code == 0 and run.out.startswith("backup written"), run
    failed = _run("--db", tmp_path / "none.db", "verify", cwd=tmp_path, stderr=full)
    assert failed.code == 3 and failed.out == ""  # the failure's words are lost, its exit status is not


def test_closed_standard_streams_are_given_the_null_device(database: Path, tmp_path: Path) -> None:
    """Started with `>&- 2>&-`, the next file opened would take descriptor 1 or 2, and anything written to
    'standard error' (a library, a spawned worker) would land inside it."""
    probe = (
        "import os, sys\n"
        "from checklist_app.cli.main import main\n"
        f"code = main(['--db', {str(database)!r}, 'backup', {str(tmp_path / 'closed.db')!r}])\n"
        "targets = ' '.join(os.readlink(f'/proc/self/fd/{n}') for n in (1, 2))\n"
        f"open({str(tmp_path / 'fds.txt')!r}, 'w').write(f'{{code}} {{targets}}')\n"
    )
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -c "$1" >&- 2>&-', sys.executable, probe], cwd=tmp_path, timeout=120, check=False
    )
    assert done.returncode == 0
    code, *targets = (tmp_path / "fds.txt").read_text().split()
    assert code == "0" and targets == [os.devnull, os.devnull], targets
    assert cli("--db", tmp_path / "closed.db", "verify").out.startswith("OK ")


def test_a_default_data_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    """$XDG_DATA_HOME naming a file (or a home folder that cannot be written): the default database's
    folder cannot be created. It was 'unexpected failure (NotADirectoryError...)'."""
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file, not a folder\n")
    env = {"XDG_DATA_HOME": str(not_a_folder), "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    for argv in (["verify"], ["init", "--no-admin"], ["user", "list"]):
        run = _run(*argv, cwd=tmp_path, env=env)
        _clean(run)
        assert run.code == 3, run
        assert run.err.startswith(f"error: The default database folder {not_a_folder}/checklist-app cannot be used:")
        assert "Not a directory" in run.err and len(run.err.splitlines()) == 1, run.err
    assert not_a_folder.read_text() == "a file, not a folder\n"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://checklist@127.0.0.1:1/force?password=Sekr3t-Pass",  # refused
        "postgresql+psycopg://checklist@127.0.0.1:1/force?sslpassword=Sekr3t-Pass&bogus=1",  # unknown option
        "postgresql+psycopg://checklist:Sekr3t-Pass@127.0.0.1:1/force?Password=Sekr3t-Pass",
        "mysql://h/db?password=Sekr3t-Pass",
    ],
)
def test_a_password_given_in_a_database_url_is_never_shown(tmp_path: Path, url: str) -> None:
    """libpq takes the password as a URL option too (`?password=`): it was printed in clear, and an
    unknown option was 'unexpected failure (ProgrammingError...)'."""
    state = tmp_path / "state"
    run = _run("verify", cwd=tmp_path, env={"CHECKLIST_APP_DB": url, "XDG_STATE_HOME": str(state)})
    _clean(run)
    assert run.code == 3 and len(run.err.splitlines()) == 1, run
    assert "Sekr3t" not in run.text and "***" in run.err, run.err
    logged = "".join(p.read_text() for p in state.rglob("*.log")) if state.exists() else ""
    assert "Sekr3t" not in logged


@pytest.mark.parametrize("name", ["TERM", "HUP"])
def test_a_stop_signal_during_a_backup_unwinds_and_leaves_no_copy(database: Path, tmp_path: Path, name: str) -> None:
    """SIGTERM (`kill`, a service manager) or SIGHUP (the terminal closed) just before the checked copy is
    renamed into place: it used to end the process there, leaving a hidden unfinished copy; now it unwinds
    as Ctrl-C does, removes the copy and says so in one line."""
    folder = tmp_path / "backups"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("kill_point.py")), "replace:1", "--db", str(database),
         "backup", str(folder / "force-backup.db")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env={**os.environ, "KILL_POINT_SIGNAL": name},
    )  # fmt: skip
    assert done.returncode == 128 + getattr(signal, f"SIG{name}"), done
    assert (
        done.stderr
        == f"stopped (SIG{name}) before finishing: nothing was half-saved (a change in progress was undone)\n"
    )
    assert list(folder.iterdir()) == []
    assert cli("--db", database, "verify").code == 0
