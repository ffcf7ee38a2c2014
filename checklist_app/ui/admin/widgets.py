"""Small pieces the console's pages share: a read-only table, a message line, a row of buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QWidget

from checklist_app.services.errors import InvalidInput
from checklist_app.ui.errors import explain

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setObjectName("message")
    label.setText(text)
    label.setProperty("error", error)
    label.style().unpolish(label)
    label.style().polish(label)


def message_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    say(label, "")
    return label


def failure_text(exc: BaseException) -> str:
    """A refusal in one or a few lines (never a traceback)."""
    if isinstance(exc, InvalidInput):
        return "Nothing was saved: " + "; ".join(str(p) for p in exc.problems)
    return explain(exc).message


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def table(columns: Sequence[str], *, multi: bool = False) -> QTableWidget:
    view = QTableWidget(0, len(columns))
    view.setHorizontalHeaderLabels(list(columns))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection if multi else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    # Qt's header starts at "descending": the first setSortingEnabled(True) would list accounts, districts and
    # teams from Z to A. A to Z by the first column until the user clicks a header.
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    return view


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def button(text: str, tip: str = "", *, primary: bool = False) -> QPushButton:
    widget = QPushButton(text)
    widget.setToolTip(tip or text.replace("&", "").rstrip("…"))
    if primary:
        widget.setProperty("primary", True)
    return widget
