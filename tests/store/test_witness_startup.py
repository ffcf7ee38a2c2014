"""The start-up check of the witness file (services/witness_check.py) and what the app says about it."""

from __future__ import annotations

import sqlite3

import pytest
from db_support import server_url
from support import cut_last_audit_entry, witnessed_copy

from checklist_app.services.context import ServiceContext
from checklist_app.services.witness_check import check_witness
from checklist_app.store.witness import read_witness

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


def test_an_intact_database_passes(world):
    ctx = witnessed_copy(world)
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert check.ok and check.anchors_checked >= 2 and check.witness_file


def test_entries_cut_off_are_named(world):
    ctx = witnessed_copy(world)
    path = ctx.db.path
    ctx.close()
    last = cut_last_audit_entry(path)
    ctx = ServiceContext.open(f"sqlite:///{path}")
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert not check.ok
    assert any(f"witness file saw entry {last}" in p for p in check.problems), check.problems


def test_a_rewritten_entry_is_named(world):
    ctx = witnessed_copy(world)
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
