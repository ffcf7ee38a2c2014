"""The mouse wheel scrolls forms; it never changes an answer the user has not chosen to change.

Qt lets one wheel notch over a drop-down, spin box or date edit change its value, even when the user was
only scrolling down the form (a risk indicator went from Absent to Current that way), and the scrolling
then sticks on that field. Installed once on the application, this filter sends wheel events over such a
field to the enclosing scroll area unless the field has keyboard focus (the user clicked or tabbed into
it and means to change it). It also stops the wheel from giving those fields focus (Qt's WheelFocus), which
would otherwise let the very next notch change the value.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

_GUARDED = (QComboBox, QAbstractSpinBox)  # spin boxes include QDateEdit, QTimeEdit and QDateTimeEdit


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
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, _GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel:
            return False
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
        app.installEventFilter(_GUARD)
    return _GUARD
