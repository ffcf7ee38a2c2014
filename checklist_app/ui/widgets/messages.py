"""Inline messages under a form, and the fields a failed save names marked invalid."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.errors import explain
from checklist_app.ui.widgets.looks import repolish


def error_label(*, hidden: bool = False, selectable: bool = False) -> QLabel:
    """An empty line for what went wrong, styled as an error (the style sheet's `#message[error="true"]`),
    wrapping; `hidden` until a message is shown in it; `selectable` so the words can be copied."""
    label = QLabel()
    label.setObjectName("message")
    label.setProperty("error", True)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if hidden:
        label.setVisible(False)
    return label


def set_message(label: QLabel, text: str, *, error: bool = True) -> None:
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setText(text)
    label.setVisible(bool(text))
    label.setProperty("error", error)
    repolish(label)


def mark_invalid(widget: QWidget, invalid: bool = True) -> None:
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        repolish(widget)


def show_failure(
    label: QLabel,
    exc: BaseException,
    fields: dict[str, QWidget] | None = None,
    locate: Callable[[FieldProblem], QWidget | None] | None = None,
) -> list[QWidget]:
    """Explain a failed save inline: list the problems, highlight the fields they name. Returns the
    highlighted widgets (the first is a good place for the focus)."""
    fields = fields or {}
    for widget in fields.values():
        mark_invalid(widget, False)
    marked: list[QWidget] = []
    if isinstance(exc, InvalidInput):
        lines = []
        for problem in exc.problems:
            widget = (locate(problem) if locate else None) or fields.get(problem.field)
            if widget is not None:
                mark_invalid(widget)
                marked.append(widget)
            lines.append(f"• {problem}" if problem.label else f"• {problem.message}")
        set_message(label, "Nothing was saved. Please check:\n" + "\n".join(lines))
    else:
        set_message(label, explain(exc).message)
    if marked:
        marked[0].setFocus()
    return marked


def clear_failure(label: QLabel, fields: Iterable[QWidget]) -> None:
    for widget in fields:
        mark_invalid(widget, False)
    set_message(label, "")
