"""User preferences kept with QSettings (per user, per machine)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from checklist_app.services.accounts import USERNAME

LOCK_DEFAULT_MINUTES = 15
# The security brief: session lock after no more than 30 minutes of inactivity (CJIS AC-11).
LOCK_MAX_MINUTES = 30
LOCK_MIN_MINUTES = 1


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings("checklist-app", "checklist-app")

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
