"""Run Python's cyclic garbage collector only at safe moments, on the GUI thread.

Left to itself, the collector runs whenever any thread allocates: in the worker thread in the middle of a
database query, or inside a Qt layout pass that called back into Python. A collected cycle can hold the
last reference to a widget (a closed dialog captured by a callback), and deleting a widget there frees
memory Qt is still using. Valgrind showed exactly that: a dialog's text layout freed by the collector
mid-layout, then read again. Anki does the same as this module for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from checklist_app import gc_pause

_INTERVAL_MS = 1000


class GarbageCollector(QObject):
    """Disables automatic collection and collects from a timer, i.e. from the event loop's top level."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc_pause.end(collect=False)  # what start-up made is frozen: the timer's collections skip it
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose counters passed their usual thresholds (as gc would have)."""
        count0, count1, count2 = gc.get_count()
        if count0 > self._threshold[0]:
            generation = 0
            if count1 > self._threshold[1]:
                generation = 1
                if count2 > self._threshold[2]:
                    generation = 2
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


_installed: GarbageCollector | None = None


def install(app: QObject) -> GarbageCollector:
    """Once per application (tests share one QApplication)."""
    global _installed
    if _installed is None:
        _installed = GarbageCollector(app)
    return _installed
