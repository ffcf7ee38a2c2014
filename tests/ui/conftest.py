"""Set-up for GUI tests: Qt runs offscreen (set before any test here can create an application), a
skipped GUI test fails the run, a modal dialog left open fails its test, and the session fixtures
(`runner`, `prefs`, `make_session`, `idle`). Shared GUI helpers are in gui_support.py."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_thread_guard import no_database_work_on_gui_thread  # noqa: F401  (autouse: GUI tests only)
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from checklist_app.core.permissions import Actor
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.session import AppSession
from checklist_app.ui.tasks import TaskRunner


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("gui") is not None:
        # A GUI test that silently skips (e.g. Qt failed to load) must not let CI pass.
        report.outcome = "failed"
        report.longrepr = f"GUI test was skipped, which this suite treats as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def collect_garbage_safely(request: pytest.FixtureRequest) -> None:
    """GUI tests run as the app does: no automatic cyclic collection (it could delete a widget inside a Qt
    layout pass or in the worker thread); the guard's timer collects from the event loop instead. Tests
    outside this folder switch collection back on (tests/conftest.py)."""
    import gc

    if request.node.get_closest_marker("gui") is None:
        gc.enable()
        return
    from checklist_app.ui import gc_guard

    gc_guard.install(request.getfixturevalue("qapp"))
    gc.disable()


MODAL_PATIENCE_MS = 10_000


@pytest.fixture(autouse=True)
def no_forgotten_modal_dialogs(request: pytest.FixtureRequest) -> Iterator[None]:
    """A modal dialog nobody answers would wait for a click forever and hang the whole run (a message box
    opened by an unexpected error in a GUI test did exactly that in CI). A watchdog closes any modal
    dialog left open for ten seconds and fails the test with the dialog's title and text."""
    if request.node.get_closest_marker("gui") is None:
        yield
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    request.getfixturevalue("qapp")
    seen: dict[int, int] = {}
    forgotten: list[str] = []

    def check() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            seen.clear()
            return
        key = id(widget)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] * 500 < MODAL_PATIENCE_MS:
            return
        text = widget.text() if isinstance(widget, QMessageBox) else ""
        forgotten.append(f"{widget.windowTitle()!r}: {text}")
        seen.pop(key, None)
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()

    timer = QTimer()
    timer.setInterval(500)
    timer.timeout.connect(check)
    timer.start()
    yield
    timer.stop()
    if forgotten:
        pytest.fail("a modal dialog was left open and closed by the watchdog: " + "; ".join(forgotten))


@pytest.fixture
def runner(qapp) -> Iterator[TaskRunner]:  # type: ignore[no-untyped-def]
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_session(world, runner: TaskRunner, prefs: Preferences) -> Callable[[Actor], AppSession]:  # type: ignore[no-untyped-def]
    def make(actor: Actor) -> AppSession:
        return AppSession(world.ctx, actor, runner, prefs)

    return make


@pytest.fixture
def idle(qtbot, runner: TaskRunner) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Wait until every queued service call has finished, its callback has run, and what the callback
    queued in turn (Qt shows widgets added to a visible layout by a queued call) has been processed."""

    def wait() -> None:
        qtbot.waitUntil(lambda: runner.idle, timeout=15000)
        QApplication.processEvents()

    return wait
