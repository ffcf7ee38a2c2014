"""The evidence form of a step, built from its typed fields (the input widgets are in `fields`).

Values go to the services as plain Python values (text, bool, date, timezone-aware UTC datetime); the
services check them and say which field is wrong. Date-times are shown and entered in UK local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.services.dto import EvidenceFieldView
from checklist_app.ui.steps.fields import (
    NUMBER_PATTERN,
    ChoiceBox,
    DateField,
    DateTimeField,
    LongText,
    combo_box,
    parse_date,
    parse_datetime,
    set_invalid,
)
from checklist_app.ui.steps.reading import ReadingBlock, ReadValue

# How many field blocks a form keeps for reuse (a step has a handful; a procedure a few hundred).
_KEPT_BLOCKS = 60
# Blocks for reading made ahead: as many as the shipped procedure's largest step has fields (more are made
# when a step needs them).
READERS_AHEAD = 6


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
        self._reading = False  # the blocks shown are for reading (ReadValue), not editors
        self._values: dict[str, object] = {}  # what the reading blocks show
        self.blocks: list[QWidget] = []
        # Editor blocks made so far, shown or not, by field (see build); the least recently used first.
        self._made: dict[EvidenceFieldView, tuple[QWidget, QWidget, QLabel]] = {}
        self._readers: list[ReadingBlock] = []  # blocks for reading, filled for any field by position
        self._marked: set[QWidget] = set()  # fields marked invalid by mark_invalid and not cleared since
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(12)

    # --- building ------------------------------------------------------------------------------------

    def build(
        self, fields: tuple[EvidenceFieldView, ...], values: dict[str, object], read_only: bool | None = None
    ) -> None:
        """Show editors for `fields`, filled with `values` (saved evidence or a draft). Each field is a block:
        its label (" *" when required), the editor, and its help in small print. A block made for the same
        field earlier is shown again rather than made anew: making the widgets was most of the time it took
        to select another step. Its value, marks and read-only state are set afresh, as a new block's are.
        `read_only` (default: as the form was last set): the values are shown for reading (steps/reading.py),
        with no editor made; `set_read_only(False)` makes the editors when the step becomes editable."""
        if read_only is not None:
            self._read_only = read_only
        reading = self._read_only
        # Blocks for reading shown before stay where they are for the fields at the same places.
        keep = min(len(self.blocks), len(fields)) if reading and self._reading else 0
        self._reading = reading
        for block in self.blocks[keep:]:
            self.layout_.removeWidget(block)
            block.hide()
        self.blocks = self.blocks[:keep]
        self.fields, self.editors, self.labels = fields, {}, {}
        for place, spec in enumerate(fields):
            if reading:
                reader = self._reader(place)
                reader.fill(spec)
                block, editor, label = reader, reader.value, reader.label
            else:
                made = self._made.pop(spec, None) or self._block(spec)
                self._made[spec] = made  # the most recently used last
                block, editor, label = made
            if place >= keep:
                self.layout_.addWidget(block)
                block.show()
                self.blocks.append(block)
            self.editors[spec.id] = editor
            self.labels[spec.id] = label
        while len(self._made) > _KEPT_BLOCKS:
            oldest = next(iter(self._made))
            if oldest in fields:
                break
            block, editor, _label = self._made.pop(oldest)
            self._marked.discard(editor.edit if isinstance(editor, DateTimeField | DateField) else editor)
            block.deleteLater()
        self.set_values(values)
        self.set_read_only(self._read_only)

    def wants_block(self, spec: EvidenceFieldView) -> bool:
        """Whether a block made ahead for `spec` would be kept (not made yet, and room left). It is for
        reading or editing as the step shown now is (the next steps are most likely the same to this user);
        blocks for reading serve any field, so only their number counts."""
        if self._read_only:
            return len(self._readers) < READERS_AHEAD
        return spec not in self._made and len(self._made) < _KEPT_BLOCKS

    def make_ahead(self, spec: EvidenceFieldView) -> None:
        """Make `spec`'s block before a step needs it (in idle time: see steps/ahead.py), hidden and styled,
        so that showing it later costs no widget making and no style sheet polish. It goes first in the
        reuse order: blocks made ahead and never shown give way before blocks the user has seen."""
        if not self.wants_block(spec):
            return
        if self._read_only:
            self._reader(len(self._readers))
            return
        made = self._block(spec)
        made[0].hide()
        made[0].ensurePolished()  # the block and its children, against the application's style sheet
        self._made = {spec: made, **self._made}

    def _reader(self, place: int) -> ReadingBlock:
        while len(self._readers) <= place:
            reader = ReadingBlock(self)
            reader.hide()
            reader.ensurePolished()
            self._readers.append(reader)
        return self._readers[place]

    def _block(self, spec: EvidenceFieldView) -> tuple[QWidget, QWidget, QLabel]:
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
        target.setProperty("invalid", False)  # not styled yet: no re-polish needed (see mark_invalid)
        column.addWidget(label)
        column.addWidget(editor)
        if spec.help:
            editor.setToolTip(spec.help)
            hint = QLabel(spec.help, block)
            hint.setProperty("role", "hint")
            hint.setWordWrap(True)
            column.addWidget(hint)
        return block, editor, label

    def _editor(self, spec: EvidenceFieldView, parent: QWidget) -> QWidget:
        kind = spec.type
        if kind == "longtext":
            editor: QWidget = LongText(parent)
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
            editor = combo_box([("", None), *((c, c) for c in spec.choices)], parent)
            editor.currentIndexChanged.connect(self._touched)  # type: ignore[attr-defined]
        elif kind == "yesno":
            editor = combo_box([("", None), ("Yes", True), ("No", False)], parent)
            editor.setMinimumContentsLength(6)
            editor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            editor.currentIndexChanged.connect(self._touched)  # type: ignore[attr-defined]
        else:
            line = QLineEdit(parent)  # its clear button comes with set_read_only (not made for a reader)
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
        if self._reading:
            self._values = {spec.id: values.get(spec.id) for spec in self.fields}
            for spec in self.fields:
                shown = self.editors[spec.id]
                if isinstance(shown, ReadValue):
                    shown.show_value(describe_value(spec, values.get(spec.id)))
            self.dirty = False
            return
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
        if isinstance(editor, ReadValue):
            return _typed(editor.spec, self._values.get(field_id)) if editor.spec else None
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
            if isinstance(editor, ReadValue):
                continue  # nothing to correct in a value shown for reading
            target = editor.edit if isinstance(editor, DateTimeField | DateField) else editor
            invalid = field_id in field_ids
            # Re-styling a field is slow: only those marked now or before (a mark is only ever set here).
            if invalid or target in self._marked:
                set_invalid(target, invalid)
            if invalid:
                self._marked.add(target)
            else:
                self._marked.discard(target)

    def clear_invalid(self) -> None:
        self.mark_invalid(set())

    def set_read_only(self, read_only: bool) -> None:
        if self._reading and not read_only:
            # The step became editable: its editors, filled with what was shown (build sets the flags).
            self.build(self.fields, dict(self._values), read_only=False)
            return
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


def _typed(spec: EvidenceFieldView, value: object) -> object:
    """A saved value as the field's editor would give it back (None when empty)."""
    if value is None or value == "":
        return None
    if spec.type == "datetime":
        return parse_datetime(value)
    if spec.type == "date":
        return parse_date(value)
    if spec.type in ("choice", "yesno"):
        return value
    text = _plain_number(value) if spec.type != "longtext" else str(value)
    return text.strip() or None


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


__all__ = ["EvidenceForm", "describe_value"]
