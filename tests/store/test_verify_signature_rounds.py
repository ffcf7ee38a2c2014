"""verify's signature check reads the signed contents a round of signatures at a time (a few queries per
kind of record) and falls back to one signature at a time where a round cannot answer. Whatever the round
size, and whether the round or the fallback answers, the same signatures are named with the same words in
the same order. Runs on SQLite, and on PostgreSQL with CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

import pytest
from db_support import server_url
from sqlalchemy import text
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.services import closure
from checklist_app.store import verify_signatures
from checklist_app.store.verify import verify_database
from checklist_app.store.verify_signatures import check_signatures


def _signed_cases(world, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Closed cases: each has a closure signature on the case and agreement signatures on its steps."""
    ids = []
    for _ in range(count):
        case = open_case(world)
        settle_for_closure(world, case.id)
        world.clock.advance(hours=1)
        closure.close_case(world.ctx, world.supervisor, case.id, "No further action: no offence", PASSWORD)
        ids.append(case.id)
    return ids


def _tamper(world, sql: str) -> None:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.begin() as conn:
        conn.execute(text(sql))


def _signature_findings(world) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.connect() as conn:
        broken, superseded = check_signatures(conn)
    return [str(p) for p in broken], [str(p) for p in superseded]


def _one_by_one(monkeypatch, world) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The findings with no round answering: every signature's content read on its own, as before rounds."""
    with monkeypatch.context() as patch:
        patch.setattr(verify_signatures, "_current_hashes", lambda *_args: {})
        return _signature_findings(world)


def _signed_step_record(world, case_id: int, nth: int = 0) -> int:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.connect() as conn:
        ids = conn.execute(
            text("SELECT object_id FROM signatures WHERE object_type = 'step_records' AND case_id = :case ORDER BY id"),
            {"case": case_id},
        ).scalars()
        return int(list(ids)[nth])


@pytest.mark.parametrize("round_size", [1, 2, 3, 10_000])
def test_a_signed_record_changed_behind_the_apps_back_is_named_whatever_the_round(
    world, monkeypatch, round_size: int
) -> None:
    cases = _signed_cases(world, 3)
    assert _signature_findings(world) == ([], [])
    record = _signed_step_record(world, cases[1], 1)
    _tamper(world, f"UPDATE step_records SET reason = 'Not needed after all' WHERE id = {record}")
    _tamper(world, f"UPDATE cases SET closure_reason = 'Charged' WHERE id = {cases[2]}")
    monkeypatch.setattr(verify_signatures, "_ROUND", round_size)
    broken, superseded = _signature_findings(world)
    assert superseded == []
    assert len(broken) == 2, broken
    assert f"(step_records {record})" in broken[0] and "no change is recorded after the signature" in broken[0]
    assert f"(cases {cases[2]})" in broken[1] and "no change is recorded after the signature" in broken[1]
    assert (broken, superseded) == _one_by_one(monkeypatch, world)
    report = verify_database(world.ctx.db)
    assert [p.message for p in report.problems if p.table == "signatures"] == [b.split(": ", 1)[1] for b in broken]


def test_superseded_gone_and_unsignable_signatures_are_named_in_signature_order(world, monkeypatch) -> None:
    cases = _signed_cases(world, 2)
    closure.reopen_case(world.ctx, world.supervisor, cases[0], "New disclosure")
    with world.ctx.db.engine.connect() as conn:
        first, last = conn.execute(text("SELECT min(id), max(id) FROM signatures")).one()
    _tamper(world, f"UPDATE signatures SET object_id = 999999 WHERE id = {last}")
    _tamper(world, f"UPDATE signatures SET object_type = 'users' WHERE id = {first}")
    monkeypatch.setattr(verify_signatures, "_ROUND", 2)
    broken, superseded = _signature_findings(world)
    assert len(superseded) == 1 and f"(cases {cases[0]})" in superseded[0], superseded
    assert len(broken) == 2, broken
    assert broken[0].startswith(f"signatures, id {first}:") and "cannot be signed" in broken[0]
    assert broken[1].startswith(f"signatures, id {last}:") and "no longer exists" in broken[1]
    assert (broken, superseded) == _one_by_one(monkeypatch, world)


@pytest.mark.skipif(bool(server_url()), reason="PostgreSQL refuses values of the wrong type itself")
def test_a_round_with_an_unreadable_signed_record_falls_back_to_one_signature_at_a_time(world, monkeypatch) -> None:
    cases = _signed_cases(world, 2)
    unreadable = _signed_step_record(world, cases[0])
    changed = _signed_step_record(world, cases[1])
    _tamper(world, f"UPDATE step_records SET updated_at = 'not a moment' WHERE id = {unreadable}")
    _tamper(world, f"UPDATE step_records SET reason = 'Not needed after all' WHERE id = {changed}")
    monkeypatch.setattr(verify_signatures, "_ROUND", 10_000)
    broken, superseded = _signature_findings(world)
    assert superseded == []
    assert len(broken) == 2, broken
    assert f"(step_records {unreadable})" in broken[0] and "holds a value that cannot be read" in broken[0]
    assert f"(step_records {changed})" in broken[1] and "no change is recorded after the signature" in broken[1]
    assert (broken, superseded) == _one_by_one(monkeypatch, world)
