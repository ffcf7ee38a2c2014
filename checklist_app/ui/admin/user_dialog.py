"""Adding an account, or changing an account's role and team: one form, with the team or district each role
needs. The service decides; its refusals are shown in the form, which stays open with the field marked."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import account_admin, accounts
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import DistrictInfo, TeamInfo, UserInfo
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.admin.widgets import failure_text, mark_invalid, message_label, say
from checklist_app.ui.session import AppSession

_NEEDS_TEAM = {Role.INVESTIGATOR.value, Role.SUPERVISOR.value}
_NEEDS_DISTRICT = {Role.INTELLIGENCE_OFFICER.value}


class UserDialog(QDialog):
    """With `user` None: a new account, given a one-time password (`self.password` after acceptance).
    Otherwise: that account's role, team and district. `self.result_user` holds the saved account."""

    def __init__(
        self,
        session: AppSession,
        teams: list[TeamInfo],
        districts: list[DistrictInfo],
        user: UserInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.user = session, user
        self.result_user: UserInfo | None = None
        self.password = ""
        self.setWindowTitle("Add an account" if user is None else f"Role and team of {user.username}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(user.username if user else "")
        self.username.setPlaceholderText("e.g. dc.rowan (lower case, no spaces)")
        self.username.setReadOnly(user is not None)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setPlaceholderText("rank and name, e.g. DC Rowan 14")
        self.display_name.setReadOnly(user is not None)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(wording.ROLE_LABELS.get(role.value, role.value), role.value)
        self.team = QComboBox()
        self.team.addItem("(none)", None)
        for team in teams:
            self.team.addItem(f"{team.name} ({team.district_name})", team.name)
        self.district = QComboBox()
        self.district.addItem("(none)", None)
        for district in districts:
            self.district.addItem(f"{district.name} ({district.code})", district.code)
        form.addRow("&User name", self.username)
        form.addRow("&Display name", self.display_name)
        form.addRow("&Role", self.role)
        form.addRow("&Team", self.team)
        form.addRow("D&istrict", self.district)
        layout.addLayout(form)
        hint = QLabel(
            "A new account gets a one-time password, shown once: the user must choose their own at first log-on."
            if user is None
            else "The change takes effect the next time the user logs on."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        self.message = message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add" if user is None else "Save")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        if user is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
            self.team.setCurrentIndex(max(0, self.team.findData(user.team_name or None)))
            district = next((d.code for d in districts if d.id == user.district_id), None)
            self.district.setCurrentIndex(max(0, self.district.findData(district)))
            self.role.setFocus()
        self._role_changed()
        self.resize(max(520, self.sizeHint().width()), self.sizeHint().height())

    def _role_changed(self) -> None:
        role = self.role.currentData()
        self.team.setEnabled(role in _NEEDS_TEAM)
        self.district.setEnabled(role in _NEEDS_DISTRICT)
        if role not in _NEEDS_TEAM:
            self.team.setCurrentIndex(0)
        if role not in _NEEDS_DISTRICT:
            self.district.setCurrentIndex(0)

    def save(self) -> None:
        for widget in (self.username, self.display_name, self.role, self.team, self.district):
            mark_invalid(widget, False)
        username, name = self.username.text().strip(), self.display_name.text().strip()
        role, team, district = self.role.currentData(), self.team.currentData(), self.district.currentData()
        self.buttons.setEnabled(False)
        say(self.message, "Saving…")
        work: Any
        if self.user is None:
            password = account_admin.one_time_password(username)

            def work(ctx: ServiceContext, actor: Actor) -> tuple[UserInfo, str]:
                created = accounts.create_user(
                    ctx,
                    actor,
                    username=username,
                    display_name=name,
                    role=role,
                    password=password,
                    team=team,
                    district_code=district,
                    must_change_password=True,
                )
                return created, password

        else:

            def work(ctx: ServiceContext, actor: Actor) -> tuple[UserInfo, str]:
                return account_admin.change_role(ctx, actor, username, role=role, team=team, district_code=district), ""

        self.session.run(self, work, done=self._saved, error=self._refused)

    def _saved(self, outcome: tuple[UserInfo, str]) -> None:
        self.result_user, self.password = outcome
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        fields = {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "team": self.team,
            "district": self.district,
        }
        if isinstance(exc, InvalidInput):
            for problem in exc.problems:
                if problem.field in fields:
                    mark_invalid(fields[problem.field], True)
            marked = [fields[p.field] for p in exc.problems if p.field in fields]
            if marked:
                marked[0].setFocus()
        say(self.message, failure_text(exc), error=True)
