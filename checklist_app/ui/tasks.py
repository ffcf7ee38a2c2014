"""Running service calls off the GUI thread.

All database work goes to one worker thread (as Anki does): the store sees a single writer from this
process, the GUI never waits on a disk sync, and results come back to the GUI thread as signals.
Each task's callback runs on the GUI thread; a task whose owner has been closed is simply dropped.

Only the task's number crosses threads in the signal; the result or exception waits in a locked dict.
Passing Python objects through queued PySide signals was the one thing in common between the
crashes seen after failed log-ons (an exception emitted from the worker), so nothing is marshalled.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from checklist_app.services.errors import SessionEnded

log = logging.getLogger(__name__)


@dataclass
class _Task:
    task_id: int
    work: Callable[[], Any]


class _Worker(QThread):
    finished_task = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.inbox: queue.Queue[_Task | None] = queue.Queue()
        self.outcomes: dict[int, tuple[bool, Any, _Task]] = {}
        self.lock = threading.Lock()

    def run(self) -> None:
        while True:
            task = self.inbox.get()
            if task is None:
                return
            task_id = task.task_id
            try:
                outcome: tuple[bool, Any, _Task] = (True, task.work(), task)
            except BaseException as exc:  # delivered to the GUI thread, which decides what to show
                outcome = (False, exc, task)
            with self.lock:
                self.outcomes[task_id] = outcome
            # The task's closure may hold the last reference to a widget: it must be released on the GUI
            # thread (which takes it from `outcomes`), never here, or the widget would be deleted here.
            del task, outcome
            self.finished_task.emit(task_id)

    def take(self, task_id: int) -> tuple[bool, Any]:
        with self.lock:
            ok, value, _task = self.outcomes.pop(task_id)
        return ok, value


class TaskRunner(QObject):
    """Queue work for the worker thread; `on_done(result)` / `on_error(exc)` run on the GUI thread."""

    busy_changed = Signal(bool)
    # The signed-in account was disabled or locked: the app returns to the log-on screen.
    session_ended = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}
        self._worker = _Worker()
        self._worker.finished_task.connect(self._on_finished)
        self._worker.start()
        self.default_error: Callable[[BaseException], None] = lambda exc: log.error("task failed: %s", exc)

    @property
    def idle(self) -> bool:
        return not self._callbacks

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        task_id = next(self._ids)
        was_idle = self.idle
        self._callbacks[task_id] = (on_done, on_error)
        self._worker.inbox.put(_Task(task_id, work))
        if was_idle:
            self.busy_changed.emit(True)
        return task_id

    def cancel_callbacks(self, task_id: int) -> None:
        """Keep the task running but forget its callbacks (its widget is gone)."""
        if task_id in self._callbacks:
            self._callbacks[task_id] = (None, lambda _exc: None)

    @Slot(int)
    def _on_finished(self, task_id: int) -> None:
        ok, value = self._worker.take(task_id)
        on_done, on_error = self._callbacks.pop(task_id, (None, None))
        self._notify_idle()
        if ok:
            if on_done is not None:
                on_done(value)
        elif isinstance(value, SessionEnded):
            self.session_ended.emit(str(value))
        else:
            (on_error or self.default_error)(value)

    def _notify_idle(self) -> None:
        if self.idle:
            self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        self._worker.inbox.put(None)
        self._worker.wait(timeout_ms)
