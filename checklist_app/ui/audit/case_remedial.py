"""Open remedial actions on the case workspace, where the owner works: a box above the case's sections, shown
only while the case has open actions from signed audits. It reuses the remedial actions page for one case."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from checklist_app.core.permissions import Action
from checklist_app.ui.audit.remedial import RemedialActionsPage
from checklist_app.ui.session import AppSession


class CaseRemedialBox(QGroupBox):
    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Remedial actions from casework audits", parent)
        self.setObjectName("caseRemedial")
        self.page = RemedialActionsPage(session, self, case_id=case_id)
        self.page.table.setMaximumHeight(140)  # a few rows; the case's sections keep the room
        self.page.shown.connect(self._shown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        self.enabled_for_user = session.may(Action.REMEDIAL_VIEW)
        self.setVisible(False)  # until the case is known to have open actions

    def refresh(self) -> None:
        if self.enabled_for_user:
            self.page.refresh()

    def _shown(self, count: int) -> None:
        self.setTitle(f"Remedial actions from casework audits ({count} open)")
        self.setVisible(count > 0)


def add_case_remedial(workspace: QWidget, session: AppSession, case_id: int, before: QWidget) -> CaseRemedialBox:
    """Put the box in the workspace's layout just above `before` (the case's sections); the workspace
    refreshes it with the case."""
    box = CaseRemedialBox(session, case_id, workspace)
    layout = before.parentWidget().layout()
    layout.insertWidget(layout.indexOf(before), box)  # type: ignore[attr-defined]
    return box
