"""A case workspace: the case header (reference, status, risk, people, overdue steps, open directed
actions) above tabs for the steps of the procedure, the case's other records (risk, decisions,
intelligence, missing episodes, events) and its supervision (reviews, directed actions, signatures).

The case is loaded with `services.cases.case_detail` on the worker thread; every change made in a tab
reloads it, so the header, progress and tab counts always agree with what the services report.

Only the Steps tab is built with the workspace. Every other tab starts as a placeholder page with its title
and is built when it is first shown (or first asked for through `tabs` or `supervision`), inside the same
tab change, so nobody sees the placeholder: building all of them made opening a case take over a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action, Actor
from checklist_app.core.procedure.model import Procedure
from checklist_app.services import case_versions, cases
from checklist_app.services.audit_dto import RemedialView
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.ui.audit.case_remedial import add_case_remedial, load_rows
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.errors import explain
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.icons import icon
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.panel import StepsPanel
from checklist_app.ui.supervision.case_actions import CaseActions
from checklist_app.ui.supervision.review_tab import Loaded, SupervisionTab, action_summary, load_records
from checklist_app.ui.tabs import DecisionsTab, EventsTab, IntelligenceTab, MissingTab, RiskTab

# Review dates closer than this show amber in the header.
REVIEW_SOON_DAYS = 14


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _chip(label: QWidget, text: str, tone: str, tip: str = "") -> None:
    label.setText(text)  # type: ignore[attr-defined]
    label.setToolTip(tip)
    label.setVisible(bool(text))
    label.setProperty("tone", tone)  # never read back (see steps.models.PhaseDelegate)
    _repolish(label)


# The record tabs after "Steps", in order, with their icons.
SECTION_TABS: tuple[tuple[Any, str], ...] = (
    (DecisionsTab, "decision"),
    (IntelligenceTab, "intelligence"),
    (RiskTab, "risk"),
    (MissingTab, "missing"),
    (EventsTab, "event"),
)
# Every tab after "Steps": the record tabs, then Supervision.
_KINDS: tuple[tuple[Any, str], ...] = (*SECTION_TABS, (SupervisionTab, SupervisionTab.icon_name))


class _Placeholder(QWidget):
    """Holds a tab's place (and title) until the tab is built; never drawn (see CaseWorkspace._build)."""

    def __init__(self, kind: Any) -> None:
        super().__init__()
        self.kind = kind


class _Tabs(Sequence[Any]):
    """The workspace's tabs after "Steps", in order; each is built when first asked for."""

    def __init__(self, workspace: CaseWorkspace) -> None:
        self._workspace = workspace

    def __len__(self) -> int:
        return len(_KINDS)

    def __getitem__(self, index: int) -> Any:  # type: ignore[override]
        return self._workspace._build(range(len(_KINDS))[index])


def _kind_of(widget: QWidget) -> Any:
    return widget.kind if isinstance(widget, _Placeholder) else type(widget)


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
        # The tabs after Steps: a placeholder until built, then the tab itself (see `_build`).
        self._sections: list[QWidget] = []
        self._supervision_records: Loaded = ([], [], [])  # the last loaded, for the tab when it is built
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
        tabs.addTab(self.steps, icon("steps"), "Steps")
        # Built tabs whose case data is older than `detail`: each is filled when it is next shown, so
        # opening a case draws the Steps tab without laying out others nobody is looking at yet.
        self._stale: set[Any] = set()
        for kind, icon_name in _KINDS:
            placeholder = _Placeholder(kind)
            tabs.addTab(placeholder, icon(icon_name), kind.__name__.removesuffix("Tab"))
            self._sections.append(placeholder)
        self.tabs = _Tabs(self)
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
        tab: SupervisionTab = self._build(len(_KINDS) - 1)
        return tab

    def built_tabs(self) -> list[Any]:
        """The tabs after Steps that exist so far (the others have nothing to show or save)."""
        return [tab for tab in self._sections if not isinstance(tab, _Placeholder)]

    def _build(self, position: int) -> Any:
        """The tab at `position` after Steps, built now in its placeholder's place if it is not built yet."""
        placeholder = self._sections[position]
        if not isinstance(placeholder, _Placeholder):
            return placeholder
        tab = placeholder.kind(self.session, self.case_id, self)
        self._sections[position] = tab
        tabs = self.ui.sections
        index, current = tabs.indexOf(placeholder), tabs.currentIndex()
        text, tip, tab_icon = tabs.tabText(index), tabs.tabToolTip(index), tabs.tabIcon(index)
        # Swapped within one call, before anything is drawn; the transient current-tab changes of the
        # swap are nobody's business.
        tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, tab, tab_icon, text)
            tabs.setTabToolTip(index, tip)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(False)
        placeholder.deleteLater()
        if isinstance(tab, SupervisionTab):
            tab.summary_changed.connect(self._show_supervision)
            if self.detail is not None and self.procedure is not None:  # filled at once, as when loaded
                tab.show_loaded(self.detail, self.procedure, self._supervision_records)
        elif self.detail is not None:
            self._stale.add(tab)
        return tab

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
        tabs = self.ui.sections
        assert self.procedure is not None  # the first load always fetches it
        current = tabs.currentWidget()
        for tab in self._sections:
            index = tabs.indexOf(tab)
            if isinstance(tab, _Placeholder):
                if tab.kind is SupervisionTab:
                    continue  # titled with the header's count of open actions, below
                # tab_title needs only the case, not the tab (see ui/tabs/__init__.py)
                title = tab.kind.tab_title(None, detail)
            else:
                # The Supervision tab's summary (open actions) is shown in the header too: always filled.
                if isinstance(tab, SupervisionTab):
                    tab.show_loaded(detail, self.procedure, records)
                elif tab is current:
                    self._stale.discard(tab)
                    tab.show_detail(detail, self.procedure)
                else:
                    self._stale.add(tab)
                title = tab.tab_title(detail)
            tabs.setTabText(index, title)
            tabs.setTabToolTip(index, f"{title} (Alt+{index + 1})")
        self._supervision_records = records
        if isinstance(self._sections[-1], _Placeholder):
            self._show_supervision(*action_summary(records[1], self.session.actor.user_id))
        self.title_changed.emit(f"{detail.reference} (closed)" if detail.status != "open" else detail.reference)
        if self._place:
            self._apply_place()

    def _fill_current(self, _index: int) -> None:
        tab = self.ui.sections.currentWidget()
        if isinstance(tab, _Placeholder):
            tab = self._build(self._sections.index(tab))
        if tab in self._stale and self.detail is not None and self.procedure is not None:
            self._stale.discard(tab)
            tab.show_detail(self.detail, self.procedure)

    def _load_failed(self, exc: BaseException) -> None:
        self.steps.load_failed()
        message = self.ui.message
        message.setText(f"The case could not be loaded. {explain(exc).message} Press F5 to try again.")
        message.setProperty("error", True)
        _repolish(message)
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
                if _kind_of(tabs.widget(i)).__name__.lower().removesuffix("tab") == name:
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
        ui = self.ui
        now = detail.as_of
        ui.caseReference.setText(detail.reference)
        if detail.status == "open":
            _chip(ui.statusChip, "Open", "info", f"Opened {wording.when(detail.opened_at)}")
        else:
            closed = wording.day(detail.closed_at)
            _chip(ui.statusChip, f"Closed {closed}", "muted", detail.closure_reason)

        risk = detail.current_risk
        if risk is None:
            _chip(ui.riskChip, "Risk not assessed", "soon", "No CSE risk assessment has been recorded yet.")
        else:
            category = risk.effective_category
            text = f"Risk {category}"
            if risk.band_label:
                text += f" · {risk.band_label}"
            tip = f"CSE risk category {category}, assessed {wording.when(risk.assessed_at)}"
            if risk.assessor:
                tip += f" by {risk.assessor}"
            if risk.override_pending:
                text += " (override pending)"
                tip += ". The override awaits a second supervisor's countersignature."
            _chip(ui.riskChip, text, f"risk{max(1, min(4, category))}", tip)

        review = detail.risk_review_due
        if review is None and detail.risk_review_waiting and detail.status == "open":
            _chip(
                ui.reviewChip,
                "Risk review date not set yet",
                "",
                f"The risk reassessment step has no date yet. {detail.risk_review_waiting}.",
            )
        elif review is None or detail.status != "open":
            _chip(ui.reviewChip, "", "")
        elif review < now:
            _chip(
                ui.reviewChip,
                f"Risk review overdue since {wording.day(review)}",
                "overdue",
                f"The CSE risk assessment was due for review {wording.relative(review, now)}.",
            )
        else:
            tone = "soon" if (review - now).days < REVIEW_SOON_DAYS else ""
            _chip(
                ui.reviewChip, f"Next risk review {wording.day(review)}", tone, f"Due {wording.relative(review, now)}"
            )

        overdue = detail.overdue_steps
        if detail.status != "open":
            _chip(ui.overdueChip, "", "")
        elif overdue:
            listed = "\n".join(f"{s.number} {s.title}" for s in overdue[:12])
            more = f"\n… and {len(overdue) - 12} more" if len(overdue) > 12 else ""
            _chip(
                ui.overdueChip,
                f"{len(overdue)} overdue step{'s' if len(overdue) != 1 else ''}",
                "overdue",
                f"{listed}{more}\n\nClick to go to the first overdue step.",
            )
        else:
            _chip(ui.overdueChip, "No overdue steps", "ok", "Every required step with a due date is on time.")

        self.case_actions.show_for(detail)
        ui.procedureLabel.setText(f"Procedure {detail.procedure_label}")
        ui.procedureLabel.setToolTip("The procedure version this case follows")
        may_move = (
            bool(detail.newer_version) and detail.viewer_may_edit and self.session.may(Action.CASE_MIGRATE_VERSION)
        )
        ui.moveVersionButton.setVisible(may_move)
        if may_move:
            ui.moveVersionButton.setText(f"Move to v{detail.newer_version}…")
            ui.moveVersionButton.setToolTip(
                f"Version {detail.newer_version} of the procedure has been published. Move this case to it: work "
                "on steps that exist in both is kept, and the move is logged."
            )
        team = f" · {detail.team_name}" if detail.team_name else ""
        ui.districtValue.setText(f"{detail.district_name}{team}")
        ui.officerValue.setText(detail.officer_name or "Not allocated")
        ui.supervisorValue.setText(detail.supervisor_name or "Not allocated")
        age = f" · aged {detail.age_band.replace('-', '–')}" if detail.age_band else ""
        ui.subjectValue.setText(f"{detail.subject_ref}{age}")
        ui.subjectValue.setToolTip("The child's pseudonymous reference")
        ui.referralValue.setText(f"{wording.when(detail.referral_at)} · {detail.referral_source}")

        notice = ""
        if detail.status != "open":
            notice = f"This case was closed on {wording.when(detail.closed_at)}"
            notice += f": {detail.closure_reason}" if detail.closure_reason else "."
            notice += " It is shown read only."
        elif not detail.viewer_may_edit:
            if detail.viewer_role in ("auditor", "administrator"):
                notice = "Read only: your role can view this case but not change it."
            else:
                notice = "Read only: this case belongs to another team. You can view it but not change it."
        ui.workspaceNotice.setText(notice)
        ui.workspaceNotice.setVisible(bool(notice))
        _repolish(ui.workspaceNotice)

    # --- procedure version ---------------------------------------------------------------------------

    def move_version(self) -> None:
        """Supervisors: show what moving to the latest version changes, ask why, then move the case."""
        self.session.run(self, case_versions.preview_version_move, self.case_id, done=self._confirm_move)

    def _confirm_move(self, preview: case_versions.VersionPreview | None) -> None:
        if preview is None or not shiboken6.isValid(self):
            self.refresh()
            return
        shown = list(preview.changes[:14])
        if len(preview.changes) > len(shown):
            shown.append(f"… and {len(preview.changes) - len(shown)} more changes")
        prompt = (
            f"Move this case from {preview.current} to {preview.target}?\n\n"
            f"Work on {preview.kept} steps carries over; {preview.retired} records of steps the new version "
            "does not have are kept but no longer shown as due.\n\nChanges:\n"
            + "\n".join(shown or ["(no step changes)"])
            + "\n\nWhy is the case being moved? The reason is logged."
        )
        reason = ReasonDialog.ask(self, "Move to a newer procedure version", prompt)
        if not reason:
            return
        version = preview.target.rsplit(" v", 1)[1]
        self.session.run(self, case_versions.move_to_version, self.case_id, version, reason, changed_case=self.case_id)

    # --- supervision ----------------------------------------------------------------------------------

    def _show_supervision(self, title: str, open_actions: int, mine: int, overdue: int) -> None:
        tabs = self.ui.sections
        index = tabs.indexOf(self._sections[-1])  # built or not
        tabs.setTabText(index, title)
        tabs.setTabToolTip(index, f"{title} (Alt+{index + 1})")
        if not open_actions or (self.detail is not None and self.detail.status != "open"):
            _chip(self.actionsChip, "", "")
            return
        text = f"{open_actions} directed action{'s' if open_actions != 1 else ''} open"
        if mine:
            text += f" · {mine} for you"
        if overdue:
            text += f" · {overdue} overdue"
        _chip(
            self.actionsChip,
            text,
            "overdue" if overdue else "soon",
            "Actions a supervisor directed on this case. Click to see them on the Supervision tab.",
        )

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
