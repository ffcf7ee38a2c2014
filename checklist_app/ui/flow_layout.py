"""A layout that places widgets left to right and wraps them onto new lines when the width runs out
(chips and small buttons in narrow panes, and at 150 % scaling)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """With `balanced`, wrapped lines are made as even as the widths allow (two buttons over two rather than
    three over one), so a wrapped row of buttons looks arranged rather than left over."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, *, balanced: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._balanced = balanced
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _lines(self, widths: list[int], limit: int) -> int:
        lines, x = 1, 0
        for width in widths:
            if x > 0 and x + width > limit:
                lines, x = lines + 1, 0
            x += width + self._spacing
        return lines

    def _balanced_limit(self, widths: list[int], limit: int) -> int:
        """The narrowest width that still needs no more lines than `limit` does."""
        lines = self._lines(widths, limit)
        if lines <= 1:
            return limit
        runs = {
            sum(widths[i:j]) + self._spacing * (j - i - 1)
            for i in range(len(widths))
            for j in range(i + 1, len(widths) + 1)
        }
        fitting = [w for w in sorted(runs) if w <= limit and w >= max(widths) and self._lines(widths, w) == lines]
        return fitting[0] if fitting else limit

    def _arrange(self, rect: QRect, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        right = area.right() + 1
        if self._balanced:
            widths = [item.sizeHint().width() for item in self._items if not item.isEmpty()]
            if widths:
                right = area.x() + self._balanced_limit(widths, area.width())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > right and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()
