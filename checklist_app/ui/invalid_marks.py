"""A field marked invalid (red border, `invalid` property) loses the mark as soon as the user changes it.

Forms mark fields when the services refuse a save, in many places; installed once on the application
(on its shared filter, app_events), this clears the mark at the field's next edit (a key that edits, or a
choice made with the mouse), so a corrected field no longer looks wrong (the next save, or the form's own
live check, looks at it again).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDynamicPropertyChangeEvent, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from checklist_app.ui import app_events

_WATCHED = "invalidMarkWatched"


def _change_signal(widget: QWidget):  # type: ignore[no-untyped-def]
    """Choices made with the mouse in a popup or a click (no key press reaches the field)."""
    if isinstance(widget, QComboBox):
        return widget.activated
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    return None


# Looked up once: every key event and property change of the application comes here.
_KEY_PRESS = QEvent.Type.KeyPress
_SIGNALLED = (QComboBox, QAbstractButton)  # the widgets _change_signal has a signal for
_EDIT_KEYS = {Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Up, Qt.Key.Key_Down}


def _marked_field(widget: QObject) -> QWidget | None:
    """The marked field a key press goes to (a spin box's or combo box's line edit counts as the field)."""
    for candidate in (widget, widget.parent() if isinstance(widget, QWidget) else None):
        if isinstance(candidate, QWidget) and candidate.property("invalid") is True:
            return candidate
    return None


def clear_mark(widget: QWidget) -> None:
    if widget.property("invalid") is True:
        widget.setProperty("invalid", False)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class InvalidMarks(QObject):
    def on_key(self, watched: QObject, event: QEvent) -> bool:
        # A key that edits clears the mark before the field changes: a form that checks as the user types
        # then marks it again if it is still wrong.
        if event.type() == _KEY_PRESS:
            assert isinstance(event, QKeyEvent)
            field = _marked_field(watched)
            if field is not None and ((event.text().isprintable() and event.text()) or event.key() in _EDIT_KEYS):
                clear_mark(field)
        return False

    def on_property(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, _SIGNALLED)
            and bytes(event.propertyName().data()) == b"invalid"  # type: ignore[attr-defined]
            and watched.property("invalid") is True
            and not watched.property(_WATCHED)
        ):
            signal = _change_signal(watched)
            if signal is not None:
                watched.setProperty(_WATCHED, True)
                signal.connect(self._edited)
        return False

    @Slot()
    def _edited(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            clear_mark(sender)


_MARKS: InvalidMarks | None = None


def install(app: QCoreApplication) -> InvalidMarks:
    """Install once on the application (a second call returns the first)."""
    global _MARKS
    if _MARKS is None:
        _MARKS = InvalidMarks(app)
        events = app_events.hub(app)
        assert events is not None
        events.add((QKeyEvent,), _MARKS.on_key)
        events.add((QDynamicPropertyChangeEvent,), _MARKS.on_property)
    return _MARKS
