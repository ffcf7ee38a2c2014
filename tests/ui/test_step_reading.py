"""A step the user may not edit shows its saved evidence as values for reading (steps/reading.py), not as
read-only editors: the same values, selectable, reached with Tab in the same order, named for screen
readers; the editors are made, filled with the same values, when the step becomes editable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from support import open_case

from checklist_app.services import steps
from checklist_app.services.dto import EvidenceFieldView
from checklist_app.ui.steps.evidence_form import READERS_AHEAD, EvidenceForm, describe_value
from checklist_app.ui.steps.fields import ChoiceBox, DateTimeField
from checklist_app.ui.steps.reading import EMPTY_TEXT, ReadValue
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}
EDITOR_CLASSES = (QLineEdit, QComboBox, QPlainTextEdit, DateTimeField)


@pytest.fixture
def open_ws(qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    def make(actor, case_id: int) -> CaseWorkspace:  # type: ignore[no-untyped-def]
        workspace = CaseWorkspace(make_session(actor), case_id)
        qtbot.addWidget(workspace)
        workspace.resize(1400, 860)
        workspace.show()
        workspace.activateWindow()
        qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
        idle()
        return workspace

    return make


def _select(qtbot, ws: CaseWorkspace, step_id: str, idle) -> None:  # type: ignore[no-untyped-def]
    ws.steps.select_step(step_id)
    idle()
    assert ws.steps.current_step().step_id == step_id


def _editors_shown(form: EvidenceForm) -> list[QWidget]:
    return [w for cls in EDITOR_CLASSES for w in form.findChildren(cls) if w.isVisible()]


def test_a_reader_sees_the_saved_values_as_text_named_and_in_the_tab_order(qtbot, world, open_ws, idle):
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    ws = open_ws(world.other_team_investigator, case.id)
    panel, form = ws.steps, ws.steps.form
    _select(qtbot, ws, "referral.record-details", idle)

    reference, source = form.focus_widget("cse_flag_reference"), form.focus_widget("referral_source")
    assert isinstance(reference, ReadValue) and isinstance(source, ReadValue)
    assert (reference.text(), source.text()) == ("CSE/2026/0001", "school")
    assert reference.textFormat() == Qt.TextFormat.PlainText  # the user's text is never read as markup
    assert reference.isVisible() and reference.isReadOnly()
    assert reference.accessibleName() == form.labels["cse_flag_reference"].text().removesuffix(" *") + " (required)"
    assert reference.accessibleDescription() == "CSE/2026/0001"
    assert form.labels["cse_flag_reference"].buddy() is reference
    assert _editors_shown(form) == []
    assert form.values() == FLAG and form.missing_required() == [] and not form.dirty

    # Tab goes from the pane to the values in the fields' order, as it went to the read-only fields.
    panel.ui.detailScroll.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(panel.ui.detailScroll, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is reference
    qtbot.keyClick(reference, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is source
    # The value can be selected and copied from the keyboard.
    assert reference.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard


def test_a_field_with_nothing_recorded_says_so(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.other_team_investigator, case.id)
    _select(qtbot, ws, "risk.seraf-assessment", idle)
    form = ws.steps.form
    for field_id in ("assessment_date", "score"):
        value = form.focus_widget(field_id)
        assert isinstance(value, ReadValue)
        assert EMPTY_TEXT in value.text() and value.accessibleDescription() == EMPTY_TEXT
        assert form.value_of(field_id) is None
    assert {f.id for f in form.missing_required()} == {"assessment_date"}


def test_the_owner_still_gets_editors_and_a_reopened_step_its_editors_with_the_values(
    qtbot, world, open_ws, idle, monkeypatch
):
    from checklist_app.ui.dialogs import ReasonDialog

    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    _select(qtbot, ws, "referral.record-details", idle)
    form = ws.steps.form
    assert isinstance(form.focus_widget("cse_flag_reference"), QLineEdit)
    assert isinstance(form.focus_widget("referral_source"), ChoiceBox)

    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Flag reference wrong"))
    supervisor = open_ws(world.supervisor, case.id)
    _select(qtbot, supervisor, "referral.record-details", idle)
    assert isinstance(supervisor.steps.form.focus_widget("cse_flag_reference"), ReadValue)  # done: read only
    qtbot.mouseClick(supervisor.steps.ui.reopenButton, Qt.MouseButton.LeftButton)
    idle()

    ws.refresh()
    idle()
    _select(qtbot, ws, "referral.record-details", idle)
    reference = form.focus_widget("cse_flag_reference")
    assert isinstance(reference, QLineEdit) and not reference.isReadOnly()
    assert reference.text() == "CSE/2026/0001" and form.value_of("referral_source") == "school"
    reference.setFocus()
    qtbot.keyClicks(reference, "-A")
    assert form.dirty and form.values()["cse_flag_reference"] == "CSE/2026/0001-A"


FIELDS = (
    EvidenceFieldView("ref", "Reference", "reference", True, (), "As on the crime report"),
    EvidenceFieldView("when", "Seen at", "datetime", False, (), ""),
    EvidenceFieldView("safe", "Child safe", "yesno", True, (), ""),
    EvidenceFieldView("kind", "Kind", "choice", False, ("one", "two"), ""),
    EvidenceFieldView("notes", "Notes", "longtext", False, (), "What was said"),
    EvidenceFieldView("count", "Count", "number", False, (), ""),
)
SAVED: dict[str, object] = {
    "ref": "R/1",
    "when": "2026-11-30T09:15:00+00:00",
    "safe": False,
    "kind": "two",
    "notes": "First line\nsecond line <b>not bold</b>",
    "count": 3,
}


def test_values_shown_for_reading_become_the_same_editors_when_the_step_becomes_editable(qtbot):
    form = EvidenceForm(lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    qtbot.addWidget(form)
    form.show()
    form.build(FIELDS, dict(SAVED), read_only=True)
    assert all(isinstance(form.editors[f.id], ReadValue) for f in FIELDS)
    assert [form.editors[f.id].text() for f in FIELDS] == [
        "R/1",
        form.editors["when"].text(),  # UK local time, as the editor shows it
        "No",
        "two",
        "First line\nsecond line <b>not bold</b>",
        "3",
    ]
    assert "30/11/2026" in form.editors["when"].text()
    read = {f.id: form.value_of(f.id) for f in FIELDS}
    assert form.focus_chain() == [form.editors[f.id] for f in FIELDS]

    form.set_read_only(False)
    assert not any(isinstance(form.editors[f.id], ReadValue) for f in FIELDS)
    assert {f.id: form.value_of(f.id) for f in FIELDS} == read
    assert read["when"] == datetime(2026, 11, 30, 9, 15, tzinfo=UTC) and read["safe"] is False
    assert not form.dirty
    notes = form.editors["notes"]
    assert isinstance(notes, QPlainTextEdit) and not notes.isReadOnly()
    notes.setFocus()
    qtbot.keyClicks(notes, "!")
    assert form.dirty and form.values()["notes"] != SAVED["notes"]
    # A field marked as wrong is marked on the editor, never on a value shown for reading.
    form.mark_invalid({"ref"})
    assert form.editors["ref"].property("invalid") is True


def test_blocks_for_reading_serve_any_field_and_are_made_ahead(qtbot, world, open_ws, idle, monkeypatch):
    """A reader's blocks are filled for whichever step is shown, by place: once made (in a pause, or by the
    steps shown), showing another read-only step makes no widget, and every name and value is that step's."""
    from checklist_app.ui.steps import ahead

    monkeypatch.setattr(ahead, "QUIET_MS", 60_000)
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    ws = open_ws(world.other_team_investigator, case.id)
    panel, form = ws.steps, ws.steps.form
    wanted = panel._fields_ahead()  # the neighbours of the step the case opened on
    before = len(form._readers)
    assert wanted and before < READERS_AHEAD and all(form.wants_block(spec) for spec in wanted)
    monkeypatch.setattr(ahead, "QUIET_MS", 0)
    panel.ahead.restart()
    qtbot.waitUntil(lambda: len(form._readers) == READERS_AHEAD, timeout=10000)  # one a pass, then no more
    assert not any(form.wants_block(spec) for spec in wanted)
    assert not any(reader.isVisible() for reader in form._readers[len(form.fields) :])

    made = list(form._readers)
    seen: set[str] = set()
    for step in (s for s in ws.detail.steps if s.fields and len(s.fields) <= len(made)):
        _select(qtbot, ws, step.step_id, idle)
        assert form._readers == made  # nothing new made
        for place, spec in enumerate(step.fields):
            value = form.editors[spec.id]
            assert value is made[place].value and value.isVisible() and isinstance(value, ReadValue)
            assert form.labels[spec.id].text() == (f"{spec.label} *" if spec.required else spec.label)
            assert value.accessibleName().startswith(spec.label)
            assert form.value_of(spec.id) == (step.evidence.get(spec.id) or None)
            shown = describe_value(spec, step.evidence.get(spec.id))  # refilled, never left over from before
            assert value.accessibleDescription() == (shown or EMPTY_TEXT)
            hint = made[place].hint
            assert hint.isVisible() == bool(spec.help) and (not spec.help or hint.text() == spec.help)
        assert not any(reader.isVisible() for reader in made[len(step.fields) :])
        assert _editors_shown(form) == []
        seen.add(step.step_id)
    assert {"referral.record-details", "risk.seraf-assessment"} <= seen
