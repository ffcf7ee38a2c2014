"""The Add intelligence form on a small screen (1280x720 logical pixels is 1920x1080 at 150 %): the whole
Submit label shows, the dialog stays inside the screen, and after a refused submit the long error message
makes the fields scroll rather than squeezing wrapped help text over the inputs."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from support import open_case
from test_case_tabs import build

from checklist_app.ui.tabs import IntelligenceTab

pytestmark = pytest.mark.gui


def _on_dialog(widget: QWidget, dialog: QWidget):  # type: ignore[no-untyped-def]
    top_left = widget.mapTo(dialog, widget.rect().topLeft())
    return widget.rect().translated(top_left)


def _check_layout(dialog) -> None:  # type: ignore[no-untyped-def]
    ok = dialog.ok_button
    bold = QFont(ok.font())
    bold.setBold(True)
    needed = QFontMetrics(bold).horizontalAdvance("Submit") + ok.iconSize().width()
    assert ok.width() >= needed, f"Submit is {ok.width()} px wide, its label and icon need {needed}"
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= screen.height() and dialog.width() <= screen.width()
    # Wrapped help lines get the height their text needs, and overlap no input.
    inputs = [w for w in dialog.body.findChildren(QWidget) if w.isVisible() and w.focusPolicy() and w.isEnabled()]
    for label in (dialog.ui.gradePreview, dialog.ui.priorityHelp):
        assert label.height() >= label.heightForWidth(label.width()), f"{label.objectName()} is clipped"
        box = _on_dialog(label, dialog)
        for widget in inputs:
            if not (widget.isAncestorOf(label) or label.isAncestorOf(widget)):
                overlap = box.intersected(_on_dialog(widget, dialog))
                assert overlap.isEmpty(), f"{label.objectName()} overlaps {widget.objectName()}"
    buttons = _on_dialog(dialog.ui.buttons, dialog)
    assert dialog.rect().contains(buttons), "the buttons must stay inside the dialog"


def test_the_add_intelligence_form_fits_and_scrolls_after_a_refusal(qtbot, world, make_session, idle):
    case = open_case(world)
    tab = build(qtbot, idle, IntelligenceTab, make_session(world.investigator), case.id)
    screen = QApplication.primaryScreen()
    dialog = tab.open_add_dialog()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.wait(50)
    assert dialog.ok_button.text().replace("&", "") == "Submit"
    _check_layout(dialog)
    # Refused: five problems listed under the fields.
    dialog.ok_button.click()
    idle()
    qtbot.wait(50)
    assert dialog.ui.message.text().startswith("Nothing was saved")
    assert dialog.ui.message.isVisible()
    _check_layout(dialog)
    assert screen is not None
    if dialog.body.height() > dialog.scroll.viewport().height():  # a small screen: the fields scroll
        assert dialog.scroll.verticalScrollBar().isVisible()
    for label in dialog.body.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            assert label.height() >= label.heightForWidth(label.width()) - 1, label.objectName()
