"""The Intelligence desk through real widgets: the intelligence officer sees the district's waiting items,
filters them, and opens a case at an item on its Intelligence tab; other roles have no desk."""

from __future__ import annotations

import pytest
from gui_support import choose, main_window
from PySide6.QtCore import QPoint, Qt
from support import intelligence_form, open_case

from checklist_app.services import intelligence
from checklist_app.ui.intelligence_desk import IntelligenceDeskPage
from checklist_app.ui.tabs.intelligence import IntelligenceTab

pytestmark = pytest.mark.gui


def _texts(page: IntelligenceDeskPage, column: int) -> list[str]:
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_officer_filters_the_desk_and_opens_a_case_at_an_item(qtbot, world, runner, prefs, idle):
    case = open_case(world)
    waiting = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="low"))
    mine = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="medium"))
    intelligence.route(world.ctx, world.supervisor, mine.id, world.intel.user_id)
    window = main_window(qtbot, world, world.intel, runner, prefs)
    page = window.intelligence_desk
    assert isinstance(page, IntelligenceDeskPage)
    tabs = window.ui.caseTabs
    assert tabs.tabText(tabs.indexOf(page)) == "Intelligence desk"
    tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.desk is not None, timeout=15000)
    idle()
    assert sorted(_texts(page, 2)) == sorted([waiting.reference, mine.reference])
    assert (
        page.counts.text() == "Sheffield: 2 waiting (1 to route, 1 to assess (1 routed to you), 0 with investigators)"
    )
    choose(page.filter, "Routed to me, to assess")
    assert _texts(page, 2) == [mine.reference]
    assert _texts(page, 1) == ["Assessment"]
    assert page.counts.text().endswith("· showing 1")
    choose(page.filter, "Waiting for the investigator's action")
    assert page.model.rowCount() == 0 and page.empty.label.isVisible()
    assert "No assessed item" in page.empty.label.text()
    choose(page.filter, "Everything waiting")

    row = _texts(page, 2).index(mine.reference)
    page.table.selectRow(row)
    assert page.open_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the case at the item
    qtbot.waitUntil(lambda: window.workspace_for(case.id) is not None, timeout=15000)
    workspace = window.workspace_for(case.id)
    qtbot.waitUntil(lambda: isinstance(workspace.ui.sections.currentWidget(), IntelligenceTab), timeout=15000)
    tab = workspace.ui.sections.currentWidget()
    qtbot.waitUntil(lambda: tab.selected() is not None, timeout=15000)
    assert tab.selected().id == mine.id

    # Assessed elsewhere: a refresh (F5) moves the item to the investigator's stage.
    intelligence.assess(world.ctx, world.intel, mine.id, outcome="file", rationale="Nothing new", sanitised=True)
    tabs.setCurrentWidget(page)
    page.desk = None
    window.refresh()
    qtbot.waitUntil(lambda: page.desk is not None, timeout=15000)
    idle()
    assert page.desk.count("action") == 1 and page.desk.mine == 0
    window.close()


@pytest.mark.parametrize("who", ["investigator", "supervisor", "auditor"])
def test_other_roles_have_no_desk(qtbot, world, runner, prefs, who: str):
    window = main_window(qtbot, world, getattr(world, who), runner, prefs)
    assert window.intelligence_desk is None
    tabs = window.ui.caseTabs
    assert "Intelligence desk" not in [tabs.tabText(i) for i in range(tabs.count())]
    window.close()


def test_an_item_on_a_closed_case_says_so_and_cannot_be_routed_or_assessed(qtbot, world, runner, prefs, idle):
    """The desk lists an item of a closed case (so it is not forgotten) as such; opened at it, Route and
    Record assessment are disabled with the reason, instead of opening a form the save then refuses."""
    from support import settle_for_closure
    from world_support import PASSWORD

    from checklist_app.services import closure
    from checklist_app.ui.tabs.common import CLOSED

    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="low"))
    intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    settle_for_closure(world, case.id)
    closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    window = main_window(qtbot, world, world.intel, runner, prefs)
    page = window.intelligence_desk
    window.ui.caseTabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.desk is not None, timeout=15000)
    idle()
    assert _texts(page, 1) == ["Assessment (case closed)"]
    tip = page.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == (
        f"Case {case.reference} is closed: a supervisor must reopen it before {item.reference} "
        "can be routed or assessed."
    )

    page.table.selectRow(0)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace_for(case.id) is not None, timeout=15000)
    workspace = window.workspace_for(case.id)
    qtbot.waitUntil(lambda: isinstance(workspace.ui.sections.currentWidget(), IntelligenceTab), timeout=15000)
    tab = workspace.ui.sections.currentWidget()
    qtbot.waitUntil(lambda: tab.selected() is not None, timeout=15000)
    idle()
    for button in (tab.ui.routeButton, tab.ui.assessButton):
        assert button.isVisible() and not button.isEnabled()
        assert button.toolTip() == CLOSED
    assert tab.open_assess_dialog() is None and tab.open_route_dialog() is None
    window.close()


def _click_header(qtbot, page: IntelligenceDeskPage, column: int) -> None:  # type: ignore[no-untyped-def]
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_the_desk_sorts_by_a_header_click_due_times_as_times(qtbot, world, runner, prefs, idle):
    case = open_case(world)
    # Due 03/03, 29/03 and 02/04: as text "02/04/26" would come first.
    first = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="low"))
    world.clock.advance(days=27)
    second = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="high"))
    world.clock.advance(days=4)
    third = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="high"))
    window = main_window(qtbot, world, world.intel, runner, prefs)
    page = window.intelligence_desk
    qtbot.waitUntil(lambda: page.desk is not None, timeout=15000)
    idle()
    in_time_order = [first.reference, second.reference, third.reference]
    assert _texts(page, 2) == in_time_order  # soonest due first until a header is clicked
    assert sorted(_texts(page, 0)) != _texts(page, 0)  # the texts alone would sort otherwise
    page.table.selectRow(1)
    _click_header(qtbot, page, 4)  # Priority: high before low
    assert _texts(page, 4)[-1] == "Low"
    _click_header(qtbot, page, 0)
    assert _texts(page, 2) == in_time_order
    _click_header(qtbot, page, 0)
    assert _texts(page, 2) == in_time_order[::-1]
    page.open_selected()  # the selection stayed on the same item through the sorts
    qtbot.waitUntil(lambda: window.workspace_for(case.id) is not None, timeout=15000)
    workspace = window.workspace_for(case.id)
    qtbot.waitUntil(lambda: isinstance(workspace.ui.sections.currentWidget(), IntelligenceTab), timeout=15000)
    tab = workspace.ui.sections.currentWidget()
    qtbot.waitUntil(lambda: tab.selected() is not None, timeout=15000)
    assert tab.selected().id == second.id
    # New rows from a refresh keep the order chosen.
    page.desk = None
    page.refresh()
    qtbot.waitUntil(lambda: page.desk is not None, timeout=15000)
    idle()
    window.ui.caseTabs.setCurrentWidget(page)
    assert _texts(page, 2) == in_time_order[::-1]
    window.close()
