"""Actions a supervisor directed on the case: what, who owns it, when it is due, and whether it is done.
Open actions past their due time show "Overdue" in bold red; done ones keep the owner's note."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtWidgets import QHeaderView, QStyleOptionViewItem, QTableView, QWidget

from checklist_app.core import wording
from checklist_app.services.reviews import DirectedActionView
from checklist_app.ui.widgets.record_table import (
    AiryDelegate,
    Column,
    RowsModel,
    replace_rows,
    selected_id,
    setup_table,
)


def status_text(action: DirectedActionView) -> str:
    if action.status == "done":
        return f"Done {wording.short_when(action.completed_at)}"
    return "Overdue" if action.overdue else "Open"


def status_tone(action: DirectedActionView) -> str:
    if action.status == "done":
        return "ok"
    return "overdue" if action.overdue else ""


def status_tip(action: DirectedActionView) -> str:
    if action.status == "done":
        who = f" by {action.completed_by_name}" if action.completed_by_name else ""
        return f"Completed {wording.when(action.completed_at)}{who}: {action.completion_note}"
    if action.overdue:
        return f"Overdue: it was due {wording.when(action.due_at)}."
    return f"Due {wording.when(action.due_at)}."


def one_line(text: str) -> str:
    return " ".join(text.split())


class _WrappedRowDelegate(AiryDelegate):
    """Rows as tall as their wrapped text, and never shorter than the other tables' one-line rows."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.least = view.verticalHeader().defaultSectionSize()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        padded = size.height() + option.fontMetrics.height() // 2
        return QSize(size.width(), max(padded, self.least))


class ActionsTable(QTableView):
    """Directed actions, open ones first by due date (the order the services give)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionsTable")
        self.model_ = RowsModel(
            (
                Column("Action", lambda a: one_line(a.description), tooltip=lambda a: a.description, stretch=True),
                Column("Owner", lambda a: a.owner_name),
                Column("Due", lambda a: wording.short_when(a.due_at), tone=status_tone, tooltip=status_tip),
                Column("Status", status_text, tone=status_tone, tooltip=status_tip),
                Column("Directed by", lambda a: a.directed_by_name, tooltip=lambda a: wording.when(a.directed_at)),
                Column(
                    "What was done",
                    lambda a: one_line(a.completion_note),
                    tooltip=lambda a: a.completion_note,
                    stretch=True,
                ),
            ),
            self,
        )
        setup_table(self, self.model_)
        # An action is a sentence or two the owner must read whole: the text wraps within its column and the
        # row grows to hold it (at 150 % a cut line and a tooltip were all there was).
        self.setItemDelegate(_WrappedRowDelegate(self))
        self.setWordWrap(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_actions(self, rows: list[DirectedActionView]) -> None:
        replace_rows(self, self.model_, rows)

    @property
    def rows(self) -> list[DirectedActionView]:
        return list(self.model_.rows)

    def selected(self) -> DirectedActionView | None:
        chosen = selected_id(self)
        return next((a for a in self.model_.rows if a.id == chosen), None)

    def select(self, action_id: int) -> None:
        position = self.model_.position_of(action_id)
        if position >= 0:
            self.selectRow(position)
