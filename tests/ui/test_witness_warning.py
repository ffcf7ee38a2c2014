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


def test_a_database_replaced_under_its_witness_gets_a_warning_that_fits_the_screen(world, qtbot, monkeypatch, prefs):  # type: ignore[no-untyped-def]
    """A demo database made again at the same path left the witness with two hashes for each of 80 entries:
    the start-up box listed all 80, 8,000 pixels tall at 150 %, its OK button far below the screen. It now
    names a few and counts the rest, as it does for the re-hashed entries."""
    from checklist_app.services.witness_check import SHOWN
    from checklist_app.store.witness import read_witness, witness_path
    from checklist_app.ui.app import AppController

    ctx = witnessed_copy(world)
    path = ctx.db.path
    witness = witness_path(str(path.resolve()))
    ctx.close()
    last = max(a.seq for a in read_witness(witness).anchors)
    seen_twice = range(1, last + 1)
    with witness.open("a", encoding="utf-8") as file:  # each entry seen with two hashes: another database's
        for seq in seen_twice:
            file.write(f"{seq} {'0' * 64} 2026-12-03T10:25:14Z\n{seq} {'1' * 64} 2026-12-03T10:25:15Z\n")
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, title, text, *a, **k: warnings.append((title, text)))
    )
    controller = AppController(str(path), prefs=prefs)
    try:
        assert controller.start()
        ((title, text),) = warnings
        assert text.count("two different hashes") == SHOWN, text
        assert "more problem(s) in the witness file" in text
        assert "checklist-app verify" in text
        box = QMessageBox(QMessageBox.Icon.Warning, title, text)  # as QMessageBox.warning shows it
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        screen = box.screen().availableGeometry()
        assert box.frameGeometry().height() <= screen.height(), (box.frameGeometry(), screen)
    finally:
        if controller.login is not None:
            controller.login.close()
        controller.shutdown()
