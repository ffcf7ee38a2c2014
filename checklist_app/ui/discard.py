"""Ask before throwing away what the user typed: one question, worded the same everywhere.

`EditWatch` notices edits made by the user (typing, choosing from a list, ticking), not values a screen
fills in itself, so a dialog the user only opened and looked at closes without a question."""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_WATCHED = "_discard_watched"
_EDIT_KEYS = {Qt.Key.Key_Backspace, Qt.Key.Key_Delete}


def confirm_discard(
    parent: QWidget,
    what: Iterable[str],
    question: str = "Discard changes?",
    consequence: str = "If you discard, what you typed is lost.",
    discard_text: str = "&Discard",
) -> bool:
    """True when the user agrees to lose `what` (short phrases, e.g. "the evidence typed for step 2.1")."""
    items = [w for w in what if w]
    if not items:
        return True
    listed = "".join(f"<li>{item}</li>" for item in items)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(question)
    box.setText(question)
    box.setInformativeText(f"Not saved yet:<ul>{listed}</ul>{consequence}")
    discard = box.addButton(discard_text, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    if not shiboken6.isValid(box):  # its window went while it was asking (a session ended): keep the work
        return False
    return box.clickedButton() is discard


class EditWatch(QObject):
    """Whether the user has edited any input under `root` since the watch was attached (or reset)."""

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self.root = root
        self.edited = False

    def attach(self) -> None:
        """Hook every input now under the root; call again after widgets are added (already hooked ones
        are skipped)."""
        for widget in self.root.findChildren(QWidget):
            if widget.property(_WATCHED):
                continue
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(self._edited)
            elif isinstance(widget, QComboBox):
                widget.activated.connect(self._edited)
            elif isinstance(widget, QAbstractButton) and widget.isCheckable():
                widget.clicked.connect(self._edited)
            elif isinstance(widget, QPlainTextEdit | QTextEdit | QAbstractSpinBox):
                widget.installEventFilter(self)
            else:
                continue
            widget.setProperty(_WATCHED, True)

    def reset(self) -> None:
        self.edited = False

    def _edited(self, *_args: object) -> None:
        self.edited = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            read_only = isinstance(watched, QPlainTextEdit | QTextEdit | QAbstractSpinBox) and watched.isReadOnly()
            text = event.text()
            if not read_only and ((text and text.isprintable()) or event.key() in _EDIT_KEYS):
                self.edited = True
        return False


class AsksBeforeDiscard:
    """Mixin for a dialog (listed before QDialog in its bases) that sets `self.edits = EditWatch(self)`:
    Escape, Cancel or the window's close button ask before what the user typed is thrown away (a closure
    rationale or a duty's evidence went without a word), and log-off lists it (main_window reads `edits`).
    The inputs are hooked when the dialog is shown, so fields added after construction count too."""

    edits: EditWatch

    def discard_what(self) -> str:
        return f"what you entered in “{self.windowTitle()}”"  # type: ignore[attr-defined]

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)  # type: ignore[misc]
        self.edits.attach()

    def reject(self) -> None:
        busy = bool(getattr(self, "busy", False))
        if self.edits.edited and not busy and not confirm_discard(self, [self.discard_what()]):  # type: ignore[arg-type]
            return
        super().reject()  # type: ignore[misc]


__all__ = ["AsksBeforeDiscard", "EditWatch", "confirm_discard"]
