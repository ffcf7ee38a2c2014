"""Every way `--db` can be wrong gives one plain line and a non-zero exit, never a traceback, and never
changes (or creates) the file it was pointed at."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import assert_refused, cli, cli_process

from checklist_app.services import organisation
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import migrate
from checklist_app.store.errors import DatabaseTooNew

NOT_READABLE = "is not a readable checklist database (damaged, encrypted or another kind of file)"
NEWER = "was created by a newer version of this program (schema 9999_future)"


def _initialised(path: Path) -> Path:
    migrate.upgrade(f"sqlite:///{path}")
    ctx = ServiceContext.open(str(path))
    try:
        organisation.ensure_districts(ctx, system_actor())
    finally:
        ctx.close()
    return path


def _newer(tmp_path: Path) -> Path:
    path = _initialised(tmp_path / "newer.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    return path


def _garbage(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.db"
    path.write_bytes(random.Random(4).randbytes(20_000))
    return path


def _truncated(tmp_path: Path) -> Path:
    path = _initialised(tmp_path / "truncated.db")
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)
    return path


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Shopping list: milk, eggs\n" * 100, encoding="utf-8")
    return path


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


LOCATIONS: dict[str, tuple[Callable[[Path], Path | str], str]] = {
    "missing file": (lambda t: t / "missing.db", "There is no database at"),
    "missing folder": (lambda t: t / "no-such-folder" / "x.db", "There is no database at"),
    "folder": (lambda t: t, "is a folder; give the name of the database file"),
    "garbage": (_garbage, NOT_READABLE),
    "text file": (_text_file, NOT_READABLE),
    "truncated": (_truncated, NOT_READABLE),
    "newer schema": (_newer, NEWER),
    "empty file": (lambda t: (t / "empty.db").write_bytes(b"") or t / "empty.db", "has not been set up"),
    "UNC path": (lambda t: r"\\server\share\cases.db", "is on a network share"),
    "SMB path": (lambda t: "//server/share/cases.db", "is on a network share"),
    "unknown URL scheme": (lambda t: "notadialect://host/db", "notadialect databases are not supported"),
    "unparsable URL": (lambda t: "://", "Not a database URL"),
    "no server": (lambda t: "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none", "Cannot connect to"),
}


# Every command that reads a database opens it the same way (ServiceContext.open); `backup` also must not
# leave a file behind.
@pytest.mark.parametrize("command", [["verify"], ["backup", "copy.db"]])
@pytest.mark.parametrize("kind", list(LOCATIONS))
def test_bad_database_location_gives_one_line_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    make, expected = LOCATIONS[kind]
    location = make(tmp_path)
    existed = isinstance(location, Path) and location.exists()
    before = _digest(Path(location)) if isinstance(location, Path) else None
    run = cli("--db", location, *command)
    assert_refused(run, expected, code=3)
    assert "s3cret" not in run.text
    if isinstance(location, Path):
        if kind != "empty file":  # an empty file is an empty SQLite database; opening it writes the WAL header
            assert _digest(location) == before, "the file was changed"
        assert location.exists() == existed, "a command that reads a database created one"
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("kind", ["garbage", "text file", "newer schema", "folder", "UNC path", "unknown URL scheme"])
def test_init_refuses_what_it_cannot_use_without_changing_it(tmp_path: Path, kind: str) -> None:
    make, expected = LOCATIONS[kind]
    location = make(tmp_path)
    before = _digest(Path(location)) if isinstance(location, Path) else None
    run = cli("--db", location, "init", "--admin-user", "admin.one", "--admin-password", "correct-horse-42")
    assert_refused(run, expected.replace(" (schema 9999_future)", ""), code=3)
    if isinstance(location, Path):
        assert _digest(location) == before
    assert not list(tmp_path.glob("*.bak")), "a refused database must not be backed up either"


def test_init_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    run = cli("--db", tmp_path / "no-such-folder" / "x.db", "init")
    assert_refused(run, "cannot be opened: the folder is missing or not writable", code=3)
    assert not (tmp_path / "no-such-folder").exists()


def test_newer_schema_is_refused_by_the_service_layer_too(tmp_path: Path) -> None:
    path = _newer(tmp_path)
    before = _digest(path)
    with pytest.raises(DatabaseTooNew, match="newer version"):
        ServiceContext.open(str(path))
    with pytest.raises(DatabaseTooNew, match="it was not changed"):
        migrate.upgrade(f"sqlite:///{path}")
    assert _digest(path) == before


def test_verify_of_a_damaged_file_reports_failure_not_a_crash(tmp_path: Path) -> None:
    path = _initialised(tmp_path / "damaged.db")
    data = bytearray(path.read_bytes())
    data[3 * 4096 : 3 * 4096 + 2000] = b"\xab" * 2000  # a scribbled b-tree page, header intact
    path.write_bytes(bytes(data))
    run = cli("--db", path, "verify")
    assert run.code == 1, run
    assert "Traceback" not in run.text and "unexpected failure" not in run.text
    assert "(database)" in run.out and "malformed" in run.out
    assert run.out.splitlines()[-1].startswith("FAILED: ")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission(tmp_path: Path) -> None:
    path = _initialised(tmp_path / "locked-away.db")
    path.chmod(0)
    try:
        run = cli("--db", path, "verify")
    finally:
        path.chmod(0o600)
    assert run.code == 3 and "Traceback" not in run.text and len(run.err.splitlines()) == 1


# --- as a separate program: what really reaches the terminal ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("garbage", ["verify"]),
        ("newer schema", ["init"]),
        ("no server", ["user", "list"]),
    ],
)
def test_no_traceback_reaches_the_terminal(tmp_path: Path, kind: str, command: list[str]) -> None:
    make, expected = LOCATIONS[kind]
    run = cli_process("--db", make(tmp_path), *command, cwd=tmp_path)
    assert_refused(run, expected.replace(" (schema 9999_future)", ""), code=3)
    assert run.out == "" or "Traceback" not in run.out
