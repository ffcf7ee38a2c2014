"""A saved evidence value shown for reading, where the user may not edit the step.

An editor made only to be read-only (a drop-down with its pop-up window, a date field with its calendar
buttons, a whole text editor for a long text) was most of what the first look at a step cost, and an
auditor, another team's investigator or anyone looking at a step they cannot work only ever reads it. The
value is one label instead, framed as a read-only field is: its text can be selected and copied with the
mouse or the keyboard, Tab reaches it as it reached the read-only field, and a screen reader reads the
field's name with it. The step's editors are made only when it becomes editable (see EvidenceForm).

A block for reading is alike for every kind of field (the field's label, the value, the help line), so the
form keeps a few and fills them for whichever step is shown, by position: once there are as many as the
largest step has fields, showing another read-only step makes no widget at all.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from checklist_app.services.dto import EvidenceFieldView

# Shown, muted, for a field with nothing recorded (a date field said "Not set"; a text field showed its help
# as a placeholder, which read like guidance rather than the absence of a value).
EMPTY_TEXT = "Not recorded"
_EMPTY_HTML = f"<span style='color:#4a5868'>{EMPTY_TEXT}</span>"


class ReadValue(QLabel):
    """One field's saved value for reading: selectable, in the Tab order, named for screen readers."""

    def __init__(self, spec: EvidenceFieldView | None = None, parent: QWidget | None = None) -> None:
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


class ReadingBlock(QWidget):
    """One field for reading: its label (" *" when required), the value, and its help in small print; made
    once and filled for any field (`fill`), as the evidence form's editor blocks are laid out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.label = QLabel(self)
        self.label.setProperty("role", "field")
        self.label.setWordWrap(True)
        self.value = ReadValue(None, self)
        self.label.setBuddy(self.value)
        self.hint = QLabel(self)
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        for widget in (self.label, self.value, self.hint):
            column.addWidget(widget)

    def fill(self, spec: EvidenceFieldView) -> None:
        """Label, names and help for `spec` (the value comes with `ReadValue.show_value`). Qt skips a text
        set again unchanged, so a block shown for a field like the last costs no layout."""
        if spec is self.value.spec:
            return
        self.value.spec = spec
        self.label.setText(f"{spec.label} *" if spec.required else spec.label)
        self.label.setToolTip("Required to complete the step" if spec.required else "Optional")
        self.value.setObjectName(f"evidence_{spec.id}")
        self.value.setAccessibleName(f"{spec.label}{' (required)' if spec.required else ''}")
        self.value.setToolTip(spec.help)
        self.hint.setText(spec.help)
        self.hint.setVisible(bool(spec.help))


__all__ = ["EMPTY_TEXT", "ReadValue", "ReadingBlock"]
