"""Keeping the main window on the screen it is shown on, whatever the scaling.

At 150 % on a 1920x1080 screen Qt has 1280x720 logical pixels to work with, and a tab whose content needs
more height (the risk tool) used to make the main window grow past the bottom of the screen. The window's
content now sits in a scroll area, so content never sets the window's size, and a size or position saved
at another scaling or on another screen is brought back inside the screen the window opens on.

That scroll area is a last resort, for a window smaller than the content's minimum: forms scroll inside
their own tab. A plain resizable QScrollArea would not do: over content holding word-wrapped text it sizes
the content to its preferred height for the width, so the whole window scrolled at 150 % although every
tab fitted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

DEFAULT_SIZE = QSize(1360, 860)


class FitScrollArea(QScrollArea):
    """Gives its content the viewport's size, or the content's minimum size where that is larger: it
    scrolls only when the content cannot be laid out smaller, never to show a preferred height."""

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)  # a changed minimum (another tab, a new page) refits at once
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        content = self.widget()
        if content is None:
            return
        room = self.maximumViewportSize()
        least = content.minimumSizeHint().expandedTo(content.minimumSize())
        width, height = max(room.width(), least.width()), max(room.height(), least.height())
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent, None, self)
        if height > room.height():  # the vertical bar takes its width from the content
            width = max(least.width(), room.width() - bar)
        if width > room.width():
            height = max(least.height(), room.height() - bar)
        if content.size() != QSize(width, height):
            content.resize(width, height)


def scroll_central(window: QMainWindow) -> QScrollArea:
    """Put the window's central widget inside a scroll area that fills the window: when the window is
    smaller than the content needs, the content scrolls instead of the window growing."""
    content = window.takeCentralWidget()
    area = FitScrollArea(window)
    area.setObjectName("centralScroll")
    area.setWidgetResizable(False)  # FitScrollArea sizes the content itself
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Never a stop for the keyboard: with focus it shows none, and the arrow keys would scroll the window.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    window.setCentralWidget(area)
    return area


def screen_for(window: QWidget) -> QScreen:
    """The screen under the middle of the window's saved position, else the one it is on, else the primary."""
    centre = window.frameGeometry().center()
    return QGuiApplication.screenAt(centre) or window.screen() or QGuiApplication.primaryScreen()


def fitted(frame: QRect, inner: QSize, available: QRect) -> QRect:
    """The window's inner geometry (`inner` size, `frame` its frame) shrunk and moved to fit `available`."""
    border_w, border_h = frame.width() - inner.width(), frame.height() - inner.height()
    width = min(inner.width(), available.width() - border_w)
    height = min(inner.height(), available.height() - border_h)
    outer_w, outer_h = width + border_w, height + border_h
    x = min(max(frame.x(), available.left()), available.left() + available.width() - outer_w)
    y = min(max(frame.y(), available.top()), available.top() + available.height() - outer_h)
    return QRect(x, y, width, height)


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move the window (not maximised or full screen) so all of it is on one screen."""
    if window.isMaximized() or window.isFullScreen():
        return
    available = screen_for(window).availableGeometry()
    frame = window.frameGeometry()
    target = fitted(frame, window.size(), available)
    if target.size() != window.size():
        window.resize(target.size())
    if target.topLeft() != frame.topLeft():
        window.move(target.topLeft())


def initial_size(window: QWidget) -> QSize:
    """The default size, or what the screen has on a small (or highly scaled) one, less room for a title bar;
    `fit_to_screen` then trims any frame the window system adds."""
    available = screen_for(window).availableGeometry()
    return DEFAULT_SIZE.boundedTo(QSize(available.width(), available.height() * 19 // 20))
