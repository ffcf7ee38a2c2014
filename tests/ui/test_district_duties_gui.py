"""District duties through real widgets: the intelligence officer (no team, no dashboard) has a District duties
tab, records the problem-profile themes once for the period through the duty's form, and the district's
supervisor sees it recorded on the team dashboard, where it cannot be recorded again."""

from __future__ import annotations

import pytest
from gui_support import main_window
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from checklist_app.ui.supervision.dashboard_duties import RecordDutyDialog
from checklist_app.ui.supervision.district_duties_page import DistrictDutiesPage

pytestmark = pytest.mark.gui
Left = Qt.MouseButton.LeftButton
TITLE = "Flag themes for the CSE problem profile (district duty)"


def _row(table, title: str) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == title)


def test_intelligence_officer_records_the_district_duty_and_the_supervisor_sees_it(qtbot, world, runner, prefs, idle):
    window = main_window(qtbot, world, world.intel, runner, prefs)
    assert window.dashboard is None
    page = window.district_duties
    assert isinstance(page, DistrictDutiesPage)
    tabs = window.ui.caseTabs
    assert tabs.tabText(tabs.indexOf(page)) == "District duties"
    qtbot.waitUntil(lambda: page.loaded, timeout=15000)
    idle()
    panel = page.panel
    row = _row(panel.table, TITLE)
    assert panel.table.item(row, 2).text() == "Due: not yet recorded"
    panel.table.selectRow(row)
    assert panel.record_button.isEnabled()

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RecordDutyDialog)
        qtbot.mouseClick(dialog.save_button, Left)  # nothing filled: refused in words
        assert dialog.message.text() == "Nothing was recorded. Required: Themes."
        dialog.form.editors["profile_themes"].setText("Older peer groups at two retail parks")
        qtbot.mouseClick(dialog.save_button, Left)

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(panel.record_button, Left)
    idle()
    qtbot.waitUntil(lambda: panel.table.item(row, 2).text().startswith("Recorded"), timeout=15000)
    assert panel.table.item(row, 2).text().endswith("by Io Gorse")
    panel.table.selectRow(row)
    assert not panel.record_button.isEnabled() and "once per period" in panel.note.text()
    window.close()

    supervisor = main_window(qtbot, world, world.supervisor, runner, prefs)
    assert supervisor.district_duties is None
    dashboard = supervisor.dashboard
    qtbot.waitUntil(lambda: dashboard.loaded is not None, timeout=15000)
    idle()
    table = dashboard.duties.table
    row = _row(table, TITLE)
    assert table.item(row, 2).text().startswith("Recorded") and table.item(row, 2).text().endswith("by Io Gorse")
    assert "Older peer groups" in table.item(row, 2).toolTip()
    table.selectRow(row)
    assert not dashboard.duties.record_button.isEnabled()
    supervisor.close()


def test_supervisor_sees_the_district_duty_as_the_intelligence_officers(qtbot, world, runner, prefs, idle):
    window = main_window(qtbot, world, world.supervisor, runner, prefs)
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.loaded is not None, timeout=15000)
    idle()
    table = dashboard.duties.table
    row = _row(table, TITLE)
    assert table.item(row, 2).text() == "For the intelligence officer"
    table.selectRow(row)
    assert not dashboard.duties.record_button.isEnabled()
    assert dashboard.duties.note.text() == "Recorded by the intelligence officer, not by you."
    window.close()
