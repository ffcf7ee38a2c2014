"""Closing, reopening and reassigning a case: the supervisor's decisions from the case header.

Closure lists what is still open (the service's own check), takes the rationale, and is signed through
SignDialog ("approved for closure"); a refusal from the service at signing time (something reopened in the
meantime) comes back as the same list. Reassignment offers the officers the service allows, with a reason.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.signatures import Meaning
from checklist_app.services import closure
from checklist_app.ui.discard import AsksBeforeDiscard, EditWatch
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.widgets.messages import error_label


def item_words(item: closure.OpenItem) -> str:
    if item.kind == "step" and item.awaiting_agreement:
        # It is marked not applicable: "not marked not applicable" after it contradicted the line itself.
        title = item.title.removesuffix(closure.AWAITING_SUFFIX)
        return (
            f"Step {item.reference} {title}: marked not applicable, awaiting a supervisor's agreement "
            "(open the step to agree or refuse)"
        )
    if item.kind == "step":
        return f"Step {item.reference} {item.title}: not done, and not marked not applicable"
    return f"{item.reference}, directed by a supervisor: {item.title} (still open)"


def item_place(item: closure.OpenItem) -> str:
    return f"step:{item.step_id}" if item.kind == "step" else "tab:supervision"


def _message_label() -> QLabel:
    return error_label(selectable=True)


class CloseCaseDialog(AsksBeforeDiscard, QDialog):
    """Closing is announced by the session's `case_changed` once signed; `go_to(place)` when the user picks an
    open item."""

    go_to = Signal(str)

    def __init__(self, session: AppSession, case_id: int, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CloseCaseDialog")
        self.setWindowTitle(f"Close case {reference}")
        self.session = session
        self.case_id = case_id
        self.reference = reference
        self.open_items: list[closure.OpenItem] | None = None
        self.sign_dialog: SignDialog | None = None
        self.edits = EditWatch(self)  # a rationale typed is not lost without asking

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Close case {reference}. A case can be closed only when every required step is done or marked not "
            "applicable with a reason, and every action a supervisor directed is complete. The closure is signed "
            "with your password (meaning: approved for closure)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.status = QLabel("Checking what is still open…")
        self.status.setObjectName("closureStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.items = QListWidget()
        self.items.setObjectName("openItems")
        self.items.setWordWrap(True)
        self.items.setAlternatingRowColors(True)
        self.items.setToolTip("Double-click an item to go to it in the case")
        self.items.itemActivated.connect(self._item_activated)
        layout.addWidget(self.items, 3)
        self.check_button = QPushButton("Check &again")
        self.check_button.setToolTip("Look again at what is still open (after completing items)")
        self.check_button.clicked.connect(self.check)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)

        rationale_label = QLabel("Closure &rationale *")
        rationale_label.setProperty("role", "field")
        layout.addWidget(rationale_label)
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("rationale")
        self.rationale.setPlaceholderText("Why the case can close: outcome, safeguarding in place, referrals made")
        self.rationale.setMinimumHeight(90)
        rationale_label.setBuddy(self.rationale)
        layout.addWidget(self.rationale, 1)
        self.message = _message_label()
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton("&Sign and close…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("signAndClose")
        self.close_button.setEnabled(False)
        self.buttons.accepted.connect(self.sign_and_close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(640, 560)
        self.check()

    # --- what is open --------------------------------------------------------------------------------

    def check(self) -> None:
        self.check_button.setEnabled(False)
        self.session.run(self, closure.closure_check, self.case_id, done=self.show_items, error=self._check_failed)

    def show_items(self, items: list[closure.OpenItem]) -> None:
        self.open_items = list(items)
        self.check_button.setEnabled(True)
        self.items.clear()
        for item in items:
            row = QListWidgetItem(item_words(item))
            row.setData(Qt.ItemDataRole.UserRole, item_place(item))
            self.items.addItem(row)
        self.items.setVisible(bool(items))
        if items:
            self.status.setText(
                f"This case cannot be closed yet: {len(items)} item{'s' if len(items) != 1 else ''} still open. "
                "Complete each one (or mark a step not applicable with a reason), then check again."
            )
        else:
            self.status.setText("Nothing is left open: the case may be closed.")
        self.status.setProperty("tone", "overdue" if items else "ok")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.close_button.setEnabled(not items)

    def _check_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.status.setText(f"Could not check the case. {explain(exc).message}")
        self.close_button.setEnabled(False)

    def _item_activated(self, row: QListWidgetItem) -> None:
        place = row.data(Qt.ItemDataRole.UserRole)
        self.reject()
        self.go_to.emit(str(place))

    # --- signing -------------------------------------------------------------------------------------

    def sign_and_close(self) -> None:
        text = self.rationale.toPlainText().strip()
        if not text:
            self.message.setText("Closure rationale: a rationale is required.")
            self.rationale.setFocus()
            return
        self.message.setText("")
        dialog = SignDialog(
            self,
            self.session,
            Meaning.APPROVED_FOR_CLOSURE.value,
            f"Closure of case {self.reference}.\n\nRationale:\n{text}",
        )
        dialog.sign_with(
            closure.close_case, self.case_id, text, done=self._closed, error=self._refused, changed_case=self.case_id
        )
        self.sign_dialog = dialog
        dialog.exec()
        self.sign_dialog = None

    def _closed(self, _signature: object) -> None:
        if shiboken6.isValid(self):
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(exc, closure.ClosureRefused):
            self.show_items(exc.items)
        self.message.setText(explain(exc).message)


class ReassignDialog(AsksBeforeDiscard, QDialog):
    """Give the case to another officer, with a reason (announced by the session's `case_changed`)."""

    def __init__(
        self, session: AppSession, case_id: int, reference: str, current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReassignDialog")
        self.setWindowTitle(f"Reassign case {reference}")
        self.session = session
        self.case_id = case_id
        self.edits = EditWatch(self)  # a reason typed is not lost without asking
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Case {reference} is with {current or 'nobody'}. Choose the officer to take it over: the case's own "
            "team first, then officers of other teams in the district (named with their team)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.officer = QComboBox()
        self.officer.setObjectName("officer")
        self.officer.setPlaceholderText("Loading officers…")
        form.addRow("&Officer *", self.officer)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why the case is moving (logged)")
        self.reason.setMinimumHeight(80)
        form.addRow("&Reason *", self.reason)
        layout.addLayout(form)
        self.message = _message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Re&assign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.reassign)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 320)
        session.run(
            self,
            closure.officers_for,
            case_id,
            done=self._loaded,
            error=lambda exc: self.message.setText(explain(exc).message),
        )

    def _loaded(self, officers: list[tuple[int, str]]) -> None:
        for officer_id, name in officers:
            self.officer.addItem(name, officer_id)
        if officers:
            self.officer.setPlaceholderText("Choose an officer")
            self.ok_button.setEnabled(True)
        else:
            self.officer.setPlaceholderText("No other officer available")
            self.message.setText("There is no other active officer in this case's district to take it.")

    def reassign(self) -> None:
        officer_id = self.officer.currentData()
        reason = self.reason.toPlainText().strip()
        problems = []
        if officer_id is None:
            problems.append("Officer: choose who takes the case.")
        if not reason:
            problems.append("Reason: a reason is required.")
        if problems:
            self.message.setText("\n".join(problems))
            return
        self.ok_button.setEnabled(False)
        self.session.run(
            self,
            closure.reassign_officer,
            self.case_id,
            int(officer_id),
            reason,
            done=lambda _none: self.accept(),
            error=self._failed,
            changed_case=self.case_id,
        )

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.message.setText(explain(exc).message)
