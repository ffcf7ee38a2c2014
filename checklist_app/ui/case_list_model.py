"""The case list's rows in memory: the filters (one composed test per active filter), the sort keys, and the
table model that filters and sorts the whole list without touching the database and hands rows to the view
in pages as it scrolls (canFetchMore/fetchMore). The page itself is case_list.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from checklist_app.core import wording
from checklist_app.services.dto import CaseRow

PAGE = 250
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

    def count_matching(self, state: CaseFilterState) -> int:
        """How many rows `state` would show (to say which filter hides the cases when none is shown)."""
        test = state.predicate(self.now, self.user_id, self.team_id)
        return sum(1 for row, hay in self._by_reference if test(row, hay))

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
