"""The intelligence tab: the case's items with timeliness colours, the selected item in full, and the buttons
that open the dialogs moving an item on."""

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
from checklist_app.core.wording import TIMELINESS_WORDS, compact_when, live_timeliness
from checklist_app.services import intelligence
from checklist_app.services.dto import CaseDetail, IntelligenceView
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.errors import show_error
from checklist_app.ui.session import AppSession, alive
from checklist_app.ui.tabs.common import CLOSED, CaseTab, add_shortcut, keys_text, refusal
from checklist_app.ui.tabs.intelligence.dialogs import ActionDialog, AddIntelligenceDialog, AssessDialog, RouteDialog
from checklist_app.ui.tabs.intelligence.words import PRIORITY_WORDS, item_html
from checklist_app.ui.widgets.looks import STATE_TONES, esc
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, setup_table
from checklist_app.ui.widgets.service_dialog import ServiceDialog

ADD_KEYS = "Ins"


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
        empty_hint(ui.table, "No intelligence on this case yet. Add intelligence… submits a graded report.")
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

        # Not `run`: listing a district's assessors is not a use case of the signed-in user (no actor).
        self.session.call(
            self,
            lambda: intelligence.assessors(ctx, district_id),
            lambda result: loaded(result) if alive(self) else None,
            lambda exc: show_error(self, exc, retry=lambda: self._load_assessors(then)) if alive(self) else None,
        )

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

    def select_item(self, item_id: int) -> None:
        """Select an item (the Intelligence desk opens a case at one); if the case has not loaded yet, the
        item is selected when it has."""
        position = self.model.position_of(item_id)
        if position < 0:
            self._select_next = item_id
            return
        self.ui.table.selectRow(position)
        self.ui.table.scrollTo(self.model.index(position, 0))

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
        # Not refusal(needs_open=True): that also asks for the investigator's right to edit the case, which the
        # intelligence unit does not have. A closed case does not change, though (services/guards.py).
        closed = CLOSED if detail is not None and detail.status != "open" else ""
        gate(
            ui.routeButton,
            Action.INTEL_ROUTE,
            "Send the selected item to an intelligence officer to assess",
            False,
            closed or (none if item is None else assessed),
        )
        gate(
            ui.assessButton,
            Action.INTEL_ASSESS,
            "Record your assessment of the selected item: develop, disseminate, task or file",
            False,
            closed or (none if item is None else assessed),
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
