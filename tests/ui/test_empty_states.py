"""An empty list says what is empty and what to do, instead of showing a blank grid: the auditor's desk,
the moderation queue, remedial actions, a case's record tabs, and the administrator's lists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import QLabel, QListView
from support import open_case
from test_case_tabs import build

from checklist_app.ui.audit.desk import AuditDesk
from checklist_app.ui.audit.remedial import RemedialActionsPage
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.supervision.review_tab import SupervisionTab
from checklist_app.ui.tabs import DecisionsTab, EventsTab, IntelligenceTab, MissingTab, RiskTab

pytestmark = pytest.mark.gui


def _hint(view) -> str:  # type: ignore[no-untyped-def]
    """The words shown in the view's viewport ('' when none are shown)."""
    label = view.viewport().findChild(QLabel, "emptyHint")
    return label.text() if label is not None and label.isVisible() else ""


def test_the_hint_goes_when_a_row_arrives_and_comes_back_when_the_last_goes(qtbot):
    view = QListView()
    qtbot.addWidget(view)
    model = QStringListModel()
    view.setModel(model)
    empty_hint(view, "Nothing here yet.")
    view.show()
    assert _hint(view) == "Nothing here yet."
    model.setStringList(["one"])
    assert _hint(view) == ""
    model.setStringList([])
    assert _hint(view) == "Nothing here yet."


def test_the_auditors_desk_says_there_are_no_rounds_and_how_to_draw_one(qtbot, world, make_session, idle):
    desk = AuditDesk(make_session(world.auditor))
    qtbot.addWidget(desk)
    desk.resize(1200, 800)
    desk.show()
    desk.refresh()
    idle()
    assert desk.rounds.rowCount() == 0
    assert "No audit rounds yet" in _hint(desk.rounds) and "New round" in _hint(desk.rounds)
    assert "Select a round" in _hint(desk.sampled)
    assert desk.moderation is not None and "Nothing to moderate" in _hint(desk.moderation.table)


def test_remedial_actions_say_there_are_none(qtbot, world, make_session, idle):
    page = RemedialActionsPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    assert "No remedial actions for you" in _hint(page.table)


def test_a_new_cases_record_tabs_say_what_is_empty(qtbot, world, make_session, idle):
    case = open_case(world)
    session = make_session(world.investigator)
    expected = {
        DecisionsTab: "No decisions recorded",
        IntelligenceTab: "No intelligence on this case",
        MissingTab: "No missing episodes",
        EventsTab: "",  # opening a case records events
        RiskTab: "No risk assessment recorded",
    }
    for tab_class, words in expected.items():
        tab = build(qtbot, idle, tab_class, session, case.id)
        view = tab.ui.history if tab_class is RiskTab else tab.ui.table
        assert words in _hint(view) if words else _hint(view) == "", tab_class.__name__
    supervision = build(qtbot, idle, SupervisionTab, session, case.id)
    idle()
    assert "No supervisory reviews yet" in _hint(supervision.reviews_table)
    assert "No actions directed" in _hint(supervision.actions)


def test_an_account_search_that_finds_nothing_says_so(qtbot, world, make_session, idle):
    window = MainWindow(make_session(world.admin))
    qtbot.addWidget(window)
    window.quit_on_close = False
    window.show()
    idle()
    accounts = window.case_list.accounts
    window.case_list.pages.setCurrentWidget(accounts)
    idle()
    assert _hint(accounts.table) == ""
    qtbot.keyClicks(accounts.search, "nobody-called-this")
    assert "No account matches “nobody-called-this”" in _hint(accounts.table)
    accounts.search.clear()
    assert _hint(accounts.table) == ""
