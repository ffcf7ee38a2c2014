"""The Intelligence desk: the intelligence officer's page beside the case list. Every item of the district
still waiting for someone, soonest due first (a header click sorts by another column), with a filter; Enter
or a double-click opens the case at the item on its Intelligence tab, where it is routed, assessed or
chased."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from checklist_app.core import intelligence as intel
from checklist_app.core.permissions import Action
from checklist_app.core.wording import compact_when, due_words, when
from checklist_app.services.intelligence_desk import DeskLine, IntelligenceDesk, intelligence_desk
from checklist_app.ui.empty_state import EmptyHint
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.intelligence.words import PRIORITY_WORDS
from checklist_app.ui.widgets.messages import error_label
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, selected_id, setup_table

SOON_HOURS = 2  # a line due within this many hours is shown in the "soon" tone

# (label, which lines it keeps)
FILTERS: tuple[tuple[str, str], ...] = (
    ("Everything waiting", "all"),
    ("Routed to me, to assess", "mine"),
    ("Waiting to be routed", "route"),
    ("Waiting for assessment", "assess"),
    ("Waiting for the investigator's action", "action"),
    ("Overdue only", "overdue"),
)
EMPTY = {
    "all": "Nothing is waiting: every item of the district has been routed, assessed and acted on.",
    "mine": "Nothing is routed to you for assessment. Items routed to you come here first.",
    "route": "Nothing is waiting to be routed.",
    "assess": "Nothing is waiting for assessment.",
    "action": "No assessed item is waiting for an investigator's action.",
    "overdue": "Nothing is overdue.",
}


def _waiting_for(line: DeskLine) -> str:
    stage = line.stage_text.removeprefix("Awaiting ").capitalize()
    return f"{stage} (case closed)" if line.case_closed else stage


def _waiting_tip(line: DeskLine) -> str:
    if line.case_closed:  # the desk lists it so it is not forgotten; the case refuses changes until reopened
        return (
            f"Case {line.case_reference} is closed: a supervisor must reopen it before "
            f"{line.reference} can be routed or assessed."
        )
    return line.stage_text


_PRIORITIES = tuple(intel.PRIORITY_LABELS)  # high first
_STAGES = ("route", "assess", "action")  # the order an item goes through


def _priority_rank(line: DeskLine) -> tuple[int, str]:
    return (_PRIORITIES.index(line.priority) if line.priority in _PRIORITIES else len(_PRIORITIES), line.priority)


def _stage_rank(line: DeskLine) -> tuple[int, bool, str]:
    return (_STAGES.index(line.stage) if line.stage in _STAGES else len(_STAGES), line.case_closed, line.stage)


def _keeps(kind: str, line: DeskLine) -> bool:
    if kind == "all":
        return True
    if kind == "mine":
        return line.mine
    if kind == "overdue":
        return line.overdue
    return line.stage == kind


class IntelligenceDeskPage(QWidget):
    open_case = Signal(int, str)  # case id, place in the case (CaseWorkspace.go_to)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intelligenceDesk")
        self.session = session
        self.desk: IntelligenceDesk | None = None
        layout = QVBoxLayout(self)
        heading = QLabel("Intelligence desk")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.hint = QLabel(
            "The district's intelligence still waiting for someone, soonest due first (click a column heading to "
            "sort by it). Routing and assessment "
            "are the intelligence unit's; the action taken is the investigator's, listed so it can be chased. "
            "Due times are the procedure's targets for each priority, counted from submission."
        )
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.message = error_label(hidden=True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.counts = QLabel("Loading…")
        self.counts.setObjectName("counts")
        self.counts.setWordWrap(True)
        row.addWidget(self.counts, 1)
        show = QLabel("&Show")
        self.filter = QComboBox()
        self.filter.setObjectName("filter")
        for label, kind in FILTERS:
            self.filter.addItem(label, kind)
        show.setBuddy(self.filter)
        self.filter.currentIndexChanged.connect(self._show_lines)
        row.addWidget(show)
        row.addWidget(self.filter)
        layout.addLayout(row)
        now = session.now
        self.model = RowsModel(
            (
                Column(
                    "Due",
                    lambda line: compact_when(line.due_at),
                    tone=lambda line: self._tone(line),
                    tooltip=lambda line: f"{when(line.due_at)} ({due_words(line.due_at, now())})",
                    sort_key=lambda line: line.due_at,
                ),
                Column("Waiting for", _waiting_for, tooltip=_waiting_tip, sort_key=_stage_rank),
                Column("Item", lambda line: line.reference),
                Column("Case", lambda line: line.case_reference),
                Column(
                    "Priority",
                    lambda line: PRIORITY_WORDS.get(line.priority, line.priority),
                    tooltip=lambda line: intel.PRIORITY_LABELS.get(line.priority, line.priority),
                    sort_key=_priority_rank,
                ),
                Column("Grade", lambda line: line.grade_code, centre=True),
                Column(
                    "With",
                    lambda line: line.with_whom or "nobody yet",
                    tooltip=lambda line: (
                        f"{line.with_whom or 'Nobody yet'}; re-routed {line.reroute_count} time(s)"
                        if line.reroute_count
                        else line.with_whom or "Not routed to anyone yet"
                    ),
                ),
                Column("Summary (sanitised)", lambda line: line.excerpt, stretch=True),
            ),
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("deskTable")
        setup_table(self.table, self.model)
        # Any column sorts by a header click; until then, soonest due first (the Due column, ascending).
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.empty = EmptyHint(self.table, "")
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Open case at this item")
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(self.open_selected)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self._enable()
        self._clock = QTimer(self)  # overdue colours follow the clock between loads
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.model.refresh)
        self._clock.start()

    def refresh(self) -> None:
        self.session.run(self, intelligence_desk, done=self._loaded, error=self._failed)

    def _loaded(self, desk: IntelligenceDesk) -> None:
        self.desk = desk
        self.message.setVisible(False)
        self._show_lines()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(
            f"The intelligence desk could not be loaded. {explain(exc).message} Press F5 to try again."
        )
        self.message.setVisible(True)

    def _tone(self, line: DeskLine) -> str:
        now = self.session.now()
        if line.due_at < now:
            return "overdue"
        return "soon" if (line.due_at - now).total_seconds() <= SOON_HOURS * 3600 else ""

    def _show_lines(self) -> None:
        if self.desk is None:
            return
        kind = self.filter.currentData()
        desk = self.desk
        lines = [line for line in desk.lines if _keeps(kind, line)]
        replace_rows(self.table, self.model, lines)
        self.empty.set_text(EMPTY[kind])
        waiting = len(desk.lines)
        parts = [
            f"{desk.count('route')} to route",
            f"{desk.count('assess')} to assess ({desk.mine} routed to you)",
            f"{desk.count('action')} with investigators",
        ]
        overdue = f" · {desk.overdue} overdue" if desk.overdue else ""
        shown = f" · showing {len(lines)}" if kind != "all" else ""
        district = f"{desk.district_name}: " if desk.district_name else ""
        self.counts.setText(f"{district}{waiting} waiting ({', '.join(parts)}){overdue}{shown}")
        self._enable()

    def _enable(self, *_args: object) -> None:
        self.open_button.setEnabled(selected_id(self.table) is not None and self.session.may(Action.CASE_VIEW))

    def _activated(self, _index: QModelIndex) -> None:
        self.open_selected()

    def open_selected(self) -> None:
        item_id = selected_id(self.table)
        line = next((x for x in self.model.rows if x.id == item_id), None)
        if line is not None:
            self.open_case.emit(line.case_id, f"intel:{line.item_id}")


def intelligence_desk_home(session: AppSession) -> IntelligenceDeskPage | None:
    """The desk for the roles that assess intelligence (in a district); None for everyone else."""
    if not session.may(Action.INTEL_ASSESS) or session.actor.district_id is None:
        return None
    return IntelligenceDeskPage(session)
