"""Intelligence on the case: graded (3x5x2) reports, routed to an assessor, assessed and actioned, each
stage timed against the targets for the item's priority in the case's procedure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from checklist_app.core import intelligence as intel
from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import IntelligenceTarget, Procedure
from checklist_app.core.wording import TIMELINESS_WORDS, compact_when, due_words, elapsed, live_timeliness
from checklist_app.services import intelligence
from checklist_app.services.dto import CaseDetail, IntelligenceView
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.common import (
    STATE_TONES,
    CaseTab,
    Column,
    DateTimeInput,
    RowsModel,
    ServiceDialog,
    add_shortcut,
    align_labels,
    call,
    chip_html,
    esc,
    keys_text,
    refusal,
    replace_rows,
    setup_table,
)

PRIORITY_WORDS = {"high": "High", "medium": "Medium", "low": "Low"}
ADD_KEYS = "Ins"


def target_words(target: IntelligenceTarget) -> str:
    return (
        f"route within {target.route.describe()}, assess within {target.assess.describe()}, "
        f"action acknowledged within {target.action.describe()} of submission"
    )


# --- the tab -----------------------------------------------------------------------------------------------


class IntelligenceTab(CaseTab):
    """The case's intelligence items with timeliness colours, the selected item in full, and the actions
    that move an item on (submit, route, assess, record action)."""

    icon_name = "intelligence"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, "intelligence_tab.ui", parent)
        self.assessors: list[tuple[int, str]] | None = None
        ui = self.ui
        now = session.now
        self.model = RowsModel(
            (
                Column("Reference", lambda i: i.reference),
                Column(
                    "Received", lambda i: compact_when(i.received_at), tooltip=lambda i: wording.when(i.received_at)
                ),
                Column(
                    "Priority",
                    lambda i: PRIORITY_WORDS.get(i.priority, i.priority),
                    tooltip=lambda i: intel.PRIORITY_LABELS.get(i.priority, i.priority),
                ),
                Column("Grade", lambda i: i.grade_code, tooltip=lambda i: i.grade_text, centre=True),
                Column(
                    "Routed to",
                    lambda i: self._stage_cell(i.routed_to, i.routed_at, i.route_due, i.route_state),
                    tone=lambda i: STATE_TONES.get(live_timeliness(i.route_state, i.route_due, now()), ""),
                    tooltip=lambda i: self._stage_tip("Routing", i.routed_at, i.route_due, i.route_state),
                ),
                Column(
                    "Assessed",
                    lambda i: self._stage_cell(
                        compact_when(i.assessed_at), i.assessed_at, i.assess_due, i.assess_state
                    ),
                    tone=lambda i: STATE_TONES.get(live_timeliness(i.assess_state, i.assess_due, now()), ""),
                    tooltip=lambda i: self._stage_tip("Assessment", i.assessed_at, i.assess_due, i.assess_state),
                ),
                Column(
                    "Outcome",
                    lambda i: intel.ASSESSMENT_OUTCOMES.get(i.assessment_outcome, i.assessment_outcome),
                ),
                Column(
                    "Actioned",
                    lambda i: self._stage_cell(
                        compact_when(i.actioned_at), i.actioned_at, i.action_due, i.action_state
                    ),
                    tone=lambda i: STATE_TONES.get(live_timeliness(i.action_state, i.action_due, now()), ""),
                    tooltip=lambda i: self._stage_tip("Action", i.actioned_at, i.action_due, i.action_state),
                ),
            ),
            self,
        )
        setup_table(ui.table, self.model)
        self.setFocusProxy(ui.table)
        ui.outer.setStretchFactor(ui.splitter, 1)  # extra height goes to the tables, not the header
        ui.table.selectionModel().selectionChanged.connect(self._selection_changed)
        ui.splitter.setSizes([4000, 6000])
        ui.addButton.clicked.connect(self.open_add_dialog)
        ui.routeButton.clicked.connect(self.open_route_dialog)
        ui.assessButton.clicked.connect(self.open_assess_dialog)
        ui.actionButton.clicked.connect(self.open_action_dialog)
        add_shortcut(self, ADD_KEYS, self.open_add_dialog)
        ui.table.activated.connect(lambda _index: ui.detail.setFocus())
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._render()

    # --- the workspace's interface ------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        return f"Intelligence ({len(detail.intelligence)})"

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail, self.procedure = detail, procedure
        if self.assessors is None and self.session.may(Action.INTEL_ROUTE):
            self._load_assessors(None)
        prefer, self._select_next = self._select_next, None
        replace_rows(self.ui.table, self.model, detail.intelligence, prefer)
        self._render()

    # --- loading what the dialogs need ----------------------------------------------------------------

    def _load_assessors(self, then: Callable[[], None] | None) -> None:
        if self.detail is None:
            return
        ctx, district_id = self.session.ctx, self.detail.district_id

        def loaded(result: list[tuple[int, str]]) -> None:
            self.assessors = result
            if then is not None:
                then()

        call(self.session, self, lambda: intelligence.assessors(ctx, district_id), loaded)

    def target(self, priority: str) -> IntelligenceTarget | None:
        if self.procedure is None:
            return None
        return self.procedure.settings.intelligence_targets.get(priority)

    # --- showing --------------------------------------------------------------------------------------

    def _stage_cell(self, done_text: str | None, done_at: datetime | None, due: datetime, state: str) -> str:
        """What a stage column says: who or when it was done (late flagged), else when it is or was due."""
        if done_at is not None:
            done_text = done_text if done_text is not None else compact_when(done_at)
            return f"{done_text} ({TIMELINESS_WORDS.get(state, state)})" if state == "late" else done_text
        state = live_timeliness(state, due, self.session.now())
        if state == "overdue":
            return f"Overdue since {compact_when(due)}"
        return f"Due {compact_when(due)}"

    def _stage_tip(self, stage: str, done_at: datetime | None, due: datetime, state: str) -> str:
        now = self.session.now()
        if done_at is not None:
            return f"{stage} {wording.when(done_at)}; target {wording.when(due)}: {TIMELINESS_WORDS.get(state, state)}"
        state = live_timeliness(state, due, now)
        return f"{stage} due {wording.when(due)} ({wording.relative(due, now)}): {TIMELINESS_WORDS.get(state, state)}"

    def selected(self) -> IntelligenceView | None:
        rows = self.ui.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def _selection_changed(self) -> None:
        self._render()

    def _tick(self) -> None:
        self.model.refresh()
        self._render()

    def _render(self) -> None:
        self._render_summary()
        self._render_detail()
        self._apply_permissions()

    def _render_summary(self) -> None:
        items = self.model.rows
        now = self.session.now()
        if not items:
            self.ui.summaryLabel.setText("")
            return
        open_items = [i for i in items if i.actioned_at is None]
        overdue = [
            i
            for i in open_items
            if "overdue"
            in (
                live_timeliness(i.route_state, i.route_due, now) if i.routed_at is None else "",
                live_timeliness(i.assess_state, i.assess_due, now),
                live_timeliness(i.action_state, i.action_due, now),
            )
        ]
        parts = [f"{len(items)} item{'s' if len(items) != 1 else ''}", f"{len(open_items)} open"]
        if overdue:
            parts.append(f"{len(overdue)} past a target")
        self.ui.summaryLabel.setText(" · ".join(parts))

    def _render_detail(self) -> None:
        item = self.selected()
        if item is None:
            text = "No intelligence has been submitted on this case yet." if not self.model.rows else "Select an item."
            self.ui.detail.setHtml(f"<p style='color:#4a5868'>{esc(text)}</p>")
            return
        self.ui.detail.setHtml(item_html(item, self.target(item.priority), self.session.now()))

    def _apply_permissions(self) -> None:
        ui, session, detail, item = self.ui, self.session, self.detail, self.selected()
        add = refusal(session, detail, Action.INTEL_SUBMIT)
        ui.addButton.setVisible(session.may(Action.INTEL_SUBMIT))
        ui.addButton.setEnabled(not add)
        ui.addButton.setToolTip(add or f"Submit a new graded intelligence report ({keys_text(ADD_KEYS)})")

        def gate(button: QWidget, action: Action, tip: str, needs_open: bool, state: str) -> None:
            reason = refusal(session, detail, action, needs_open=needs_open)
            if not reason:
                reason = state
            button.setVisible(session.may(action))
            button.setEnabled(not reason)
            button.setToolTip(reason or tip)

        none = "Select an item first."
        assessed = f"{item.reference} has already been assessed." if item and item.assessed_at else ""
        gate(
            ui.routeButton,
            Action.INTEL_ROUTE,
            "Send the selected item to an intelligence officer to assess",
            False,
            none if item is None else assessed,
        )
        gate(
            ui.assessButton,
            Action.INTEL_ASSESS,
            "Record your assessment of the selected item: develop, disseminate, task or file",
            False,
            none if item is None else assessed,
        )
        action_state = none
        if item is not None:
            if item.assessed_at is None:
                action_state = f"{item.reference} has not been assessed yet."
            elif item.actioned_at is not None:
                action_state = f"Action on {item.reference} is already recorded."
            else:
                action_state = ""
        gate(
            ui.actionButton,
            Action.INTEL_ACTION,
            "Say what was done with the assessed item (closes the loop)",
            True,
            action_state,
        )
        visible = [b for b in (ui.addButton, ui.routeButton, ui.assessButton, ui.actionButton) if not b.isHidden()]
        note = ""
        if not visible:
            note = "You can read this case's intelligence; your role does not allow changes to it."
        elif add and ui.addButton in visible:
            note = add
        self._show_note(note)

    # --- actions --------------------------------------------------------------------------------------

    def _record_saved(self, result: Any) -> object | None:
        return result.id if isinstance(result, IntelligenceView) else None

    def open_add_dialog(self) -> ServiceDialog | None:
        if self.detail is None or not self.ui.addButton.isEnabled():
            return None
        return self._open(AddIntelligenceDialog(self.session, self.case_id, self.procedure, self))

    def open_route_dialog(self) -> ServiceDialog | None:
        item = self.selected()
        if item is None or not self.ui.routeButton.isEnabled():
            return None
        if self.assessors is None:
            self._load_assessors(self.open_route_dialog)
            return None
        return self._open(RouteDialog(self.session, item, self.assessors, self.target(item.priority), self))

    def open_assess_dialog(self) -> ServiceDialog | None:
        item = self.selected()
        if item is None or not self.ui.assessButton.isEnabled():
            return None
        return self._open(AssessDialog(self.session, item, self.target(item.priority), self))

    def open_action_dialog(self) -> ServiceDialog | None:
        item = self.selected()
        if item is None or not self.ui.actionButton.isEnabled():
            return None
        return self._open(ActionDialog(self.session, item, self.target(item.priority), self))


# --- the selected item in words ------------------------------------------------------------------------


def _due_phrase(due: datetime, now: datetime) -> str:
    return f"due {due_words(due, now)}" if due >= now else due_words(due, now)


def _heading(text: str) -> str:
    return f"<p style='color:#1f3a5f; font-weight:600; margin-top:10px; margin-bottom:2px'>{esc(text)}</p>"


def item_html(item: IntelligenceView, target: IntelligenceTarget | None, now: datetime) -> str:
    priority = PRIORITY_WORDS.get(item.priority, item.priority)
    sanitised = chip_html("Sanitised", "ok") if item.sanitised else chip_html("Not yet sanitised", "late")
    head = (
        f"<p><span style='font-size:12pt; font-weight:600; color:#1f3a5f'>{esc(item.reference)}</span>"
        f"&nbsp;&nbsp;{chip_html('Grade ' + item.grade_code, '')}&nbsp;&nbsp;"
        f"{chip_html(priority + ' priority', 'late' if item.priority == 'high' else '')}&nbsp;&nbsp;"
        f"{chip_html(item.protective_marking, '')}&nbsp;&nbsp;{sanitised}</p>"
        f"<p style='color:#4a5868'>Received {esc(wording.when(item.received_at))} · submitted "
        f"{esc(wording.when(item.submitted_at))} by {esc(item.submitted_by or 'unknown')}</p>"
    )
    body = _heading("Intelligence (sanitised text)") + f"<p>{esc(item.summary)}</p>"
    body += _heading(f"Grading ({item.scheme})") + f"<p>{esc(item.grade_text)}</p>"
    conditions = item.handling_conditions or (
        "None: lawful sharing permitted." if item.grade_code.endswith("P") else "None recorded."
    )
    body += _heading("Handling conditions") + f"<p>{esc(conditions)}</p>"
    body += _heading("Timeline against the targets") + timeline_html(item, target, now)
    if target is not None:
        body += (
            f"<p style='color:#4a5868'>{esc(priority)} priority ({esc(intel.PRIORITY_LABELS[item.priority])}): "
            f"{esc(target_words(target))}. These are local policy defaults.</p>"
        )
    return head + body


def timeline_html(item: IntelligenceView, target: IntelligenceTarget | None, now: datetime) -> str:
    def state_chip(state: str, due: datetime) -> str:
        state = live_timeliness(state, due, now)
        return chip_html(TIMELINESS_WORDS.get(state, state), STATE_TONES.get(state, ""))

    def target_text(duration: Any, due: datetime) -> str:
        words = f"target {duration.describe()}, " if duration is not None else "target "
        return f"{words}by {wording.when(due)}"

    def after(moment: datetime) -> str:
        return f"{elapsed(moment - item.submitted_at)} after submission"

    def stage(
        label: str, done_at: datetime | None, done_text: str, goal: Any, due: datetime, state: str
    ) -> tuple[str, str, str, str, str]:
        """One line of the timeline: when it happened (or when it is due), against the target."""
        when, text = (wording.when(done_at), done_text) if done_at is not None else ("not yet", _due_phrase(due, now))
        return (label, when, text, target_text(goal, due), state_chip(state, due))

    rerouted = f" (re-routed {item.reroute_count}×)" if item.reroute_count else ""
    outcome = intel.ASSESSMENT_OUTCOMES.get(item.assessment_outcome, item.assessment_outcome)
    rows = [
        ("Submitted", wording.when(item.submitted_at), f"by {item.submitted_by or 'unknown'}", "", ""),
        stage(
            "Routed",
            item.routed_at,
            f"to {item.routed_to}{rerouted}, {after(item.routed_at)}" if item.routed_at else "",
            target.route if target else None,
            item.route_due,
            item.route_state,
        ),
        stage(
            "Assessed",
            item.assessed_at,
            f"in {elapsed(item.assessed_at - item.submitted_at)} by {item.assessed_by}: {outcome}. "
            f"{item.assessment_rationale}"
            if item.assessed_at
            else "",
            target.assess if target else None,
            item.assess_due,
            item.assess_state,
        ),
        stage(
            "Action",
            item.actioned_at,
            f"by {item.actioned_by}, {after(item.actioned_at)}: {item.action_taken}" if item.actioned_at else "",
            target.action if target else None,
            item.action_due,
            item.action_state,
        ),
    ]
    cells = []
    for i, (stage, when, what, target_cell, state) in enumerate(rows):
        arrow = "→ " if i else ""
        cells.append(
            "<tr>"
            f"<td style='padding:3px 10px 3px 0; font-weight:600; white-space:nowrap'>{arrow}{esc(stage)}</td>"
            f"<td style='padding:3px 10px 3px 0; white-space:nowrap'>{esc(when)}</td>"
            f"<td style='padding:3px 10px 3px 0'>{esc(what)}</td>"
            f"<td style='padding:3px 10px 3px 0; color:#4a5868'>{esc(target_cell)}</td>"
            f"<td style='padding:3px 0'>{state}</td>"
            "</tr>"
        )
    return f"<table cellspacing='0'>{''.join(cells)}</table>"


# --- dialogs --------------------------------------------------------------------------------------------


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

    def work(self) -> Callable[[], Any]:
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
        ctx, actor, case_id = self.session.ctx, self.session.actor, self.case_id
        return lambda: intelligence.submit(ctx, actor, case_id, form)


def _item_summary(item: IntelligenceView, extra: str = "") -> str:
    priority = PRIORITY_WORDS.get(item.priority, item.priority)
    text = item.summary if len(item.summary) <= 280 else item.summary[:277].rstrip() + "…"
    return (
        f"<p><b>{esc(item.reference)}</b> · grade {esc(item.grade_code)} · {esc(priority)} priority · "
        f"{esc(item.protective_marking)}</p><p style='color:#4a5868'>{esc(text)}</p>{extra}"
    )


def _due_line(label: str, due: datetime, state: str, now: datetime, duration: Any) -> str:
    state = live_timeliness(state, due, now)
    target = f" (target {duration.describe()})" if duration is not None else ""
    return (
        f"<p>{esc(label)} {esc(wording.when(due))}{esc(target)}: {esc(due_words(due, now))} "
        f"{chip_html(TIMELINESS_WORDS.get(state, state), STATE_TONES.get(state, ''))}</p>"
    )


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
        extra = _due_line("Route by", item.route_due, item.route_state, now, target.route if target else None)
        if item.routed_at is not None:
            extra += (
                f"<p>Now with <b>{esc(item.routed_to)}</b> since {esc(wording.when(item.routed_at))}. "
                "Routing again counts as a re-route.</p>"
            )
        ui.itemLabel.setText(_item_summary(item, extra))
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

    def work(self) -> Callable[[], Any]:
        assessor = self.ui.choice.currentData()
        if assessor is None:
            raise InvalidInput([FieldProblem("assessor", "Assessor", "choose who should assess the item")])
        ctx, actor, item_id = self.session.ctx, self.session.actor, self.item.id
        return lambda: intelligence.route(ctx, actor, item_id, int(assessor))


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
        extra = _due_line("Assess by", item.assess_due, item.assess_state, now, target.assess if target else None)
        extra += f"<p style='color:#4a5868'>{esc(item.grade_text)}</p>"
        ui.itemLabel.setText(_item_summary(item, extra))
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

    def work(self) -> Callable[[], Any]:
        ui = self.ui
        outcome, rationale, sanitised = ui.choice.currentData() or "", ui.text.toPlainText(), ui.sanitised.isChecked()
        ctx, actor, item_id = self.session.ctx, self.session.actor, self.item.id
        return lambda: intelligence.assess(
            ctx, actor, item_id, outcome=outcome, rationale=rationale, sanitised=sanitised
        )


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
        extra += _due_line("Action due", item.action_due, item.action_state, now, target.action if target else None)
        ui.itemLabel.setText(_item_summary(item, extra))
        ui.text.setPlaceholderText("What was done with it, e.g. vehicle flagged on ANPR, address visited")
        self.fields = {"action_taken": ui.text}
        self.fit(90)
        ui.text.setFocus()

    def work(self) -> Callable[[], Any]:
        action_taken = self.ui.text.toPlainText()
        ctx, actor, item_id = self.session.ctx, self.session.actor, self.item.id
        return lambda: intelligence.record_action(ctx, actor, item_id, action_taken)
