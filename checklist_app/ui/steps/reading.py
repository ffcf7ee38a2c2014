"""A saved evidence value shown for reading, where the user may not edit the step.

An editor made only to be read-only (a drop-down with its pop-up window, a date field with its calendar
buttons, a whole text editor for a long text) was most of what the first look at a step cost, and an
auditor, another team's investigator or anyone looking at a step they cannot work only ever reads it. The
value is one label instead, framed as a read-only field is: its text can be selected and copied with the
mouse or the keyboard, Tab reaches it as it reached the read-only field, and a screen reader reads the
field's name with it. The step's editors are made only when it becomes editable (see EvidenceForm).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from checklist_app.services.dto import EvidenceFieldView

# Shown, muted, for a field with nothing recorded (a date field said "Not set"; a text field showed its help
# as a placeholder, which read like guidance rather than the absence of a value).
EMPTY_TEXT = "Not recorded"
_EMPTY_HTML = f"<span style='color:#4a5868'>{EMPTY_TEXT}</span>"


class ReadValue(QLabel):
    """One field's saved value for reading: selectable, in the Tab order, named for screen readers."""

    def __init__(self, spec: EvidenceFieldView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setProperty("role", "readValue")
        self.setWordWrap(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._shown: str | None = None

    def isReadOnly(self) -> bool:  # as QLineEdit's, for code that asks any field
        return True

    def show_value(self, words: str) -> None:
        """`words`: the value as describe_value gives it ("" when nothing is recorded)."""
        if words == self._shown:
            return
        self._shown = words
        if words:
            self.setTextFormat(Qt.TextFormat.PlainText)  # the user's own text: never read as markup
            self.setText(words)
        else:
            self.setTextFormat(Qt.TextFormat.RichText)
            self.setText(_EMPTY_HTML)
        self.setAccessibleDescription(words or EMPTY_TEXT)


__all__ = ["EMPTY_TEXT", "ReadValue"]
