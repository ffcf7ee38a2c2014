"""Accounts: who can log on, in which role and team, and what happened at their last log-ons.

Add, disable, enable, unlock, reset to a one-time password, change role and team; every action goes
through the same services (and audit entries) as `checklist-app user ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QTableWidgetItem, QVBoxLayout, QWidget

from checklist_app.core import wording
from checklist_app.services import account_admin, accounts, organisation
from checklist_app.services.dto import UserInfo
from checklist_app.ui.admin.user_dialog import UserDialog
from checklist_app.ui.admin.widgets import KEY_ROLE, button, button_row, failure_text, message_label, say, table
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession

COLUMNS = ("User name", "Name", "Role", "Team or district", "Status", "Last log-on", "Failed attempts", "Locked since")


def status_text(user: UserInfo) -> str:
    if not user.active:
        return "Disabled"
    if user.locked:
        return "Locked"
    if user.must_change_password:
        return "Active: must change password"
    return "Active"


class AccountsPage(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.users: list[UserInfo] = []
        layout = QVBoxLayout(self)
        self.add_button = button("&Add account…", "Create an account with a one-time password", primary=True)
        self.role_button = button("&Role and team…", "Change the selected account's role, team or district")
        self.reset_button = button("Reset &password…", "Give the selected account a one-time password")
        self.unlock_button = button("&Unlock", "Release an account locked by failed log-ons")
        self.disable_button = button("D&isable", "Stop the selected account from logging on")
        self.enable_button = button("&Enable", "Allow a disabled account to log on again")
        layout.addLayout(
            button_row(
                self.add_button,
                self.role_button,
                self.reset_button,
                self.unlock_button,
                self.disable_button,
                self.enable_button,
            )
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find an account by user name, name, role or team")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.table = table(COLUMNS)
        self.empty = empty_hint(self.table, "")
        layout.addWidget(self.table, 1)
        self.message = message_label()
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.reset_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock)
        self.disable_button.clicked.connect(lambda: self.set_active(False))
        self.enable_button.clicked.connect(lambda: self.set_active(True))
        self.search.textChanged.connect(self._filter)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- listing -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.session.run(self, accounts.list_users, done=self._show)

    def _show(self, users: list[UserInfo]) -> None:
        chosen = self.selected()
        self.users = users
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            values = (
                user.username,
                user.display_name,
                wording.ROLE_LABELS.get(user.role, user.role),
                user.team_name or user.district_name or "Force-wide",
                status_text(user),
                wording.when(user.last_logon_at) or "Never",
                str(user.failed_logons),
                wording.when(user.locked_at),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(KEY_ROLE, user.username)
                if column == 6:
                    item.setData(Qt.ItemDataRole.DisplayRole, user.failed_logons)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        if chosen is not None:
            self.select(chosen.username)
        self._filter()
        self._update_buttons()

    def _filter(self) -> None:
        words = self.search.text().strip().lower().split()
        for row in range(self.table.rowCount()):
            text = " ".join(self.table.item(row, c).text().lower() for c in range(4))
            self.table.setRowHidden(row, not all(w in text for w in words))
        searched = self.search.text().strip()
        self.empty.set_text(
            f"No account matches “{searched}”. Change or clear the search to see every account."
            if searched
            else "No accounts yet. Choose Add account… to create one."
        )

    def select(self, username: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(KEY_ROLE) == username:
                self.table.selectRow(row)
                return

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        username = self.table.item(rows[0].row(), 0).data(KEY_ROLE)
        return next((u for u in self.users if u.username == username), None)

    def _update_buttons(self) -> None:
        user = self.selected()
        mine = user is not None and user.id == self.session.actor.user_id
        self.role_button.setEnabled(user is not None)
        self.reset_button.setEnabled(user is not None and not mine)
        self.unlock_button.setEnabled(user is not None and (user.locked or user.failed_logons > 0))
        self.disable_button.setEnabled(user is not None and user.active and not mine)
        self.enable_button.setEnabled(user is not None and not user.active)

    # --- actions -------------------------------------------------------------------------------------

    def _act(self, done_text: Callable[[Any], str], use_case: Callable[..., Any], *args: Any) -> None:
        """Run one use case; say what happened below the table and show the list as it now is."""
        say(self.message, "Working…")

        def done(result: Any) -> None:
            say(self.message, done_text(result))
            self.refresh()

        self.session.run(
            self, use_case, *args, done=done, error=lambda exc: say(self.message, failure_text(exc), error=True)
        )

    def unlock(self) -> None:
        user = self.selected()
        if user is None:
            return
        name = user.username
        self._act(lambda _r: f"{name} is unlocked and can log on again.", accounts.unlock, name)

    def set_active(self, active: bool) -> None:
        user = self.selected()
        if user is None:
            return
        if not active:
            answer = QMessageBox.question(
                self,
                "Disable account",
                f"Disable {user.username} ({user.display_name})? They will not be able to log on until an "
                "administrator enables the account again. Their records stay as they are.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        name = user.username
        self._act(lambda _r: f"{name} is {'enabled' if active else 'disabled'}.", accounts.set_active, name, active)

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        answer = QMessageBox.question(
            self,
            "Reset password",
            f"Give {user.username} ({user.display_name}) a one-time password? Their current password stops "
            "working now (a lock is released too), and they must choose a new one when they log on.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        say(self.message, "Working…")
        self.session.run(
            self,
            account_admin.reset_to_one_time_password,
            user.username,
            done=lambda outcome: self._show_password(outcome[0], outcome[1], "Password reset"),
            error=lambda exc: say(self.message, failure_text(exc), error=True),
        )

    def _show_password(self, user: UserInfo, password: str, title: str) -> None:
        """The one-time password is shown once, here, and never stored in clear."""
        say(self.message, f"{user.username} has a one-time password; they must change it at their next log-on.")
        self.refresh()
        box = QMessageBox(QMessageBox.Icon.Information, title, "", QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"One-time password for <b>{user.username}</b> ({user.display_name}):<br><br>"
            f"<span style='font-family: monospace; font-size: 14pt'>{password}</span><br><br>"
            "Give it to the user in person or by a trusted channel. It works for one log-on: they must then "
            "choose their own. It is not shown again."
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def add(self) -> None:
        self._with_places(lambda teams, districts: self._open_dialog(teams, districts, None))

    def change_role(self) -> None:
        user = self.selected()
        if user is not None:
            self._with_places(lambda teams, districts: self._open_dialog(teams, districts, user))

    def _with_places(self, then: Callable[[list[Any], list[Any]], None]) -> None:
        ctx = self.session.ctx
        # Not `run`: the lists of teams and districts are not use cases of the signed-in user (no actor).
        self.session.call(
            self, lambda: (organisation.list_teams(ctx), organisation.list_districts(ctx)), lambda r: then(r[0], r[1])
        )

    def _open_dialog(self, teams: list[Any], districts: list[Any], user: UserInfo | None) -> None:
        dialog = UserDialog(self.session, teams, districts, user, self)
        if dialog.exec() != UserDialog.DialogCode.Accepted or dialog.result_user is None:
            return
        saved = dialog.result_user
        if user is None:
            self._show_password(saved, dialog.password, "Account added")
        else:
            place = saved.team_name or saved.district_name or "force-wide"
            say(
                self.message,
                f"{saved.username} is now {wording.ROLE_LABELS.get(saved.role, saved.role).lower()} ({place}), "
                "from their next log-on.",
            )
            self.refresh()
        self.select(saved.username)
