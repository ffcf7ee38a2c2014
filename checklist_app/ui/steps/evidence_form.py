"""The evidence form of a step, built from its typed fields, and date-time inputs that can be empty.

Values go to the services as plain Python values (text, bool, date, timezone-aware UTC datetime); the
services check them and say which field is wrong. Date-times are shown and entered in UK local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QRegularExpression, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.services.dto import EvidenceFieldView

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
    # (an invalid QVariant) drops a reference to None.
    widget.setProperty("invalid", invalid)
    _repolish(widget)


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
    at now (or today). Subclasses say how to put the starting value in."""

    def is_empty(self) -> bool:
        return self.dateTime() == self.minimumDateTime()  # type: ignore[attr-defined, no-any-return]

    def _start_value(self) -> None:
        raise NotImplementedError

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (as in every other field of the form); Left/Right move between its parts.
        return QAbstractSpinBox.focusNextPrevChild(self, next)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:
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
        self.edit.setCalendarPopup(True)
        self.edit.setCalendarWidget(
            _Calendar(lambda: to_local_qdatetime(self._now()).date(), lambda: self.is_empty, self.edit)
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
        self.edit.setCalendarPopup(True)
        self.edit.setCalendarWidget(_Calendar(self._today, lambda: self.is_empty, self.edit))
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


class _LongText(QPlainTextEdit):
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


def _combo(items: list[tuple[str, object]], parent: QWidget) -> ChoiceBox:
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


class EvidenceForm(QWidget):
    """Builds one editor per evidence field; `values()` returns the filled ones for the services."""

    changed = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceForm")
        self._now = now
        self.fields: tuple[EvidenceFieldView, ...] = ()
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.dirty = False
        self._loading = False
        self._read_only = False
        self.blocks: list[QWidget] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(12)

    # --- building ------------------------------------------------------------------------------------

    def build(self, fields: tuple[EvidenceFieldView, ...], values: dict[str, object]) -> None:
        """Replace the editors with ones for `fields`, filled with `values` (saved evidence or a draft).
        Each field is a block: its label (" *" when required), the editor, and its help in small print."""
        for block in self.blocks:
            self.layout_.removeWidget(block)
            block.hide()
            block.deleteLater()
        self.blocks = []
        self.fields, self.editors, self.labels = fields, {}, {}
        for spec in fields:
            block = QWidget(self)
            column = QVBoxLayout(block)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(4)
            editor = self._editor(spec, block)
            editor.setObjectName(f"evidence_{spec.id}")
            label = QLabel(f"{spec.label} *" if spec.required else spec.label, block)
            label.setProperty("role", "field")
            label.setWordWrap(True)
            label.setBuddy(editor)
            label.setToolTip("Required to complete the step" if spec.required else "Optional")
            accessible = f"{spec.label}{' (required)' if spec.required else ''}"
            target = editor.edit if isinstance(editor, DateTimeField | DateField) else editor
            target.setAccessibleName(accessible)
            column.addWidget(label)
            column.addWidget(editor)
            if spec.help:
                editor.setToolTip(spec.help)
                hint = QLabel(spec.help, block)
                hint.setProperty("role", "hint")
                hint.setWordWrap(True)
                column.addWidget(hint)
            self.layout_.addWidget(block)
            self.blocks.append(block)
            self.editors[spec.id] = editor
            self.labels[spec.id] = label
        self.set_values(values)
        self.set_read_only(self._read_only)

    def _editor(self, spec: EvidenceFieldView, parent: QWidget) -> QWidget:
        kind = spec.type
        if kind == "longtext":
            editor: QWidget = _LongText(parent)
            editor.textChanged.connect(self._touched)  # type: ignore[attr-defined]
            if spec.help:
                editor.setPlaceholderText(spec.help)  # type: ignore[attr-defined]
        elif kind == "datetime":
            editor = DateTimeField(self._now, optional=True, parent=parent)
            editor.changed.connect(self._touched)  # type: ignore[attr-defined]
        elif kind == "date":
            editor = DateField(self._now, parent)
            editor.changed.connect(self._touched)  # type: ignore[attr-defined]
        elif kind == "choice":
            editor = _combo([("", None), *((c, c) for c in spec.choices)], parent)
            editor.currentIndexChanged.connect(self._touched)  # type: ignore[attr-defined]
        elif kind == "yesno":
            editor = _combo([("", None), ("Yes", True), ("No", False)], parent)
            editor.setMinimumContentsLength(6)
            editor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            editor.currentIndexChanged.connect(self._touched)  # type: ignore[attr-defined]
        else:
            line = QLineEdit(parent)
            line.setClearButtonEnabled(True)
            if kind == "number":
                line.setValidator(QRegularExpressionValidator(QRegularExpression(NUMBER_PATTERN), line))
                line.setPlaceholderText("A number")
            elif kind == "reference":
                line.setPlaceholderText(spec.help or "Reference")
            elif spec.help:
                line.setPlaceholderText(spec.help)
            line.textChanged.connect(self._touched)
            editor = line
        return editor

    def _touched(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.changed.emit()

    # --- values --------------------------------------------------------------------------------------

    def set_values(self, values: dict[str, object]) -> None:
        self._loading = True
        try:
            for spec in self.fields:
                self._set(spec, self.editors[spec.id], values.get(spec.id))
        finally:
            self._loading = False
        self.dirty = False
        self.clear_invalid()

    def _set(self, spec: EvidenceFieldView, editor: QWidget, value: object) -> None:
        if isinstance(editor, DateTimeField):
            editor.set_value(parse_datetime(value) if value not in (None, "") else None)
        elif isinstance(editor, DateField):
            editor.set_value(parse_date(value) if value not in (None, "") else None)
        elif isinstance(editor, ChoiceBox):
            editor.set_value(value)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText("" if value is None else str(value))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else _plain_number(value))

    def value_of(self, field_id: str) -> object:
        editor = self.editors[field_id]
        if isinstance(editor, DateTimeField | DateField):
            return editor.value()
        if isinstance(editor, ChoiceBox):
            return editor.value()
        if isinstance(editor, QPlainTextEdit):
            text = editor.toPlainText().strip()
            return text or None
        if isinstance(editor, QLineEdit):
            return editor.text().strip() or None
        return None

    def values(self) -> dict[str, object]:
        """The filled fields only (empty ones are left out, as the services expect)."""
        result: dict[str, object] = {}
        for spec in self.fields:
            value = self.value_of(spec.id)
            if value is not None:
                result[spec.id] = value
        return result

    def missing_required(self) -> list[EvidenceFieldView]:
        return [spec for spec in self.fields if spec.required and self.value_of(spec.id) is None]

    # --- focus, errors, read-only --------------------------------------------------------------------

    def focus_widget(self, field_id: str) -> QWidget | None:
        editor = self.editors.get(field_id)
        if editor is None:
            return None
        return editor.edit if isinstance(editor, DateTimeField | DateField) else editor

    def first_focus_widget(self) -> QWidget | None:
        for spec in self.fields:
            if spec.required and self.value_of(spec.id) is None:
                return self.focus_widget(spec.id)
        return self.focus_widget(self.fields[0].id) if self.fields else None

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for spec in self.fields:
            editor = self.editors[spec.id]
            if isinstance(editor, DateTimeField | DateField):
                chain += [editor.edit, editor.now_button, editor.clear_button]
            else:
                chain.append(editor)
        return chain

    def mark_invalid(self, field_ids: set[str]) -> None:
        for field_id, editor in self.editors.items():
            target = editor.edit if isinstance(editor, DateTimeField | DateField) else editor
            set_invalid(target, field_id in field_ids)

    def clear_invalid(self) -> None:
        self.mark_invalid(set())

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for editor in self.editors.values():
            if isinstance(editor, DateTimeField | DateField):
                editor.set_read_only(read_only)
            elif isinstance(editor, QComboBox):
                editor.setEnabled(not read_only)
            elif isinstance(editor, QPlainTextEdit | QLineEdit):
                editor.setReadOnly(read_only)
                if isinstance(editor, QLineEdit):
                    editor.setClearButtonEnabled(not read_only)


def _plain_number(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_value(spec: EvidenceFieldView, value: object) -> str:
    """A saved value as words, for read-only summaries."""
    if value is None or value == "":
        return ""
    if spec.type == "yesno":
        return "Yes" if value else "No"
    if spec.type == "datetime":
        moment = parse_datetime(value)
        return wording.when(moment) if moment else str(value)
    if spec.type == "date":
        day = parse_date(value)
        return day.strftime("%d/%m/%Y") if day else str(value)
    return _plain_number(value)


__all__ = [
    "DateField",
    "DateTimeField",
    "EvidenceForm",
    "describe_value",
    "from_local_qdatetime",
    "set_invalid",
    "to_local_qdatetime",
]
