"""The team dashboard at 150 % on a 1920x1080 screen (a 1280x720 window): every officer of a team of six
is in view in the workload table without scrolling (the splitter left two and a half rows of five)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from support import open_case
from test_supervisor_desk import supervisor_window
from world_support import add_user

from checklist_app.core.procedure.model import Role

pytestmark = pytest.mark.gui


def test_every_officer_of_a_team_of_six_is_in_view(qtbot, world, runner, prefs, idle, monkeypatch):  # type: ignore[no-untyped-def]
    team = "Sheffield CSE Team 1"  # the supervisor's
    officers = [world.investigator, world.investigator2]
    officers += [add_user(world.ctx, f"dc.extra{n}", Role.INVESTIGATOR, team=team) for n in range(4)]
    for n, officer in enumerate(officers):
        open_case(world, officer, subject_ref=f"SC-50{n}")
    window = supervisor_window(qtbot, world, runner, prefs, idle, monkeypatch)
    window.resize(1280, 684)  # a 1920x1080 screen at 150 %, less the task bar
    QApplication.processEvents()
    table = window.dashboard.workload
    assert table.rowCount() == 6
    QApplication.processEvents()
    needed = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.viewport().height() >= needed, f"{table.viewport().height()} < {needed}: officers scrolled away"
    assert window.dashboard.attention.viewport().height() > 4 * table.rowHeight(0)  # the lines still have room
