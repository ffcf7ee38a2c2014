"""Teams and districts: the force's four districts (created by `init`) and the teams in each."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app.services import account_admin, organisation
from checklist_app.services.dto import DistrictInfo, TeamInfo
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.admin.widgets import button, button_row, failure_text, mark_invalid, message_label, say, table
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession


class TeamDialog(QDialog):
    def __init__(self, session: AppSession, districts: list[DistrictInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.created: TeamInfo | None = None
        self.setWindowTitle("Add a team")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Rotherham CSE Team B")
        self.district = QComboBox()
        for district in districts:
            self.district.addItem(f"{district.name} ({district.code})", district.code)
        form.addRow("Team &name", self.name)
        form.addRow("&District", self.district)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(460, self.sizeHint().width()), self.sizeHint().height())

    def save(self) -> None:
        mark_invalid(self.name, False)
        name, code = self.name.text(), self.district.currentData() or ""
        self.session.run(self, organisation.create_team, name, code, done=self._saved, error=self._refused)

    def _saved(self, team: TeamInfo) -> None:
        self.created = team
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput) or "team called" in str(exc):
            mark_invalid(self.name, True)
            self.name.setFocus()
        say(self.message, failure_text(exc), error=True)


DISTRICT_ROWS = 8  # shown without scrolling; more districts than that scroll


class TeamsPage(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.districts: list[DistrictInfo] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Districts</b>"))
        self.district_table = table(("Code", "District", "Teams"))
        layout.addWidget(self.district_table)
        heading = QLabel("<b>Teams</b>")
        layout.addWidget(heading)
        self.add_button = button("&Add team…", "Create a team in a district", primary=True)
        layout.addLayout(button_row(self.add_button))
        self.team_table = table(("Team", "District", "Active members"))
        empty_hint(self.team_table, "No teams yet. Choose Add team… to create one in a district.")
        layout.addWidget(self.team_table, 1)
        self.message = message_label()
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)

    def refresh(self) -> None:
        ctx = self.session.ctx
        # Not `run`: the lists of places and team sizes are not use cases of the signed-in user (no actor).
        self.session.call(
            self,
            lambda: (organisation.list_districts(ctx), organisation.list_teams(ctx), account_admin.team_members(ctx)),
            self._show,
        )

    def _show(self, result: tuple[list[DistrictInfo], list[TeamInfo], dict[int, int]]) -> None:
        districts, teams, members = result
        self.districts = districts
        per_district: dict[int, int] = {}
        for team in teams:
            per_district[team.district_id] = per_district.get(team.district_id, 0) + 1
        _fill(self.district_table, [(d.code, d.name, str(per_district.get(d.id, 0))) for d in districts])
        _fit_rows(self.district_table, DISTRICT_ROWS)
        _fill(self.team_table, [(t.name, t.district_name, str(members.get(t.id, 0))) for t in teams])

    def add(self) -> None:
        dialog = TeamDialog(self.session, self.districts, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created is not None:
            say(self.message, f"Team {dialog.created.name} added in {dialog.created.district_name}.")
            self.refresh()


def _fit_rows(view: Any, most: int) -> None:
    """As tall as its rows, up to `most` of them: a force has a handful of districts, and a scroll bar over
    four rows (the last one hidden) made the list look longer than it is. The teams list takes the rest."""
    rows = min(view.rowCount(), most)
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    height += sum(view.rowHeight(r) for r in range(rows)) if rows else view.verticalHeader().defaultSectionSize()
    view.setFixedHeight(height)


def _fill(view: Any, rows: list[tuple[str, ...]]) -> None:
    view.setSortingEnabled(False)
    view.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            view.setItem(r, c, QTableWidgetItem(value))
    view.setSortingEnabled(True)
    view.resizeColumnsToContents()
