"""The signed-in session: who is working, the worker thread, preferences, and the inactivity lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTouchEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from checklist_app.core.permissions import Action, Actor, allowed
from checklist_app.services.context import ServiceContext
from checklist_app.ui import app_events
from checklist_app.ui.errors import show_error
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.tasks import TaskRunner

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
_INPUT_CLASSES = (QKeyEvent, QMouseEvent, QWheelEvent, QTouchEvent)  # the classes of the _ACTIVITY events


class IdleWatcher(QObject):
    """Fires `idle` after a period with no keyboard, mouse or touch input anywhere in the application."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        events = app_events.hub()
        if events is not None:
            # First: the wheel guard consumes a notch over an unfocused field, which is activity all the same.
            handler = self.on_input
            events.add(_INPUT_CLASSES, handler, first=True)
            # A watcher deleted with its window without detach() must not be called afterwards.
            self.destroyed.connect(lambda: events.remove(handler))

    def set_minutes(self, minutes: int) -> None:
        self._timer.setInterval(minutes * 60 * 1000)
        self.restart()

    def set_interval_ms(self, ms: int) -> None:
        """For tests: lock after milliseconds rather than minutes."""
        self._timer.setInterval(ms)
        self.restart()

    def restart(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def on_input(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False

    def detach(self) -> None:
        events = app_events.hub()
        if events is not None:
            events.remove(self.on_input)
        self._timer.stop()


class AppSession(QObject):
    """Everything a screen needs to act for the signed-in user.

    Screens call a service with `run(owner, use_case, *args, done=..., changed_case=...)`: the session
    supplies its context and the signed-in user, runs the call on the worker thread, drops the callbacks when
    `owner` has been closed meanwhile, and after a successful write announces `case_changed(case_id)`, which
    the case workspace (and its tabs through it), the case list and the supervisor's dashboard listen to."""

    case_changed = Signal(int)

    def __init__(self, ctx: ServiceContext, actor: Actor, runner: TaskRunner, prefs: Preferences) -> None:
        super().__init__()
        self.ctx = ctx
        self.actor = actor
        self.runner = runner
        self.prefs = prefs

    def now(self) -> datetime:
        """The services' clock (a fake one in tests): use it for form defaults and relative times."""
        return self.ctx.now()

    def may(self, action: Action) -> bool:
        return allowed(self.actor, action)

    def run(
        self,
        owner: QWidget | None,
        use_case: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        changed_case: int | None = None,
        **kwargs: Any,
    ) -> int:
        """Run `use_case(ctx, actor, *args, **kwargs)` on the worker thread for the signed-in user.

        `done(result)` or `error(exc)` run on the GUI thread while `owner` is still alive (without `error`, a
        message box over `owner` explains the failure, with Retry when the database was busy). When the call
        changed a case, `changed_case` names it: `case_changed` is announced after `done`, even when the
        screen that asked has been closed meanwhile (the case has changed all the same)."""
        ctx, actor = self.ctx, self.actor

        def finished(result: Any) -> None:
            if done is not None and alive(owner):
                done(result)
            if changed_case is not None:
                self.case_changed.emit(changed_case)

        def failed(exc: BaseException) -> None:
            if not alive(owner):
                return
            if error is not None:
                error(exc)
            else:
                show_error(owner, exc, retry=again)

        def again() -> None:
            self.run(owner, use_case, *args, done=done, error=error, changed_case=changed_case, **kwargs)

        return self.call(owner, lambda: use_case(ctx, actor, *args, **kwargs), finished, failed)

    def call(
        self,
        owner: QWidget | None,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run `work` on the worker thread: the primitive under `run`, for work that is not one use case
        called with the session's context and user. Errors go to `on_error`, else to a message box over
        `owner` (with Retry when the database was busy)."""

        def fallback(exc: BaseException) -> None:
            show_error(owner, exc, retry=lambda: self.call(owner, work, on_done, on_error))

        return self.runner.run(work, on_done, on_error or fallback)


def alive(owner: QWidget | None) -> bool:
    """False once `owner`'s widget has been closed and deleted (its callbacks would touch freed memory)."""
    return owner is None or shiboken6.isValid(owner)
