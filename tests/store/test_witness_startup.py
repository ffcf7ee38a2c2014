"""The start-up check of the witness file (services/witness_check.py) and what the app says about it."""

from __future__ import annotations

import sqlite3

import pytest
from db_support import server_url
from support import cut_last_audit_entry, edit_audit_details, witnessed_copy

from checklist_app.services import admin, records
from checklist_app.services.context import ServiceContext, system_actor
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


def _head(path) -> int:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def test_an_entry_changed_in_place_since_the_last_full_verify_is_named(world):
    # The anchors hold entry hashes, which such an edit leaves alone: only re-hashing the entry finds it.
    ctx = witnessed_copy(world)
    path = ctx.db.path
    ctx.close()
    last = _head(path)
    edit_audit_details(path, last - 1)
    ctx = ServiceContext.open(f"sqlite:///{path}")
    try:
        check = check_witness(ctx)
    finally:
        ctx.close()
    assert not check.ok and check.rehashed == last  # never verified: all of them, being fewer than the limit
    assert any(f"entry {last - 1}" in p and "do not match the entry's hash" in p for p in check.problems), (
        check.problems
    )


def test_only_entries_since_the_last_full_verify_are_re_hashed_and_at_most_the_limit(world):
    ctx = witnessed_copy(world)
    path = ctx.db.path
    try:
        assert admin.verify(ctx, system_actor()).ok  # the witness now says up to which entry it was proved
        proved = _head(path)
        for n in range(4):
            records.add_decision(ctx, world.investigator, 1, decision=f"Decision {n}", rationale="Reason")
        since = _head(path) - proved
        check = check_witness(ctx)
        assert check.ok and (check.rehashed, check.not_rehashed) == (since, 0)
        check = check_witness(ctx, limit=2)
        assert check.ok and (check.rehashed, check.not_rehashed) == (2, since - 2)
    finally:
        ctx.close()
