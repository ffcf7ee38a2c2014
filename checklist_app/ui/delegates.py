"""Item delegates shared by the tables."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem


class ToneDelegate(QStyledItemDelegate):
    """The standard painting, but a selected row keeps its text colours (overdue red, due-soon amber, done
    green): the selection is a light tint (style.qss), so they stay readable, and the row you are on still
    says it is overdue."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        tone = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(tone, QBrush | QColor):
            option.palette.setBrush(QPalette.ColorRole.HighlightedText, QBrush(tone))
