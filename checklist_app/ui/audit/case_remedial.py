"""Open remedial actions on the case workspace, where the owner works: a box above the case's sections, shown
only while the case has open actions from signed audits. It reuses the remedial actions page for one case.

The workspace loads the case's actions with the case, in its one worker call (`load_rows`), and hands them to
`show_rows`; the page inside the box is made only when there is an action to show (most cases have none)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from checklist_app.core.permissions import Actor, PermissionDenied
from checklist_app.services import remedial
from checklist_app.services.audit_dto import RemedialView
from checklist_app.services.context import ServiceContext
from checklist_app.ui.audit.remedial import RemedialActionsPage
from checklist_app.ui.session import AppSession


def load_rows(ctx: ServiceContext, actor: Actor, case_id: int) -> list[RemedialView]:
    """The case's open remedial actions for the box (on the worker thread); none when the user may not see
    them (another district's case)."""
    try:
        return remedial.case_remedial_actions(ctx, actor, case_id)
    except PermissionDenied:
        return []


class CaseRemedialBox(QGroupBox):
    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Remedial actions from casework audits", parent)
        self.setObjectName("caseRemedial")
        self.session, self.case_id = session, case_id
        self.page: RemedialActionsPage | None = None
        self._layout = QVBoxLayout(self)
        self._wanted: int | None = None  # an action to select once the list has loaded (the dashboard's link)
        self.setVisible(False)  # until the case is known to have open actions

    def show_rows(self, rows: list[RemedialView]) -> None:
        if self.page is None:
            if not rows:
                return
            self.page = RemedialActionsPage(self.session, self, case_id=self.case_id)
            self.page.table.setMaximumHeight(140)  # a few rows; the case's sections keep the room
            self.page.shown.connect(self._shown)
            self._layout.addWidget(self.page)
        self.page.show_rows(rows)

    def select_action(self, action_id: int) -> None:
        """Select and focus the action's row, now if listed, else when the list next loads."""
        self._wanted = action_id
        self._select_wanted()

    def _select_wanted(self) -> None:
        if self.page is None:  # no actions loaded yet: selected when they arrive
            return
        table = self.page.table
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == self._wanted:
                self._wanted = None
                table.selectRow(row)
                table.scrollToItem(item)
                table.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _shown(self, count: int) -> None:
        self.setTitle(f"Remedial actions from casework audits ({count} open)")
        self.setVisible(count > 0)
        if self._wanted is not None:
            self._select_wanted()


def add_case_remedial(workspace: QWidget, session: AppSession, case_id: int, before: QWidget) -> CaseRemedialBox:
    """Put the box in the workspace's layout just above `before` (the case's sections); the workspace
    fills it with the case."""
    box = CaseRemedialBox(session, case_id, workspace)
    layout = before.parentWidget().layout()
    layout.insertWidget(layout.indexOf(before), box)  # type: ignore[attr-defined]
    return box
