"""The case list: every case the user may see, filtered and sorted in memory so it reacts at once.

The service is asked once for all rows (one audited consultation); filters, search and sorting then
work on that list without touching the database. The view receives rows in pages as it scrolls
(canFetchMore/fetchMore), so even 20,000 cases show immediately. At start-up the first page of the
opening order is asked for first (a quick query of its own) and shown while the whole list loads; the
count says "Loading…" until every row is in, and filters and sorting then apply to the whole list. The
rows, filters and sorting are case_list_model.py; this module is the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QWidget

from checklist_app.core.permissions import Action, Actor, Scope, scope_for
from checklist_app.services import case_list, organisation
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseRow
from checklist_app.ui.case_list_hint import empty_text
from checklist_app.ui.case_list_model import (
    COL_DISTRICT,
    COL_DUE,
    COL_NEXT,
    COL_OFFICER,
    COL_OVERDUE,
    COL_PHASE,
    COL_REF,
    COL_RISK,
    COL_STATUS,
    COLUMNS,
    PAGE,
    CaseFilterState,
    CaseListModel,
)
from checklist_app.ui.delegates import ToneDelegate
from checklist_app.ui.flow_layout import FlowLayout
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession

__all__ = [  # the model's names, imported from here by the window, the scripts and the tests
    "COLUMNS",
    "COL_DISTRICT",
    "COL_DUE",
    "COL_NEXT",
    "COL_OFFICER",
    "COL_OVERDUE",
    "COL_PHASE",
    "COL_REF",
    "COL_RISK",
    "COL_STATUS",
    "PAGE",
    "CaseFilterState",
    "CaseListModel",
    "CaseListPage",
]
FIRST_PAGE = PAGE  # rows read ahead of the whole list at start-up: one screenful and then some


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
        if shown or not total:
            self.empty_label.setVisible(False)
            return
        ui = self.ui
        choices = {
            "scope": ui.scope.itemText(max(0, ui.scope.findData("district"))),
            "status": ui.status.itemText(max(0, ui.status.findData("all"))),
            "risk": ui.risk.itemText(max(0, ui.risk.findData(0))),
            "overdue": ui.overdueOnly.text().replace("&", ""),
        }
        if ui.district.isEnabled() and ui.district.count() and ui.district.itemData(0) is None:
            choices["district"] = ui.district.itemText(0)  # "All districts", for those who see the force
        self.empty_label.setText(empty_text(self.model, self.filter_state(), choices))
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
