"""The supervisor's actions in the case header: Close case, Reassign, Reopen. Shown only to those the
role-action matrix lets do them on this case (the services check again)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from checklist_app.core.permissions import Action, CaseScope, allowed
from checklist_app.services import closure
from checklist_app.services.dto import CaseDetail
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.closure_dialogs import CloseCaseDialog, ReassignDialog


def _scope(detail: CaseDetail) -> CaseScope:
    return CaseScope(detail.district_id, detail.team_id, detail.officer_id, detail.supervisor_id)


class CaseActions(QWidget):
    """One "Supervise" button in the header whose menu holds Close case, Reassign and Reopen case (one button,
    not three, so the header keeps to one line beside the case's chips and other buttons).

    Closing, reopening and reassigning are announced by the session's `case_changed`; `go_to(place)` to show
    part of the case."""

    go_to = Signal(str)

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseActions")
        self.session = session
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton("S&upervise")
        self.button.setObjectName("superviseButton")
        self.button.setToolTip("Close, reassign or reopen this case (supervisors of its team)")
        self.menu = QMenu(self.button)
        self.close_action = self.menu.addAction("&Close case…", self.close_case)
        self.close_action.setToolTip("Close the case with a rationale, signed")
        self.reassign_action = self.menu.addAction("&Reassign…", self.reassign)
        self.reassign_action.setToolTip("Give the case to another officer, with a reason")
        self.reopen_action = self.menu.addAction("Re&open case…", self.reopen_case)
        self.reopen_action.setToolTip("Reopen the closed case, with a reason")
        self.menu.setToolTipsVisible(True)
        self.button.setMenu(self.menu)
        row.addWidget(self.button)
        self.setVisible(False)

    def available(self) -> list[QAction]:
        """The actions offered on this case now (the visible menu entries)."""
        return [a for a in self.menu.actions() if a.isVisible()]

    def show_for(self, detail: CaseDetail) -> None:
        self.detail = detail
        actor, scope, is_open = self.session.actor, _scope(detail), detail.status == "open"
        self.close_action.setVisible(is_open and allowed(actor, Action.CASE_CLOSE, scope))
        self.reassign_action.setVisible(is_open and allowed(actor, Action.CASE_REASSIGN, scope))
        self.reopen_action.setVisible(not is_open and allowed(actor, Action.CASE_REOPEN, scope))
        self.setVisible(bool(self.available()))

    def close_case(self) -> None:
        if self.detail is None:
            return
        dialog = CloseCaseDialog(self.session, self.case_id, self.detail.reference, self)
        dialog.go_to.connect(self.go_to)
        dialog.exec()
        dialog.deleteLater()

    def reopen_case(self) -> None:
        if self.detail is None:
            return
        reason = ReasonDialog.ask(
            self,
            f"Reopen case {self.detail.reference}",
            "Why is the case being reopened? The reason is logged, and the closure signature will show as superseded.",
        )
        if not reason:
            return
        self.session.run(self, closure.reopen_case, self.case_id, reason, changed_case=self.case_id)

    def reassign(self) -> None:
        if self.detail is None:
            return
        dialog = ReassignDialog(self.session, self.case_id, self.detail.reference, self.detail.officer_name, self)
        dialog.exec()
        dialog.deleteLater()
