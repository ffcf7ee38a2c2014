"""Running service calls off the GUI thread.

All database work goes to one worker thread (as Anki does): the store sees a single writer from this
process, the GUI never waits on a disk sync, and results come back to the GUI thread as signals.
Each task's callback runs on the GUI thread; a task whose owner has been closed is simply dropped.
"""

from __future__ import annotations

import itertools
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


@dataclass
class _Task:
    task_id: int
    work: Callable[[], Any]


class _Worker(QThread):
    done = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.inbox: queue.Queue[_Task | None] = queue.Queue()

    def run(self) -> None:
        while True:
            task = self.inbox.get()
            if task is None:
                return
            try:
                result = task.work()
            except BaseException as exc:  # delivered to the GUI thread, which decides what to show
                self.failed.emit(task.task_id, exc)
            else:
                self.done.emit(task.task_id, result)


class TaskRunner(QObject):
    """Queue work for the worker thread; `on_done(result)` / `on_error(exc)` run on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}
        self._worker = _Worker()
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
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

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        self._notify_idle()
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: object) -> None:
        _, on_error = self._callbacks.pop(task_id, (None, None))
        self._notify_idle()
        (on_error or self.default_error)(exc)  # type: ignore[arg-type]

    def _notify_idle(self) -> None:
        if self.idle:
            self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        self._worker.inbox.put(None)
        self._worker.wait(timeout_ms)
