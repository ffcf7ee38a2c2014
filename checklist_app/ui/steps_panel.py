"""The Steps tab of a case workspace: phases with progress, the steps of the selected phase, and the
selected step's guidance, evidence form and actions.

Everything the user does here goes through `checklist_app.services.steps` on the worker thread. When
the services refuse (missing or wrong evidence, a step not yours to complete, a closed case) the reason
is shown in words beside the form, the offending fields are outlined, and nothing has been saved.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QIcon, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QMenu, QPushButton, QWidget

from checklist_app import paths
from checklist_app.core import wording
from checklist_app.core.condition_words import condition_words
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.signatures import Meaning
from checklist_app.services import steps as step_services
from checklist_app.services.dto import CaseDetail, PhaseView, StepView
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.errors import explain
from checklist_app.ui.evidence_form import DateTimeField, EvidenceForm, set_invalid
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.icons import icon, space_button_icon
from checklist_app.ui.session import AppSession
from checklist_app.ui.step_models import (
    COL_DUE,
    COL_NUMBER,
    COL_OWNER,
    COL_STATE,
    COL_STATUS,
    COL_TITLE,
    COLUMNS,
    PhaseDelegate,
    PhaseListModel,
    RoomyDelegate,
    StepTableModel,
    greyed,
    requirement_text,
    settled,
    state_text,
    status_text,
    waiting_text,
)
from checklist_app.ui.supervision.sign_dialog import SignDialog

SPLITTER_KEY = "workspace/steps_splitter"
_SUPERVISOR_ONLY = "Only a supervisor can reopen a step."
_SUPERVISOR_ACTIONS = ("reopen", "agree", "refuse")
REFUSED_PREFIX = "Not applicable refused:"
_OWNER_PHRASES = {
    "supervisor": "a supervisor",
    "intelligence_officer": "an intelligence officer",
    "investigator": "an investigator or a supervisor",
    "either": "an investigator or a supervisor",
}
_STATUS_TONES = {"done": "ok", "blocked": "overdue", "in_progress": "info", "not_applicable": "muted"}
_STATE_TONES = {
    "overdue": "overdue",
    "due_soon": "soon",
    "on_track": "ok",
    "done_on_time": "ok",
    "done_late": "soon",
    "awaiting": "info",
}

Stamp = tuple[str, datetime | None, int]


def _stamp(step: StepView) -> Stamp:
    return (step.status, step.updated_at, step.completions)


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _set_tone(label: QWidget, tone: str) -> None:
    # Always set, never read back: reading an unset property leaks a reference to None in PySide6 6.12.
    label.setProperty("tone", tone)
    _repolish(label)


def _alive(obj: QObject) -> bool:
    return shiboken6.isValid(obj)


class StepsPanel(QWidget):
    """Shows a case's phases and steps and works the selected step. Emits `step_changed(step_id)` after
    every successful change; the workspace then reloads the case and calls `show_detail` again.
    `review_link(review_id)` asks to show the supervisory review that completed the selected step."""

    step_changed = Signal(str)
    review_link = Signal(int)

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.procedure: Procedure | None = None
        self.conditions: dict[str, str] = {}
        self.phase_id = ""
        self.step_id = ""
        self.busy = False
        self._shown_stamp: Stamp | None = None
        self._shown_step = ""
        self._drafts: dict[str, tuple[Stamp, dict[str, object]]] = {}
        self._completed_touched = False
        self._rebuild_next = False
        self._first = True
        self.sign_dialog: SignDialog | None = None

        self.ui = load_into(self, "steps_panel.ui")
        ui = self.ui
        # Looked up once: the event filter sees every event of these two views.
        self.table = ui.stepTable
        self.phase_list = ui.phaseList
        ui.stepNotice.setOpenExternalLinks(False)
        ui.stepNotice.linkActivated.connect(self._notice_link)

        chips = FlowLayout(ui.chipHost)
        for chip in (ui.statusChip, ui.stateChip, ui.ownerChip):
            chips.addWidget(chip)
        actions = FlowLayout(ui.actionBar, spacing=8, balanced=True)
        for button in (ui.doneButton, ui.saveButton, ui.notApplicableButton, ui.blockedButton, ui.reopenButton):
            actions.addWidget(button)

        self.phase_model = PhaseListModel(self)
        ui.phaseList.setModel(self.phase_model)
        ui.phaseList.setItemDelegate(PhaseDelegate(self.phase_model, ui.phaseList))
        ui.phaseList.selectionModel().currentRowChanged.connect(self._phase_row_changed)

        self.step_model = StepTableModel(self)
        table = ui.stepTable
        table.setModel(self.step_model)
        table.setItemDelegate(RoomyDelegate(table))
        header = table.horizontalHeader()
        header.setMinimumSectionSize(36)
        for column in (COL_NUMBER, COL_OWNER, COL_STATUS, COL_DUE, COL_STATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(True)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.selectionModel().currentRowChanged.connect(self._step_row_changed)
        table.installEventFilter(self)
        ui.phaseList.installEventFilter(self)
        table.customContextMenuRequested.connect(self._context_menu)
        table.doubleClicked.connect(lambda _i: self.focus_form())

        self.form = EvidenceForm(session.now, ui.formHost)
        ui.formHost.layout().addWidget(self.form)
        self.completed_at = DateTimeField(session.now, optional=False, parent=ui.completedHost)
        self.completed_at.edit.setAccessibleName("Completed at")
        self.completed_at.now_button.setToolTip("Set to the current date and time (the default)")
        ui.completedHost.layout().addWidget(self.completed_at)
        ui.completedAtLabel.setBuddy(self.completed_at.edit)
        self.completed_at.changed.connect(self._completed_changed)

        self._build_actions()
        self._restore_splitter()
        ui.splitter.splitterMoved.connect(self._save_splitter)
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._show_step(None)

    # --- actions and keys ----------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], None], keys: list[str], tip: str, icon_name: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        ui = self.ui
        self.done_action = self._action(
            "&Done", self.complete, ["Ctrl+Return", "Ctrl+Enter"], "Complete the step with its evidence", "done"
        )
        self.save_action = self._action(
            "&Save progress", self.save_progress, ["Ctrl+S"], "Save the evidence so far; the step stays open", "save"
        )
        self.not_applicable_action = self._action(
            "&Not applicable…",
            self.mark_not_applicable,
            ["Ctrl+Shift+N"],
            "Record that the step does not apply to this case, with the reason",
            "not-applicable",
        )
        self.blocked_action = self._action(
            "&Blocked…", self.mark_blocked, ["Ctrl+B"], "Record that the step cannot progress, and why", "blocked"
        )
        self.reopen_action = self._action(
            "&Reopen…", self.reopen, ["Ctrl+Shift+R"], "Reopen a done or not-applicable step (supervisors)", "reopen"
        )
        self.agree_action = self._action(
            "&Agree not applicable…",
            self.agree_not_applicable,
            [],
            "Agree, signing, that this mandatory step does not apply (supervisors)",
        )
        self.refuse_action = self._action(
            "Re&fuse not applicable…",
            self.refuse_not_applicable,
            [],
            "Refuse, with a reason, that this mandatory step does not apply: it goes back to the officer",
        )
        # Not in the .ui file: shown only to supervisors, beside Reopen.
        ui.agreeButton, ui.refuseButton = QPushButton(ui.actionBar), QPushButton(ui.actionBar)
        for button, action, name in (
            (ui.agreeButton, self.agree_action, "agreeButton"),
            (ui.refuseButton, self.refuse_action, "refuseButton"),
        ):
            button.setObjectName(name)
            button.setText(action.text())
            ui.actionBar.layout().addWidget(button)
        self._buttons: dict[str, tuple[QPushButton, QAction, str]] = {
            "done": (ui.doneButton, self.done_action, "Space in the step list, or Ctrl+Enter"),
            "save": (ui.saveButton, self.save_action, "Ctrl+S"),
            "not_applicable": (ui.notApplicableButton, self.not_applicable_action, "Ctrl+Shift+N"),
            "blocked": (ui.blockedButton, self.blocked_action, "Ctrl+B"),
            "reopen": (ui.reopenButton, self.reopen_action, "Ctrl+Shift+R"),
            "agree": (ui.agreeButton, self.agree_action, ""),
            "refuse": (ui.refuseButton, self.refuse_action, ""),
        }
        for button, action, _keys in self._buttons.values():
            button.setIcon(action.icon())
            button.clicked.connect(action.trigger)
        # The primary button is navy: a white tick, grey when disabled.
        done_icon = QIcon()
        with paths.as_path(paths.resource("icons", "done-white.svg")) as white:
            done_icon.addFile(str(white), QSize(), QIcon.Mode.Normal)
        with paths.as_path(paths.resource("icons", "done-grey.svg")) as grey:
            done_icon.addFile(str(grey), QSize(), QIcon.Mode.Disabled)
        ui.doneButton.setIcon(done_icon)
        for button, _action, _keys in self._buttons.values():
            space_button_icon(button)
        # Phases from anywhere in the tab; Escape from the form goes back to the step list.
        for keys, slot in (
            ("Ctrl+Down", self.next_phase),
            ("Ctrl+Up", self.previous_phase),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            ui.detailPane,
            self.focus_table,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_columns)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if watched is self.table and plain:
                if key == Qt.Key.Key_Space:
                    self.complete()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.focus_form()
                    return True
                if key == Qt.Key.Key_PageDown:
                    self.next_phase()
                    return True
                if key == Qt.Key.Key_PageUp:
                    self.previous_phase()
                    return True
            if watched is self.phase_list and plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.focus_table()
                return True
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Short columns as wide as this phase's content, the rest for the title. On a narrow table the
        owner and then the state column give way (both are in the step panel and the row's tooltip)."""
        if not _alive(self):
            return
        table, model = self.ui.stepTable, self.step_model
        fm = table.fontMetrics()
        bold = QFont(table.font())
        bold.setBold(True)
        bold_fm = QFontMetrics(bold)
        pad = 18  # the item's own text margins and a little air
        icon_w = fm.height() + 6
        widths: dict[int, int] = {}
        for column in (COL_NUMBER, COL_OWNER, COL_STATUS, COL_DUE, COL_STATE):
            header = bold_fm.horizontalAdvance(COLUMNS[column])
            texts = [model.text(step, column) for step in model.steps]
            metrics = bold_fm if column in (COL_NUMBER, COL_STATE) else fm
            content = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            if column == COL_STATUS:
                content += icon_w
            widths[column] = max(header, content) + pad
        room = table.viewport().width()
        title_min = fm.horizontalAdvance("x") * 22
        hidden: set[int] = set()
        for column in (COL_OWNER, COL_STATE):
            if room - sum(w for c, w in widths.items() if c not in hidden) >= title_min:
                break
            hidden.add(column)
        for column, width in widths.items():
            table.setColumnHidden(column, column in hidden)
            if column not in hidden:
                table.setColumnWidth(column, width)
        table.resizeRowsToContents()
        if table.currentIndex().isValid():
            table.scrollTo(table.currentIndex())

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.step_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def step_menu(self) -> QMenu:
        """The selected step's actions, with their keys, as a menu (right-click or the Menu key)."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        evidence = menu.addAction("Go to the &evidence")
        evidence.setShortcut(QKeySequence(Qt.Key.Key_Return))
        evidence.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        evidence.setEnabled(self.current_step() is not None)
        evidence.triggered.connect(self.focus_form)
        menu.addSeparator()
        for name, (button, action, keys) in self._buttons.items():
            if name in _SUPERVISOR_ACTIONS and self.session.actor.role.value != "supervisor":
                continue
            item = menu.addAction(action.icon(), button.text())
            item.setShortcut(QKeySequence("Space" if name == "done" else keys))
            item.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # shown, not live: the panel's are
            item.setEnabled(button.isEnabled())
            item.setToolTip(button.toolTip())
            item.triggered.connect(action.trigger)
        return menu

    # --- data in -------------------------------------------------------------------------------------

    def show_detail(self, detail: CaseDetail, procedure: Procedure | None = None) -> None:
        """Show a freshly loaded case, keeping the selected phase and step."""
        self.busy = False
        if procedure is not None:
            self.procedure = procedure
        self.detail = detail
        self.conditions = {s.step_id: condition_words(s.condition, self.procedure) for s in detail.steps if s.condition}
        if self._first:
            self.phase_id, self.step_id = self._initial_selection(detail)
        self.phase_model.set_phases(list(detail.phases))
        row = max(0, self.phase_model.row_of(self.phase_id))
        self._select_phase_row(row, keep_step=True)
        if self._first:
            self._first = False
            self.focus_table()

    def _initial_selection(self, detail: CaseDetail) -> tuple[str, str]:
        """The first overdue required step, else the next due, else the first step still to do."""
        candidates = [s for s in detail.steps if s.required and s.due_state == "overdue"]
        if not candidates:
            due = [s for s in detail.steps if s.required and s.due_at and s.due_state in ("on_track", "due_soon")]
            candidates = sorted(due, key=lambda s: s.due_at)  # type: ignore[arg-type, return-value]
        if not candidates:
            candidates = [s for s in detail.steps if s.required and not settled(s)]
        if not candidates:
            candidates = list(detail.steps[:1])
        if not candidates:
            return "", ""
        return candidates[0].phase_id, candidates[0].step_id

    def phase_steps(self, phase_id: str) -> list[StepView]:
        return [s for s in self.detail.steps if s.phase_id == phase_id] if self.detail else []

    def current_phase(self) -> PhaseView | None:
        return self.phase_model.phase_at(self.ui.phaseList.currentIndex().row())

    def current_step(self) -> StepView | None:
        return self.step_model.step_at(self.ui.stepTable.currentIndex().row())

    # --- selection -----------------------------------------------------------------------------------

    def _select_phase_row(self, row: int, keep_step: bool = False) -> None:
        phase = self.phase_model.phase_at(row)
        if phase is None:
            return
        wanted_step = self.step_id if keep_step else ""
        self._load_phase(phase, wanted_step)
        index = self.phase_model.index(row)
        selection = self.ui.phaseList.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        self.ui.phaseList.scrollTo(index)
        self.ui.phaseList.viewport().update()

    def _phase_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        phase = self.phase_model.phase_at(current.row())
        if phase is not None and phase.id != self.phase_id:
            self._load_phase(phase, "")

    def _load_phase(self, phase: PhaseView, step_id: str) -> None:
        assert self.detail is not None
        self.phase_id = phase.id
        steps = self.phase_steps(phase.id)
        self.ui.stepsHeading.setText(f"Phase {phase.number}: {phase.title}")
        self.ui.stepsHeading.setToolTip(phase.description)
        self.step_model.set_steps(steps, self.detail.as_of, self.conditions)
        self._fit_columns()
        row = self.step_model.row_of(step_id) if step_id else -1
        if row < 0:
            row = next((i for i, s in enumerate(steps) if not settled(s) and not greyed(s)), 0)
        self._select_step_row(row)

    def _select_step_row(self, row: int) -> None:
        table = self.ui.stepTable
        if self.step_model.rowCount() == 0:
            self._step_row_changed(QModelIndex(), QModelIndex())
            return
        index = self.step_model.index(row, 0)
        if table.currentIndex().row() == row:
            self._step_row_changed(index, index)  # same row, new data
        else:
            table.setCurrentIndex(index)
        table.scrollTo(index)

    def _step_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        step = self.step_model.step_at(current.row()) if current.isValid() else None
        if step is None or step.step_id != self._shown_step:
            self._stash_draft()
            self.show_message("")
        self.step_id = step.step_id if step else ""
        self._show_step(step)

    def next_phase(self) -> None:
        self._move_phase(1)

    def previous_phase(self) -> None:
        self._move_phase(-1)

    def _move_phase(self, delta: int) -> None:
        row = self.ui.phaseList.currentIndex().row() + delta
        if 0 <= row < self.phase_model.rowCount():
            self.ui.phaseList.setCurrentIndex(self.phase_model.index(row))
            self.ui.stepTable.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def select_step(self, step_id: str) -> None:
        """Show the phase of `step_id` and select it."""
        if self.detail is None:
            return
        try:
            step = self.detail.step(step_id)
        except KeyError:
            return
        self.step_id = step_id
        self._select_phase_row(self.phase_model.row_of(step.phase_id), keep_step=True)

    # --- focus ---------------------------------------------------------------------------------------

    def focus_table(self) -> None:
        self.ui.stepTable.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_form(self) -> None:
        step = self.current_step()
        if step is None:
            return
        target = self.form.first_focus_widget()
        if target is None or not self._editable(step):
            target = self.completed_at.edit if self._editable(step) else self.ui.doneButton
        if not target.isEnabled() or not target.isVisible():
            target = self.ui.detailScroll
        self._focus(target)

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        if self.ui.detailScroll.isAncestorOf(widget):
            self.ui.detailScroll.ensureWidgetVisible(widget, 20, 40)

    def _focus_chain(self) -> list[QWidget]:
        ui = self.ui
        # The scroll area is a stop of its own so the guidance can be scrolled from the keyboard.
        chain: list[QWidget] = [self.phase_list, self.table, ui.detailScroll, *self.form.focus_chain()]
        chain += [self.completed_at.edit, self.completed_at.now_button]
        chain += [ui.doneButton, ui.saveButton, ui.notApplicableButton, ui.blockedButton, ui.reopenButton]
        chain += [ui.agreeButton, ui.refuseButton]
        return chain

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go round the tab in reading order: phases, steps, the step's text, its
        evidence, then the actions (Qt's own chain would follow widget creation order)."""
        current = QApplication.focusWidget()
        chain = [
            w
            for w in self._focus_chain()
            if w is current
            or (w.isVisible() and w.isEnabled() and w.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)
        ]
        if current not in chain:
            return super().focusNextPrevChild(next)
        target = chain[(chain.index(current) + (1 if next else -1)) % len(chain)]
        self._focus(target)
        return True

    # --- the selected step ---------------------------------------------------------------------------

    def _editable(self, step: StepView) -> bool:
        return self._refusal("done", step) is None or self._refusal("save", step) is None

    def _show_step(self, step: StepView | None) -> None:
        ui = self.ui
        ui.stepDetail.setVisible(step is not None)
        if step is None:
            self._shown_step, self._shown_stamp = "", None
            self._update_actions()
            return
        detail = self.detail
        assert detail is not None
        now = detail.as_of
        words = self.conditions.get(step.step_id, "")

        ui.stepTitle.setText(f"{step.number}  {step.title}")
        ui.statusChip.setText(status_text(step))
        tone = "soon" if step.awaiting_agreement else _STATUS_TONES.get(step.status, "muted" if greyed(step) else "")
        _set_tone(ui.statusChip, tone)
        state = state_text(step, now)
        show_state = not greyed(step) and step.due_state not in ("no_deadline",) and state != "–"
        ui.stateChip.setVisible(show_state)
        ui.stateChip.setText(state)
        _set_tone(ui.stateChip, _STATE_TONES.get(step.due_state, ""))
        ui.ownerChip.setText(wording.ROLE_LABELS.get(step.role, step.role))
        ui.ownerChip.setToolTip("Who owns this step")

        self._show_notice(step, words)
        self._show_facts(step, words, now)
        ui.purposeText.setText(step.purpose)
        ui.purposeHeading.setVisible(bool(step.purpose))
        ui.purposeText.setVisible(bool(step.purpose))
        ui.guidanceText.setText(step.guidance)
        ui.provenanceText.setText(f"Source: {step.provenance}" if step.provenance else "")

        # The evidence form is rebuilt for another step, after our own change, when the saved record
        # changed, or when the user has not typed anything; otherwise what they typed stays.
        stamp = _stamp(step)
        fresh = step.step_id != self._shown_step or self._rebuild_next or stamp != self._shown_stamp
        focus = QApplication.focusWidget()
        if fresh and focus is not None and self.form.isAncestorOf(focus):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # its editor is about to be replaced
        if fresh or not self.form.dirty:
            draft = None if self._rebuild_next else self._drafts.get(step.step_id)
            use_draft = draft is not None and draft[0] == stamp
            self.form.build(step.fields, draft[1] if draft is not None and use_draft else dict(step.evidence))
            self.form.dirty = use_draft
            if fresh:
                self._reset_completed(step)
            if step.step_id != self._shown_step:
                QTimer.singleShot(0, self._scroll_detail_to_top)
        self._rebuild_next = False
        self._shown_step, self._shown_stamp = step.step_id, stamp
        ui.noEvidence.setVisible(not step.fields)
        ui.formHost.setVisible(bool(step.fields))
        editable = self._editable(step)
        self.form.set_read_only(not editable)
        show_completed = editable and self._refusal("done", step) is None
        ui.completedRule.setVisible(show_completed and bool(step.fields))
        ui.completedAtLabel.setVisible(show_completed)
        self.completed_at.setVisible(show_completed)
        ui.completedAtHint.setVisible(show_completed)
        ui.evidenceGroup.setTitle("Evidence" if step.fields or show_completed else "Evidence (none recorded)")
        self._update_actions()

    def _scroll_detail_to_top(self) -> None:
        if _alive(self):
            self.ui.detailScroll.verticalScrollBar().setValue(0)

    def _reset_completed(self, step: StepView) -> None:
        self._completed_touched = False
        self.completed_at.blockSignals(True)
        self.completed_at.set_value(self.session.now())
        self.completed_at.blockSignals(False)
        set_invalid(self.completed_at.edit, False)

    def _show_notice(self, step: StepView, words: str) -> None:
        ui = self.ui
        words = words or condition_words(step.condition, None)
        text, tone = "", ""
        waiting = waiting_text(step)
        review_id = step.evidence.get("supervisory_review_id") if step.status == "done" else None
        if step.awaiting_agreement:
            text = (
                f"Marked not applicable: {step.reason.rstrip('.')}. Awaiting supervisor agreement: this mandatory "
                "step counts as open, and the case cannot be closed, until a supervisor of the team agrees (signing) "
                "or refuses."
            )
            tone = "soon"
        elif step.status == "not_applicable":
            text, tone = f"Marked not applicable: {step.reason}" if step.reason else "Marked not applicable.", "muted"
        elif isinstance(review_id, int):
            who = f" by {step.completed_by}" if step.completed_by else ""
            text = (
                f"Completed by <a href='review:{review_id}'>supervisory review #{review_id}</a>{who} on "
                f"{html.escape(wording.when(step.completed_at))}: its checklist, findings and directions are on "
                "the Supervision tab."
            )
            tone = "info"
        elif not step.applicable and step.status != "done":
            text = f"Does not apply to this case now. It applies only when {words}."
            tone = "muted"
        elif not step.applicable and step.status == "done":
            text = (
                f"Its condition no longer holds (it applies only when {words}). "
                "It was done while it applied; nothing more is needed unless the condition holds again."
            )
            tone = "muted"
        elif step.status == "blocked":
            text, tone = f"Blocked: {step.reason}", "overdue"
        elif step.unmet_dependencies and not settled(step):
            text = f"{waiting}. It must be done, or marked not applicable, before this step can be completed."
            tone = "soon"
        elif step.status == "in_progress" and step.reason.startswith(REFUSED_PREFIX):
            text, tone = f"A supervisor refused to agree that this step does not apply. {step.reason}", "info"
        elif step.status == "in_progress" and step.reason:
            text, tone = f"Reopened by a supervisor: {step.reason}", "info"
        elif step.due_state == "overdue" and step.due_at is not None and self.detail is not None:
            text = (
                f"Overdue by {wording.span(self.detail.as_of - step.due_at)}: it was due {wording.when(step.due_at)}."
            )
            tone = "overdue"
        if step.requirement == "conditional" and step.applicable and step.status == "not_applicable":
            text += f" Its condition holds now ({words}): consider whether it should be reopened."
        ui.stepNotice.setText(text)
        ui.stepNotice.setVisible(bool(text))
        _set_tone(ui.stepNotice, tone)

    def _notice_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "review" and value.isdigit():
            self.review_link.emit(int(value))

    def _show_facts(self, step: StepView, words: str, now: datetime) -> None:
        ui, form = self.ui, self.ui.factsForm
        owner = wording.ROLE_LABELS.get(step.role, step.role)
        if not step.can_work:
            owner += f" (only {_OWNER_PHRASES.get(step.role, 'the owner')} can complete it)"
        ui.ownerValue.setText(owner)
        requirement = requirement_text(step, words)
        if step.sign_off:
            requirement += ". Completion needs a supervisor's sign-off"
        ui.requirementValue.setText(requirement)
        waiting = waiting_text(step) if not greyed(step) and not settled(step) else ""
        ui.waitingValue.setText(waiting.removeprefix("Waiting for: ").removeprefix("Waiting for "))
        _set_tone(ui.waitingValue, "soon" if waiting else "")
        form.setRowVisible(2, bool(waiting))
        ui.deadlineValue.setText(step.deadline_text or "No timescale set")
        ui.basisValue.setText(step.deadline_basis)
        form.setRowVisible(4, bool(step.deadline_text))
        due = ""
        if step.due_at is not None and not greyed(step):
            prefix = "Next due " if step.status == "done" and step.recurring else ""
            due = f"{prefix}{wording.when(step.due_at)}"
            if step.due_state == "overdue":
                due += f" (overdue by {wording.span(now - step.due_at)})"
            elif step.due_state in ("on_track", "due_soon"):
                due += f" ({wording.relative(step.due_at, now)})"
        ui.dueValue.setText(due)
        _set_tone(
            ui.dueValue, _STATE_TONES.get(step.due_state, "") if step.due_state in ("overdue", "due_soon") else ""
        )
        form.setRowVisible(5, bool(due))
        completed = ""
        if step.completed_at is not None:
            completed = wording.when(step.completed_at)
            if step.completed_by:
                completed += f" by {step.completed_by}"
            if step.recurring and step.completions > 1:
                completed += f" (recorded {step.completions} times)"
            if step.status != "done":
                completed = f"Previously {completed}"
        ui.completedValue.setText(completed)
        form.setRowVisible(6, bool(completed))

    # --- who may do what -----------------------------------------------------------------------------

    def _base_refusal(self) -> str | None:
        detail = self.detail
        if detail is None:
            return "The case is still loading."
        if detail.status != "open":
            return "The case is closed, so its steps cannot change. A supervisor can reopen the case."
        if not detail.viewer_may_edit:
            if detail.viewer_role in ("auditor", "administrator"):
                return "Your role can view this case but not record its steps."
            return "You can view this case but not change it: it belongs to another team."
        return None

    def _refusal(self, what: str, step: StepView) -> str | None:
        """Why the viewer cannot do `what` to `step` now, or None when they can."""
        base = self._base_refusal()
        if what in ("agree", "refuse"):
            if self.session.actor.role.value != "supervisor":
                return "Only a supervisor of the team can agree or refuse that a mandatory step does not apply."
            if base:
                return base
            if not step.awaiting_agreement:
                return "Only a mandatory step marked not applicable and awaiting agreement can be agreed or refused."
            return None
        if what == "reopen":
            if self.session.actor.role.value != "supervisor":
                return _SUPERVISOR_ONLY
            if base:
                return base
            if not settled(step):
                return "Only a done or not-applicable step can be reopened."
            return None
        if base:
            return base
        if not step.can_work:
            return f"Only {_OWNER_PHRASES.get(step.role, 'the owner')} can work on step {step.number}."
        recurring_again = step.status == "done" and step.recurring
        if settled(step) and not (what == "done" and recurring_again):
            state = "done" if step.status == "done" else "marked not applicable"
            return f"Step {step.number} is already {state}. A supervisor can reopen it."
        if what == "done" and step.unmet_dependencies:
            return f"{waiting_text(step)}: it must be done, or marked not applicable, first."
        return None

    def _update_actions(self) -> None:
        step = self.current_step() if self.detail is not None else None
        is_supervisor = self.session.actor.role.value == "supervisor"
        self.ui.reopenButton.setVisible(is_supervisor)
        self.ui.agreeButton.setVisible(is_supervisor)
        self.ui.refuseButton.setVisible(is_supervisor)
        done_text = "Record &again" if step is not None and step.status == "done" and step.recurring else "&Done"
        self.ui.doneButton.setText(done_text)
        self.done_action.setText(done_text)
        for name, (button, action, keys) in self._buttons.items():
            why = "Select a step first." if step is None else self._refusal(name, step)
            if self.busy and why is None:
                why = "Saving…"
            button.setEnabled(why is None)
            label = button.text().replace("&", "").rstrip("…")
            tip = action.toolTip()
            shown = f"{label} ({keys})" if keys else label
            button.setToolTip(f"{shown}: {tip}" if why is None else f"{label} is not available: {why}")
            button.setAccessibleDescription(button.toolTip())

    # --- drafts --------------------------------------------------------------------------------------

    def _completed_changed(self) -> None:
        self._completed_touched = True
        set_invalid(self.completed_at.edit, False)

    def unsaved_steps(self) -> list[str]:
        """The numbers of the steps with evidence typed and not saved (the form shown, and drafts)."""
        ids = set(self._drafts)
        if self._shown_step and self.form.dirty:
            ids.add(self._shown_step)
        steps = self.detail.steps if self.detail else ()
        return [s.number for s in steps if s.step_id in ids]  # in procedure order

    def _stash_draft(self) -> None:
        if self._shown_step and self._shown_stamp is not None and self.form.dirty:
            self._drafts[self._shown_step] = (self._shown_stamp, self.form.values())

    # --- doing things --------------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        label = self.ui.message
        label.setText(text)
        label.setVisible(bool(text))
        label.setProperty("error", error)
        _repolish(label)

    def _refuse_if_needed(self, what: str, step: StepView | None) -> StepView | None:
        if step is None:
            self.show_message("Select a step first.", error=True)
            return None
        if self.busy:
            return None
        why = self._refusal(what, step)
        if why is not None:
            self.show_message(why, error=True)
            return None
        return step

    def complete(self) -> None:
        step = self._refuse_if_needed("done", self.current_step())
        if step is None:
            return
        missing = self.form.missing_required()
        if missing:
            self.form.mark_invalid({f.id for f in missing})
            names = ", ".join(f.label for f in missing)
            self.show_message(
                f"Step {step.number} needs its required evidence before it can be completed: {names}. "
                "Nothing was saved.",
                error=True,
            )
            widget = self.form.focus_widget(missing[0].id)
            if widget is not None:
                self._focus(widget)
            return
        evidence = self.form.values()
        completed_at = self.completed_at.value() if self._completed_touched else None
        ctx, actor, case_id, step_id = self.session.ctx, self.session.actor, self.case_id, step.step_id
        again = step.status == "done"
        self._run(
            step,
            lambda: step_services.complete_step(ctx, actor, case_id, step_id, evidence, completed_at=completed_at),
            f"Step {step.number} recorded again." if again else f"Step {step.number} done.",
        )

    def save_progress(self) -> None:
        step = self._refuse_if_needed("save", self.current_step())
        if step is None:
            return
        evidence = self.form.values()
        ctx, actor, case_id, step_id = self.session.ctx, self.session.actor, self.case_id, step.step_id
        self._run(
            step,
            lambda: step_services.save_progress(ctx, actor, case_id, step_id, evidence),
            f"Progress on step {step.number} saved.",
        )

    def _ask_reason(self, title: str, prompt: str) -> str | None:
        reason = ReasonDialog.ask(self, title, prompt)
        return reason.strip() if reason and reason.strip() else None

    def mark_not_applicable(self) -> None:
        self._with_reason(
            "not_applicable",
            "Step not applicable",
            "Why does step {number}, “{title}”, not apply to this case?\n"
            "Auditors read this reason, so say what you checked.",
            step_services.mark_not_applicable,
            "Step {number} marked not applicable.",
        )

    def mark_blocked(self) -> None:
        self._with_reason(
            "blocked",
            "Step blocked",
            "What is stopping step {number}, “{title}”?\n"
            "For example: waiting for a partner agency, or a system not available.",
            step_services.mark_blocked,
            "Step {number} marked blocked.",
        )

    def reopen(self) -> None:
        self._with_reason(
            "reopen",
            "Reopen step",
            "Why are you reopening step {number}, “{title}”?\n"
            "Its evidence is kept for the officer to revise; earlier values stay in the audit trail.",
            step_services.reopen_step,
            "Step {number} reopened.",
        )

    def agree_not_applicable(self) -> SignDialog | None:
        """Agreement is an electronic signature: the supervisor re-enters their password in the shared dialog."""
        step = self._refuse_if_needed("agree", self.current_step())
        if step is None or self.detail is None:
            return None
        summary = (
            f"Case {self.detail.reference}, step {step.number} “{step.title}” (mandatory), marked not applicable.\n\n"
            f"Reason given:\n{step.reason}\n\nAgreeing means the step no longer counts as open for closure."
        )
        dialog = SignDialog(self, self.session, Meaning.AGREED_NOT_APPLICABLE.value, summary)
        dialog.setWindowTitle("Agree that a step does not apply")
        ctx, actor, case_id, step_id = self.session.ctx, self.session.actor, self.case_id, step.step_id
        number = step.number
        dialog.sign_with(
            lambda password: step_services.agree_not_applicable(ctx, actor, case_id, step_id, password),
            lambda _view: (
                self._succeeded(step_id, f"Agreed that step {number} does not apply.") if _alive(self) else None
            ),
            lambda exc: self._failed(exc) if _alive(self) else None,
        )
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def refuse_not_applicable(self) -> None:
        self._with_reason(
            "refuse",
            "Refuse not applicable",
            "Why does step {number}, “{title}”, apply after all?\n"
            "The step goes back to the officer as in progress, with your reason.",
            step_services.refuse_not_applicable,
            "Step {number}: not applicable refused; it is back with the officer.",
        )

    def _with_reason(self, what: str, title: str, prompt: str, service: Callable[..., Any], success: str) -> None:
        """The three actions that need a reason: ask for it, then call `service` with it."""
        step = self._refuse_if_needed(what, self.current_step())
        if step is None:
            return
        reason = self._ask_reason(title, prompt.format(number=step.number, title=step.title))
        if reason is None:
            self.focus_table()
            return
        ctx, actor, case_id, step_id = self.session.ctx, self.session.actor, self.case_id, step.step_id
        self._run(
            step,
            lambda: service(ctx, actor, case_id, step_id, reason),
            success.format(number=step.number),
        )

    def _run(self, step: StepView, work: Callable[[], Any], success: str) -> None:
        self.busy = True
        self.form.clear_invalid()
        set_invalid(self.completed_at.edit, False)
        self.show_message("Saving…")
        self._update_actions()
        step_id = step.step_id
        self.session.call(
            self,
            work,
            lambda _view: self._succeeded(step_id, success) if _alive(self) else None,
            lambda exc: self._failed(exc) if _alive(self) else None,
        )

    def _succeeded(self, step_id: str, text: str) -> None:
        # Still busy until the reloaded case arrives (show_detail): a second Space cannot act on the old state.
        self._drafts.pop(step_id, None)
        self.form.dirty = False
        if step_id == self.step_id:
            self._rebuild_next = True
        self.show_message(text)
        self._update_actions()
        self.step_changed.emit(step_id)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_actions()
        if not isinstance(exc, InvalidInput):
            self.show_message(explain(exc).message, error=True)
            return
        fields = {p.field for p in exc.problems}
        self.form.mark_invalid(fields & set(self.form.editors))
        set_invalid(self.completed_at.edit, "completed_at" in fields)
        lines = "\n".join(f"• {p}" if p.label else f"• {p.message}" for p in exc.problems)
        self.show_message(f"Nothing was saved. Please check:\n{lines}", error=True)
        first = next((p.field for p in exc.problems if p.field in self.form.editors), None)
        target = self.form.focus_widget(first) if first else None
        if target is None and "completed_at" in fields:
            target = self.completed_at.edit
        if target is not None:
            self._focus(target)

    # --- housekeeping --------------------------------------------------------------------------------

    def load_failed(self) -> None:
        """The workspace could not reload the case: let the user act (or press F5) again."""
        self.busy = False
        self._update_actions()

    def _tick(self) -> None:
        """Time passes: 'due in' and 'overdue by' change without new data."""
        if self.detail is not None:
            self.step_model.now = self.session.now()
            if self.step_model.rowCount():
                self.step_model.dataChanged.emit(
                    self.step_model.index(0, 0),
                    self.step_model.index(self.step_model.rowCount() - 1, self.step_model.columnCount() - 1),
                )

    def _restore_splitter(self) -> None:
        state = self.session.prefs.value(SPLITTER_KEY)
        if isinstance(state, QByteArray) and self.ui.splitter.restoreState(state):
            return
        self.ui.splitter.setStretchFactor(0, 0)
        self.ui.splitter.setStretchFactor(1, 3)
        self.ui.splitter.setStretchFactor(2, 2)
        self.ui.splitter.setSizes([256, 684, 460])

    def _save_splitter(self, *_args: object) -> None:
        self.session.prefs.set_value(SPLITTER_KEY, self.ui.splitter.saveState())
