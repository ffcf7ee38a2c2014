"""The team dashboard, the supervisor's home screen: workload per officer against the threshold, the team
duties of the period, and every line needing attention across the team's open cases (reviews due, overdue
steps, intelligence past its target, risk assessments out of date, missing episodes without a safe and well
check or return interview, overdue directed actions, steps marked not applicable awaiting agreement, open
remedial actions from audits). Each line opens its case at the right place; each officer's workload row opens
the case list filtered to that officer.

Figures come from services/dashboard.py on the worker thread; F5 and any change made in an open case reload.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Actor
from checklist_app.services import dashboard, district_duties, procedures, team_duties
from checklist_app.services.case_opening import NewCase
from checklist_app.services.context import ServiceContext
from checklist_app.services.dashboard import DashboardLine, OfficerLoad, TeamDashboard
from checklist_app.services.team_duties import TeamDutyStatus
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.dashboard_duties import DutiesPanel
from checklist_app.ui.widgets.messages import error_label

OVER = QColor("#a4161a")
OVER_BACKGROUND = QColor("#fde2e1")
MUTED = QColor("#5b6878")

PROCEDURE_ID = NewCase.procedure_id  # the force's procedure, as new cases follow it

# Who and how loaded first; the breakdown last, where a narrow window may cut it short.
WORKLOAD_COLUMNS = ("Officer", "Open cases", "Complex", "Score", "Threshold", "By risk category")
WORKLOAD_ROWS = 6  # officers kept in view on the dashboard before the table scrolls

# The attention sections, in the order a supervisor works through them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("reviews", "Supervisory reviews due or overdue"),
    ("agreements", "Steps marked not applicable awaiting your agreement"),
    ("actions", "Directed actions overdue"),
    ("remedial", "Remedial actions from casework audits, open"),
    ("overdue_steps", "Cases with overdue steps"),
    ("intelligence", "Intelligence waiting past its target"),
    ("risk", "Risk assessments out of date or missing"),
    ("missing", "Missing episodes without a safe and well check or return interview"),
)


@dataclass(frozen=True)
class Loaded:
    board: TeamDashboard
    duties: list[TeamDutyStatus]
    procedure_id: str


def procedure_for_dashboard(ctx: ServiceContext) -> str:
    """The force's procedure (the one new cases follow); failing that, the most recently published one."""
    versions = procedures.list_versions(ctx)
    if any(v.procedure_id == PROCEDURE_ID for v in versions) or not versions:
        return PROCEDURE_ID
    return max(versions, key=lambda v: v.id).procedure_id


def load_figures(ctx: ServiceContext, actor: Actor) -> Loaded:
    procedure_id = procedure_for_dashboard(ctx)
    board = dashboard.team_dashboard(ctx, actor, procedure_id)
    duties = team_duties.team_duties(ctx, actor, procedure_id)
    duties += district_duties.district_duties(ctx, actor, procedure_id)  # seen here, recorded by their owner
    return Loaded(board, duties, procedure_id)


def by_category(officer: OfficerLoad) -> str:
    parts = [f"Cat {c}: {n}" for c, n in officer.by_category.items() if c]
    if officer.by_category.get(0):
        parts.append(f"not assessed: {officer.by_category[0]}")
    return ", ".join(parts) or "none"


def score_words(officer: OfficerLoad) -> str:
    return f"{officer.score:g} of {officer.threshold:g}"


def threshold_words(officer: OfficerLoad) -> str:
    return "OVER" if officer.over else "within"


def due_words(line: DashboardLine) -> str:
    if line.due_at is None:
        return "now"
    return f"{wording.when(line.due_at, with_day=False)}{' (overdue)' if line.overdue else ''}"


class DashboardPage(QWidget):
    """`open_case(case_id, place)` when a line is opened (place as in CaseWorkspace.go_to)."""

    open_case = Signal(int, str)
    open_officer = Signal(int, str)  # an officer's workload row: their cases (officer id, name)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamDashboard")
        self.session = session
        self.loaded: Loaded | None = None
        self._loading = False
        self._again = False

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.heading = QLabel("Team dashboard")
        self.heading.setProperty("role", "heading")
        titles.addWidget(self.heading)
        self.subtitle = QLabel("Loading…")
        self.subtitle.setObjectName("dashboardSubtitle")
        self.subtitle.setProperty("role", "hint")
        self.subtitle.setWordWrap(True)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Reload the figures (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.message = error_label(hidden=True)
        layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.setChildrenCollapsible(False)
        workload_box = QGroupBox("Workload per officer (risk-weighted)")
        workload_layout = QVBoxLayout(workload_box)
        self.workload_note = QLabel()
        self.workload_note.setProperty("role", "hint")
        self.workload_note.setWordWrap(True)
        workload_layout.addWidget(self.workload_note)
        self.workload = QTableWidget(0, len(WORKLOAD_COLUMNS))
        self.workload.setObjectName("workload")
        self.workload.setHorizontalHeaderLabels(list(WORKLOAD_COLUMNS))
        self.workload.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.workload.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.workload.verticalHeader().setVisible(False)
        self.workload.setWordWrap(False)
        self.workload.setToolTip("Double-click an officer, or select them and press Enter, to list their cases")
        self.workload.itemActivated.connect(self._officer_activated)
        header = self.workload.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        workload_layout.addWidget(self.workload)
        upper.addWidget(workload_box)
        self.duties = DutiesPanel(session)
        self.duties.recorded.connect(self.refresh)
        upper.addWidget(self.duties)
        upper.setStretchFactor(0, 5)
        upper.setStretchFactor(1, 4)
        splitter.addWidget(upper)

        attention_box = QGroupBox("Needs attention across the team")
        attention_layout = QVBoxLayout(attention_box)
        hint = QLabel("Double-click a line, or select it and press Enter, to open the case at that place.")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        attention_layout.addWidget(hint)
        self.attention = QTreeWidget()
        self.attention.setObjectName("attention")
        self.attention.setColumnCount(4)
        self.attention.setHeaderLabels(["Case", "Officer", "What", "Due"])
        self.attention.setUniformRowHeights(True)
        self.attention.setAlternatingRowColors(True)
        tree_header = self.attention.header()
        tree_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        tree_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        tree_header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        tree_header.setStretchLastSection(False)
        self.attention.itemActivated.connect(self._activated)
        self.attention.currentItemChanged.connect(lambda *_: self._update_open_button())
        attention_layout.addWidget(self.attention)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Open case at this line")
        self.open_button.setObjectName("openLine")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self._activated(self.attention.currentItem()))
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        attention_layout.addLayout(buttons)
        splitter.addWidget(attention_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

    def hasHeightForWidth(self) -> bool:
        # The wrapped labels would give the page a height-for-width, and the main window's scroll area would then
        # size the page at its preferred height (tables and tree at full size), scrolling the whole page at 150 %
        # instead of letting the tables scroll inside it.
        return False

    # --- loading -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._loading:  # a change while loading: load once more afterwards, not once per change
            self._again = True
            return
        self._loading = True
        self.session.run(self, load_figures, done=self._loaded, error=self._failed)

    def _finished(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(f"The dashboard could not be loaded. {explain(exc).message} Press F5 to try again.")
        self.message.setVisible(True)
        self._finished()

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        board = loaded.board
        self.message.setVisible(False)
        self.subtitle.setText(
            f"{board.team_name} · figures as of {wording.when(board.as_of)} · procedure {board.procedure_label}"
        )
        self._show_workload(board)
        self.duties.show_duties(loaded.duties, loaded.procedure_id)
        self._show_attention(board)
        self._finished()

    def _show_workload(self, board: TeamDashboard) -> None:
        loads = board.workload
        over = [o.name for o in loads if o.over]
        threshold = loads[0].threshold if loads else None
        note = (
            "Open cases weighted by risk category, complex cases counting more (the procedure's settings). "
            "Double-click an officer to list their cases."
        )
        if threshold is not None:
            note += f" Threshold {threshold:g}: {len(over)} of {len(loads)} officers over it."
        self.workload_note.setText(note)
        table = self.workload
        table.setRowCount(len(loads))
        bold = QFont(table.font())
        bold.setBold(True)
        for row, officer in enumerate(loads):
            cells = [officer.name, str(officer.open_cases), str(officer.complex_cases), score_words(officer)]
            cells += [threshold_words(officer), by_category(officer)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, officer.officer_id)
                if column in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if officer.over:
                    item.setForeground(QBrush(OVER))
                    item.setBackground(QBrush(OVER_BACKGROUND))
                    item.setFont(bold)
                    item.setToolTip("Risk-weighted workload above the threshold: reallocate or get support")
                if column == 5:
                    item.setToolTip(f"Open cases by risk category: {text}")
                table.setItem(row, column, item)
        if not loads:
            table.setRowCount(1)
            table.setItem(0, 0, QTableWidgetItem("No investigators in the team"))
        # A team's officers at a glance: at 150 % the splitter left the table two and a half rows (of five
        # officers) and the lines needing attention the rest. Up to WORKLOAD_ROWS rows are kept in view; more
        # scroll, and the lines below still have most of the page.
        table.resizeRowsToContents()
        shown = min(table.rowCount(), WORKLOAD_ROWS)
        rows = sum(table.rowHeight(r) for r in range(shown))
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth() + 2)

    def _show_attention(self, board: TeamDashboard) -> None:
        tree = self.attention
        expanded = {
            tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole): tree.topLevelItem(i).isExpanded()
            for i in range(tree.topLevelItemCount())
        }
        tree.clear()
        bold = QFont(tree.font())
        bold.setBold(True)
        for key, title in SECTIONS:
            lines: tuple[DashboardLine, ...] = getattr(board, key)
            overdue = sum(1 for line in lines if line.overdue)
            count = f"{len(lines)}" + (f", {overdue} overdue" if overdue and overdue != len(lines) else "")
            group = QTreeWidgetItem([f"{title} ({count})"])
            group.setData(0, Qt.ItemDataRole.UserRole, key)
            group.setFirstColumnSpanned(True)
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)
            for line in lines:
                child = QTreeWidgetItem([line.reference, line.officer or "Not allocated", line.what, due_words(line)])
                child.setData(0, Qt.ItemDataRole.UserRole, line)
                child.setToolTip(2, line.what)
                if line.overdue:
                    for column in range(4):
                        child.setForeground(column, QBrush(OVER))
                group.addChild(child)
            if not lines:
                none = QTreeWidgetItem(["Nothing outstanding"])
                none.setFlags(Qt.ItemFlag.NoItemFlags)
                none.setForeground(0, QBrush(MUTED))
                group.addChild(none)
                none.setFirstColumnSpanned(True)
            group.setExpanded(expanded.get(key, True))
        self._update_open_button()

    def _officer_activated(self, item: QTableWidgetItem) -> None:
        officer_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(officer_id, int):
            name = self.workload.item(item.row(), 0).text()
            self.open_officer.emit(officer_id, name)

    def _update_open_button(self) -> None:
        item = self.attention.currentItem()
        self.open_button.setEnabled(
            item is not None and isinstance(item.data(0, Qt.ItemDataRole.UserRole), DashboardLine)
        )

    def _activated(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        line = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(line, DashboardLine):
            self.open_case.emit(line.case_id, line.place)

    # --- for tests and screenshots -------------------------------------------------------------------

    def section_lines(self, key: str) -> list[QTreeWidgetItem]:
        """The line items under a section (not the 'nothing outstanding' placeholder)."""
        for i in range(self.attention.topLevelItemCount()):
            group = self.attention.topLevelItem(i)
            if group.data(0, Qt.ItemDataRole.UserRole) == key:
                children = [group.child(j) for j in range(group.childCount())]
                return [c for c in children if isinstance(c.data(0, Qt.ItemDataRole.UserRole), DashboardLine)]
        raise KeyError(key)
