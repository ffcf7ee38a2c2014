"""A case workspace: the case header (reference, status, risk, people, overdue steps, open directed
actions) above tabs for the steps of the procedure, the case's other records (risk, decisions,
intelligence, missing episodes, events) and its supervision (reviews, directed actions, signatures).

The case is loaded with `services.cases.case_detail` on the worker thread; every change made in a tab
reloads it, so the header, progress and tab counts always agree with what the services report.

Only the Steps tab is built with the workspace; the others are built when first shown (lazy_tabs.py).
The header is filled by header.py.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from checklist_app.core.permissions import Action, Actor
from checklist_app.core.procedure.model import Procedure
from checklist_app.services import case_versions, cases
from checklist_app.services.audit_dto import RemedialView
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.ui import quiet_tabs
from checklist_app.ui.audit.case_remedial import add_case_remedial, load_rows
from checklist_app.ui.errors import explain
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.icons import icon
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.panel import StepsPanel
from checklist_app.ui.supervision.case_actions import CaseActions
from checklist_app.ui.supervision.review_tab import Loaded, SupervisionTab, load_records
from checklist_app.ui.workspace import header
from checklist_app.ui.workspace.lazy_tabs import LazyTabs, kind_of
from checklist_app.ui.workspace.version_move import ask_to_move


class CaseWorkspace(QWidget):
    """One open case. `title_changed(text)` gives the tab text; the case reloads on every `case_changed` of it
    that the session announces (a change made in any of its tabs, or elsewhere)."""

    title_changed = Signal(str)
    report_requested = Signal(str)  # the case's reference: the main window opens the casework report dialog

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.procedure: Procedure | None = None
        self._procedure_version = 0
        self._place = ""  # where to go once the case is loaded (see go_to)
        # Asked for first: the worker loads the case while the widgets below are made.
        self._load_case()
        self.setObjectName("caseWorkspace")
        self.ui = load_into(self, "case_workspace.ui")
        ui = self.ui
        chips = FlowLayout(ui.chipHost)
        # Open directed actions: the investigator sees at a glance that a supervisor asked for something.
        self.actionsChip = QLabel(ui.chipHost)
        self.actionsChip.setObjectName("actionsChip")
        self.actionsChip.setProperty("chip", True)
        for chip in (ui.statusChip, ui.riskChip, ui.reviewChip, ui.overdueChip, self.actionsChip):
            chips.addWidget(chip)
            chip.setVisible(False)
        ui.workspaceNotice.setVisible(False)
        ui.message.setVisible(False)
        for chip in (ui.overdueChip, self.actionsChip):
            chip.installEventFilter(self)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
        ui.moveVersionButton.clicked.connect(self.move_version)
        self.report_button: QPushButton | None = None
        if session.may(Action.REPORT_CASEWORK):  # supervisors and auditors (the service checks the district)
            self.report_button = QPushButton("Casework audit report…")
            self.report_button.setToolTip("This case's procedure, signatures and audit as a PDF, previewed first")
            self.report_button.setEnabled(False)  # until the case has loaded
            self.report_button.clicked.connect(
                lambda: self.report_requested.emit(self.detail.reference) if self.detail else None
            )
            ui.titleRow.addWidget(self.report_button)
        self.case_actions = CaseActions(session, case_id, self)
        ui.titleRow.addWidget(self.case_actions)
        self.case_actions.go_to.connect(self.go_to)

        self.steps = StepsPanel(session, case_id, self)
        tabs = ui.sections
        quiet_tabs.quiet(tabs)
        tabs.addTab(self.steps, icon("steps"), "Steps")
        # The tabs after Steps, each built when first shown or asked for.
        self.tabs = LazyTabs(self, session, case_id, tabs, self._show_supervision)
        self.steps.review_link.connect(self.show_review)
        for i in range(tabs.count()):
            keys = f"Alt+{i + 1}"
            QShortcut(
                QKeySequence(keys),
                self,
                lambda i=i: self._show_section(i),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            tabs.setTabToolTip(i, f"{tabs.tabText(i)} ({keys})")
        tabs.currentChanged.connect(self._fill_current)
        self.remedial = add_case_remedial(self, session, case_id, before=tabs)
        session.case_changed.connect(self._case_changed)

    # --- tabs built when first shown -----------------------------------------------------------------

    @property
    def supervision(self) -> SupervisionTab:
        return self.tabs.supervision

    def built_tabs(self) -> list[Any]:
        """The tabs after Steps that exist so far (the others have nothing to show or save)."""
        return self.tabs.built()

    def unsaved_work(self) -> list[str]:
        """What closing this case now would throw away, in words (empty: nothing)."""
        numbers = self.steps.unsaved_steps()
        work = []
        if numbers:
            which = f"step {numbers[0]}" if len(numbers) == 1 else "steps " + ", ".join(numbers)
            work.append(f"evidence typed for {which}")
        for tab in self.built_tabs():
            unsaved = getattr(tab, "unsaved_work", None)
            if unsaved is not None:
                work.extend(unsaved())
        return work

    # --- loading -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the case on the worker thread; the selected phase and step stay selected."""
        self._load_case()

    def _load_case(self) -> None:
        known_version = self._procedure_version if self.procedure is not None else 0
        with_remedial = self.session.may(Action.REMEDIAL_VIEW)

        # One worker call for everything the workspace shows first: the case, its procedure version when
        # it is not known yet, the Supervision tab's records (their open directed actions are counted in
        # the header, so they are needed before that tab is built) and the case's remedial actions.
        def load(
            ctx: ServiceContext, actor: Actor, case_id: int
        ) -> tuple[CaseDetail, Procedure | None, Loaded, list[RemedialView]]:
            detail = cases.case_detail(ctx, actor, case_id)
            procedure = None
            if detail.procedure_version_id != known_version:
                procedure = cases.case_procedure(ctx, actor, case_id)
            remedial = load_rows(ctx, actor, case_id) if with_remedial else []
            return detail, procedure, load_records(ctx, actor, case_id), remedial

        self.session.run(self, load, self.case_id, done=lambda result: self._loaded(*result), error=self._load_failed)

    def _loaded(
        self, detail: CaseDetail, procedure: Procedure | None, records: Loaded, remedial: list[RemedialView]
    ) -> None:
        if procedure is not None:
            self.procedure = procedure
            self._procedure_version = detail.procedure_version_id
        self.detail = detail
        if self.report_button is not None:
            self.report_button.setEnabled(True)
        self.ui.message.setVisible(False)
        self._show_header(detail)
        self.remedial.show_rows(remedial)
        self.steps.show_detail(detail, procedure)
        assert self.procedure is not None  # the first load always fetches it
        self.tabs.show_loaded(detail, self.procedure, records)
        self.title_changed.emit(f"{detail.reference} (closed)" if detail.status != "open" else detail.reference)
        if self._place:
            self._apply_place()

    def _fill_current(self, _index: int) -> None:
        self.tabs.fill_current()

    def _load_failed(self, exc: BaseException) -> None:
        self.steps.load_failed()
        message = self.ui.message
        message.setText(f"The case could not be loaded. {explain(exc).message} Press F5 to try again.")
        message.setProperty("error", True)
        header.repolish(message)
        message.setVisible(True)
        if self.detail is None:
            self.ui.caseReference.setText("Case not loaded")
            self.title_changed.emit("Case not loaded")

    def _case_changed(self, case_id: int) -> None:
        if case_id == self.case_id:
            self.refresh()

    def go_to(self, place: str) -> None:
        """Show part of the case: "steps:overdue" (the first overdue step), "step:<step id>", "tab:<name>"
        (decisions, intelligence, risk, missing, events, or any later tab by its name), "intel:<item id>" (that
        item on the Intelligence tab) or "remedial:<action id>" (that action in the remedial box above the
        sections). Waits for the load."""
        self._place = place
        if self.detail is not None:
            self._apply_place()

    def _apply_place(self) -> None:
        place, self._place = self._place, ""
        kind, _, target = place.partition(":")
        tabs = self.ui.sections
        if kind == "remedial" and target.isdigit():
            self.remedial.select_action(int(target))
            return
        if kind in ("tab", "intel"):
            name = "intelligence" if kind == "intel" else target
            for i in range(tabs.count()):
                if kind_of(tabs.widget(i)).__name__.lower().removesuffix("tab") == name:
                    self._show_section(i)  # builds the tab if it was not yet
                    if kind == "intel" and target.isdigit():
                        tabs.widget(i).select_item(int(target))  # type: ignore[attr-defined]
                    return
        step_id = target if kind == "step" else ""
        if kind == "steps" and target == "overdue" and self.detail is not None and self.detail.overdue_steps:
            step_id = self.detail.overdue_steps[0].step_id
        tabs.setCurrentWidget(self.steps)
        if step_id:
            self.steps.select_step(step_id)
        self.steps.focus_table()

    def _show_section(self, index: int) -> None:
        tabs = self.ui.sections
        if 0 <= index < tabs.count():
            tabs.setCurrentIndex(index)
            widget = tabs.widget(index)
            if widget is self.steps:
                self.steps.focus_table()
            else:
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- header --------------------------------------------------------------------------------------

    def _show_header(self, detail: CaseDetail) -> None:
        header.show_chips(self.ui, detail)
        self.case_actions.show_for(detail)
        may_move = (
            bool(detail.newer_version) and detail.viewer_may_edit and self.session.may(Action.CASE_MIGRATE_VERSION)
        )
        header.show_facts(self.ui, detail, may_move)

    # --- procedure version ---------------------------------------------------------------------------

    def move_version(self) -> None:
        """Supervisors: show what moving to the latest version changes, ask why, then move the case."""
        self.session.run(self, case_versions.preview_version_move, self.case_id, done=self._confirm_move)

    def _confirm_move(self, preview: case_versions.VersionPreview | None) -> None:
        if preview is None or not shiboken6.isValid(self):
            self.refresh()
            return
        answer = ask_to_move(self, preview)
        if answer is None:
            return
        version, reason = answer
        self.session.run(self, case_versions.move_to_version, self.case_id, version, reason, changed_case=self.case_id)

    # --- supervision ----------------------------------------------------------------------------------

    def _show_supervision(self, title: str, open_actions: int, mine: int, overdue: int) -> None:
        tabs = self.ui.sections
        index = self.tabs.supervision_index()
        tabs.setTabText(index, title)
        tabs.setTabToolTip(index, f"{title} (Alt+{index + 1})")
        case_open = self.detail is None or self.detail.status == "open"
        header.show_actions_chip(self.actionsChip, open_actions, mine, overdue, case_open)

    def show_review(self, review_id: int) -> None:
        """Go to the Supervision tab with the given review selected (from a step the review completed)."""
        self.ui.sections.setCurrentWidget(self.supervision)
        self.supervision.select_review(review_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.actionsChip and event.type() == QEvent.Type.MouseButtonRelease:
            self.ui.sections.setCurrentWidget(self.supervision)
            self.supervision.actions.setFocus(Qt.FocusReason.MouseFocusReason)
            return True
        if watched is self.ui.overdueChip and event.type() == QEvent.Type.MouseButtonRelease and self.detail:
            overdue = self.detail.overdue_steps
            if overdue:
                self.ui.sections.setCurrentWidget(self.steps)
                self.steps.select_step(overdue[0].step_id)
                self.steps.focus_table()
                return True
        return super().eventFilter(watched, event)
