"""The wizard's last page (what will be opened) and the list of steps beside the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.subjects import (
    AGE_BAND_LABELS,
)
from checklist_app.ui.new_case.common import CHILD_FACTS, NOT_KNOWN, Issue, hint, problem_text, repolish, set_message
from checklist_app.ui.new_case.pages import WizardPage, short_fact_label, without_mnemonic

if TYPE_CHECKING:
    from checklist_app.ui.new_case.wizard import NewCaseWizard


class SummaryPage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_summary.ui")
        self.status = ""
        self.status_error = False

    def initializePage(self) -> None:
        self.status, self.status_error = "", False
        self.build()
        self.update_state()

    def isComplete(self) -> bool:
        return super().isComplete() and not self.owner.busy

    def validatePage(self) -> bool:
        return self.owner.finish()

    def show_message(self, issues: list[Issue]) -> None:
        if self.status:
            set_message(self.ui.message, self.status, error=self.status_error)
        elif self.server:
            set_message(self.ui.message, "\n".join(problem_text(p) for p in self.server.values()), error=True)
        else:
            super().show_message(issues)
            if not self.ui.message.text():
                set_message(
                    self.ui.message,
                    "The case reference is given when the case opens. Nothing is saved until you press Open case.",
                    error=False,
                )

    def set_status(self, text: str, error: bool = False) -> None:
        self.status, self.status_error = text, error
        self.update_state()

    def build(self) -> None:
        data, owner = self.owner.data, self.owner
        if data is None:
            return
        procedure = data.procedure
        self.ui.procedureTitle.setText(f"Pinned to {data.procedure_label}")
        self.ui.procedureText.setText(
            f"{procedure.title}, effective {procedure.effective_date:%d/%m/%Y}. The case follows this version of "
            "the procedure until a supervisor moves it to a later one."
        )
        ref, child, people = owner.referral_page.ui, owner.child_page, owner.people_page.ui
        dob = child.date_of_birth()
        band = child.age_band()
        age = AGE_BAND_LABELS.get(band, band) if band else ""
        if dob is not None:
            age = f"{child.age_at_referral()} ({age}), born {dob:%d/%m/%Y}"
        answers: dict[str, list[str]] = {"Yes": [], "No": []}
        child_rows = []
        for fact_id, fact_input in owner.fact_inputs.items():
            if fact_id in CHILD_FACTS:
                child_rows.append((without_mnemonic(short_fact_label(fact_input.fact)), fact_input.text()))
            else:
                answers.setdefault(fact_input.text(), []).append(fact_input.fact.title)
        unknown = len(answers.pop(NOT_KNOWN, []))
        fact_rows = [(answer, "\n".join(titles)) for answer, titles in answers.items() if titles]
        if unknown:
            others = "All" if not fact_rows else f"{unknown} other{'s' if unknown != 1 else ''}"
            fact_rows.append((NOT_KNOWN, f"{others} (count as no until answered)"))
        left = [
            (
                "Referral",
                [
                    ("District", ref.district.currentText()),
                    ("Received", f"{wording.when(owner.referral_page.referral_at())}"),
                    ("Source", ref.referralSource.currentText()),
                    ("Priority", ref.priority.currentText()),
                    ("Circumstances", ref.circumstances.toPlainText().strip() or "None given"),
                ],
            ),
            (
                "People",
                [
                    ("Officer in charge", people.officer.currentText().replace(" (you)", "")),
                    ("Supervisor", people.supervisor.currentText().replace(" (you)", "")),
                ],
            ),
        ]
        right = [
            ("Child", [("Subject reference", child.subject_ref()), ("Age at referral", age), *child_rows]),
            ("Case facts", fact_rows or [("Facts", "None asked by this procedure")]),
        ]
        self._fill(self.ui.leftGrid, left)
        self._fill(self.ui.rightGrid, right)

    def _fill(self, grid: QGridLayout, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        clear_layout(grid)
        row = 0
        for title, rows in sections:
            heading = QLabel(title)
            heading.setObjectName("sectionTitle")
            heading.setIndent(0)
            heading.setProperty("first", row == 0)
            grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for key, value in rows:
                key_label = QLabel(key)
                key_label.setProperty("role", "summaryKey")
                key_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                value_label = QLabel(value)
                value_label.setObjectName("summaryValue")
                value_label.setAccessibleName(key)
                value_label.setWordWrap(True)
                value_label.setTextFormat(Qt.TextFormat.PlainText)
                value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(key_label, row, 0)
                grid.addWidget(value_label, row, 1)
                row += 1
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row, 1)

    def summary_text(self) -> str:
        """Everything the summary shows, as plain text (for tests and screen readers)."""
        parts = [self.ui.procedureTitle.text(), self.ui.procedureText.text()]
        for grid in (self.ui.leftGrid, self.ui.rightGrid):
            parts += [grid.itemAt(i).widget().text() for i in range(grid.count()) if grid.itemAt(i).widget()]
        return "\n".join(parts)


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)  # type: ignore[call-overload]
            widget.deleteLater()
    if isinstance(layout, QGridLayout):
        for row in range(layout.rowCount()):
            layout.setRowStretch(row, 0)


# --- the wizard --------------------------------------------------------------------------------------


class StepList(QFrame):
    """The pages down the side, the current one highlighted, and the procedure version at the foot."""

    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardSteps")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 16, 12, 14)
        layout.setSpacing(4)
        heading = QLabel("New case")
        heading.setObjectName("wizardStepsTitle")
        layout.addWidget(heading)
        layout.addSpacing(8)
        self.labels = []
        for number, title in enumerate(titles, start=1):
            label = QLabel(f"{number}   {title}")
            label.setProperty("wizardStep", True)
            label.setProperty("state", "todo")
            layout.addWidget(label)
            self.labels.append(label)
        layout.addStretch(1)
        self.footer = hint(QLabel(""))
        self.footer.setObjectName("wizardStepsFooter")
        layout.addWidget(self.footer)
        widest = max(label.sizeHint().width() for label in self.labels)
        self.setMinimumWidth(widest + layout.contentsMargins().left() + layout.contentsMargins().right() + 8)

    def set_current(self, index: int) -> None:
        for i, label in enumerate(self.labels):
            state = "current" if i == index else "done" if i < index else "todo"
            if label.property("state") != state:
                label.setProperty("state", state)
                repolish(label)
            label.setAccessibleName(f"{label.text()} ({'current page' if state == 'current' else state})")
