"""The Steps tab of a case workspace: phases with progress, the steps of the selected phase, and the
selected step's guidance, evidence form and actions.

Everything the user does here goes through `checklist_app.services.steps` on the worker thread. When
the services refuse (missing or wrong evidence, a step not yours to complete, a closed case) the reason
is shown in words beside the form, the offending fields are outlined, and nothing has been saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QStyle, QWidget

from checklist_app.core.condition_words import condition_words
from checklist_app.core.procedure.model import Procedure
from checklist_app.services.dto import CaseDetail, EvidenceFieldView, PhaseView, StepView
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.actions import StepActions
from checklist_app.ui.steps.ahead import FieldsAhead
from checklist_app.ui.steps.common import SPLITTER_KEY, Stamp, alive
from checklist_app.ui.steps.detail import StepDetail
from checklist_app.ui.steps.evidence_form import EvidenceForm
from checklist_app.ui.steps.fields import DateTimeField
from checklist_app.ui.steps.models import (
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
    settled,
)
from checklist_app.ui.supervision.sign_dialog import SignDialog

# Field blocks made ahead of need for the selected step's phase (see steps/ahead.py): about six steps' worth.
AHEAD_FIELDS = 24


_widest_field: list[int] = []


def _widest_field_width(now: Callable[[], datetime]) -> int:
    """The minimum width of the widest evidence field, an optional date and time with 'Now' and 'Clear';
    measured once (a throw-away field) for the process: every panel uses the same fonts and style."""
    if not _widest_field:
        field = DateTimeField(now, optional=True)
        field.ensurePolished()
        _widest_field.append(field.minimumSizeHint().width())
        field.deleteLater()
    return _widest_field[0]


class StepsPanel(StepDetail, StepActions, QWidget):
    """Shows a case's phases and steps and works the selected step. Every change goes through `session.run`,
    whose `case_changed` makes the workspace reload the case and call `show_detail` again.
    `review_link(review_id)` asks to show the supervisory review that completed the selected step."""

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
        self.ahead = FieldsAhead(self.form, self._fields_ahead, self)
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

    # --- keys ----------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The event's class is tested first: asking a PySide event its type() is dear, and these two views
        # get many events (a selection alone sends a few dozen).
        if isinstance(event, QResizeEvent) and watched is self.table:
            QTimer.singleShot(0, self._fit_columns)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers()
            plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if watched is self.table and plain:
                if key == Qt.Key.Key_Space:
                    self.complete_from_list()
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
        owner, then the state, then the due column give way (all are in the step panel and the row's
        tooltip), so the title keeps room for a few words a line."""
        if not alive(self):
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
        self._fit_minimums(
            pad + bold_fm.horizontalAdvance("10.10") + fm.horizontalAdvance("Not started") + icon_w + pad
        )
        hidden: set[int] = set()
        for column in (COL_OWNER, COL_STATE, COL_DUE):
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

    def _fit_minimums(self, short_columns: int) -> None:
        """Minimum widths that keep a narrow window usable: the table keeps its number and status columns
        and a title a few words wide; the detail pane is as wide as its widest field (a date and time with
        its buttons), so it never scrolls sideways. Both follow the fonts: set with the columns, after polish."""
        ui, table = self.ui, self.ui.stepTable
        scroll_w = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
        title_min = table.fontMetrics().horizontalAdvance("x") * 22
        table.setMinimumWidth(short_columns + title_min + scroll_w + 2 * table.frameWidth())
        field = _widest_field_width(self.session.now)
        for layout in (ui.bodyLayout, ui.evidenceLayout, ui.formHostLayout):
            margins = layout.contentsMargins()
            field += margins.left() + margins.right()
        margins = ui.evidenceGroup.contentsMargins()
        field += margins.left() + margins.right()
        scroll = ui.detailScroll
        scroll_w = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, scroll)
        scroll.setMinimumWidth(max(320, field + scroll_w + 2 * scroll.frameWidth()))

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.step_menu()
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

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

    def _fields_ahead(self) -> list[EvidenceFieldView]:
        """The fields the next selections are likely to show, the likeliest first: the phase's steps after
        the selected one, then those before it; at most AHEAD_FIELDS of them (about 105 KB each)."""
        steps = self.step_model.steps
        row = self.table.currentIndex().row()
        order = list(steps[row + 1 :]) + list(steps[: max(row, 0)])
        return [spec for step in order for spec in step.fields][:AHEAD_FIELDS]

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
