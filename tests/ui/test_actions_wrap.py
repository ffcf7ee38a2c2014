"""The directed actions table shows an action's whole text: it wraps in its column and the row grows to
hold it, in the supervision tab and in the review screen's directions (both use ActionsTable)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QRect, Qt
from support import open_case
from test_supervisory_review import open_review_screen, supervision_tab, workspace

from checklist_app.services import reviews
from checklist_app.ui.supervision.actions_view import ActionsTable

pytestmark = pytest.mark.gui

LONG = (
    "Update the risk assessment after the return interview, then arrange a strategy meeting with children's "
    "social care and the school, and record the outcome and the safety plan on the case"
)


def _whole_text_shown(table: ActionsTable, row: int) -> None:
    index = table.model().index(row, 0)
    assert table.model().data(index, Qt.ItemDataRole.DisplayRole) == LONG  # not cut short in the model
    width = table.columnWidth(0) - 4 * table.fontMetrics().averageCharWidth()  # the cell's margins
    needed = table.fontMetrics().boundingRect(QRect(0, 0, width, 0), Qt.TextFlag.TextWordWrap, LONG).height()
    assert table.wordWrap()
    assert needed > table.fontMetrics().height()  # the text does take more than one line at this width
    assert table.rowHeight(row) >= needed  # and the row is tall enough for all of them


def test_a_long_action_wraps_in_the_supervision_tab_and_the_review_screen(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    case = open_case(world)
    review = reviews.start_review(world.ctx, world.supervisor, case.id)
    reviews.direct_action(
        world.ctx, world.supervisor, review.id, LONG, world.investigator.user_id, world.clock.now + timedelta(days=3)
    )
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: tab.actions.model().rowCount() == 1, timeout=15000)
    idle()
    _whole_text_shown(tab.actions, 0)
    screen = open_review_screen(qtbot, idle, tab)
    screen.resize(1216, 648)  # as it opens on a 1920 x 1080 screen at 150 % (offscreen's screen is smaller)
    qtbot.waitUntil(lambda: screen.actions.model().rowCount() == 1, timeout=15000)
    idle()
    _whole_text_shown(screen.actions, 0)
