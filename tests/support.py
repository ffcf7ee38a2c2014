"""Helpers shared by test modules (plain functions, not fixtures)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from checklist_app.services import case_opening, cases, intelligence
from checklist_app.services.dto import CaseDetail


def open_case(world, actor=None, **overrides) -> CaseDetail:  # type: ignore[no-untyped-def]
    form = case_opening.NewCase(
        district_code="SHE",
        referral_at=world.clock.now - timedelta(hours=2),
        referral_source="Education",
        subject_ref="SC-104233",
        age_band="13-15",
        procedure_id=world.procedure_id,
    )
    for key, value in overrides.items():
        setattr(form, key, value)
    return case_opening.open_case(world.ctx, actor or world.investigator, form)


def intelligence_form(world, **overrides) -> intelligence.NewIntelligence:  # type: ignore[no-untyped-def]
    """A graded item of intelligence received half an hour ago; `overrides` set any field."""
    form = intelligence.NewIntelligence(
        received_at=world.clock.now - timedelta(minutes=30),
        summary="Subject seen getting into a silver hatchback outside location L-12 at 22:00.",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        priority="high",
    )
    for key, value in overrides.items():
        setattr(form, key, value)
    return form


# An identifier a user must never read: snake_case ids, `settings.…`, `event:…` / `step:…` anchors.
INTERNAL_NAME = r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\bsettings\.|\b(?:event|step)[:.][a-z]"


def settle_for_closure(world, case_id: int, reason: str = "Test closure") -> None:  # type: ignore[no-untyped-def]
    """Mark every open required step not applicable (as whoever may), then have the team's supervisor agree,
    signing, to each mandatory one: without the agreement a mandatory step counts as open for closure."""
    from world_support import PASSWORD

    from checklist_app.services import steps

    for step in cases.case_detail(world.ctx, world.supervisor, case_id).steps:
        if step.required and step.status not in ("done", "not_applicable"):
            actor = world.intel if step.role == "intelligence_officer" else world.supervisor
            steps.mark_not_applicable(world.ctx, actor, case_id, step.step_id, reason)
    for step in cases.case_detail(world.ctx, world.supervisor, case_id).steps:
        if step.awaiting_agreement:
            steps.agree_not_applicable(world.ctx, world.supervisor, case_id, step.step_id, PASSWORD)


def witnessed_copy(world):  # type: ignore[no-untyped-def]
    """The world's database reopened as the app opens it (with its witness file), a case and a decision
    written through it."""
    import dataclasses

    from checklist_app.services import records
    from checklist_app.services.context import ServiceContext

    url = world.ctx.db.url
    world.ctx.close()
    ctx = ServiceContext.open(url)
    ctx.clock = world.clock
    case = open_case(dataclasses.replace(world, ctx=ctx))
    records.add_decision(ctx, world.investigator, case.id, decision="Refer to MASH", rationale="Risk")
    return ctx


def cut_last_audit_entry(path) -> int:  # type: ignore[no-untyped-def]
    """With the sqlite3 tool: the last audit entry deleted and the stored head put back on the one before."""
    import sqlite3

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


def edit_audit_details(path, seq: int) -> None:  # type: ignore[no-untyped-def]
    """With the sqlite3 tool: one audit entry's details changed in place, its hash and the chain left alone
    (the anchors hold entry hashes, so only re-hashing the entry finds this)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute(f"UPDATE audit_log SET details = '{{\"edited\":true}}' WHERE seq = {seq}")
        conn.commit()
    finally:
        conn.close()


def file_with_one_step_done(world) -> Path:  # type: ignore[no-untyped-def]
    """A case with its first step recorded, the context closed, and the SQLite file's path: for tests that edit
    the file behind the app's back and then run verify."""
    from checklist_app.services import steps

    case = open_case(world)
    steps.complete_step(
        world.ctx,
        world.investigator,
        case.id,
        "referral.record-details",
        {"cse_flag_reference": "CSE/1", "referral_source": "school"},
    )
    path = world.ctx.db.path
    world.ctx.close()
    return path


def run_sql(path: Path, *statements: str) -> None:
    """Run statements on a SQLite file with the sqlite3 tool, as someone tampering with it would."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
