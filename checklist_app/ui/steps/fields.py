"""The input widgets an evidence form is made of (date, date-time, choice, long text) and the conversions
between their values and Python dates and times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from checklist_app.core.calendar import LOCAL_TZ

EMPTY_DATE = QDate(1900, 1, 1)
EMPTY_DATETIME = QDateTime(EMPTY_DATE, QTime(0, 0), QTimeZone.utc())
DATETIME_FORMAT = "dd/MM/yyyy HH:mm"
DATE_FORMAT = "dd/MM/yyyy"
NUMBER_PATTERN = r"-?\d{0,12}([.]\d{0,6})?"
# Keys that move on or close rather than edit: they leave an empty field empty.
_NAVIGATION = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter}


def to_local_qdatetime(moment: datetime) -> QDateTime:
    """An aware datetime as a QDateTime holding its UK wall-clock time (zone-free, so no DST gaps)."""
    local = moment.astimezone(LOCAL_TZ)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone.utc())


def from_local_qdatetime(value: QDateTime) -> datetime:
    """A QDateTime holding UK wall-clock time -> aware UTC datetime."""
    wall = datetime.combine(value.date().toPython(), value.time().toPython())  # type: ignore[arg-type]
    return wall.replace(tzinfo=LOCAL_TZ, second=0, microsecond=0).astimezone(UTC)


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def set_invalid(widget: QWidget, invalid: bool) -> None:
    # Set and re-polish without reading the property back: in PySide6 6.12 reading an unset property
    # (an invalid QVariant) drops a reference to None. What was last set here is kept on the Python
    # wrapper, and clearing a field this function last cleared is skipped (re-styling is slow and every
    # step selection clears the completion time's mark); a mark cleared elsewhere (invalid_marks, as the
    # user types) only makes the next clear here redundant, not wrong.
    if not invalid and getattr(widget, "_marked_invalid", None) is False:
        return
    widget.setProperty("invalid", invalid)
    _repolish(widget)
    widget._marked_invalid = invalid  # type: ignore[attr-defined]


class _Calendar(QCalendarWidget):
    """Opens on today's month when its field is empty (not on the 1900 'empty' marker)."""

    def __init__(self, today: Callable[[], QDate], is_empty: Callable[[], bool], parent: QWidget | None = None):
        super().__init__(parent)
        self._today, self._is_empty = today, is_empty
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)

    def showEvent(self, event: QShowEvent) -> None:
        if self._is_empty():
            today = self._today()
            self.setCurrentPage(today.year(), today.month())
        super().showEvent(event)


class _EmptyableMixin:
    """For QDateTimeEdit and QDateEdit: the minimum means 'not set'. Typing or stepping from empty starts
    at now (or today). Subclasses say how to put the starting value in.

    The calendar is made when the popup is first opened (by a click or a key), not with the field: making
    one took longer than the rest of the field, and most fields are never opened."""

    _calendar_factory: Callable[[], QCalendarWidget] | None = None

    def set_calendar(self, factory: Callable[[], QCalendarWidget]) -> None:
        self.setCalendarPopup(True)  # type: ignore[attr-defined]
        self._calendar_factory = factory

    def _ensure_calendar(self) -> None:
        factory, self._calendar_factory = self._calendar_factory, None
        if factory is not None:
            self.setCalendarWidget(factory())  # type: ignore[attr-defined]

    def calendarWidget(self) -> QCalendarWidget:
        self._ensure_calendar()
        return super().calendarWidget()  # type: ignore[misc, no-any-return]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._ensure_calendar()
        super().mousePressEvent(event)  # type: ignore[misc]

    def is_empty(self) -> bool:
        return self.dateTime() == self.minimumDateTime()  # type: ignore[attr-defined, no-any-return]

    def _start_value(self) -> None:
        raise NotImplementedError

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (as in every other field of the form); Left/Right move between its parts.
        return QAbstractSpinBox.focusNextPrevChild(self, next)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._ensure_calendar()
        if self.is_empty() and not self.isReadOnly() and event.key() not in _NAVIGATION:  # type: ignore[attr-defined]
            self._start_value()
            self.setCurrentSectionIndex(0)  # type: ignore[attr-defined]
            self.setSelectedSection(self.sectionAt(0))  # type: ignore[attr-defined]
        super().keyPressEvent(event)  # type: ignore[misc]


class _EmptyableEdit(_EmptyableMixin, QDateTimeEdit):
    def __init__(self, start: Callable[[], QDateTime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = start

    def _start_value(self) -> None:
        self.setDateTime(self._start())


class _EmptyableDateEdit(_EmptyableMixin, QDateEdit):
    def __init__(self, start: Callable[[], QDate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = start

    def _start_value(self) -> None:
        self.setDate(self._start())


def _small_button(text: str, tip: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setObjectName("fieldButton")
    button.setAutoRaise(False)
    return button


class DateTimeField(QWidget):
    """A date and time in UK local time with a calendar, 'Now' and (when `optional`) 'Clear'."""

    changed = Signal()

    def __init__(self, now: Callable[[], datetime], *, optional: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.optional = optional
        self.edit = _EmptyableEdit(lambda: to_local_qdatetime(self._now()), self)
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat(DATETIME_FORMAT)
        self.edit.set_calendar(
            lambda: _Calendar(lambda: to_local_qdatetime(self._now()).date(), lambda: self.is_empty, self.edit)
        )
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if optional:
            self.edit.setMinimumDateTime(EMPTY_DATETIME)
            self.edit.setSpecialValueText("Not set")
            self.edit.setDateTime(EMPTY_DATETIME)
        self.edit.setToolTip("UK local time. Type, use the arrow keys, or pick a date from the calendar.")
        self.now_button = _small_button("Now", "Set to the current date and time", self)
        self.clear_button = _small_button("Clear", "Leave this date and time empty", self)
        self.clear_button.setVisible(optional)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.now_button)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.now_button.clicked.connect(self.set_now)
        self.clear_button.clicked.connect(self.clear)
        self.edit.dateTimeChanged.connect(self._on_changed)
        self._last_empty = self.is_empty

    @property
    def is_empty(self) -> bool:
        return self.optional and self.edit.is_empty()

    def _on_changed(self, value: QDateTime) -> None:
        if self._last_empty and not self.is_empty and value.time() == QTime(0, 0):
            # Picked from the calendar while empty: start from the current time of day, not midnight.
            now_time = to_local_qdatetime(self._now()).time()
            self._last_empty = False
            self.edit.setTime(now_time)
            return
        self._last_empty = self.is_empty
        self.changed.emit()

    def set_now(self) -> None:
        self.edit.setDateTime(to_local_qdatetime(self._now()))
        self.edit.setFocus()

    def clear(self) -> None:
        if self.optional:
            self.edit.setDateTime(EMPTY_DATETIME)
            self.edit.setFocus()

    def value(self) -> datetime | None:
        return None if self.is_empty else from_local_qdatetime(self.edit.dateTime())

    def set_value(self, moment: datetime | None) -> None:
        self._last_empty = moment is None
        self.edit.setDateTime(EMPTY_DATETIME if moment is None else to_local_qdatetime(moment))
        self._last_empty = self.is_empty

    def set_read_only(self, read_only: bool) -> None:
        # Only the read-only flag: with the popup or the buttons also switched off, Qt draws no text at all.
        self.edit.setReadOnly(read_only)
        self.now_button.setVisible(not read_only)
        self.clear_button.setVisible(self.optional and not read_only)


class DateField(QWidget):
    """A calendar date (no time) with 'Today' and 'Clear'."""

    changed = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.edit = _EmptyableDateEdit(self._today, self)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.set_calendar(lambda: _Calendar(self._today, lambda: self.is_empty, self.edit))
        self.edit.setMinimumDate(EMPTY_DATE)
        self.edit.setSpecialValueText("Not set")
        self.edit.setDate(EMPTY_DATE)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.now_button = _small_button("Today", "Set to today's date", self)
        self.clear_button = _small_button("Clear", "Leave this date empty", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.now_button)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.now_button.clicked.connect(lambda: (self.edit.setDate(self._today()), self.edit.setFocus()))
        self.clear_button.clicked.connect(lambda: (self.edit.setDate(EMPTY_DATE), self.edit.setFocus()))
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def _today(self) -> QDate:
        local = self._now().astimezone(LOCAL_TZ)
        return QDate(local.year, local.month, local.day)

    @property
    def is_empty(self) -> bool:
        return self.edit.is_empty()

    def value(self) -> date | None:
        return None if self.is_empty else self.edit.date().toPython()  # type: ignore[return-value]

    def set_value(self, value: date | None) -> None:
        self.edit.setDate(EMPTY_DATE if value is None else QDate(value.year, value.month, value.day))

    def set_read_only(self, read_only: bool) -> None:
        # Only the read-only flag: with the popup or the buttons also switched off, Qt draws no text at all.
        self.edit.setReadOnly(read_only)
        self.now_button.setVisible(not read_only)
        self.clear_button.setVisible(not read_only)


class LongText(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(lines * 3 + 14)
        self.setMaximumHeight(lines * 8 + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self):  # type: ignore[no-untyped-def]
        hint = super().sizeHint()
        hint.setHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        return hint


class ChoiceBox(QComboBox):
    """A combo box whose values live in Python (`value()`), not in item data: in PySide6 6.12 reading
    item data that is None (the blank first entry) drops a reference to None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[object] = []

    def add(self, text: str, value: object) -> None:
        self.addItem(text)
        self.values.append(value)

    def value(self) -> object:
        index = self.currentIndex()
        return self.values[index] if 0 <= index < len(self.values) else None

    def set_value(self, value: object) -> None:
        if value is None:
            self.setCurrentIndex(0)
            return
        for i, known in enumerate(self.values):
            if known == value and type(known) is type(value):
                self.setCurrentIndex(i)
                return
        self.add(str(value), value)  # a saved value no longer among the choices: keep it visible
        self.setCurrentIndex(len(self.values) - 1)


def combo_box(items: list[tuple[str, object]], parent: QWidget) -> ChoiceBox:
    combo = ChoiceBox(parent)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    for text, value in items:
        combo.add(text, value)
    # The list may be wider than the field: long choices are shown in full when it opens.
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
    return combo


def parse_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = [
    "DateField",
    "DateTimeField",
    "from_local_qdatetime",
    "set_invalid",
    "to_local_qdatetime",
]
