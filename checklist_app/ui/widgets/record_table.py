"""Read-only tables of records (plain view objects with an `id`) shown through column definitions, keeping
the selected record when the rows are replaced."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleOptionViewItem, QTableView

from checklist_app.ui.delegates import ToneDelegate
from checklist_app.ui.widgets.looks import TONE_COLOURS


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    tone: Callable[[Any], str] | None = None
    tooltip: Callable[[Any], str] | None = None
    centre: bool = False
    stretch: bool = False  # takes the width left over (long free text, elided with the full text as tooltip)
    # What a header click sorts by (a time as a time, a priority by rank); without it, the shown text.
    sort_key: Callable[[Any], Any] | None = None


ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """Read-only rows (plain view objects with an `id`) shown through column definitions."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None  # None: the order the rows came in

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = self._in_order(list(rows))
        self.endResetModel()

    def _in_order(self, rows: list[Any]) -> list[Any]:
        if self._sorted_by is None:
            return rows
        section, order = self._sorted_by
        column = self.columns[section]
        key = column.sort_key if column.sort_key is not None else (lambda row: column.text(row).casefold())
        # Stable: rows that tie keep the order they came in (the service's own order).
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click (the view's sorting enabled): the selection stays on the same record."""
        if not 0 <= column < len(self.columns):
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        moved = [self.rows[i.row()] if i.isValid() and i.row() < len(self.rows) else None for i in before]
        self.rows = self._in_order(self.rows)
        place = {id(row): i for i, row in enumerate(self.rows)}
        after = [
            self.index(place[id(row)], i.column()) if row is not None else QModelIndex()
            for row, i in zip(moved, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def refresh(self) -> None:
        """Time has passed: texts and colours may change without new rows."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    def row_at(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def position_of(self, row_id: object) -> int:
        for i, row in enumerate(self.rows):
            if row.id == row_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def _column(self, section: int) -> Column | None:
        """The column, or None while the garbage collector is taking the model apart. A tab's columns hold
        lambdas that hold the tab; clearing such a cycle empties each object's attributes, and a view being
        destroyed at that moment can still ask for a header or a cell (seen once in CI, at a test's teardown:
        "'Column' object has no attribute 'title'", a traceback in a user's face in the app)."""
        column = self.columns[section]
        return column if "title" in column.__dict__ else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        column = self._column(section) if orientation == Qt.Orientation.Horizontal else None
        if column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Headers line up with their column's text.
            if column.centre:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        column = self._column(index.column()) if row is not None else None
        if column is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == ROW_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole) and column.tone is not None:
            tone = column.tone(row)
            if not tone:
                return None
            if role == Qt.ItemDataRole.FontRole:
                return self._bold if tone == "overdue" else None
            colour = TONE_COLOURS.get(tone)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.centre:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {column.text(row)}"
        return None


class AiryDelegate(ToneDelegate):
    """The standard painting; a cell asks for a little more width than its text, so a column sized to its
    contents does not end flush against the next column's line."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * option.fontMetrics.averageCharWidth(), size.height())


def setup_table(view: QTableView, model: RowsModel) -> None:
    view.setModel(model)
    view.setItemDelegate(AiryDelegate(view))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.ensurePolished()
    metrics = view.fontMetrics()
    view.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(metrics.averageCharWidth() * 4)
    stretching = any(c.stretch for c in model.columns)
    header.setStretchLastSection(not stretching)
    for i, column in enumerate(model.columns):
        mode = QHeaderView.ResizeMode.Stretch if column.stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(i, mode)


def selected_id(view: QTableView) -> object:
    model = view.model()
    index = view.selectionModel().currentIndex() if view.selectionModel() else QModelIndex()
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if rows:
        index = rows[0]
    row = model.row_at(index) if isinstance(model, RowsModel) else None
    return row.id if row is not None else None


def replace_rows(view: QTableView, model: RowsModel, rows: Iterable[Any], prefer: object = None) -> None:
    """Show new rows, keeping the selected record (or selecting `prefer`, else the first row)."""
    keep = prefer if prefer is not None else selected_id(view)
    model.set_rows(rows)
    position = model.position_of(keep) if keep is not None else -1
    if position < 0 and model.rows:
        position = 0
    if position >= 0:
        view.selectRow(position)
        view.scrollTo(model.index(position, 0))
