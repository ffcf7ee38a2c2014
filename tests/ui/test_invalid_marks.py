"""A field marked invalid after a refused save loses its red border once the user corrects it."""

from __future__ import annotations

import pytest
from support import open_case
from test_case_tabs import build, choose_data, press_ok, set_time

from checklist_app.ui import invalid_marks
from checklist_app.ui.tabs import IntelligenceTab

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def marks(qapp):  # type: ignore[no-untyped-def]
    """As the app does at start-up (app.configure)."""
    return invalid_marks.install(qapp)


def test_a_corrected_field_loses_its_red_border(qtbot, world, make_session, idle):
    from datetime import timedelta

    case = open_case(world)
    tab = build(qtbot, idle, IntelligenceTab, make_session(world.investigator), case.id)
    dialog = tab.open_add_dialog()
    assert dialog is not None
    ui = dialog.ui
    set_time(ui.receivedAt, world.clock.now - timedelta(minutes=30))
    qtbot.keyClicks(ui.summary, "Child seen getting into a silver hatchback outside location L-12.")
    choose_data(ui.handlingCode, "C")  # needs conditions, which are left empty
    press_ok(qtbot, dialog)
    idle()
    assert ui.handlingConditions.property("invalid") is True
    other_marked = [w for w in (ui.summary, ui.receivedAt) if w.property("invalid") is True]
    qtbot.keyClicks(ui.handlingConditions, "Share with children's social care only")
    assert ui.handlingConditions.property("invalid") is False
    assert all(w.property("invalid") is True for w in other_marked)  # only the edited field is cleared
