"""The app's start-up warning when the audit log does not match its witness file (the check itself is
tested in tests/store/test_witness_startup.py, on SQLite: the tampering is done with the sqlite3 tool)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from support import cut_last_audit_entry, witnessed_copy

pytestmark = pytest.mark.gui


def test_the_app_warns_at_start_up_and_goes_on_to_log_on(world, qtbot, monkeypatch, prefs):  # type: ignore[no-untyped-def]
    from checklist_app.ui.app import AppController

    ctx = witnessed_copy(world)
    path = ctx.db.path
    ctx.close()
    cut_last_audit_entry(path)
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, title, text, *a, **k: warnings.append(f"{title}: {text}"))
    )
    controller = AppController(str(path), prefs=prefs)
    try:
        assert controller.start()
        assert controller.login is not None and controller.login.isVisible()
        assert len(warnings) == 1 and "witness file saw entry" in warnings[0], warnings
        assert "checklist-app verify" in warnings[0]
    finally:
        if controller.login is not None:
            controller.login.close()
        controller.shutdown()
