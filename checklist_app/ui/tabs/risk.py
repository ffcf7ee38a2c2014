"""The CSE risk assessment: the case's procedure's risk tool as a form with a live score, the history of
assessments with overrides and countersignatures, and the next review date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Procedure, RiskIndicator, RiskSection, RiskTool, ScoringMethod
from checklist_app.core.risk import Recency, RiskAnswerError, RiskScore, score
from checklist_app.core.signatures import Meaning
from checklist_app.core.wording import compact_day
from checklist_app.services import risk
from checklist_app.services.dto import CaseDetail, RiskAssessmentView
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.errors import show_error
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.tabs.common import (
    CaseTab,
    Column,
    DateTimeInput,
    RowsModel,
    add_shortcut,
    call,
    chip_html,
    esc,
    keys_text,
    mark_invalid,
    refusal,
    replace_rows,
    repolish,
    set_chip,
    set_message,
    setup_table,
    show_failure,
)

RECORD_KEYS = "Ctrl+Return"
RECENCY_WORDS = {
    Recency.ABSENT: "Absent",
    Recency.CURRENT: "Current",
    Recency.PAST: "Past only",
    Recency.BOTH: "Both",
}


def _points(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def band_range(band: Any) -> str:
    return f"{band.min_score}+" if band.max_score is None else f"{band.min_score}–{band.max_score}"


class _ToggleLabel(QLabel):
    """A word-wrapping label that ticks its check box when clicked (check box text cannot wrap)."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.box.isEnabled() and event.button() == Qt.MouseButton.LeftButton:
            self.box.toggle()
            self.box.setFocus()
        super().mouseReleaseEvent(event)


@dataclass
class IndicatorRow:
    section: RiskSection
    indicator: RiskIndicator
    control: QCheckBox | QComboBox
    evidence: QLineEdit

    @property
    def value(self) -> str:
        if isinstance(self.control, QCheckBox):
            return "yes" if self.control.isChecked() else "no"
        return str(self.control.currentData() or Recency.ABSENT.value)

    @property
    def present(self) -> bool:
        return self.value not in ("no", Recency.ABSENT.value)

    def set_value(self, value: str) -> None:
        if isinstance(self.control, QCheckBox):
            self.control.setChecked(value == "yes")
        else:
            index = self.control.findData(value)
            self.control.setCurrentIndex(max(index, 0))


class RiskForm(QObject):
    """The risk tool's sections, indicators and triggers as widgets, built from the procedure's data."""

    answers_changed = Signal()

    def __init__(
        self, tool: RiskTool, host: QVBoxLayout, triggers_layout: QVBoxLayout, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tool = tool
        self.editable = True
        self.rows: dict[str, IndicatorRow] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.triggers: dict[str, QCheckBox] = {}
        for section in tool.sections:
            group = self._section(section)
            host.addWidget(group)
            group.show()  # the host may be on screen already: show now, not on a later event
            self.groups[section.id] = group
        for trigger in tool.triggers:
            box = QCheckBox(f"{trigger.label} (at least Category {trigger.min_category})")
            box.setObjectName(f"trigger_{trigger.id}")
            box.toggled.connect(self.answers_changed)
            triggers_layout.addWidget(box)
            box.show()
            self.triggers[trigger.id] = box

    def _section(self, section: RiskSection) -> QGroupBox:
        group = QGroupBox(section.title)
        group.setObjectName(f"section_{section.id}")
        layout = QVBoxLayout(group)
        layout.setSpacing(6)
        if section.scoring is ScoringMethod.RECENCY:
            pts = section.recency_points
            window = section.window.describe() if section.window else "the window"
            rule = (
                f"Scored by when each was seen: current (within {window}) {pts.get('current', 0)}, "
                f"only before that {pts.get('past', 0)}, both {pts.get('both', 0)}."
            )
        elif section.window is not None:
            rule = f"Each indicator present now or within the last {section.window.describe()} scores its points."
        else:
            rule = "Each indicator present scores its points."
        hint = QLabel(f"{section.description}" if section.description else rule)
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(3, 5)
        header_style = "hint"
        for col, text in (
            (1, "Indicator"),
            (2, "Points" if section.scoring is ScoringMethod.COUNT else "Seen"),
            (3, "Evidence: source and date"),
        ):
            label = QLabel(text)
            label.setProperty("role", header_style)
            grid.addWidget(label, 0, col)
        for r, indicator in enumerate(section.indicators, start=1):
            evidence = QLineEdit()
            evidence.setObjectName(f"evidence_{indicator.id}")
            evidence.setPlaceholderText("Source and date")
            evidence.setToolTip("Where this comes from and when, e.g. school DSL report 20/02/2026")
            evidence.setAccessibleName(f"Evidence for {indicator.label}")
            evidence.setEnabled(False)
            control: QCheckBox | QComboBox
            if section.scoring is ScoringMethod.COUNT:
                control = QCheckBox()
                control.setAccessibleName(indicator.label)
                control.toggled.connect(self._changed)
                label = _ToggleLabel(indicator.label, control)
                grid.addWidget(control, r, 0)
                grid.addWidget(label, r, 1)
                points = QLabel(f"+{indicator.points}")
                points.setProperty("role", "hint")
                points.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(points, r, 2)
            else:
                control = QComboBox()
                control.setAccessibleName(indicator.label)
                pts = section.recency_points
                for recency in Recency:
                    text = RECENCY_WORDS[recency]
                    if recency is not Recency.ABSENT:
                        text = f"{text} (+{pts.get(recency.value, 0)})"
                    control.addItem(text, recency.value)
                control.currentIndexChanged.connect(self._changed)
                label = QLabel(indicator.label)
                label.setWordWrap(True)
                label.setBuddy(control)
                grid.addWidget(label, r, 0, 1, 2)
                grid.addWidget(control, r, 2)
            control.setObjectName(f"indicator_{indicator.id}")
            if indicator.help:
                label.setToolTip(indicator.help)
                control.setToolTip(indicator.help)
            grid.addWidget(evidence, r, 3)
            self.rows[indicator.id] = IndicatorRow(section, indicator, control, evidence)
        layout.addLayout(grid)
        return group

    def _changed(self) -> None:
        for row in self.rows.values():
            row.evidence.setEnabled(row.present and self.editable)
            if not row.present:
                mark_invalid(row.evidence, False)
        self.answers_changed.emit()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for group in self.groups.values():
            group.setEnabled(editable)
        for row in self.rows.values():
            row.control.setEnabled(editable)
            row.evidence.setEnabled(editable and row.present)
        for box in self.triggers.values():
            box.setEnabled(editable)

    def answers(self) -> dict[str, str]:
        return {i: row.value for i, row in self.rows.items()}

    def evidence(self) -> dict[str, str]:
        return {i: row.evidence.text().strip() for i, row in self.rows.items() if row.present}

    def fired(self) -> list[str]:
        return [t for t, box in self.triggers.items() if box.isChecked()]

    def result(self) -> RiskScore:
        return score(self.tool, self.answers(), self.fired())

    def fill(self, answers: dict[str, str], evidence: dict[str, object], triggers: tuple[str, ...]) -> None:
        for indicator_id, row in self.rows.items():
            row.set_value(str(answers.get(indicator_id, "no")))
            row.evidence.setText(str(evidence.get(indicator_id, "")))
            row.evidence.setCursorPosition(0)
        for trigger_id, box in self.triggers.items():
            box.setChecked(trigger_id in triggers)
        self._changed()

    def clear(self) -> None:
        self.fill({}, {}, ())

    def missing_evidence(self) -> list[QLineEdit]:
        return [row.evidence for row in self.rows.values() if row.present and not row.evidence.text().strip()]


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
        self.history_model = RowsModel(
            (
                Column(
                    "Assessed",
                    lambda a: compact_day(a.assessed_at),
                    tooltip=lambda a: wording.when(a.assessed_at),
                ),
                Column("Assessor", lambda a: a.assessor, stretch=True),
                Column("Score", lambda a: str(a.score), centre=True),
                Column(
                    "Category",
                    lambda a: (
                        str(a.final_category)
                        if a.final_category == a.calculated_category
                        else f"{a.calculated_category} → {a.final_category}"
                    ),
                    centre=True,
                    tone=lambda a: "late" if a.final_category != a.calculated_category else "",
                    tooltip=lambda a: f"Calculated category {a.calculated_category}, final category {a.final_category}",
                ),
                Column(
                    "In force",
                    lambda a: str(a.effective_category),
                    centre=True,
                    tone=lambda a: "overdue" if a.effective_category >= 3 else "",
                    tooltip=lambda a: f"The category that counts: {wording.RISK_LABELS.get(a.effective_category, '')}",
                ),
                Column(
                    "Override",
                    self._override_text,
                    tone=lambda a: "late" if a.override_pending else "",
                    tooltip=lambda a: (
                        f"Override to Category {a.final_category}: {a.override_reason}"
                        + (" (awaiting a supervisor's countersignature)" if a.override_pending else "")
                        if a.override_reason
                        else "No override"
                    ),
                ),
                Column(
                    "Next review",
                    lambda a: compact_day(a.next_review_at),
                    tone=self._review_tone,
                    tooltip=lambda a: f"Next review due {wording.when(a.next_review_at)}",
                ),
            ),
            self,
        )
        setup_table(ui.history, self.history_model)
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
                group.setTitle(f"{section.title}: {_points(section.points)}")
        band = result.band
        ui.scoreValue.setText(str(result.score))
        ui.categoryValue.setText(f"Category {band.category}")
        ui.bandValue.setText(band.label)
        ui.riskSummary.setProperty("tone", f"risk{band.category}")
        repolish(ui.riskSummary)
        for label in (ui.categoryValue, ui.bandValue):
            repolish(label)
        lines = "".join(
            f"<tr><td style='padding:1px 12px 1px 0'>{esc(s.title)}</td>"
            f"<td style='padding:1px 12px 1px 0; color:#4a5868'>{s.present} present</td>"
            f"<td align='right' style='padding:1px 0'><b>{s.points}</b></td></tr>"
            for s in result.sections
        )
        lines += (
            "<tr><td style='padding:3px 12px 1px 0'><b>Total</b></td><td></td>"
            f"<td align='right' style='padding:3px 0 1px 0'><b>{result.score}</b></td></tr>"
        )
        scale = " · ".join(f"{band_range(b)}: Cat {b.category}" for b in tool.bands)
        triggered = ""
        if result.triggered_by:
            names = {t.id: t for t in tool.triggers}
            triggered = "".join(
                f"<p style='margin-top:4px'><b>Trigger:</b> {esc(names[t].label)} sets at least "
                f"Category {names[t].min_category}.</p>"
                for t in result.triggered_by
                if t in names
            )
        ui.sectionsValue.setText(
            f"<table cellspacing='0'>{lines}</table>{triggered}"
            f"<p style='color:#4a5868; margin-top:4px'>Bands: {esc(scale)}</p>"
        )
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
        band = result.band
        text = (
            f"<p><b>Actions for Category {band.category}:</b> {esc(band.actions)}</p>"
            f"<p style='color:#4a5868'>Review within {esc(band.review_interval.describe())} at most.</p>"
        )
        final = self.ui.finalCategory.currentData()
        if final is not None and final != result.calculated_category:
            text += (
                f"<p style='color:#6b4500'><b>Final category {final} chosen (override).</b> It needs a written "
                "reason and a supervisor's countersignature; until then Category "
                f"{result.calculated_category} counts.</p>"
            )
        self.ui.actionsValue.setText(text)

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

    def _override_text(self, a: RiskAssessmentView) -> str:
        if a.final_category == a.calculated_category:
            return "–"
        if a.override_pending:
            return "Pending"
        sig = a.countersignature
        return f"Signed: {a.countersigned_by}" + ("" if sig is None or sig.valid else " (superseded)")

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
            self.ui.historyDetail.setHtml(self._assessment_html(a))
        self._apply_countersign()

    def _assessment_html(self, a: RiskAssessmentView) -> str:
        labels: dict[str, str] = {}
        if self.form is not None:
            labels = {i: row.indicator.label for i, row in self.form.rows.items()}
            labels.update({t.id: t.label for t in self.form.tool.triggers})
        head = (
            f"<p>{chip_html(f'Category {a.effective_category}', f'risk{a.effective_category}')}&nbsp; "
            f"<b>{esc(a.band_label)}</b> · score {a.score} · {esc(a.tool)} · assessed "
            f"{esc(wording.when(a.assessed_at))} by {esc(a.assessor)}</p>"
        )
        if a.section_points:
            head += "<p>" + " · ".join(f"{esc(t)} {p}" for t, p in a.section_points) + "</p>"
        if a.triggers:
            head += "<p><b>Triggers:</b> " + esc(", ".join(labels.get(t, t) for t in a.triggers)) + "</p>"
        if a.final_category != a.calculated_category:
            signed = (
                chip_html("awaiting countersignature", "late")
                if a.override_pending
                else esc(f"countersigned by {a.countersigned_by} {wording.when(a.countersigned_at)}")
            )
            head += (
                f"<p><b>Override</b> from Category {a.calculated_category} to {a.final_category}, {signed}. "
                f"Reason: {esc(a.override_reason)}</p>"
            )
            sig = a.countersignature
            if sig is not None:  # the electronic signature, with whether it still holds for the content
                state = chip_html("valid" if sig.valid else "superseded", "ok" if sig.valid else "overdue")
                head += f"<p><b>Signature:</b> {esc(sig.text)}&nbsp; {state}</p>"
        if a.notes:
            head += f"<p><b>Notes:</b> {esc(a.notes)}</p>"
        present = [(i, v) for i, v in a.answers.items() if v not in ("no", "absent")]
        if present:
            items = "".join(
                f"<li>{esc(labels.get(i, i))}"
                + (f" ({esc(RECENCY_WORDS.get(Recency(v), v).lower())})" if v in {r.value for r in Recency} else "")
                + f": <span style='color:#4a5868'>{esc(a.evidence.get(i, ''))}</span></li>"
                for i, v in present
            )
            head += f"<p><b>Indicators present and their evidence</b></p><ul style='margin-top:0'>{items}</ul>"
        head += f"<p style='color:#4a5868'>Next review {esc(wording.when(a.next_review_at))}</p>"
        return head

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
        ctx, actor, case_id = self.session.ctx, self.session.actor, self.case_id
        self._saving = True
        ui.recordButton.setEnabled(False)
        set_message(ui.message, "Saving…", error=False)
        call(
            self.session, self, lambda: risk.record_assessment(ctx, actor, case_id, data), self._recorded, self._failed
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
        self.changed.emit()

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
        ctx, actor, assessment_id = self.session.ctx, self.session.actor, a.id
        dialog = SignDialog(self, self.session, Meaning.COUNTERSIGNED.value, countersign_summary(a))
        dialog.setWindowTitle("Countersign risk override")
        dialog.sign_with(
            lambda password: risk.countersign_override(ctx, actor, assessment_id, password),
            self._saved,
            lambda exc: show_error(self, exc) if shiboken6.isValid(self) else None,
        )
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def _record_saved(self, result: Any) -> object | None:
        return result.id  # the countersigned assessment


def countersign_summary(a: RiskAssessmentView) -> str:
    """What the countersignature binds to, in words for the signer."""
    direction = "up" if a.final_category > a.calculated_category else "down"
    return (
        f"Risk assessment RA-{a.id} by {a.assessor}, {wording.when(a.assessed_at)} ({a.tool}).\n"
        f"Score {a.score}: calculated Category {a.calculated_category}, final Category {a.final_category} "
        f"(override {direction}).\n\nReason given:\n{a.override_reason}\n\n"
        f"Countersigning makes Category {a.final_category} the one that counts for this case."
    )
