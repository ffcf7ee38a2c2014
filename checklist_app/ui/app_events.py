"""One application-wide event filter shared by the app's watchers (wheel guard, invalid marks, idle lock).

An application event filter sees every event of every object: a step selection alone sends the filter
several hundred (layout, paint, polish, child events). Each Python filter costs a crossing into Python per
event, and asking a PySide event its `type()` builds a Python enum member (about as dear as the crossing).
So the watchers share one filter, which looks up the event's Python class (PySide gives each event its most
derived class: QWheelEvent, QKeyEvent, ...) in a small table and returns at once for any class no watcher
asked for; a watcher asks for the classes it needs and then checks the event's type itself.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject

Handler = Callable[[QObject, QEvent], bool]  # True: the event is consumed (later handlers do not see it)


class AppEvents(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._by_class: dict[type, tuple[Handler, ...]] = {}

    def add(self, classes: tuple[type, ...], handler: Handler, first: bool = False) -> None:
        """Call `handler` for events of exactly these classes; `first`: before the handlers already added
        (a watcher that must see events another may consume, as the idle lock sees every wheel notch)."""
        for cls in classes:
            present = self._by_class.get(cls, ())
            if handler not in present:
                self._by_class[cls] = (handler, *present) if first else (*present, handler)

    def remove(self, handler: Handler) -> None:
        for cls, present in list(self._by_class.items()):
            kept = tuple(h for h in present if h != handler)
            if kept:
                self._by_class[cls] = kept
            else:
                del self._by_class[cls]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handlers = self._by_class.get(type(event))
        if handlers is None:
            return False
        return any(handler(watched, event) for handler in handlers)


_HUB: AppEvents | None = None


def hub(app: QCoreApplication | None = None) -> AppEvents | None:
    """The application's shared filter, installed at its first request (None without an application)."""
    global _HUB
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    if _HUB is None or not shiboken6.isValid(_HUB):
        _HUB = AppEvents(app)
        app.installEventFilter(_HUB)
    return _HUB
