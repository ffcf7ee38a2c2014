"""A case whose stored record holds a date of the wrong type (written outside the app): the workspace says
which table, column and row cannot be read, in words, with no traceback. SQLite only (PostgreSQL refuses
such values itself)."""

from __future__ import annotations

import sqlite3

import pytest
from support import open_case

pytestmark = pytest.mark.gui


def test_the_workspace_names_the_unreadable_value(qtbot, world, make_session, idle):
    if not world.ctx.db.is_sqlite:
        pytest.skip("PostgreSQL refuses a value of the wrong type itself")
    case = open_case(world)
    conn = sqlite3.connect(world.ctx.db.path)
    try:
        conn.execute("UPDATE cases SET referral_at = 'garbage' WHERE id = ?", (case.id,))
        conn.commit()
    finally:
        conn.close()
    workspace = _workspace_failing(qtbot, make_session(world.supervisor), case.id, idle)
    text = workspace.ui.message.text()
    assert text.startswith("The case could not be loaded. A stored record cannot be read")
    assert f"table cases, column referral_at, row {case.id}" in text and "'garbage'" in text
    assert "checklist-app verify" in text and "Traceback" not in text and "isoformat" not in text
    assert workspace.ui.caseReference.text() == "Case not loaded"


def _workspace_failing(qtbot, session, case_id: int, idle):  # type: ignore[no-untyped-def]
    from checklist_app.ui.workspace import CaseWorkspace

    workspace = CaseWorkspace(session, case_id)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 860)
    workspace.show()
    qtbot.waitUntil(lambda: workspace.ui.message.isVisible(), timeout=15000)
    idle()
    return workspace
