"""User preferences kept with QSettings (per user, per machine)."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from checklist_app.services.validation import USERNAME

LOCK_DEFAULT_MINUTES = 15
# The security brief: session lock after no more than 30 minutes of inactivity (CJIS AC-11).
LOCK_MAX_MINUTES = 30
LOCK_MIN_MINUTES = 1


log = logging.getLogger(__name__)


def _user_settings() -> QSettings:
    """The user's settings; when a pipe, device or folder stands in the settings file's place, settings kept
    in a private file for this session only (Qt waited for ever reading a pipe: the app never started)."""
    path = _settings_file()
    if path is None or not path.exists() or path.is_file():
        return QSettings("checklist-app", "checklist-app")
    log.warning("settings file %s is not an ordinary file; preferences are not kept after this session", path)
    folder = Path(tempfile.mkdtemp(prefix="checklist-app-settings-"))
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def _settings_file() -> Path | None:
    """Where Qt keeps the native settings file (None on Windows, where they are in the registry)."""
    if sys.platform == "win32":
        return None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / "com.checklist-app.checklist-app.plist"
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(config) / "checklist-app" / "checklist-app.conf"


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or _user_settings()

    @property
    def lock_minutes(self) -> int:
        value = self.settings.value("security/lock_minutes", LOCK_DEFAULT_MINUTES)
        try:
            minutes = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            minutes = LOCK_DEFAULT_MINUTES
        return max(LOCK_MIN_MINUTES, min(LOCK_MAX_MINUTES, minutes))

    @lock_minutes.setter
    def lock_minutes(self, minutes: int) -> None:
        self.settings.setValue("security/lock_minutes", max(LOCK_MIN_MINUTES, min(LOCK_MAX_MINUTES, int(minutes))))

    @property
    def last_username(self) -> str:
        """The name last signed in with, if the settings file still holds one (it is the user's to edit: a
        list, escape codes or a pasted page there were put into the log-on box as they were)."""
        value = self.settings.value("logon/last_username", "")
        return value if isinstance(value, str) and USERNAME.fullmatch(value) else ""

    @last_username.setter
    def last_username(self, name: str) -> None:
        self.settings.setValue("logon/last_username", name)

    def geometry(self, key: str) -> QByteArray | None:
        value = self.settings.value(f"geometry/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self.settings.setValue(f"geometry/{key}", value)

    def value(self, key: str, default: object = None) -> object:
        return self.settings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self.settings.setValue(key, value)
