"""Field blocks made ahead of need, while the user reads: a step shown for the first time reuses them.

Making a step's field blocks (the widgets, a drop-down's pop-up, the style sheet's polish) was most of the
time a first selection of a step took. When the steps panel has been left alone for a moment after showing
a step, this makes the blocks the next selections are likely to need (the phase's next steps, a limited
number: each block costs about 105 KB, and the form keeps at most 60), one block per pass of the event
loop, so that input is never kept waiting for more than one block. It pauses at any key press, mouse press
or wheel notch and at every step shown, and starts again after the next pause in the user's work.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent

from checklist_app.services.dto import EvidenceFieldView
from checklist_app.ui import app_events
from checklist_app.ui.steps.evidence_form import EvidenceForm

# How long the user must have left the panel alone (after showing a step, or since their last key or
# click) before blocks are made: a selection moved by holding an arrow key is not slowed down.
QUIET_MS = 400
_INPUT = (QKeyEvent, QMouseEvent, QWheelEvent)
_PRESSES = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class FieldsAhead(QObject):
    def __init__(
        self, form: EvidenceForm, wanted: Callable[[], list[EvidenceFieldView]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._form, self._wanted = form, wanted
        self._queue: list[EvidenceFieldView] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._listening = False
        handler = self._handler = self._on_input  # one bound method, so that removing it finds it
        self.destroyed.connect(lambda: FieldsAhead._unlisten_hub(handler))

    def restart(self) -> None:
        """A step was shown: wait for a quiet moment, then make what its neighbours need."""
        self._queue = []
        self._timer.start(QUIET_MS)
        self._listen(True)  # a key or click while it waits puts the making off too

    def stop(self) -> None:
        self._timer.stop()
        self._listen(False)

    def _tick(self) -> None:
        if not self._queue:
            self._queue = [spec for spec in reversed(self._wanted()) if self._form.wants_block(spec)]
        while self._queue and not self._form.wants_block(self._queue[-1]):
            self._queue.pop()
        if not self._queue:
            self._listen(False)
            return
        self._form.make_ahead(self._queue.pop())
        self._listen(True)
        self._timer.start(0)

    def _on_input(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in _PRESSES:
            self._timer.start(QUIET_MS)  # later, from where it was
        return False

    def _listen(self, on: bool) -> None:
        if on == self._listening:
            return
        self._listening = on
        events = app_events.hub()
        if events is None:
            return
        if on:
            events.add(_INPUT, self._handler, first=True)  # before the wheel guard, which may consume a notch
        else:
            events.remove(self._handler)

    @staticmethod
    def _unlisten_hub(handler: Callable[[QObject, QEvent], bool]) -> None:
        events = app_events.hub()
        if events is not None:
            events.remove(handler)
