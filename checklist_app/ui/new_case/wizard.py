"""The new-case wizard: referral, child, case facts (the procedure's `source: case` facts), people, and a
summary whose Finish button ("Open case") opens the case pinned to the current procedure version.

No child's name is ever stored: the subject reference is pseudonymous, the page says so, and both this
wizard and the service refuse anything that does not look like a reference. Each page checks itself as the
user types: Next stays disabled and the page says what is missing or wrong. The service checks everything
again when the case is opened; when it refuses, the wizard goes back to the page holding the first problem
field, highlights the field and shows the service's words. Nothing is saved in that case.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFormLayout,
    QWidget,
    QWizard,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Fact
from checklist_app.services import case_opening
from checklist_app.services.case_opening import NewCase
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.errors import explain
from checklist_app.ui.new_case.common import PROCEDURE_ID, FactInput, WizardData, load_wizard_data
from checklist_app.ui.new_case.pages import ChildPage, FactsPage, PeoplePage, ReferralPage, WizardPage, without_mnemonic
from checklist_app.ui.new_case.summary import StepList, SummaryPage
from checklist_app.ui.session import AppSession


class NewCaseWizard(QWizard):
    """Open a case from a referral. Emits `created(case_id)` once the case is saved."""

    created = Signal(int)
    REFERRAL, CHILD, FACTS, PEOPLE, SUMMARY = range(5)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: WizardData | None = None
        self.refusal = ""  # why this wizard cannot be used at all (role, no procedure published)
        self.busy = False
        self.created_id: int | None = None
        self.fact_inputs: dict[str, FactInput] = {}
        self._tasks: list[int] = []
        self.setObjectName("newCaseWizard")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("New case")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next")
        self.setButtonText(QWizard.WizardButton.BackButton, "&Back")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Open case")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Cancel")
        for which, tip in (
            (QWizard.WizardButton.NextButton, "Next page (Enter)"),
            (QWizard.WizardButton.BackButton, "Previous page (Alt+B)"),
            (QWizard.WizardButton.FinishButton, "Open the case (Enter)"),
            (QWizard.WizardButton.CancelButton, "Close without saving anything (Esc)"),
        ):
            button = self.button(which)
            button.setToolTip(tip)
            # The default button is drawn bold (style.qss): size it for the bold text so nothing is clipped.
            bold = QFont(button.font())
            bold.setWeight(QFont.Weight.Bold)
            text = without_mnemonic(self.buttonText(which))
            button.setMinimumWidth(
                QFontMetrics(bold).horizontalAdvance(text) + 4 * QFontMetrics(bold).averageCharWidth() + 16
            )

        self.referral_page = ReferralPage(self)
        self.child_page = ChildPage(self)
        self.facts_page = FactsPage(self)
        self.people_page = PeoplePage(self)
        self.summary_page = SummaryPage(self)
        self.pages_in_order: list[WizardPage] = [
            self.referral_page,
            self.child_page,
            self.facts_page,
            self.people_page,
            self.summary_page,
        ]
        for page_id, page in enumerate(self.pages_in_order):
            self.setPage(page_id, page)
        self.steps = StepList([p.heading for p in self.pages_in_order])
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self._page_changed)
        self.edits = EditWatch(self)
        self.edits.attach()
        self.resize(900, 640)

        if not session.may(Action.CASE_OPEN):
            role = wording.ROLE_LABELS.get(session.actor.role.value, session.actor.role.value)
            self.refusal = f"Your role ({role}) cannot open cases. Ask an investigator or a supervisor."
            self._refresh_pages()
        else:
            self._refresh_pages()
            self._tasks.append(
                session.run(self, load_wizard_data, PROCEDURE_ID, done=self._loaded, error=self._load_failed)
            )

    # --- loading -------------------------------------------------------------------------------------

    def _loaded(self, data: WizardData) -> None:
        self.data = data
        for page in self.pages_in_order:
            page.loaded(data)
        self.steps.footer.setText(f"Follows procedure\n{data.procedure_label}")
        self._align_labels()
        self.edits.attach()  # the inputs built for the procedure's facts
        self._refresh_pages()

    def _align_labels(self) -> None:
        """One label column width on every page, so fields line up as the user moves through."""
        labels: list[QWidget] = []
        for page in self.pages_in_order:
            for form in page.ui.root.findChildren(QFormLayout):
                for row in range(form.rowCount()):
                    item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                    if item is not None and item.widget() is not None:
                        labels.append(item.widget())
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _load_failed(self, exc: BaseException) -> None:
        self.refusal = f"The new-case form could not be prepared. {explain(exc).message}"
        self._refresh_pages()

    def _refresh_pages(self) -> None:
        for page in self.pages_in_order:
            if self.refusal:  # nothing here can be used: say why, and leave no field that looks usable
                for widget in page.inputs.values():
                    widget.setEnabled(False)
            page.update_state()

    def add_fact_input(self, page: WizardPage, fact: Fact) -> FactInput:
        fact_input = FactInput(fact)
        self.fact_inputs[fact.id] = fact_input
        page.watch(fact.id, fact_input.widget, fact_input.changed)
        return fact_input

    def _page_changed(self, page_id: int) -> None:
        self.steps.set_current(page_id)
        self.edits.attach()
        page = self.page(page_id)
        if isinstance(page, WizardPage):
            page.update_state()

    # --- the form ------------------------------------------------------------------------------------

    def new_case(self) -> NewCase:
        """What the user entered, as the service's input (valid only when every page is complete)."""
        assert self.data is not None
        ref, child, people = self.referral_page.ui, self.child_page, self.people_page
        facts = {fact_id: fi.value() for fact_id, fi in self.fact_inputs.items() if fi.problem() is None}
        return NewCase(
            district_code=ref.district.currentData() or "",
            referral_at=self.referral_page.referral_at(),
            referral_source=ref.referralSource.currentData() or "",
            subject_ref=child.subject_ref(),
            age_band=child.age_band(),
            date_of_birth=child.date_of_birth(),
            circumstances=ref.circumstances.toPlainText().strip(),
            priority=ref.priority.currentData() or "medium",
            facts={k: v for k, v in facts.items() if v is not None},
            officer_id=people.officer_id(),
            supervisor_id=people.supervisor_id(),
            procedure_id=self.data.procedure.id,
            procedure_version=self.data.procedure.version,
        )

    # --- finishing -----------------------------------------------------------------------------------

    def finish(self) -> bool:
        """Finish pressed: True once the case exists (the wizard then closes), else start opening it."""
        if self.created_id is not None:
            return True
        if self.busy or self.data is None or self.refusal:
            return False
        form = self.new_case()
        self._set_busy(True)
        self._tasks.append(self.session.run(self, case_opening.open_case, form, done=self._opened, error=self._failed))
        return False

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
            self.summary_page.set_status("Opening the case…")
        else:
            self.unsetCursor()
        self.summary_page.update_state()  # Finish follows isComplete
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def _opened(self, detail: CaseDetail) -> None:
        self.created_id = detail.id
        self._set_busy(False)
        self.accept()
        self.created.emit(detail.id)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, InvalidInput):
            self.show_problems(exc.problems)
            return
        explained = explain(exc)
        again = " Press Open case to try again." if explained.retry else ""
        self.summary_page.set_status(f"The case was not opened. {explained.message}{again}", error=True)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """The service refused: put each problem on the page that holds its field and go to the first."""
        for page in self.pages_in_order:
            page.server.clear()
        first: WizardPage | None = None
        first_field = ""
        for problem in problems:
            page = next((p for p in self.pages_in_order if problem.field in p.inputs), self.summary_page)
            page.server[problem.field or f"_{len(page.server)}"] = problem
            if first is None:
                first, first_field = page, problem.field
        self.summary_page.set_status("")
        if first is None:
            return
        target = self.pages_in_order.index(first)
        while self.currentId() > target:
            self.back()
        self._refresh_pages()
        first.focus_field(first_field)

    # --- closing -------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.busy:  # the case is being saved: wait for the outcome rather than leave it unknown
            return
        if self.edits.edited and not confirm_discard(self, ["the new case you started"]):
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.busy:
            return
        super().done(result)
        if not self.isVisible():
            for task_id in self._tasks:
                self.session.runner.cancel_callbacks(task_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(900, 640)
