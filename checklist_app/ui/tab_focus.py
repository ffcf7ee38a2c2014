"""Tab always moves on to the next field: a keyboard user is never trapped inside a table or a text box.

Qt's tables take Tab to move from cell to cell (tabKeyNavigation), wrapping from the last cell back to the
first, so Tab never leaves the team dashboard's workload table; and a multi-line text box types a tab
character instead of moving on (tabChangesFocus off), so Tab never leaves a review's findings. Ctrl+Tab
cannot help: the main window uses it to change tabs. Installed once on the application (on its shared
filter, app_events), this switches both off for every item view and text box when it is polished, before
it is first shown. Arrow keys still move inside a table; no field of the app needs a typed tab character.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTextEdit

from checklist_app.ui import app_events

_POLISH = QEvent.Type.Polish


def on_polish(watched: QObject, event: QEvent) -> bool:
    # Plain QEvents are common (layout requests, meta-calls): the cheap class tests come first.
    if isinstance(watched, QAbstractItemView) and watched.tabKeyNavigation() and event.type() == _POLISH:
        watched.setTabKeyNavigation(False)
    elif isinstance(watched, QPlainTextEdit | QTextEdit) and not watched.tabChangesFocus() and event.type() == _POLISH:
        watched.setTabChangesFocus(True)
    return False


def install(app: QCoreApplication) -> None:
    """Install on the application (idempotent: the shared filter adds a handler once)."""
    events = app_events.hub(app)
    assert events is not None
    events.add((QEvent,), on_polish)  # Polish comes as a plain QEvent
