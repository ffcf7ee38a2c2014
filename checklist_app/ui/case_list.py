"""The case list: every case the user may see, filtered and sorted in memory so it reacts at once.

The service is asked once for all rows (one audited consultation); filters, search and sorting then
work on that list without touching the database. The view receives rows in pages as it scrolls
(canFetchMore/fetchMore), so even 20,000 cases show immediately. At start-up the first page of the
opening order is asked for first (a quick query of its own) and shown while the whole list loads; the
count says "Loading…" until every row is in, and filters and sorting then apply to the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action, Actor, Scope, scope_for
from checklist_app.services import case_list, organisation
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseRow
from checklist_app.ui.delegates import ToneDelegate
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession

PAGE = 250
FIRST_PAGE = PAGE  # rows read ahead of the whole list at start-up: one screenful and then some
COLUMNS = ("Reference", "District", "Phase", "Risk", "Officer", "Next step", "Due", "Overdue", "Status")
(COL_REF, COL_DISTRICT, COL_PHASE, COL_RISK, COL_OFFICER, COL_NEXT, COL_DUE, COL_OVERDUE, COL_STATUS) = range(9)
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)
_OVERDUE = QColor("#a4161a")
_SOON = QColor("#8a5a00")


@cache
def _step_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", number)) or (999,)


@dataclass
class CaseFilterState:
    scope: str = "district"  # district | mine | team
    district_id: int | None = None
    status: str = "open"  # open | closed | all
    min_risk: int = 0
    overdue_only: bool = False
    search: str = ""
    officer_id: int | None = None  # one officer's cases (from the dashboard's workload row)

    def accepts(self, row: CaseRow, now: datetime, user_id: int, team_id: int | None) -> bool:
        return self.predicate(now, user_id, team_id)(row, _haystack(row))

    def predicate(self, now: datetime, user_id: int, team_id: int | None) -> Callable[[CaseRow, str], bool]:
        """One test per active filter, composed once: it runs 20,000 times per keystroke."""
        tests: list[Callable[[CaseRow, str], bool]] = []
        if self.status != "all":
            status = self.status
            tests.append(lambda r, h: r.status == status)
        if self.scope == "mine":
            tests.append(lambda r, h: r.officer_id == user_id or r.supervisor_id == user_id)
        elif self.scope == "team":
            tests.append(lambda r, h: team_id is not None and r.team_id == team_id)
        if self.officer_id is not None:
            officer = self.officer_id
            tests.append(lambda r, h: r.officer_id == officer)
        if self.district_id is not None:
            district = self.district_id
            tests.append(lambda r, h: r.district_id == district)
        if self.min_risk:
            minimum = self.min_risk
            tests.append(lambda r, h: r.risk_category >= minimum)
        if self.overdue_only:
            tests.append(lambda r, h: r.next_due_at is not None and r.next_due_at < now)
        needle = self.search.strip().upper()
        if needle:
            tests.append(lambda r, h: needle in h)
        if not tests:
            return lambda r, h: True
        if len(tests) == 1:
            return tests[0]
        return lambda r, h: all(test(r, h) for test in tests)


def _haystack(row: CaseRow) -> str:
    return f"{row.reference}\x00{row.subject_ref}".upper()


# Each column's own sort key; ties go by reference. Rows are kept sorted by reference once, and Python's
# sort is stable, so sorting that order by the column's key alone gives the same order as sorting by
# (key, reference), several times faster on 20,000 rows than comparing tuples.
_SORT_KEYS: dict[int, Callable[[CaseRow, datetime], Any]] = {
    COL_REF: lambda r, now: r.reference,
    COL_DISTRICT: lambda r, now: r.district_name,
    COL_PHASE: lambda r, now: r.phase_number,
    COL_RISK: lambda r, now: r.risk_category,
    COL_OFFICER: lambda r, now: r.officer_name or "",
    COL_NEXT: lambda r, now: _step_key(r.next_due_step),
    COL_DUE: lambda r, now: r.next_due_at or _FAR_FUTURE,
    COL_OVERDUE: lambda r, now: r.overdue_count(now),
    COL_STATUS: lambda r, now: r.status,
}


class CaseListModel(QAbstractTableModel):
    """All rows in memory; `visible` is the filtered, sorted order; `loaded` how many the view has."""

    def __init__(self, user_id: int, team_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user_id, self.team_id = user_id, team_id
        self.rows: list[CaseRow] = []
        self.complete = False  # False while only the first page is in (or nothing yet)
        # All rows in the current sort order, with their search text: filtering then keeps this order.
        self._sorted: list[tuple[CaseRow, str]] = []
        self._by_reference: list[tuple[CaseRow, str]] = []
        self.visible: list[CaseRow] = []
        self.loaded = 0
        self.filter = CaseFilterState()
        self.sort_column, self.sort_order = COL_DUE, Qt.SortOrder.AscendingOrder
        self.now = wording.utcnow()

    # --- data in -------------------------------------------------------------------------------------

    def set_rows(self, rows: list[CaseRow], now: datetime, *, complete: bool = True) -> None:
        """`complete=False`: the list's first rows only (shown while the rest load), a first part of the
        full list in the opening order, so filtering keeps it a first part of what the full list shows."""
        self.rows, self.now, self.complete = rows, now, complete
        # The search text depends on the row alone: made once here, not again on every sort.
        self._by_reference = sorted(((row, _haystack(row)) for row in rows), key=lambda pair: pair[0].reference)
        self._resort()
        self._refilter()

    def set_filter(self, state: CaseFilterState) -> None:
        self.filter = state
        self._refilter()

    def tick(self, now: datetime) -> None:
        """Time passes: overdue counts and colours change without new data."""
        self.now = now
        if self.loaded:
            self.dataChanged.emit(self.index(0, 0), self.index(self.loaded - 1, len(COLUMNS) - 1))

    def _resort(self) -> None:
        key, now = _SORT_KEYS[self.sort_column], self.now
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        # Descending: ties by reference descending too, as reverse=True keeps equal keys in the given order.
        ordered = self._by_reference[::-1] if descending else self._by_reference
        self._sorted = sorted(ordered, key=lambda pair: key(pair[0], now), reverse=descending)

    def _refilter(self) -> None:
        self.beginResetModel()
        test = self.filter.predicate(self.now, self.user_id, self.team_id)
        self.visible = [row for row, hay in self._sorted if test(row, hay)]
        self.loaded = min(PAGE, len(self.visible))
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._resort()
        self._refilter()

    # --- lazy paging ---------------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.loaded < len(self.visible)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        extra = min(PAGE, len(self.visible) - self.loaded)
        if extra <= 0:
            return
        self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + extra - 1)
        self.loaded += extra
        self.endInsertRows()

    # --- Qt model ------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.loaded

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            # Headers line up with their column's text: centred for the short numbers, else on the left.
            centred = section in (COL_RISK, COL_OVERDUE)
            return int(
                Qt.AlignmentFlag.AlignCenter if centred else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            )
        return None

    def row_at(self, index: QModelIndex) -> CaseRow | None:
        return self.visible[index.row()] if index.isValid() and index.row() < self.loaded else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)  # type: ignore[arg-type]
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == CASE_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_RISK, COL_OVERDUE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]}: {self._text(row, column)}"
        return None

    def _text(self, row: CaseRow, column: int) -> str:
        if column == COL_REF:
            needle = self.filter.search.strip().upper()
            if needle and needle not in row.reference.upper():
                return f"{row.reference}  (subject {row.subject_ref})"  # why it matched the search
            return row.reference
        if column == COL_DISTRICT:
            return row.district_name
        if column == COL_PHASE:
            return f"{row.phase_number}. {row.phase_title}" if row.status == "open" else "Closed"
        if column == COL_RISK:
            return str(row.risk_category) if row.risk_category else "–"
        if column == COL_OFFICER:
            return row.officer_name or "Not allocated"
        if column == COL_NEXT:
            return f"{row.next_due_step} {row.next_due_title}".strip()
        if column == COL_DUE:
            return wording.when(row.next_due_at)
        if column == COL_OVERDUE:
            count = row.overdue_count(self.now)
            return str(count) if count else ""
        return row.status.capitalize()

    def _colour(self, row: CaseRow, column: int) -> QBrush | None:
        if column in (COL_DUE, COL_OVERDUE, COL_NEXT) and row.next_due_at is not None:
            if row.next_due_at < self.now:
                return QBrush(_OVERDUE)
            if (row.next_due_at - self.now).total_seconds() < 2 * 86400:
                return QBrush(_SOON)
        if column == COL_RISK and row.risk_category >= 3:
            return QBrush(_OVERDUE)
        return None

    def _tooltip(self, row: CaseRow, column: int) -> str:
        if column == COL_RISK:
            return wording.RISK_LABELS.get(row.risk_category, "")
        if column == COL_DUE and row.next_due_at is not None:
            return f"Step {row.next_due_step} due {wording.relative(row.next_due_at, self.now)}"
        if column == COL_PHASE:
            return f"{row.steps_done} of {row.steps_required} required steps settled"
        return f"{row.reference}: subject {row.subject_ref}, referred {wording.when(row.referral_at)}"


class CaseListPage(QWidget):
    """Filter bar and table. Emits `open_case(case_id)` on Enter or double-click."""

    open_case = Signal(int)
    loaded = Signal(int)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ui = load_into(self, "case_list.ui")
        self.empty_label = QLabel("")  # in words when the filters leave no case, rather than a blank grid
        self.empty_label.setObjectName("message")
        self.empty_label.setProperty("error", False)
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)
        host = self.ui.table.parentWidget().layout()
        host.insertWidget(host.indexOf(self.ui.table), self.empty_label)
        actor = session.actor
        self.model = CaseListModel(actor.user_id, actor.team_id, self)
        table = self.ui.table
        table.setModel(self.model)
        table.setItemDelegate(ToneDelegate(table))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(COL_DUE, Qt.SortOrder.AscendingOrder)
        table.verticalHeader().setDefaultSectionSize(28)
        self._size_columns()
        self._wrap_filters()
        # The next step's title is the long text: it takes the width left over, so Status stays narrow.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NEXT, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(self._activate)
        self.setFocusProxy(table)  # the page's keyboard home: arrows choose a case, Enter opens it
        table.activated.connect(self._activate)
        self._init_filters()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(lambda: self.model.tick(self.session.now()))
        self._clock.start()

    def _size_columns(self) -> None:
        """Widths from the font (so they hold at any scaling): each column fits a typical value and its
        header; longer phase titles are elided, with the full row in the tooltip."""
        table, search = self.ui.table, self.ui.search
        table.ensurePolished()
        text = table.fontMetrics()
        bold = QFont(table.horizontalHeader().font())
        bold.setBold(True)
        heading = QFontMetrics(bold)
        pad = 4 * text.averageCharWidth()  # the cell's margins, a little air and the sort arrow
        samples = {
            COL_REF: "CSE-SHE-2026-00000",
            COL_DISTRICT: "Rotherham",
            COL_PHASE: "1. Referral and initial response",
            COL_RISK: "",
            COL_OFFICER: "DC Kingfisher 00",
            COL_DUE: "Wed 00/00/0000 00:00",
            COL_OVERDUE: "",
            COL_STATUS: "Closed",
        }
        for column, sample in samples.items():
            table.setColumnWidth(
                column, max(text.horizontalAdvance(sample), heading.horizontalAdvance(COLUMNS[column])) + pad
            )
        # The search box wide enough for its hint, which says Ctrl+F.
        search.setMinimumWidth(search.fontMetrics().horizontalAdvance(search.placeholderText()) + 48)

    def _wrap_filters(self) -> None:
        """The filters flow onto a second line when the width runs out, each label with its box, the case
        count kept on the right: on one line they needed 1,169 px, and as a tab of the window that made every
        open case scroll sideways in a narrower window."""
        ui = self.ui
        bar = ui.filters
        while bar.count():
            bar.takeAt(0)  # the spacer goes; the widgets move into the flow below
        host = QWidget(ui.filterBar)
        host.setObjectName("filterFlow")
        flow = FlowLayout(host, spacing=10)
        groups: tuple[tuple[QWidget, ...], ...] = (
            (ui.search,),
            (ui.scopeLabel, ui.scope),
            (ui.districtLabel, ui.district),
            (ui.statusLabel, ui.status),
            (ui.riskLabel, ui.risk),
            (ui.overdueOnly,),
        )
        for group in groups:
            if len(group) == 1:
                flow.addWidget(group[0])
                continue
            pair = QWidget(host)
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            for widget in group:
                row.addWidget(widget)
            flow.addWidget(pair)
        ui.overdueOnly.setMinimumHeight(ui.scope.sizeHint().height())  # on the boxes' middle line, not above it
        bar.addWidget(host, 1)
        bar.addWidget(ui.countLabel, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _init_filters(self) -> None:
        ui, actor = self.ui, self.session.actor
        ui.scope.addItem("All I can see", "district")
        # Only investigators are officers in charge; a supervisor's own cases are their team's, and an auditor
        # or intelligence officer has none: offering both would show the same list twice, or an empty one.
        if actor.role.value == "investigator":
            ui.scope.addItem("My cases", "mine")
        if actor.team_id is not None:
            ui.scope.addItem("My team", "team")
        ui.status.addItem("Open", "open")
        ui.status.addItem("Closed", "closed")
        ui.status.addItem("All", "all")
        for label, value in (("Any", 0), ("2 and above", 2), ("3 and above", 3), ("4 only", 4)):
            ui.risk.addItem(label, value)
        if scope_for(actor.role, Action.CASE_LIST) is Scope.FORCE:
            ui.district.addItem("All districts", None)
        if ui.scope.count() > 1:
            ui.scope.setCurrentIndex(1)  # investigators start with their own cases, supervisors with their team's
        for widget in (ui.scope, ui.status, ui.risk, ui.district):
            widget.currentIndexChanged.connect(self._apply_filters)
        ui.overdueOnly.toggled.connect(self._apply_filters)
        ui.search.textChanged.connect(self._apply_filters)
        # Not `run`: the list of districts is not a use case of the signed-in user (no actor).
        self.session.call(self, lambda: organisation.list_districts(self.session.ctx), self._districts)

    def _districts(self, districts: list[Any]) -> None:
        force_wide = scope_for(self.session.actor.role, Action.CASE_LIST) is Scope.FORCE
        for d in districts:
            if force_wide or d.id == self.session.actor.district_id:
                self.ui.district.addItem(d.name, d.id)
        if not force_wide:
            self.ui.district.setEnabled(False)
            self.ui.district.setToolTip("You see the cases of your own district")

    def focus_search(self) -> None:
        self.ui.search.setFocus()
        self.ui.search.selectAll()

    def show_officer(self, officer_id: int, name: str) -> None:
        """Show one officer's open cases: a "Cases of <name>" entry in the scope box, chosen (one such entry
        at a time; choosing another scope goes back to the usual lists)."""
        scope = self.ui.scope
        for i in reversed(range(scope.count())):
            if str(scope.itemData(i)).startswith("officer:"):
                scope.removeItem(i)
        scope.addItem(f"Cases of {name}", f"officer:{officer_id}")
        self.ui.status.setCurrentIndex(max(0, self.ui.status.findData("open")))
        scope.setCurrentIndex(scope.count() - 1)
        self._apply_filters()

    def filter_state(self) -> CaseFilterState:
        ui = self.ui
        scope = str(ui.scope.currentData() or "district")
        officer = int(scope.partition(":")[2]) if scope.startswith("officer:") else None
        return CaseFilterState(
            scope="district" if officer is not None else scope,
            officer_id=officer,
            district_id=ui.district.currentData(),
            status=ui.status.currentData() or "open",
            min_risk=ui.risk.currentData() or 0,
            overdue_only=ui.overdueOnly.isChecked(),
            search=ui.search.text(),
        )

    def _apply_filters(self) -> None:
        self.model.set_filter(self.filter_state())
        self._update_count()

    def _update_count(self) -> None:
        if not self.model.complete:
            # Only the first page is in: no count, and no "no cases match" until every row has been read.
            self.ui.countLabel.setText("Loading…")
            self.empty_label.setVisible(False)
            return
        shown, total = len(self.model.visible), len(self.model.rows)
        self.ui.countLabel.setText(f"{shown:,} of {total:,} cases")
        search = self.ui.search.text().strip()
        if shown or not total:
            self.empty_label.setVisible(False)
            return
        hint = f" for “{search}” (searched in case references and subject references)" if search else ""
        self.empty_label.setText(f"No cases match{hint}. Change the filters or the search to see more.")
        self.empty_label.setVisible(True)

    def refresh(self) -> None:
        self.ui.countLabel.setText("Loading…")
        if not self.model.rows and self._opening_order():
            # Nothing shown yet (start-up): the first page comes from a quick query of its own, ahead of the
            # whole list on the worker, so the list has rows long before 20,000 have been read.
            flt = self._first_page_filter()

            def first(ctx: ServiceContext, actor: Actor) -> tuple[list[CaseRow], datetime]:
                return case_list.first_cases(ctx, actor, flt, FIRST_PAGE), ctx.now()

            self.session.run(self, first, done=self._first_loaded)

        def load(ctx: ServiceContext, actor: Actor) -> tuple[list[CaseRow], datetime]:
            """Every case the user may see, and the time they were read (for due times in words)."""
            return case_list.list_cases(ctx, actor, case_list.CaseFilter(status="all")), ctx.now()

        self.session.run(self, load, done=self._loaded)

    def _opening_order(self) -> bool:
        return self.model.sort_column == COL_DUE and self.model.sort_order == Qt.SortOrder.AscendingOrder

    def _first_page_filter(self) -> case_list.CaseFilter:
        """What the first page is read with: no narrower than the filters shown (they are applied again here),
        so the first rows of the result, filtered, are the first rows the whole list will show. Every
        status: a closed case has no due time and sorts last anyway, and a status change while the rest
        loads then keeps a correct first part."""
        actor, state = self.session.actor, self.filter_state()
        team = state.scope == "team" and state.officer_id is None and actor.team_id is not None
        return case_list.CaseFilter(
            mine=state.scope == "mine" and state.officer_id is None,
            team=team,
            district_id=state.district_id,
            status="all",
        )

    def _first_loaded(self, result: tuple[list[CaseRow], datetime]) -> None:
        if self.model.complete:
            return  # the whole list is in already
        rows, now = result
        self.model.filter = self.filter_state()
        self.model.set_rows(rows, now, complete=False)
        self._update_count()

    def _loaded(self, result: tuple[list[CaseRow], datetime]) -> None:
        rows, now = result
        selected = self.selected_case_id()  # a row chosen among the first page stays chosen
        self.model.filter = self.filter_state()
        self.model.set_rows(rows, now)
        if selected is not None:
            self._select(selected)
        self._update_count()
        self.loaded.emit(len(rows))

    def _select(self, case_id: int) -> None:
        for i, row in enumerate(self.model.visible[: self.model.loaded]):
            if row.id == case_id:
                self.ui.table.setCurrentIndex(self.model.index(i, 0))
                return

    def _activate(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_case.emit(row.id)

    def selected_case_id(self) -> int | None:
        index = self.ui.table.currentIndex()
        row = self.model.row_at(index)
        return row.id if row else None
