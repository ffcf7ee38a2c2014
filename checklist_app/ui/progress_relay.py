"""Progress of a long service call (verify, demo data) shown on the GUI thread, and a Cancel that stops it.

The worker thread only writes the latest report into a locked slot; a timer on the GUI thread reads it
and updates the progress bar. Nothing is emitted across threads (see tasks.py for why), and a report
that arrives while the previous one is still unread simply replaces it.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal


class Cancelled(Exception):
    """Raised inside the worker when the user pressed Cancel; the work stops and nothing is reported."""


class ProgressRelay(QObject):
    """`report(text, done, total)` from the worker; `changed(text, done, total)` on the GUI thread."""

    changed = Signal(str, int, int)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 100) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: tuple[str, int, int] | None = None
        self._cancel = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._deliver)

    def start(self) -> None:
        self._cancel.clear()
        with self._lock:
            self._latest = None
        self._timer.start()

    def stop(self) -> None:
        """Work finished (or failed): show the last report and stop polling."""
        self._deliver()
        self._timer.stop()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, text: str, done: int = 0, total: int = 0) -> None:
        """Called on the worker thread. Raises Cancelled once the user has asked to stop (the report is still
        shown: it says how far the work got)."""
        with self._lock:
            self._latest = (text, done, total)
        if self._cancel.is_set():
            raise Cancelled

    def _deliver(self) -> None:
        with self._lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            self.changed.emit(*latest)
