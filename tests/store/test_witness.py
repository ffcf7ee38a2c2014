"""The witness file: the chain head written after every write transaction, outside the database, and
held by `verify` as anchors. Truncation with the stored head put back, and a rewritten chain, are caught
without anyone having written an anchor down."""

from __future__ import annotations

import dataclasses
import io
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url
from support import cut_last_audit_entry

from checklist_app.cli.main import main
from checklist_app.services import admin, records
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store.db import witness_for
from checklist_app.store.witness import read_witness


def _run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out, err=out)
    return code, out.getvalue()


def _witnessed_world(world):  # type: ignore[no-untyped-def]
    """The world's database reopened as the app and the command line open it (with its witness), and
    some writes made through it."""
    from support import open_case

    url = world.ctx.db.url
    world.ctx.close()
    ctx = ServiceContext.open(url)
    ctx.clock = world.clock
    case = open_case(dataclasses.replace(world, ctx=ctx))
    records.add_decision(ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    records.add_decision(ctx, world.investigator, case.id, decision="Strategy meeting", rationale="Risk")
    return ctx, case


def test_each_write_transaction_appends_the_chain_head(world):
    ctx, _case = _witnessed_world(world)
    try:
        witness = ctx.db.witness
        assert witness is not None and witness == witness_for(ctx.db.url)
        held = read_witness(witness)
        seqs = [a.seq for a in held.anchors]
        assert len(seqs) >= 3 and seqs == sorted(seqs)  # opening the case, then two decisions
        report = admin.verify(ctx, system_actor())
        assert report.ok and report.witness_anchors == len(seqs)
        assert held.anchors[-1].seq == report.head_seq and held.anchors[-1].head_hash == report.head_hash
    finally:
        ctx.close()
    if server_url() is None:
        assert witness.stat().st_mode & 0o077 == 0  # owner-only, like the database


def test_verify_says_how_many_anchors_it_held_and_when_it_last_verified(world):
    ctx, _case = _witnessed_world(world)
    ctx.close()
    assert ctx.db.witness is not None
    held = len(read_witness(ctx.db.witness).anchors)
    code, first = _run("--db", ctx.db.url, "verify")
    assert code == 0, first
    assert f"{held} witness anchor(s) held from" in first and "(last verified never before)" in first
    code, second = _run("--db", ctx.db.url, "verify")
    assert code == 0 and "(last verified entry " in second


@pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")
def test_entries_cut_off_with_the_head_put_back_are_caught_by_the_witness(world):
    ctx, _case = _witnessed_world(world)
    path = ctx.db.path
    ctx.close()
    last = cut_last_audit_entry(path)
    conn = sqlite3.connect(path)
    try:  # the record the cut entry described goes too, so only the witness can tell
        conn.execute("DELETE FROM decisions WHERE id = (SELECT max(id) FROM decisions)")
        conn.commit()
    finally:
        conn.close()
    code, output = _run("--db", path, "verify")
    assert code == 1
    assert f"audit_log, audit entry {last}: is named by an anchor kept outside the database" in output
    assert "witness anchor(s) held" in output


def test_a_witness_line_that_was_edited_is_reported(world):
    ctx, _case = _witnessed_world(world)
    witness = ctx.db.witness
    assert witness is not None
    lines = witness.read_text(encoding="utf-8").splitlines()
    seq, _digest, at = lines[0].split()
    witness.write_text("\n".join([*lines, f"{seq} {'0' * 64} {at}", "garbage"]) + "\n", encoding="utf-8")
    try:
        problems = [str(p) for p in admin.verify(ctx, system_actor()).problems]
    finally:
        ctx.close()
    assert any("holds two different hashes for this entry" in p for p in problems), problems
    assert any(p.startswith(f"(witness): line {len(lines) + 2} of ") for p in problems), problems


def test_witnessing_can_be_switched_off(world, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_WITNESS", "off")
    ctx, _case = _witnessed_world(world)
    try:
        assert ctx.db.witness is None
        assert admin.verify(ctx, system_actor()).witness_file is None
    finally:
        ctx.close()


@pytest.mark.skipif(bool(server_url()), reason="restores a SQLite file")
def test_a_restore_keeps_the_old_witness_aside(world, tmp_path):
    ctx, case = _witnessed_world(world)
    backup = tmp_path / "backup.sqlite"
    admin.backup(ctx, world.admin, backup)
    records.add_decision(ctx, world.investigator, case.id, decision="Later", rationale="After the backup")
    witness, path = ctx.db.witness, ctx.db.path
    ctx.close()
    admin.restore_backup(backup, str(path))
    assert witness is not None and not witness.exists()
    assert list(witness.parent.glob(f"{witness.name}.before-restore-*"))
    code, output = _run("--db", path, "verify")
    assert code == 0, output
