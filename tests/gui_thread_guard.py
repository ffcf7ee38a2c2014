"""Database work never runs on the GUI thread: a guard every GUI test runs under.

While a test marked `gui` runs, a listener on SQLAlchemy's `before_cursor_execute` (registered on the
`Engine` class, so it sees every engine the app and the fixtures create) notes each statement executed on
the main thread, where Qt runs its event loop, whose call stack passes through `checklist_app/ui`. The
test's own set-up and checks (the `world` fixture, a service the test calls directly to arrange or verify
data) have no frame in the GUI package and are not screen work, so they pass; a screen, dialog or callback
that reads or writes the database itself is caught wherever in the stack it sits. At the end of the test
each such statement fails it, named together with the GUI frame that issued it.

`EXCEPTIONS` lists the GUI code allowed to reach the database on the GUI thread, each with its reason.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from sqlalchemy import Engine, event

import checklist_app

_PACKAGE = Path(checklist_app.__file__).resolve().parent
_UI = _PACKAGE / "ui"
_HERE = Path(__file__).resolve()
_TESTS = _HERE.parent

# GUI-thread database access that is allowed: (file relative to checklist_app, function) -> reason.
EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Violation:
    statement: str
    frame: str

    def __str__(self) -> str:
        first = " ".join(self.statement.split())[:160]
        return f"{first!r} issued from {self.frame}"


@functools.cache
def _kind(filename: str) -> str | None:
    """ "test" for the test suite's own code, the path inside checklist_app for GUI code, else None."""
    path = Path(filename).resolve()
    if path.is_relative_to(_TESTS) and path != _HERE:
        return "test"
    if path.is_relative_to(_UI):
        return path.relative_to(_PACKAGE).as_posix()
    return None


def _ui_frame(frame: FrameType | None) -> str | None:
    """Where the GUI code nearest the statement issued it, or None when the statement is the test's own.

    The test's own code (a file under tests/) met before any GUI frame issued the statement itself, even when
    it runs inside a GUI event loop (a timer answering a modal dialog that then checks the database)."""
    while frame is not None:
        kind = _kind(frame.f_code.co_filename)
        if kind == "test":
            return None
        if kind is not None:
            name = frame.f_code.co_name
            if (kind, name) in EXCEPTIONS:
                return None
            return f"checklist_app/{kind}:{frame.f_lineno} in {name}()"
        frame = frame.f_back
    return None


class GuiThreadGuard:
    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        found = _ui_frame(sys._getframe(1))
        if found is not None:
            self.violations.append(Violation(statement, found))


@pytest.fixture(autouse=True)
def no_database_work_on_gui_thread(request: pytest.FixtureRequest) -> Iterator[GuiThreadGuard | None]:
    """Active in every `gui` test; yields the guard (the guard's own tests look at what it saw)."""
    if request.node.get_closest_marker("gui") is None:
        yield None
        return
    guard = GuiThreadGuard()
    event.listen(Engine, "before_cursor_execute", guard)
    try:
        yield guard
    finally:
        event.remove(Engine, "before_cursor_execute", guard)
    if guard.violations:
        listed = "\n  ".join(dict.fromkeys(str(v) for v in guard.violations))
        pytest.fail(f"database work on the GUI thread ({len(guard.violations)} statements):\n  {listed}")
