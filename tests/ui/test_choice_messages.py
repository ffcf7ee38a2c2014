"""A dialog sent with nothing chosen says what to choose, in the words the list shows, never the stored
codes (found on the real app at 150 %: "Event: '' cannot be recorded by hand; choose one of:
police_protection_taken, significant_new_information, …" and "Outcome: must be one of: develop, disseminate,
task, file")."""

from __future__ import annotations

import re

import pytest
from gui_support import press_ok
from support import INTERNAL_NAME, intelligence_form, open_case
from test_case_tabs import build

from checklist_app.core import intelligence as intel
from checklist_app.services import intelligence
from checklist_app.ui.tabs import EventsTab, IntelligenceTab

pytestmark = pytest.mark.gui


def _refused(qtbot, idle, dialog) -> str:  # type: ignore[no-untyped-def]
    press_ok(qtbot, dialog)
    idle()
    assert dialog.isVisible()
    text = dialog.ui.message.text()
    assert text.startswith("Nothing was saved"), text
    assert not re.search(INTERNAL_NAME, text), text
    return text


def test_recording_an_event_with_none_chosen_asks_for_one_in_words(qtbot, world, make_session, idle):
    case = open_case(world)
    tab = build(qtbot, idle, EventsTab, make_session(world.investigator), case.id)
    dialog = tab.open_record_dialog()
    assert dialog is not None and dialog.ui.event.currentIndex() == -1
    text = _refused(qtbot, idle, dialog)
    assert "Event: choose the event that happened" in text, text
    assert "''" not in text


def test_assessing_with_no_outcome_chosen_names_the_outcomes_as_listed(qtbot, world, make_session, idle):
    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.route(world.ctx, world.intel, item.id, world.intel.user_id)
    tab = build(qtbot, idle, IntelligenceTab, make_session(world.intel), case.id)
    tab.select_item(item.id)
    dialog = tab.open_assess_dialog()
    assert dialog is not None
    text = _refused(qtbot, idle, dialog)
    assert "Outcome: choose one of: " + ", ".join(intel.ASSESSMENT_OUTCOMES.values()) in text, text
    assert "develop, disseminate" not in text
