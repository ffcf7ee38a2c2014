"""The case's decision log: every decision with its rationale, newest first, and a form to add one.
Entries are never edited; a changed decision is a new entry."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.wording import short_when
from checklist_app.services import records
from checklist_app.services.dto import CaseDetail, DecisionView
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.common import CaseTab, add_shortcut, keys_text, refusal
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import esc
from checklist_app.ui.widgets.messages import clear_failure, set_message, show_failure
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, setup_table

CATEGORY_LABELS = {c: c.capitalize() for c in records.DECISION_CATEGORIES}
ADD_KEYS = "Ctrl+Return"


def _first_line(text: str) -> str:
    return " ".join(text.split())


class DecisionsTab(CaseTab):
    """Decision log table, the selected entry in full, and the 'Add decision' form."""

    icon_name = "decision"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, "decisions_tab.ui", parent)
        self._saving = False
        ui = self.ui
        self.model = RowsModel(
            (
                Column(
                    "Decided",
                    lambda d: short_when(d.decided_at),
                    tooltip=lambda d: wording.when(d.decided_at),
                ),
                Column("Author", lambda d: d.author),
                Column("Category", lambda d: CATEGORY_LABELS.get(d.category, d.category)),
                Column("Decision", lambda d: _first_line(d.decision), tooltip=lambda d: d.decision, stretch=True),
                Column("Rationale", lambda d: _first_line(d.rationale), tooltip=lambda d: d.rationale, stretch=True),
            ),
            self,
        )
        setup_table(ui.table, self.model)
        empty_hint(
            ui.table,
            "No decisions recorded on this case yet. Fill in the decision form and choose Add decision.",
        )
        self.setFocusProxy(ui.table)
        ui.table.selectionModel().selectionChanged.connect(self._show_selected)
        ui.splitter.setSizes([6000, 4000])
        ui.logSplitter.setSizes([5500, 4500])
        for category in records.DECISION_CATEGORIES:
            ui.category.addItem(CATEGORY_LABELS[category], category)
        self.decided_at = DateTimeInput(ui.decidedAt, session.now)
        ui.nowButton.clicked.connect(lambda: self.decided_at.reset())
        ui.addButton.clicked.connect(self.add)
        ui.clearButton.clicked.connect(self.clear_form)
        ui.addButton.setToolTip(f"Add this entry to the decision log ({keys_text(ADD_KEYS)})")
        add_shortcut(ui.addGroup, ADD_KEYS, self.add)
        add_shortcut(ui.addGroup, "Ctrl+Enter", self.add)
        ui.decision.setMinimumHeight(ui.decision.fontMetrics().lineSpacing() * 4)
        ui.rationale.setMinimumHeight(ui.rationale.fontMetrics().lineSpacing() * 6)
        set_message(ui.message, "")
        self._fields = {
            "decision": ui.decision,
            "rationale": ui.rationale,
            "category": ui.category,
            "decided_at": ui.decidedAt,
        }
        self._apply_permissions()

    # --- the workspace's interface ------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        return f"Decisions ({len(detail.decisions)})"

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail = detail
        prefer, self._select_next = self._select_next, None
        replace_rows(self.ui.table, self.model, detail.decisions, prefer)
        count = len(detail.decisions)
        self.ui.countLabel.setText(f"{count} entr{'y' if count == 1 else 'ies'}, newest first" if count else "")
        self._show_selected()
        self.decided_at.refresh_default()
        self._apply_permissions()

    # --- showing ------------------------------------------------------------------------------------

    def _selected(self) -> DecisionView | None:
        rows = self.ui.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def _show_selected(self) -> None:
        entry = self._selected()
        if entry is None:
            text = "No decisions are recorded on this case yet." if not self.model.rows else "Select an entry."
            self.ui.detail.setHtml(f"<p style='color:#4a5868'>{esc(text)}</p>")
            return
        category = CATEGORY_LABELS.get(entry.category, entry.category)
        recorded = ""
        if abs((entry.recorded_at - entry.decided_at).total_seconds()) >= 60:
            recorded = f" · recorded {esc(wording.when(entry.recorded_at))}"
        self.ui.detail.setHtml(
            f"<p style='color:#4a5868'><b>{esc(category)}</b> · decided {esc(wording.when(entry.decided_at))} "
            f"by {esc(entry.author or 'unknown')}{recorded}</p>"
            f"<p style='color:#1f3a5f; font-weight:600; margin-bottom:2px'>Decision</p><p>{esc(entry.decision)}</p>"
            f"<p style='color:#1f3a5f; font-weight:600; margin-bottom:2px'>Rationale</p><p>{esc(entry.rationale)}</p>"
        )

    def _apply_permissions(self) -> None:
        reason = refusal(self.session, self.detail, Action.DECISION_ADD)
        ui = self.ui
        for widget in (ui.category, ui.decidedAt, ui.nowButton, ui.decision, ui.rationale, ui.clearButton):
            widget.setEnabled(not reason)
        ui.addButton.setEnabled(not reason and not self._saving)
        ui.addGroup.setToolTip(reason)
        ui.addButton.setToolTip(reason or f"Add this entry to the decision log ({keys_text(ADD_KEYS)})")
        ui.addGroup.setVisible(self.session.may(Action.DECISION_ADD))

    # --- adding -------------------------------------------------------------------------------------

    def unsaved_work(self) -> list[str]:
        typed = self.ui.decision.toPlainText().strip() or self.ui.rationale.toPlainText().strip()
        return ["a decision typed on the Decisions tab"] if typed else []

    def clear_form(self) -> None:
        ui = self.ui
        ui.decision.clear()
        ui.rationale.clear()
        ui.category.setCurrentIndex(0)
        self.decided_at.reset()
        clear_failure(ui.message, self._fields.values())

    def add(self) -> None:
        ui = self.ui
        if self._saving or not ui.addButton.isEnabled():
            return
        decision, rationale = ui.decision.toPlainText(), ui.rationale.toPlainText()
        category, decided_at = ui.category.currentData(), self.decided_at.value()
        self._saving = True
        ui.addButton.setEnabled(False)
        set_message(ui.message, "Saving…", error=False)
        self.session.run(
            self,
            records.add_decision,
            self.case_id,
            decision=decision,
            rationale=rationale,
            category=category,
            decided_at=decided_at,
            done=self._added,
            error=self._failed,
            changed_case=self.case_id,
        )

    def _added(self, decision_id: int) -> None:
        self._saving = False
        self._select_next = decision_id
        self.clear_form()
        set_message(self.ui.message, "Decision added to the log.", error=False)
        self._apply_permissions()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self._apply_permissions()
        show_failure(self.ui.message, exc, self._fields)
