"""The mouse wheel scrolls forms; it never changes an answer the user has not chosen to change.

Qt lets one wheel notch over a drop-down, spin box or date edit change its value, even when the user was
only scrolling down the form (a risk indicator went from Absent to Current that way), and the scrolling
then sticks on that field. Installed once on the application (on its shared filter, app_events), this
sends wheel events over such a field to the enclosing scroll area unless the field has keyboard focus (the
user clicked or tabbed into it and means to change it). It also stops the wheel from giving those fields
focus (Qt's WheelFocus), which would otherwise let the very next notch change the value.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

from checklist_app.ui import app_events

_GUARDED = (QComboBox, QAbstractSpinBox)  # spin boxes include QDateEdit, QTimeEdit and QDateTimeEdit
_POLISH, _WHEEL_FOCUS = QEvent.Type.Polish, Qt.FocusPolicy.WheelFocus  # looked up once: hot path


def guarded_field(widget: QObject | None) -> QWidget | None:
    """The combo box or spin box `widget` belongs to (it may be its line edit or another child), if any."""
    while isinstance(widget, QWidget):
        if isinstance(widget, _GUARDED):
            return widget
        if widget.isWindow() or isinstance(widget, QAbstractScrollArea):
            return None
        widget = widget.parentWidget()
    return None


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        if parent.isWindow():
            return None
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    def on_polish(self, watched: QObject, event: QEvent) -> bool:
        # Plain QEvents are common (layout requests, meta-calls): the cheap class test comes first.
        if isinstance(watched, _GUARDED) and event.type() == _POLISH and watched.focusPolicy() == _WHEEL_FOCUS:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False

    def on_wheel(self, watched: QObject, event: QEvent) -> bool:
        field = guarded_field(watched)
        focused = QApplication.focusWidget()
        if field is None or field.hasFocus() or (focused is not None and field.isAncestorOf(focused)):
            return False
        area = scroll_area_of(field)
        if area is not None:
            QCoreApplication.sendEvent(area.viewport(), event)
        return True  # the field itself never sees it


_GUARD: WheelGuard | None = None


def install(app: QCoreApplication) -> WheelGuard:
    """Install the guard on the application (idempotent: a second call returns the first guard)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = WheelGuard(app)
        events = app_events.hub(app)
        assert events is not None
        events.add((QEvent,), _GUARD.on_polish)  # Polish comes as a plain QEvent
        events.add((QWheelEvent,), _GUARD.on_wheel)
    return _GUARD
