"""The intelligence dialogs: a new report, and routing, assessing and recording the action on an item."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.core import intelligence as intel
from checklist_app.core import wording
from checklist_app.core.procedure.model import IntelligenceTarget, Procedure
from checklist_app.services import intelligence
from checklist_app.services.dto import IntelligenceView
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.intelligence.words import PRIORITY_WORDS, due_line, item_summary, target_words
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import align_labels, esc
from checklist_app.ui.widgets.service_dialog import ServiceDialog, UseCase, use_case


class AddIntelligenceDialog(ServiceDialog):
    """A new intelligence report: sanitised text, 3x5x2 grade, priority, marking."""

    def __init__(
        self, session: AppSession, case_id: int, procedure: Procedure | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, "Add intelligence", "intelligence_add.ui", "&Submit", parent)
        self.case_id, self.procedure = case_id, procedure
        self.scroll_body()  # at 150 % on 1920x1080 the form is nearly as tall as the screen
        ui = self.ui
        self.received_at = DateTimeInput(ui.receivedAt, session.now)
        for combo, labels in (
            (ui.sourceEvaluation, intel.SOURCE_EVALUATION_3x5x2),
            (ui.intelligenceAssessment, intel.INTELLIGENCE_ASSESSMENT_3x5x2),
            (ui.handlingCode, intel.HANDLING_3x5x2),
        ):
            for code, label in labels.items():
                combo.addItem(f"{code}   {label}", code)
            combo.setPlaceholderText("Choose…")
            combo.setCurrentIndex(-1)
            combo.currentIndexChanged.connect(self._update)
        for priority in wording.PRIORITIES:
            ui.priority.addItem(intel.PRIORITY_LABELS[priority], priority)
        ui.priority.setPlaceholderText("Choose…")
        ui.priority.setCurrentIndex(-1)
        ui.priority.currentIndexChanged.connect(self._update)
        for marking in intel.PROTECTIVE_MARKINGS:
            ui.protectiveMarking.addItem(marking, marking)
        ui.summary.setMinimumHeight(ui.summary.fontMetrics().lineSpacing() * 8)
        for label in (ui.gradePreview, ui.priorityHelp):  # room for two lines whatever they come to say
            label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2 + 2)
        ui.bannerFrame.setObjectName("bannerFrame")
        ui.bannerTitle.setObjectName("bannerTitle")
        self.fields = {
            "received_at": ui.receivedAt,
            "summary": ui.summary,
            "priority": ui.priority,
            "protective_marking": ui.protectiveMarking,
        }
        for widget in (ui.sourceEvaluation, ui.intelligenceAssessment, ui.handlingCode, ui.handlingConditions):
            self.fields[widget.objectName()] = widget
        self._update()
        align_labels(
            (
                ui.sourceLabel,
                ui.assessmentLabel,
                ui.handlingLabel,
                ui.conditionsLabel,
                ui.priorityLabel,
                ui.markingLabel,
            )
        )
        self.fit(140)
        ui.summary.setFocus()

    def _update(self) -> None:
        ui = self.ui
        handling = ui.handlingCode.currentData()
        conditional = handling == "C"
        ui.handlingConditions.setEnabled(conditional)
        codes = [ui.sourceEvaluation.currentData(), ui.intelligenceAssessment.currentData(), handling]
        if all(codes):
            grade = intel.Grade(intel.Scheme.CURRENT, *codes)
            ui.gradePreview.setText(f"Grade {grade.code()}: {grade.describe()}")
        else:
            ui.gradePreview.setText("Choose the three parts of the grade.")
        priority = ui.priority.currentData()
        target = self.procedure.settings.intelligence_targets.get(priority) if self.procedure and priority else None
        if target is not None:
            ui.priorityHelp.setText(f"Targets for this case's procedure: {target_words(target)}.")
        elif self.procedure is not None:
            lines = [
                f"{PRIORITY_WORDS[p]}: {target_words(t)}"
                for p, t in self.procedure.settings.intelligence_targets.items()
                if p in PRIORITY_WORDS
            ]
            ui.priorityHelp.setText("Targets: " + "; ".join(lines) + ".")
        else:
            ui.priorityHelp.setText("")

    def locate(self, problem: FieldProblem) -> QWidget | None:
        if problem.field != "grade":
            return None
        ui, message = self.ui, problem.message
        if "conditions" in message:
            return ui.handlingConditions
        if "source evaluation" in message:
            return ui.sourceEvaluation
        if "intelligence assessment" in message:
            return ui.intelligenceAssessment
        if "handling code" in message:
            return ui.handlingCode
        return ui.sourceEvaluation

    def work(self) -> UseCase:
        ui = self.ui
        handling = ui.handlingCode.currentData() or ""
        form = intelligence.NewIntelligence(
            received_at=self.received_at.value() or self.session.now(),
            summary=ui.summary.toPlainText(),
            source_evaluation=ui.sourceEvaluation.currentData() or "",
            intelligence_assessment=ui.intelligenceAssessment.currentData() or "",
            handling_code=handling,
            priority=ui.priority.currentData() or "",
            handling_conditions=ui.handlingConditions.text() if handling == "C" else "",
            protective_marking=ui.protectiveMarking.currentData() or "",
            sanitised=ui.sanitised.isChecked(),
        )
        return use_case(intelligence.submit, self.case_id, form)


class _StepDialog(ServiceDialog):
    def __init__(self, session: AppSession, title: str, ok_text: str, item: IntelligenceView, parent: QWidget | None):
        super().__init__(session, title, "intelligence_step.ui", ok_text, parent)
        self.item = item

    def _rows(self, *, choice: str | None, text: str | None, sanitised: bool) -> None:
        ui = self.ui
        ui.fields.setRowVisible(ui.choiceColumn, choice is not None)
        ui.fields.setRowVisible(ui.text, text is not None)
        ui.fields.setRowVisible(ui.sanitised, sanitised)
        if choice is not None:
            ui.choiceLabel.setText(choice)
            ui.choice.setAccessibleName(choice.replace("&", ""))
        if text is not None:
            ui.textLabel.setText(text)
            ui.text.setAccessibleName(text.replace("&", ""))
            ui.text.setMinimumHeight(ui.text.fontMetrics().lineSpacing() * 5)


class RouteDialog(_StepDialog):
    def __init__(
        self,
        session: AppSession,
        item: IntelligenceView,
        assessors: list[tuple[int, str]],
        target: IntelligenceTarget | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, f"Route {item.reference}", "&Route", item, parent)
        ui = self.ui
        self._rows(choice="&Assessor", text=None, sanitised=False)
        now = session.now()
        extra = due_line("Route by", item.route_due, item.route_state, now, target.route if target else None)
        if item.routed_at is not None:
            extra += (
                f"<p>Now with <b>{esc(item.routed_to)}</b> since {esc(wording.when(item.routed_at))}. "
                "Routing again counts as a re-route.</p>"
            )
        ui.itemLabel.setText(item_summary(item, extra))
        for user_id, name in assessors:
            label = f"{name} (has it now)" if user_id == item.routed_to_id else name
            ui.choice.addItem(label, user_id)
        ui.choice.setPlaceholderText("Choose an intelligence officer…")
        ui.choice.setCurrentIndex(-1)
        if not assessors:
            ui.choiceHelp.setText("No active intelligence officer serves this district: ask an administrator.")
            self.ok_button.setEnabled(False)
        else:
            ui.choiceHelp.setText("Intelligence officers of the case's district who can assess it.")
        self.fields = {"assessor": ui.choice}
        self.fit(90)
        ui.choice.setFocus()

    def work(self) -> UseCase:
        assessor = self.ui.choice.currentData()
        if assessor is None:
            raise InvalidInput([FieldProblem("assessor", "Assessor", "choose who should assess the item")])
        return use_case(intelligence.route, self.item.id, int(assessor))


class AssessDialog(_StepDialog):
    def __init__(
        self,
        session: AppSession,
        item: IntelligenceView,
        target: IntelligenceTarget | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, f"Record assessment of {item.reference}", "&Record assessment", item, parent)
        ui = self.ui
        self._rows(choice="&Outcome", text="&Rationale", sanitised=True)
        now = session.now()
        extra = due_line("Assess by", item.assess_due, item.assess_state, now, target.assess if target else None)
        extra += f"<p style='color:#4a5868'>{esc(item.grade_text)}</p>"
        ui.itemLabel.setText(item_summary(item, extra))
        for outcome, label in intel.ASSESSMENT_OUTCOMES.items():
            ui.choice.addItem(label, outcome)
        ui.choice.setPlaceholderText("Choose…")
        ui.choice.setCurrentIndex(-1)
        ui.choiceHelp.setText("Disseminating or tasking needs a sanitised report.")
        ui.text.setPlaceholderText("Why this outcome: links to other cases, reliability, what should happen next")
        ui.sanitised.setChecked(item.sanitised)
        self.fields = {"outcome": ui.choice, "rationale": ui.text, "sanitised": ui.sanitised}
        self.fit(94)
        ui.choice.setFocus()

    def work(self) -> UseCase:
        ui = self.ui
        outcome, rationale, sanitised = ui.choice.currentData() or "", ui.text.toPlainText(), ui.sanitised.isChecked()
        return use_case(intelligence.assess, self.item.id, outcome=outcome, rationale=rationale, sanitised=sanitised)


class ActionDialog(_StepDialog):
    def __init__(
        self,
        session: AppSession,
        item: IntelligenceView,
        target: IntelligenceTarget | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, f"Record action on {item.reference}", "&Record action", item, parent)
        ui = self.ui
        self._rows(choice=None, text="&Action taken", sanitised=False)
        now = session.now()
        outcome = intel.ASSESSMENT_OUTCOMES.get(item.assessment_outcome, item.assessment_outcome)
        extra = (
            f"<p>Assessed {esc(wording.when(item.assessed_at))} by {esc(item.assessed_by)}: <b>{esc(outcome)}</b>. "
            f"{esc(item.assessment_rationale)}</p>"
        )
        extra += due_line("Action due", item.action_due, item.action_state, now, target.action if target else None)
        ui.itemLabel.setText(item_summary(item, extra))
        ui.text.setPlaceholderText("What was done with it, e.g. vehicle flagged on ANPR, address visited")
        self.fields = {"action_taken": ui.text}
        self.fit(90)
        ui.text.setFocus()

    def work(self) -> UseCase:
        action_taken = self.ui.text.toPlainText()
        return use_case(intelligence.record_action, self.item.id, action_taken)
