"""Starting the app: new database, first-run set-up, and database problems explained in words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from checklist_app.services import accounts, admin
from checklist_app.services.admin import restore_backup
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.store import migrate
from checklist_app.store.errors import StoreError
from checklist_app.ui.app import AppController
from checklist_app.ui.dialogs import FirstRunDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(runner, prefs, tmp_path):  # type: ignore[no-untyped-def]
    made: list[AppController] = []

    def make(location: Path) -> AppController:
        c = AppController(str(location), runner=runner, prefs=prefs)
        made.append(c)
        return c

    yield make
    for c in made:
        if c.login is not None:
            c.login.close()
        if c.ctx is not None:
            c.ctx.close()


def _answer_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))


def test_new_database_then_first_administrator(qtbot, controller, tmp_path, monkeypatch):
    _answer_yes(monkeypatch)

    def fill_and_create(dialog: FirstRunDialog) -> int:
        dialog.ui.username.setText("chief.admin")
        dialog.ui.displayName.setText("Chief Administrator")
        dialog.ui.password.setText("a-long-password-1")
        dialog.ui.repeatPassword.setText("a-long-password-1")
        dialog.create_admin()
        qtbot.waitUntil(lambda: dialog.result() == 1, timeout=15000)
        return 1

    monkeypatch.setattr(FirstRunDialog, "exec", fill_and_create)
    c = controller(tmp_path / "new.db")
    assert c.start()
    assert (tmp_path / "new.db").exists()
    assert c.login is not None and c.login.ui.username.text() == "chief.admin"
    assert accounts.log_on(c.ctx, "chief.admin", "a-long-password-1").role.value == "administrator"


def test_first_run_can_load_demo_data(qtbot, controller, tmp_path, monkeypatch):
    _answer_yes(monkeypatch)

    def load_demo(dialog: FirstRunDialog) -> int:
        dialog.ui.demoCases.setValue(12)
        dialog.load_demo()
        qtbot.waitUntil(lambda: dialog.result() == 1, timeout=60000)
        return 1

    monkeypatch.setattr(FirstRunDialog, "exec", load_demo)
    c = controller(tmp_path / "demo.db")
    assert c.start()
    actor = accounts.log_on(c.ctx, "investigator", "demo-pass-2026")
    assert actor.display_name == "DC Alder 01"
    assert c.login.ui.username.text() == "investigator"


def test_database_from_a_newer_version_is_explained_not_touched(qtbot, controller, tmp_path, monkeypatch):
    path = tmp_path / "future.db"
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    shown: list[str] = []

    def close_box(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", close_box)
    c = controller(path)
    assert not c.start()
    assert "newer version" in shown[0]
    assert path.read_bytes() == before


def test_unreadable_file_offers_to_open_another(qtbot, controller, tmp_path, monkeypatch):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    good = tmp_path / "good.db"
    ctx, _ = admin.initialise(str(good), system_actor())
    accounts.create_user(
        ctx,
        system_actor(),
        username="admin.two",
        display_name="Admin",
        role="administrator",
        password="a-long-password-1",
    )
    ctx.close()
    shown: list[str] = []

    def choose_open_other(box: QMessageBox) -> int:
        shown.append(box.text())
        box_buttons = [b for b in box.buttons() if b.text().startswith("Open another")]
        box.clickedButton = lambda: box_buttons[0]  # type: ignore[method-assign]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_open_other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(good), "")))
    c = controller(garbage)
    assert c.start()
    assert "not a readable checklist database" in shown[0]
    assert c.ctx is not None and c.ctx.db.path == good


def test_busy_database_gives_words_at_logon(qtbot, tmp_path, runner, prefs):
    from checklist_app.ui.login import LoginDialog

    path = tmp_path / "busy.db"
    ctx, _ = admin.initialise(str(path), system_actor())
    accounts.create_user(
        ctx, system_actor(), username="dc.one", display_name="DC One", role="auditor", password="a-long-password-1"
    )
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        dialog = LoginDialog(ctx, runner, prefs)
        qtbot.addWidget(dialog)
        dialog.ui.acknowledge.setChecked(True)
        dialog.ui.username.setText("dc.one")
        dialog.ui.password.setText("a-long-password-1")
        dialog.attempt()
        qtbot.waitUntil(lambda: runner.idle, timeout=20000)
        assert "busy" in dialog.ui.message.text() and "try again" in dialog.ui.message.text()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert dialog.ui.password.text() == ""
    dialog.ui.password.setText("a-long-password-1")
    dialog.attempt()
    qtbot.waitUntil(lambda: runner.idle, timeout=20000)
    assert dialog.actor is not None
    ctx.close()


def test_restore_backup_checks_the_copy_and_keeps_the_damaged_file(tmp_path):
    good = tmp_path / "good.db"
    ctx, _ = admin.initialise(str(good), system_actor())
    backup = tmp_path / "backup.db"
    admin.backup(ctx, system_actor(), backup)
    ctx.close()
    live = tmp_path / "live.db"
    live.write_bytes(b"damaged")
    restored = restore_backup(backup, str(live))
    assert restored == live
    assert list(tmp_path.glob("live.db.damaged-*"))
    ServiceContext.open(str(live)).close()  # opens at the current schema
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"nope" * 1000)
    with pytest.raises(StoreError, match="failed its checks"):
        restore_backup(bad, str(live))
    assert bad.read_bytes() == b"nope" * 1000  # the chosen file itself is never changed


def test_locked_account_message_at_logon(world):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="administrator"):
        accounts.log_on(world.ctx, "dc.alder", "correct-horse-42")


def test_demo_progress_moves_and_cancel_stops_it(qtbot, initialised, runner, monkeypatch):
    from checklist_app.demo import generator
    from checklist_app.services import case_list

    BATCH = 2
    monkeypatch.setattr(generator, "BATCH", BATCH)  # several batches from a few cases, so the test is quick

    dialog = FirstRunDialog(initialised, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    seen: list[tuple[int, int]] = []
    dialog.ui.progress.valueChanged.connect(lambda v: seen.append((v, dialog.ui.progress.maximum())))
    dialog.ui.demoCases.setValue(BATCH * 10)
    assert dialog.ui.demoCases.value() == BATCH * 10
    dialog.load_demo()
    cancel = dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isEnabled()
    qtbot.waitUntil(lambda: any(v > 0 for v, _m in seen), timeout=120000)  # the bar moves with the batches
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: runner.idle and not dialog._demo_running, timeout=120000)
    assert dialog.isVisible() and "Stopped" in dialog.ui.message.text(), dialog.ui.message.text()
    auditor = accounts.log_on(initialised, "auditor", "demo-pass-2026")
    written = len(case_list.list_cases(initialised, auditor, case_list.CaseFilter(status="all")))
    assert 0 < written < BATCH * 10 and f"{written:,} cases were written" in dialog.ui.message.text()
    assert all(maximum == BATCH * 10 for _v, maximum in seen if maximum)
    assert cancel.text() == "Continue to log-on"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.result() == 1 and dialog.demo_loaded


def test_a_start_up_wait_ended_from_outside_stops_quietly_instead_of_failing(runner, qtbot, monkeypatch):
    # The wait's event loop ended before the work answered (the application told to exit while starting):
    # it said "KeyError: 'result'"; now a named interruption the app's run() turns into a quiet exit.
    from PySide6.QtCore import QEventLoop

    from checklist_app.ui import app as app_module

    class EndedFromOutside(QEventLoop):
        def exec(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return 0

    monkeypatch.setattr(app_module, "QEventLoop", EndedFromOutside)
    with pytest.raises(app_module.StartUpInterrupted):
        app_module.wait_for(runner, lambda: 42, "Checking accounts…")
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)  # the work still finishes; its answer goes nowhere
