"""Keeping a tab widget from repainting all of itself when a page's layout changed but no size hint did.

Qt's QTabWidget answers every layout request (posted when any layout inside its current page is redone and
its page's size hints may have changed) by laying out its tab bar and pages again and repainting its whole
area, then passing the request on to its own parent: in the case workspace, selecting a step whose action
bar or message line was laid out again repainted the whole workspace (the case header, the steps table and
the detail pane) and then the main window's case tabs did the same, two to three full repaints where the
step's detail pane was all that changed. The tab widget's layout depends only on the size hints of its tab
bar, its page stack and its corner widgets (and its own size, which a resize handles separately), so a
request that finds them all as they were at the last request it let through changes nothing and is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QStackedWidget, QTabWidget

# Events on which QTabWidget lays itself out (or may) other than a layout request.
_RELAYOUT = {
    QEvent.Type.Resize,
    QEvent.Type.Show,
    QEvent.Type.StyleChange,
    QEvent.Type.FontChange,
    QEvent.Type.LayoutDirectionChange,
    QEvent.Type.ChildAdded,
    QEvent.Type.ChildRemoved,
}

_Hints = tuple[QSize | bool | None, ...]


class QuietTabs(QObject):
    """Installed on one tab widget (and owned by it)."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._stack = tabs.findChild(QStackedWidget, "qt_tabwidget_stackedwidget")
        self._last: _Hints | None = None
        tabs.installEventFilter(self)

    def _hints(self) -> _Hints:
        tabs, bar, stack = self._tabs, self._tabs.tabBar(), self._stack
        corners = []
        for corner in (Qt.Corner.TopLeftCorner, Qt.Corner.TopRightCorner):
            widget = tabs.cornerWidget(corner)
            corners += [widget.sizeHint(), widget.isVisibleTo(tabs)] if widget is not None else [None, None]
        return (
            bar.sizeHint(),
            bar.minimumSizeHint(),
            bar.isVisibleTo(tabs),
            stack.sizeHint() if stack is not None else None,
            stack.minimumSizeHint() if stack is not None else None,
            *corners,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._tabs:
            return False
        kind = event.type()
        if kind == QEvent.Type.LayoutRequest:
            hints = self._hints()
            if hints == self._last:
                return True  # nothing the tab widget lays out has changed: no relayout, no repaint
            self._last = hints
        elif kind in _RELAYOUT:
            self._last = None  # the tab widget lays itself out again: the next request goes through too
        return False


def quiet(tabs: QTabWidget) -> QuietTabs:
    return QuietTabs(tabs)
