"""No internal names on screen: with the shipped procedure (1.1), every label and tooltip of the steps
view for every step, the record tabs, and the new-case wizard reads in titles, never ids such as
`police_protection_taken` or `settings.supervisory_review_interval`."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QTextBrowser, QWidget
from support import INTERNAL_NAME, open_case
from test_new_case_wizard import open_wizard
from test_workspace import _go_to, _workspace
from world_support import build_world

from checklist_app import paths
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.models import COL_TITLE

pytestmark = pytest.mark.gui

SOP_1_1 = "cse-sop-v1.1.yaml"


@pytest.fixture
def world_1_1(ctx, clock):  # type: ignore[no-untyped-def]
    return build_world(ctx, clock, (paths.sop_dir() / SOP_1_1).read_text(encoding="utf-8"))


def _internal(text: str, step_ids: set[str]) -> list[str]:
    found = [m.group(0) for m in re.finditer(INTERNAL_NAME, text)]
    return found + [i for i in step_ids if re.search(rf"(?<![\w/]){re.escape(i)}(?![\w-])", text)]


def _texts(root: QWidget) -> list[str]:
    texts = [root.toolTip()]
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        texts.append(widget.toolTip())
        texts.append(widget.accessibleDescription())
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QTextBrowser):
            texts.append(widget.toPlainText())
    return [t for t in texts if t]


def test_every_step_of_procedure_1_1_shows_titles_not_ids(qtbot, world_1_1, runner, prefs, idle):
    world = world_1_1
    case = open_case(world)
    ws = _workspace(qtbot, AppSession(world.ctx, world.investigator, runner, prefs), case.id, idle)
    step_ids = {s.step_id for s in ws.detail.steps}
    leaks: list[tuple[str, str]] = []
    for step in ws.detail.steps:
        _go_to(qtbot, ws, step.number)
        model = ws.steps.step_model
        row = model.row_of(step.step_id)
        tip = model.index(row, COL_TITLE).data(3)  # ToolTipRole
        for text in [*_texts(ws.steps), tip or ""]:
            leaks += [(step.number, name) for name in _internal(text, step_ids)]
    for tab in ws.tabs:
        ws.ui.sections.setCurrentWidget(tab)
        idle()
        leaks += [(type(tab).__name__, name) for t in _texts(tab) for name in _internal(t, step_ids)]
    assert leaks == []
    ws.ui.sections.setCurrentIndex(0)
    idle()
    _go_to(qtbot, ws, "2.1")
    assert "“Police protection taken” event" in ws.steps.ui.guidanceText.text()


def test_the_wizard_words_facts_without_ids(qtbot, world_1_1, runner, prefs):
    world = world_1_1
    wizard = open_wizard(qtbot, AppSession(world.ctx, world.investigator, runner, prefs))
    step_ids = set()
    leaks = []
    for page in wizard.pages_in_order:
        for text in _texts(page):
            leaks += [name for name in _internal(text, step_ids)]
        for fact_input in wizard.fact_inputs.values():
            leaks += _internal(fact_input.tooltip, step_ids)
    assert wizard.fact_inputs  # the facts page was built from the procedure
    assert leaks == []
    tips = " ".join(f.tooltip for f in wizard.fact_inputs.values())
    assert "police_protection_taken" not in tips
