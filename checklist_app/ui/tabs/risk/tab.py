"""The risk tab: the form with its live score, the history of assessments with overrides and countersignatures,
the next review date, recording and countersigning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.procedure.risk_model import RiskTool
from checklist_app.core.risk import RiskAnswerError, RiskScore, review_interval
from checklist_app.core.signatures import Meaning
from checklist_app.services import risk
from checklist_app.services.dto import CaseDetail, RiskAssessmentView
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.errors import show_error
from checklist_app.ui.session import AppSession, alive
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.tabs.common import CaseTab, add_shortcut, keys_text, refusal
from checklist_app.ui.tabs.risk.form import RiskForm, actions_html, points_text, score_html
from checklist_app.ui.tabs.risk.history import assessment_html, countersign_summary, history_columns
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import esc, repolish, set_chip
from checklist_app.ui.widgets.messages import mark_invalid, set_message, show_failure
from checklist_app.ui.widgets.record_table import RowsModel, replace_rows, setup_table

RECORD_KEYS = "Ctrl+Return"


# --- the tab -----------------------------------------------------------------------------------------------


class RiskTab(CaseTab):
    icon_name = "risk"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, "risk_tab.ui", parent)
        self.form: RiskForm | None = None
        self._final_follows = True
        self._setting_final = False
        self._saving = False
        self.sign_dialog: SignDialog | None = None
        ui = self.ui
        ui.riskHeader.setObjectName("riskHeader")
        ui.riskSummary.setObjectName("riskSummary")
        ui.headerLayout.setStretchFactor(ui.currentText, 1)
        ui.historyButtons.setStretchFactor(ui.countersignNote, 1)
        self.assessed_at = DateTimeInput(ui.assessedAt, session.now)
        self.history_model = RowsModel(history_columns(self._review_tone), self)
        setup_table(ui.history, self.history_model)
        empty_hint(ui.history, "No risk assessment recorded on this case yet. Complete the form and record it.")
        self.setFocusProxy(ui.formScroll if session.may(Action.RISK_ASSESS) else ui.history)
        ui.outer.setStretchFactor(ui.splitter, 1)  # extra height goes to the tables, not the header
        ui.history.selectionModel().selectionChanged.connect(self._history_selected)
        ui.splitter.setSizes([5000, 5000])
        ui.historySplitter.setSizes([4500, 5500])
        ui.finalCategory.currentIndexChanged.connect(self._final_chosen)
        for box in (ui.overrideReason, ui.notes):
            lines = box.fontMetrics().lineSpacing()
            box.setMinimumHeight(lines * 3)
            box.setMaximumHeight(lines * 6)
        ui.recordButton.clicked.connect(self.record)
        ui.prefillButton.clicked.connect(self.prefill_from_last)
        ui.clearButton.clicked.connect(self.clear_form)
        ui.countersignButton.clicked.connect(self.open_countersign_dialog)
        add_shortcut(ui.formBody, RECORD_KEYS, self.record)
        set_message(ui.message, "")
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._render_header)
        self._clock.start()
        self._render_all()

    # --- the workspace's interface ------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        current = detail.current_risk
        return f"Risk: Cat {current.effective_category}" if current else "Risk: not assessed"

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail = detail
        # A newer procedure version with the same tool keeps the form and whatever is typed in it.
        if self.procedure is None or self.procedure.risk_tool != procedure.risk_tool:
            self._build_form(procedure.risk_tool)
        self.procedure = procedure
        prefer, self._select_next = self._select_next, None
        replace_rows(self.ui.history, self.history_model, detail.risk_assessments, prefer)
        self.assessed_at.refresh_default()
        self._render_all()
        if self._untouched:  # open (and come back after saving) on the latest assessment, not a blank 0
            self._show_latest()

    # --- the tool -------------------------------------------------------------------------------------

    def _build_form(self, tool: RiskTool) -> None:
        ui = self.ui
        if self.form is not None:  # another tool version: start again
            for group in self.form.groups.values():
                group.deleteLater()
            for box in self.form.triggers.values():
                box.deleteLater()
            self.form.deleteLater()
        self.form = RiskForm(tool, ui.sectionsLayout, ui.triggersLayout, self)
        self.form.answers_changed.connect(self._recompute)
        self.form.answers_changed.connect(self._touched)
        self._untouched = True
        ui.triggersGroup.setVisible(bool(tool.triggers))
        ui.toolTitle.setText(f"{tool.title} (v{tool.version})")
        ui.toolDescription.setText(tool.description)
        self._setting_final = True
        try:
            ui.finalCategory.clear()
            for band in tool.bands:
                ui.finalCategory.addItem(f"Category {band.category}: {band.label}", band.category)
        finally:
            self._setting_final = False
        self._final_follows = True
        self._recompute()

    # --- live score -----------------------------------------------------------------------------------

    def live_score(self) -> RiskScore | None:
        if self.form is None:
            return None
        try:
            return self.form.result()
        except RiskAnswerError:
            return None

    def _recompute(self) -> None:
        result = self.live_score()
        ui = self.ui
        if result is None or self.form is None:
            return
        tool = self.form.tool
        for section in result.sections:
            group = self.form.groups.get(section.section_id)
            if group is not None:
                group.setTitle(f"{section.title}: {points_text(section.points)}")
        band = result.band
        ui.scoreValue.setText(str(result.score))
        ui.categoryValue.setText(f"Category {band.category}")
        ui.bandValue.setText(band.label)
        ui.riskSummary.setProperty("tone", f"risk{band.category}")
        repolish(ui.riskSummary)
        for label in (ui.categoryValue, ui.bandValue):
            repolish(label)
        ui.sectionsValue.setText(score_html(result, tool))
        ui.calculatedValue.setText(f"Category {band.category}: {band.label} (score {result.score})")
        if self._final_follows:
            index = ui.finalCategory.findData(band.category)
            if index >= 0:
                self._setting_final = True
                try:
                    ui.finalCategory.setCurrentIndex(index)
                finally:
                    self._setting_final = False
        self._update_override()
        self._show_final(result)

    def _show_final(self, result: RiskScore | None) -> None:
        """Add the chosen final category to the live summary when it overrides the calculated one."""
        if result is None:
            return
        final = self.ui.finalCategory.currentData()
        category = final if final is not None else result.calculated_category
        review = result.band.review_interval
        if self.procedure is not None:
            review = review_interval(self.procedure, category, self.session.now())
        self.ui.actionsValue.setText(actions_html(result, final, review))

    def _final_chosen(self) -> None:
        """The user picked a final category: it stays put while the score changes, unless it is the calculated one."""
        if not self._setting_final:
            result = self.live_score()
            self._final_follows = result is None or self.ui.finalCategory.currentData() == result.calculated_category
        self._update_override()
        self._show_final(self.live_score())

    def is_override(self) -> bool:
        result = self.live_score()
        final = self.ui.finalCategory.currentData()
        return result is not None and final is not None and final != result.calculated_category

    def _update_override(self) -> None:
        ui = self.ui
        override = self.is_override()
        ui.overrideReason.setEnabled(override and self._editable())
        ui.overrideLabel.setText("Override &reason (required)" if override else "Override &reason")
        if override:
            result = self.live_score()
            calculated = result.calculated_category if result else 0
            direction = "up" if ui.finalCategory.currentData() > calculated else "down"
            ui.overrideHint.setText(
                f"Override {direction} from Category {calculated}. Say why. A supervisor other than you must "
                "countersign it; until then the calculated category is the one that counts."
            )
            ui.overrideReason.setPlaceholderText("Why the final category differs from the calculated one")
        else:
            ui.overrideHint.setText(
                "The final category follows the calculated one. Choosing another needs a written reason and a "
                "supervisor's countersignature."
            )
            ui.overrideReason.setPlaceholderText("Only needed when the final category differs")
            mark_invalid(ui.overrideReason, False)

    # --- header, history, permissions -----------------------------------------------------------------

    def _render_all(self) -> None:
        self._render_header()
        self._history_selected()
        self._apply_permissions()

    def _render_header(self) -> None:
        ui, detail = self.ui, self.detail
        current = detail.current_risk if detail else None
        if current is None:
            set_chip(ui.currentChip, "Not assessed", "soon" if detail else "")
            ui.currentText.setText("No CSE risk assessment is recorded on this case yet." if detail else "Loading…")
        else:
            set_chip(ui.currentChip, f"Category {current.effective_category}", f"risk{current.effective_category}")
            text = f"{current.band_label} · assessed {wording.when(current.assessed_at)} by {current.assessor}"
            if current.override_pending:
                text += f" · override to Category {current.final_category} awaits a supervisor's countersignature"
            ui.currentText.setText(text)
        due = detail.risk_review_due if detail else None
        now = self.session.now()
        if due is None:
            waiting = detail.risk_review_waiting if detail else ""
            text = f"Not set yet: {waiting[0].lower()}{waiting[1:]}" if waiting else "Not set: complete an assessment"
            set_chip(ui.reviewLabel, text if detail else "", "soon" if detail else "")
            ui.reviewLabel.setToolTip("The next review is the reassessment step's due date, set once it can start.")
        elif due < now:
            set_chip(ui.reviewLabel, f"{wording.day(due)}: {wording.span(now - due)} overdue", "overdue")
        elif due - now < timedelta(days=7):
            set_chip(ui.reviewLabel, f"{wording.day(due)} ({wording.relative(due, now)})", "soon")
        else:
            set_chip(ui.reviewLabel, f"{wording.day(due)} ({wording.relative(due, now)})", "ok")
        if due is not None:
            ui.reviewLabel.setToolTip(f"Next review due {wording.when(due)}")
        self.history_model.refresh()

    def _review_tone(self, a: RiskAssessmentView) -> str:
        latest = self.history_model.rows[0] if self.history_model.rows else None
        if a is not latest:
            return "muted"
        return "overdue" if a.next_review_at < self.session.now() else ""

    def selected_assessment(self) -> RiskAssessmentView | None:
        rows = self.ui.history.selectionModel().selectedRows()
        return self.history_model.row_at(rows[0]) if rows else None

    def _history_selected(self) -> None:
        a = self.selected_assessment()
        if a is None:
            text = "No assessments yet." if not self.history_model.rows else "Select an assessment."
            self.ui.historyDetail.setHtml(f"<p style='color:#4a5868'>{esc(text)}</p>")
        else:
            self.ui.historyDetail.setHtml(assessment_html(a, self._labels()))
        self._apply_countersign()

    def _labels(self) -> dict[str, str]:
        """The indicators and triggers of the form's tool by id, to name them in a recorded assessment."""
        if self.form is None:
            return {}
        labels = {i: row.indicator.label for i, row in self.form.rows.items()}
        labels.update({t.id: t.label for t in self.form.tool.triggers})
        return labels

    def _editable(self) -> bool:
        return not refusal(self.session, self.detail, Action.RISK_ASSESS) and self.form is not None

    def _apply_permissions(self) -> None:
        ui = self.ui
        reason = refusal(self.session, self.detail, Action.RISK_ASSESS)
        may_role = self.session.may(Action.RISK_ASSESS)
        ui.formScroll.setVisible(may_role)
        ui.riskSummary.setVisible(may_role)  # the live score belongs to the form
        editable = not reason and self.form is not None
        if self.form is not None:
            self.form.set_editable(editable)
        for widget in (ui.triggersGroup, ui.assessedAt, ui.finalCategory, ui.notes, ui.clearButton):
            widget.setEnabled(editable)
        ui.overrideReason.setEnabled(editable and self.is_override())
        ui.recordButton.setEnabled(editable and not self._saving)
        ui.recordButton.setToolTip(reason or f"Record this assessment ({keys_text(RECORD_KEYS)})")
        has_last = bool(self.detail and self.detail.current_risk)
        ui.prefillButton.setEnabled(editable and has_last)
        ui.prefillButton.setToolTip(
            reason
            or (
                "Fill the form with the answers, evidence and triggers of the latest assessment"
                if has_last
                else "There is no earlier assessment to start from"
            )
        )
        note = ""
        if not may_role:
            note = "Risk assessments are recorded by investigators and supervisors; you can read the history."
        elif reason and self.detail is not None:
            note = reason
        self._show_note(note)
        self._apply_countersign()

    def _apply_countersign(self) -> None:
        ui, a = self.ui, self.selected_assessment()
        may = self.session.may(Action.RISK_COUNTERSIGN)
        ui.countersignButton.setVisible(may)
        pending = [x for x in self.history_model.rows if x.override_pending]
        reason = refusal(self.session, self.detail, Action.RISK_COUNTERSIGN, needs_open=False)
        if not reason:
            if a is None:
                reason = "Select an assessment with an override awaiting countersignature."
            elif not a.override_pending:
                reason = "The selected assessment has no override awaiting countersignature."
            elif a.assessor == self.session.actor.display_name:
                reason = "You made this assessment: another supervisor must countersign your own override."
        ui.countersignButton.setEnabled(may and not reason)
        ui.countersignButton.setToolTip(reason or "Confirm the override so the final category counts")
        note = ""
        if pending:
            note = (
                f"{len(pending)} override{'s' if len(pending) != 1 else ''} awaiting a supervisor's countersignature."
            )
        ui.countersignNote.setText(note)
        ui.countersignNote.setVisible(bool(note))

    # --- recording ------------------------------------------------------------------------------------

    _untouched = True  # the form holds nothing the user typed (blank, or filled from the latest assessment)
    _filling = False

    def unsaved_work(self) -> list[str]:
        return [] if self._untouched or self.form is None else ["the risk assessment on the Risk tab"]

    def _touched(self) -> None:
        if not self._filling:
            self._untouched = False

    def _fill_from(self, current: RiskAssessmentView) -> None:
        assert self.form is not None
        known = self.form.tool.indicator_ids()
        answers = {k: v for k, v in current.answers.items() if k in known}
        self._filling = True
        try:
            self.form.fill(answers, current.evidence, current.triggers)
        finally:
            self._filling = False
        self._untouched = True

    def _show_latest(self) -> None:
        current = self.detail.current_risk if self.detail else None
        if current is None or self.form is None:
            return
        self._fill_from(current)
        if not self.ui.message.text():
            set_message(
                self.ui.message,
                f"Showing the latest assessment ({wording.when(current.assessed_at)}). To reassess, change what "
                "is different today and record it.",
                error=False,
            )

    def prefill_from_last(self) -> None:
        current = self.detail.current_risk if self.detail else None
        if current is None or self.form is None:
            return
        if not self._untouched:
            answer = QMessageBox.question(
                self,
                "Replace your answers?",
                "The form holds answers you have not recorded. Replace them with the last assessment's?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._fill_from(current)
        set_message(
            self.ui.message,
            f"Filled from the assessment of {wording.when(current.assessed_at)}. Check every answer is still "
            "true today and update the evidence before recording.",
            error=False,
        )

    def clear_form(self) -> None:
        ui = self.ui
        if self.form is not None:
            self._filling = True
            try:
                self.form.clear()
            finally:
                self._filling = False
            self._untouched = False  # cleared on purpose: a refresh must not fill it again
            for row in self.form.rows.values():
                mark_invalid(row.evidence, False)
        self._final_follows = True
        ui.overrideReason.clear()
        ui.notes.clear()
        self.assessed_at.reset()
        for widget in (ui.overrideReason, ui.assessedAt, ui.finalCategory):
            mark_invalid(widget, False)
        set_message(ui.message, "")
        self._recompute()

    def record(self) -> None:
        ui, form = self.ui, self.form
        if form is None or self._saving or not ui.recordButton.isEnabled():
            return
        override = self.is_override()
        data = risk.RiskForm(
            answers=form.answers(),
            evidence=form.evidence(),
            triggers=form.fired(),
            override_category=ui.finalCategory.currentData() if override else None,
            override_reason=ui.overrideReason.toPlainText() if override else "",
            notes=ui.notes.toPlainText(),
            assessed_at=self.assessed_at.value(),
        )
        self._saving = True
        ui.recordButton.setEnabled(False)
        set_message(ui.message, "Saving…", error=False)
        self.session.run(
            self,
            risk.record_assessment,
            self.case_id,
            data,
            done=self._recorded,
            error=self._failed,
            changed_case=self.case_id,
        )

    def _recorded(self, view: RiskAssessmentView) -> None:
        self._saving = False
        self.sign_dialog: SignDialog | None = None
        self._select_next = view.id
        self.clear_form()
        self._untouched = True  # the next load shows the assessment just recorded
        pending = " The override awaits a supervisor's countersignature." if view.override_pending else ""
        set_message(
            self.ui.message,
            f"Assessment recorded: Category {view.final_category} ({view.band_label}), score {view.score}. "
            f"Next review by {wording.day(view.next_review_at)}.{pending}",
            error=False,
        )
        self._apply_permissions()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.sign_dialog: SignDialog | None = None
        self._apply_permissions()
        ui, form = self.ui, self.form
        fields: dict[str, QWidget] = {
            "override_reason": ui.overrideReason,
            "override_category": ui.finalCategory,
            "assessed_at": ui.assessedAt,
        }
        show_failure(ui.message, exc, fields)
        if isinstance(exc, InvalidInput) and form is not None and any(p.field == "evidence" for p in exc.problems):
            missing = form.missing_evidence()
            for widget in missing:
                mark_invalid(widget)
            if missing:
                missing[0].setFocus()
                self.ui.formScroll.ensureWidgetVisible(missing[0])

    def open_countersign_dialog(self) -> SignDialog | None:
        """The countersignature is an electronic signature: the supervisor enters their password again in the
        shared signing dialog; a wrong one keeps it open with the attempts left."""
        a = self.selected_assessment()
        if a is None or not self.ui.countersignButton.isEnabled():
            return None
        dialog = SignDialog(self, self.session, Meaning.COUNTERSIGNED.value, countersign_summary(a))
        dialog.setWindowTitle("Countersign risk override")
        dialog.sign_with(
            risk.countersign_override,
            a.id,
            done=self._saved,
            error=lambda exc: show_error(self, exc) if alive(self) else None,
            changed_case=self.case_id,
        )
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def _record_saved(self, result: Any) -> object | None:
        return result.id  # the countersigned assessment
