"""The start-up check of the witness file (services/witness_check.py) and what the app says about it."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from conftest import server_url
from PySide6.QtWidgets import QMessageBox

from checklist_app.services import records
from checklist_app.services.context import ServiceContext
from checklist_app.services.witness_check import check_witness
from checklist_app.store.witness import read_witness

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


def _witnessed(world):  # type: ignore[no-untyped-def]
    from support import open_case

    url = world.ctx.db.url
    world.ctx.close()
    ctx = ServiceContext.open(url)
    ctx.clock = world.clock
    case = open_case(dataclasses.replace(world, ctx=ctx))
    records.add_decision(ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    return ctx


def _cut_last_entry(path) -> int:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        last = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        conn.execute(f"DELETE FROM audit_log WHERE seq = {last}")
        seq, digest = conn.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        conn.execute(f"UPDATE chain_state SET seq = {seq}, head_hash = '{digest}'")
        conn.commit()
        return int(last)
    finally:
        conn.close()


def test_an_intact_database_passes(world):
    ctx = _witnessed(world)
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert check.ok and check.anchors_checked >= 2 and check.witness_file


def test_entries_cut_off_are_named(world):
    ctx = _witnessed(world)
    path = ctx.db.path
    ctx.close()
    last = _cut_last_entry(path)
    ctx = ServiceContext.open(f"sqlite:///{path}")
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert not check.ok
    assert any(f"witness file saw entry {last}" in p for p in check.problems), check.problems


def test_a_rewritten_entry_is_named(world):
    ctx = _witnessed(world)
    path, witness = ctx.db.path, ctx.db.witness
    ctx.close()
    anchored = read_witness(witness).anchors[0].seq
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute(f"UPDATE audit_log SET entry_hash = '{'ab' * 32}' WHERE seq = {anchored}")
        conn.commit()
    finally:
        conn.close()
    ctx = ServiceContext.open(f"sqlite:///{path}")
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert any("differs from the copy in the witness file" in p for p in check.problems), check.problems


@pytest.mark.gui
def test_the_app_warns_at_start_up_and_goes_on_to_log_on(world, qtbot, monkeypatch, prefs):  # type: ignore[no-untyped-def]
    from checklist_app.ui.app import AppController

    ctx = _witnessed(world)
    path = ctx.db.path
    ctx.close()
    _cut_last_entry(path)
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
