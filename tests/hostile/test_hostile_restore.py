"""Restoring a hostile "backup" (the app's start-up screen offers it when the database cannot be opened):
/dev/zero was copied until the disk filled, a named pipe or a folder gave an unexpected error, a file that
failed to copy or check left a `.restoring` copy, and a live database whose latest changes sit in its
-wal file was restored without them."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url

from checklist_app.services import admin
from checklist_app.services.context import system_actor
from checklist_app.store.errors import StoreError

pytestmark = pytest.mark.skipif(bool(server_url()) or os.name != "posix", reason="SQLite files, POSIX specials")


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    path.write_bytes(b"damaged beyond reading")  # why the start-up screen offered a restore
    return path


def _untouched(live: Path) -> None:
    assert live.read_bytes() == b"damaged beyond reading"
    assert sorted(p.name for p in live.parent.iterdir() if p.name.startswith("live")) == ["live.db"]


def test_a_device_a_pipe_a_folder_or_nothing_is_refused_at_once(live: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "backup.pipe"
    os.mkfifo(pipe)
    for chosen, words in (
        (Path("/dev/zero"), r"is not an ordinary file \(a device, pipe or socket\)"),
        (pipe, "is not an ordinary file"),
        (tmp_path, "is a folder; choose the backup file"),
        (tmp_path / "gone.db", "There is no backup at"),
    ):
        with pytest.raises(StoreError, match=words):
            admin.restore_backup(chosen, str(live))
        _untouched(live)


def test_a_live_database_with_changes_in_its_wal_is_not_taken_for_a_backup(live: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    ctx, _ = admin.initialise(str(other), system_actor())
    holder = sqlite3.connect(other)  # keeps the -wal in place, as a running app would
    try:
        holder.execute("PRAGMA wal_autocheckpoint=0")
        holder.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
        assert Path(f"{other}-wal").stat().st_size > 0
        with pytest.raises(StoreError, match=r"is a database in use .* not a backup"):
            admin.restore_backup(other, str(live))
    finally:
        holder.close()
        ctx.close()
    _untouched(live)


def test_a_copy_that_fails_or_a_check_that_raises_leaves_nothing(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.db"
    ctx, _ = admin.initialise(str(good), system_actor())
    backup = tmp_path / "backup.db"
    admin.backup(ctx, system_actor(), backup)
    ctx.close()

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(admin.shutil, "copyfile", full)
    with pytest.raises(StoreError, match=r"Could not copy .*: No space left on device\. Nothing was restored"):
        admin.restore_backup(backup, str(live))
    _untouched(live)
    monkeypatch.undo()

    def broken(_path: Path) -> None:
        raise RuntimeError("checker failed")

    monkeypatch.setattr(admin, "check_copy", broken)
    with pytest.raises(RuntimeError):
        admin.restore_backup(backup, str(live))
    _untouched(live)


def test_a_database_another_program_has_open_is_not_replaced_under_it(tmp_path: Path) -> None:
    """The start-up screen offers a restore when this copy cannot open the database, e.g. because a newer
    version upgraded it and still has it open. The restore moved the file aside under that program, which
    went on writing into the copy kept as `.damaged`: its users' work silently left the database."""
    import subprocess
    import sys

    good = tmp_path / "good.db"
    ctx, _ = admin.initialise(str(good), system_actor())
    backup = tmp_path / "backup.db"
    admin.backup(ctx, system_actor(), backup)
    ctx.close()
    live = tmp_path / "live.db"
    ctx, _ = admin.initialise(str(live), system_actor())
    ctx.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"conn = sqlite3.connect({str(live)!r})\n"
            "conn.execute('SELECT count(*) FROM audit_log').fetchone()\n"
            "print('open', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        before = live.read_bytes()
        with pytest.raises(StoreError, match=r"is open in another program .* Nothing was restored"):
            admin.restore_backup(backup, str(live))
        assert live.read_bytes() == before
        assert not [p.name for p in tmp_path.iterdir() if "damaged" in p.name or "restoring" in p.name]
    finally:
        holder.communicate("", timeout=60)
    assert admin.restore_backup(backup, str(live)) == live  # closed there: the restore goes ahead
