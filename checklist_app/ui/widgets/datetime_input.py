"""Date-time inputs in UK local time, whatever the machine's own time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, QObject, QTime, QTimeZone
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit

from checklist_app.core.calendar import LOCAL_TZ

_WALL_CLOCK = QTimeZone(QTimeZone.Initialization.UTC)  # a QDateTime used as a plain UK wall-clock value
DISPLAY_FORMAT = "ddd dd/MM/yyyy HH:mm"


def to_qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone(LOCAL_TZ)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), _WALL_CLOCK)


def from_qdatetime(value: QDateTime) -> datetime:
    naive = value.toPython().replace(second=0, microsecond=0, tzinfo=None)
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


class DateTimeInput(QObject):
    """A QDateTimeEdit in UK local time, with an optional 'known' check box that leaves it empty.

    `value()` is an aware UTC datetime, or None when the check box is cleared. A default of "now" that the
    user has not changed means now at the moment of saving, not when the form was opened."""

    def __init__(
        self,
        edit: QDateTimeEdit,
        now: Callable[[], datetime],
        known: QCheckBox | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or edit)
        self.edit, self.known, self._now = edit, known, now
        edit.setTimeZone(_WALL_CLOCK)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DISPLAY_FORMAT)
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0), _WALL_CLOCK))
        edit.setToolTip(edit.toolTip() or "UK local time. Type the date and time or pick the day from the calendar.")
        self.touched = False
        self._is_now = True
        self._setting = False
        edit.dateTimeChanged.connect(self._changed)
        if known is not None:
            known.toggled.connect(self._sync)
        self.reset()

    def _changed(self) -> None:
        if not self._setting:
            self.touched = True

    def refresh_default(self) -> None:
        """Move an untouched default forward to now (a form left open for an hour should not say an hour ago)."""
        if self._is_now and not self.touched and self.is_known():
            self._set(self._now())

    def _sync(self) -> None:
        self.edit.setEnabled(self.known is None or self.known.isChecked())

    def _set(self, moment: datetime) -> None:
        self._setting = True
        try:
            self.edit.setDateTime(to_qdatetime(moment))
        finally:
            self._setting = False

    def reset(self, known: bool | None = None) -> None:
        """Back to now, untouched (and the check box to `known`, when given)."""
        self._set(self._now())
        self.touched, self._is_now = False, True
        if self.known is not None and known is not None:
            self.known.setChecked(known)
        self._sync()

    def set_value(self, moment: datetime | None) -> None:
        """Show `moment` (None: now, with the check box cleared)."""
        self._set(moment if moment is not None else self._now())
        self.touched, self._is_now = False, moment is None
        if self.known is not None:
            self.known.setChecked(moment is not None)
        self._sync()

    def is_known(self) -> bool:
        return self.known is None or self.known.isChecked()

    def value(self) -> datetime | None:
        if not self.is_known():
            return None
        if self._is_now and not self.touched:
            return self._now()
        return from_qdatetime(self.edit.dateTime())
