"""Hostile settings file and hostile text at the log-on screen (third pass). The settings file is the user's to
edit: a user name there written as a list ('a, b' in an INI file), with escape codes or as a pasted page was
put into the log-on box as it was ("['a', 'b']"); values of the wrong type, garbage and a folder in the
file's place must leave the app starting with its defaults (a named pipe there made Qt wait for ever). A user
name holding NUL typed at log-on made PostgreSQL fail with a database error; it is now a sentence under the
log-on box."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from world_support import PASSWORD

from checklist_app.ui.login import LoginDialog
from checklist_app.ui.preferences import LOCK_DEFAULT_MINUTES, LOCK_MAX_MINUTES, Preferences

pytestmark = pytest.mark.gui

SETTINGS = {
    "a list": ("[logon]\nlast_username=dc.alder, ds.cedar\n", LOCK_DEFAULT_MINUTES),
    "escape codes": ('[logon]\nlast_username="dc\\x1b[2J.alder\\x202e"\n', LOCK_DEFAULT_MINUTES),
    "a pasted page": ("[logon]\nlast_username=" + "dc.alder" * 20_000 + "\n", LOCK_DEFAULT_MINUTES),
    "lock minutes of 5,000 digits": ("[security]\nlock_minutes=" + "9" * 5000 + "\n", LOCK_DEFAULT_MINUTES),
    "lock minutes too many": ("[security]\nlock_minutes=99999\n", LOCK_MAX_MINUTES),
    "lock minutes of another type": (
        "[security]\nlock_minutes=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x10garbage)\n",
        LOCK_DEFAULT_MINUTES,
    ),
    "binary garbage": ("\x00\xff\xfe garbage [[[ = =\n", LOCK_DEFAULT_MINUTES),
}


def _prefs(path: Path) -> Preferences:
    return Preferences(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.mark.parametrize(("content", "minutes"), SETTINGS.values(), ids=SETTINGS.keys())
def test_a_hostile_settings_file_leaves_the_log_on_box_empty_and_the_defaults(
    qtbot,  # type: ignore[no-untyped-def]
    world,
    runner,
    tmp_path: Path,
    content: str,
    minutes: int,
) -> None:
    path = tmp_path / "settings.ini"
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    prefs = _prefs(path)
    assert prefs.lock_minutes == minutes
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ui.username.text() == ""


def test_a_folder_in_place_of_the_settings_file_leaves_the_defaults(qtbot, world, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "settings.ini"
    folder.mkdir()
    prefs = _prefs(folder)
    assert prefs.lock_minutes == LOCK_DEFAULT_MINUTES and prefs.last_username == ""
    prefs.last_username = "dc.alder"  # cannot be saved; must not fail
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()


def test_a_good_name_is_still_remembered(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.ini"
    path.write_text("[logon]\nlast_username=dc.alder\n", encoding="utf-8")
    assert _prefs(path).last_username == "dc.alder"


def test_a_user_name_holding_nul_is_a_sentence_at_log_on(qtbot, world, runner, prefs, idle) -> None:  # type: ignore[no-untyped-def]
    # (A lone surrogate cannot be typed: Qt drops it on the way into the box.)
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.acknowledge.setChecked(True)
    dialog.ui.username.setText("dc.al\x00der")
    dialog.ui.password.setText(PASSWORD)
    qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
    idle()
    message = dialog.ui.message.text()
    assert dialog.actor is None
    assert "holds a NUL character" in message and "unexpected" not in message.lower(), message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG settings file of Linux")
@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_a_pipe_or_folder_in_place_of_the_settings_file_does_not_stop_the_app(tmp_path: Path, kind: str) -> None:
    # Qt's settings reader waited for ever on a named pipe, before any window: the app never started.
    settings = tmp_path / "config" / "checklist-app" / "checklist-app.conf"
    settings.parent.mkdir(parents=True)
    os.mkfifo(settings) if kind == "pipe" else settings.mkdir()
    code = (
        "from checklist_app.ui.preferences import Preferences\n"
        "p = Preferences(); p.lock_minutes = 5; p.last_username = 'dc.alder'\n"
        "print(p.lock_minutes, p.last_username, p.settings.fileName())\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    minutes, name, used = proc.stdout.split()
    assert (minutes, name) == ("5", "dc.alder") and used != str(settings)
    assert "is not an ordinary file; preferences are not kept after this session" in proc.stderr
