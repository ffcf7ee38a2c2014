"""Words in an empty list: what is empty and what to do, instead of a blank grid.

`empty_hint(view, text)` puts a wrapped, centred line in the view's viewport (under its header) while the
view shows no rows; it hides itself as soon as a row arrives and comes back when the last goes. A screen
that hides rows itself (a search over a table) calls `update()` after filtering."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView

_MARGIN = 12


class EmptyHint(QObject):
    """The line shown in `view` while it is empty; `set_text` changes it (for example once a search ran)."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(view)
        self.view = view
        self.label = QLabel(text, view.viewport())
        self.label.setObjectName("emptyHint")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setProperty("role", "hint")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.update)
        self.update()

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.update()

    def update(self, *_args: object) -> None:
        if not (shiboken6.isValid(self.view) and shiboken6.isValid(self.label)):
            return  # a view being destroyed empties its model on the way out
        empty = not self._shown_rows() and bool(self.label.text())
        self.label.setVisible(empty)
        if empty:
            self._place()

    def _shown_rows(self) -> bool:
        model, view = self.view.model(), self.view
        if model is None:
            return False
        rows = model.rowCount()
        if isinstance(view, QTableView):
            return any(not view.isRowHidden(row) for row in range(rows))
        return rows > 0

    def _place(self) -> None:
        # In a short view (a table squeezed to a row or two) the margin gives way before the words do.
        viewport = self.view.viewport().rect()
        width = max(viewport.width() - 2 * _MARGIN, 0)
        height = self.label.heightForWidth(width)
        top = max(0, min(_MARGIN, (viewport.height() - height) // 2))
        self.label.setGeometry(_MARGIN, top, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.label.isVisible():
            self._place()
        return False


def empty_hint(view: QAbstractItemView, text: str) -> EmptyHint:
    """Show `text` in `view` while it has no rows (see the module's docstring)."""
    return EmptyHint(view, text)
