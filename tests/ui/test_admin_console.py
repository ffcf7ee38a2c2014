"""The administrator's console on real widgets: accounts, teams, procedure versions and the database, each
checked against what the services then report."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select
from world_support import MINIMAL_SOP, PASSWORD

from checklist_app.services import account_admin, accounts, organisation, procedures
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.store.models import AuditEntry
from checklist_app.ui.admin.accounts_page import COLUMNS
from checklist_app.ui.admin.console import AdminConsole
from checklist_app.ui.admin.teams_page import TeamDialog
from checklist_app.ui.admin.user_dialog import UserDialog
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.own_password import ChooseOwnPasswordDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def console(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    window = MainWindow(make_session(world.admin))
    qtbot.addWidget(window)
    window.show()
    idle()
    assert isinstance(window.case_list, AdminConsole)
    return window.case_list


@pytest.fixture
def answer_yes(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))


@pytest.fixture
def shown_boxes(monkeypatch):  # type: ignore[no-untyped-def]
    """Message boxes opened with exec(): their text, instead of waiting for a click."""
    texts: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        texts.append(box.text())
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return texts


def _row(page, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).text() == username:
            return {name: page.table.item(row, c).text() for c, name in enumerate(COLUMNS)}
    raise AssertionError(f"{username} not listed")


def _lock(world, username: str) -> None:
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, username, "wrong-password")


def _actions_by(world, username: str) -> list[str]:
    with world.ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.username == username)))


def test_the_administrator_lands_on_the_console_not_on_a_refusal(qtbot, world, console, idle):
    window = console.window()
    assert window.ui.caseTabs.tabText(0) == "Administration"
    assert not window.new_case_action.isVisible()
    listed = {console.accounts.table.item(r, 0).text() for r in range(console.accounts.table.rowCount())}
    assert {"admin.one", "dc.alder", "io.gorse", "aud.holly"} <= listed
    row = _row(console.accounts, "dc.alder")
    assert (row["Role"], row["Team or district"], row["Status"]) == ("Investigator", "Sheffield CSE Team 1", "Active")
    assert row["Last log-on"] != "Never"  # the world fixture logged everyone on
    assert "may not" not in console.accounts.message.text()


def test_accounts_districts_and_teams_are_listed_a_to_z_and_every_district_shows(qtbot, console, idle):
    def column(view) -> list[str]:  # type: ignore[no-untyped-def]
        return [view.item(r, 0).text() for r in range(view.rowCount())]

    accounts_table = console.accounts.table
    assert column(accounts_table) == sorted(column(accounts_table)) and accounts_table.rowCount() > 2
    assert accounts_table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    console.pages.setCurrentWidget(console.teams)
    idle()
    assert column(console.teams.district_table) == ["BAR", "DON", "ROT", "SHE"]
    console.window().resize(1280, 560)  # a small screen: the teams list gives way, not the four districts
    qtbot.waitUntil(lambda: console.teams.district_table.isVisible())
    # All four in view, no scroll bar, once the new size is laid out (however long a loaded machine takes).
    qtbot.waitUntil(lambda: console.teams.district_table.verticalScrollBar().maximum() == 0, timeout=10000)
    assert column(console.teams.team_table) == sorted(column(console.teams.team_table))
    console.pages.setCurrentWidget(console.accounts)
    qtbot.mouseClick(  # a click on the header still turns the order round
        accounts_table.horizontalHeader().viewport(),
        Qt.MouseButton.LeftButton,
        pos=accounts_table.horizontalHeader().viewport().rect().topLeft() + QPoint(10, 5),
    )
    assert column(accounts_table) == sorted(column(accounts_table), reverse=True)


def test_a_locked_account_is_shown_and_unlocked_from_the_console(qtbot, world, console, idle):
    _lock(world, "dc.alder")
    page = console.accounts
    page.refresh()
    idle()
    row = _row(page, "dc.alder")
    assert (row["Status"], row["Failed attempts"]) == ("Locked", "5")
    assert re.match(r"\w{3} \d\d/\d\d/\d{4} \d\d:\d\d", row["Locked since"])
    page.select("dc.alder")
    assert page.unlock_button.isEnabled() and not page.enable_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    idle()
    assert "dc.alder is unlocked" in page.message.text()
    assert _row(page, "dc.alder")["Status"] == "Active"
    assert accounts.log_on(world.ctx, "dc.alder", PASSWORD).username == "dc.alder"
    assert "user.unlock" in _actions_by(world, "admin.one")


def test_reset_password_shows_a_one_time_password_once(qtbot, world, console, idle, answer_yes, shown_boxes):
    page = console.accounts
    page.select("dc.birch")
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    idle()
    password = re.search(r"monospace; font-size: 14pt'>([a-z0-9-]+)<", shown_boxes[-1]).group(1)
    assert _row(page, "dc.birch")["Status"] == "Active: must change password"
    with pytest.raises(AuthenticationFailed):
        accounts.log_on(world.ctx, "dc.birch", PASSWORD)
    actor = accounts.log_on(world.ctx, "dc.birch", password)
    assert account_admin.password_change_required(world.ctx, actor)


def test_own_account_cannot_be_disabled_or_reset_from_the_console(console, idle):
    page = console.accounts
    page.select("admin.one")
    assert not page.disable_button.isEnabled() and not page.reset_button.isEnabled()
    assert page.role_button.isEnabled()


def test_disable_then_enable(qtbot, world, console, idle, answer_yes):
    page = console.accounts
    page.select("dc.birch")
    qtbot.mouseClick(page.disable_button, Qt.MouseButton.LeftButton)
    idle()
    assert _row(page, "dc.birch")["Status"] == "Disabled"
    with pytest.raises(AuthenticationFailed, match="disabled"):
        accounts.log_on(world.ctx, "dc.birch", PASSWORD)
    page.select("dc.birch")
    qtbot.mouseClick(page.enable_button, Qt.MouseButton.LeftButton)
    idle()
    assert accounts.log_on(world.ctx, "dc.birch", PASSWORD).username == "dc.birch"


def _user_dialog(qtbot, world, make_session, user=None):  # type: ignore[no-untyped-def]
    dialog = UserDialog(
        make_session(world.admin), organisation.list_teams(world.ctx), organisation.list_districts(world.ctx), user
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_add_an_account_with_a_one_time_password(qtbot, world, make_session, idle):
    dialog = _user_dialog(qtbot, world, make_session)
    qtbot.keyClicks(dialog.username, "dc.rowan")
    qtbot.keyClicks(dialog.display_name, "DC Rowan 14")
    dialog.role.setCurrentIndex(dialog.role.findData("investigator"))
    assert dialog.team.isEnabled() and not dialog.district.isEnabled()
    dialog.save()
    idle()
    assert dialog.result() != QDialog.DialogCode.Accepted  # no team yet: refused in the form
    assert "Team: is required" in dialog.message.text() and dialog.team.property("invalid") is True
    dialog.team.setCurrentIndex(dialog.team.findData("Sheffield CSE Team 2"))
    dialog.save()
    idle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = next(u for u in accounts.list_users(world.ctx, world.admin) if u.username == "dc.rowan")
    assert (user.role, user.team_name, user.must_change_password) == ("investigator", "Sheffield CSE Team 2", True)
    assert accounts.log_on(world.ctx, "dc.rowan", dialog.password).username == "dc.rowan"


def test_change_role_and_team(qtbot, world, make_session, idle):
    alder = next(u for u in accounts.list_users(world.ctx, world.admin) if u.username == "dc.alder")
    dialog = _user_dialog(qtbot, world, make_session, alder)
    assert dialog.team.currentData() == "Sheffield CSE Team 1" and dialog.username.isReadOnly()
    dialog.role.setCurrentIndex(dialog.role.findData("intelligence_officer"))
    assert not dialog.team.isEnabled() and dialog.district.isEnabled()
    dialog.district.setCurrentIndex(dialog.district.findData("DON"))
    dialog.save()
    idle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    actor = accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    assert actor.role.value == "intelligence_officer" and actor.team_id is None


def test_add_a_team(qtbot, world, console, make_session, idle):
    console.pages.setCurrentWidget(console.teams)
    idle()
    districts = {console.teams.district_table.item(r, 0).text() for r in range(4)}
    assert districts == {"BAR", "DON", "ROT", "SHE"}
    dialog = TeamDialog(make_session(world.admin), console.teams.districts)
    qtbot.addWidget(dialog)
    dialog.save()  # no name
    idle()
    assert "Team name: is required" in dialog.message.text()
    qtbot.keyClicks(dialog.name, "Rotherham CSE Team B")
    dialog.district.setCurrentIndex(dialog.district.findData("ROT"))
    dialog.save()
    idle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert any(
        t.name == "Rotherham CSE Team B" and t.district_name == "Rotherham" for t in organisation.list_teams(world.ctx)
    )


def test_publish_a_valid_file_after_checking_it_and_compare(qtbot, world, console, idle, tmp_path, answer_yes):
    page = console.procedures
    console.pages.setCurrentWidget(page)
    idle()
    assert page.table.rowCount() == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("procedure: [unclosed\n", encoding="utf-8")
    page.check_and_publish(bad)
    idle()
    assert "problem" in page.message.text() and "bad.yaml:" in page.details.toPlainText()
    assert len(procedures.list_versions(world.ctx)) == 1

    newer = tmp_path / "newer.yaml"
    newer.write_text(MINIMAL_SOP.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "9.9"', 1))
    page.check_and_publish(newer)
    idle()
    assert "Published" in page.message.text(), page.message.text()
    assert [v.version for v in procedures.list_versions(world.ctx)][-1] == "9.9"
    assert page.table.rowCount() == 2
    page.table.selectRow(1)
    assert page.compare_button.isEnabled()
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    idle()
    assert page.details.toPlainText().startswith("--- ")


def test_verify_with_progress_then_backup_and_the_chain_head(qtbot, world, console, idle, tmp_path):
    page = console.database
    console.pages.setCurrentWidget(page)
    idle()
    head = page.head.text()
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", head)
    reports: list[tuple[str, int, int]] = []
    page.relay.changed.connect(lambda *r: reports.append(r))
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.toPlainText().startswith("OK"), timeout=15000)
    assert reports and reports[-1][0] == "done" and reports[-1][1] == reports[-1][2] > 0
    assert not page.progress.isVisible() and page.verify_button.isEnabled()
    target = tmp_path / "copy.db"
    page.backup(target)
    idle()
    assert target.exists() and "checked" in page.message.text()


def test_cancel_stops_verification(qtbot, world, console, idle):
    page = console.database
    page.relay.cancel()  # as if Cancel were pressed before the first report
    page.relay.start = lambda: None  # keep the cancellation that start() would clear
    page.verify()
    idle()
    assert "cancelled" in page.result.toPlainText()
    assert page.verify_button.isEnabled()


def test_a_one_time_password_must_be_replaced_at_log_on(qtbot, world, runner, prefs, idle, monkeypatch):
    _info, one_time = account_admin.reset_to_one_time_password(world.ctx, world.admin, "dc.alder")
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.acknowledge.setChecked(True)
    dialog.ui.username.setText("dc.alder")

    chosen: list[ChooseOwnPasswordDialog] = []

    def refuse(self: ChooseOwnPasswordDialog) -> int:
        chosen.append(self)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(ChooseOwnPasswordDialog, "exec", refuse)
    qtbot.keyClicks(dialog.ui.password, one_time)
    dialog.attempt()
    idle()
    assert chosen and dialog.actor is None and "choose your own password" in dialog.ui.message.text()

    def choose(self: ChooseOwnPasswordDialog) -> int:
        self.show()
        qtbot.keyClicks(self.ui.newPassword, "dc.alder-no")  # contains the user name: refused in the dialog
        qtbot.keyClicks(self.ui.repeatPassword, "dc.alder-no")
        self._save()
        idle()
        assert "user name" in self.ui.message.text()
        qtbot.keyClicks(self.ui.newPassword, "my-own-secret-77")
        qtbot.keyClicks(self.ui.repeatPassword, "my-own-secret-77")
        with qtbot.waitSignal(self.accepted, timeout=10000):
            self._save()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(ChooseOwnPasswordDialog, "exec", choose)
    qtbot.keyClicks(dialog.ui.password, one_time)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.attempt()
    assert dialog.actor is not None and dialog.actor.username == "dc.alder"
    actor = accounts.log_on(world.ctx, "dc.alder", "my-own-secret-77")
    assert not account_admin.password_change_required(world.ctx, actor)
