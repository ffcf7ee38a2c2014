"""Concurrent writers still make one valid audit chain. On PostgreSQL (CHECKLIST_APP_TEST_DB) each writer
locks the chain head row first; on SQLite, BEGIN IMMEDIATE and the busy timeout serialise them. Each thread
has its own ServiceContext (its own engine and connections), as separate workstations would."""

from __future__ import annotations

import threading
from collections import defaultdict
from itertools import pairwise

from sqlalchemy import func, select
from support import open_case
from world_support import PASSWORD, World

from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, records, steps
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store.audit import head
from checklist_app.store.db import Database
from checklist_app.store.models import AuditEntry, Decision, StepRecord
from checklist_app.store.verify import verify_database

THREADS = 6
WRITES = 20


def _sixth_investigator(world: World) -> Actor:
    accounts.create_user(
        world.ctx,
        system_actor(),
        username="dc.yew",
        display_name="DC Yew",
        role=Role.INVESTIGATOR.value,
        password=PASSWORD,
        team="Sheffield CSE Team 1",
    )
    return accounts.log_on(world.ctx, "dc.yew", PASSWORD)


def _work(ctx: ServiceContext, actor: Actor, case_id: int, rounds: threading.Barrier) -> None:
    """One writer's share: decisions and saved progress, one audit entry each. Every writer starts each
    round together, so their transactions contend (a scheduler could otherwise run them one by one)."""
    for i in range(WRITES):
        rounds.wait(timeout=60)
        if i % 2:
            steps.save_progress(ctx, actor, case_id, "referral.record-details", {"cse_flag_reference": f"CSE/{i}"})
        else:
            records.add_decision(ctx, actor, case_id, decision=f"Decision {i}", rationale=f"Because {i}")


def test_concurrent_writers_make_one_valid_chain(world: World, db_url: str) -> None:
    actors = [
        world.investigator,
        world.investigator2,
        world.supervisor,
        world.supervisor2,
        world.other_team_investigator,
        _sixth_investigator(world),
    ]
    cases = [open_case(world, actor).id for actor in actors]
    with world.ctx.db.read() as session:
        start_seq, _ = head(session)

    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    rounds = threading.Barrier(THREADS)

    def writer(actor: Actor, case_id: int) -> None:
        ctx = ServiceContext(Database(db_url), clock=world.clock)
        try:
            start.wait(timeout=30)
            _work(ctx, actor, case_id, rounds)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            ctx.close()

    threads = [threading.Thread(target=writer, args=pair) for pair in zip(actors, cases, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert not failures, failures

    report = verify_database(world.ctx.db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.head_seq == start_seq + THREADS * WRITES

    with world.ctx.db.read() as session:
        entries = session.execute(
            select(AuditEntry.seq, AuditEntry.case_id, AuditEntry.user_id)
            .where(AuditEntry.seq > start_seq)
            .order_by(AuditEntry.seq)
        ).all()
        counted = session.execute(select(Decision.case_id, func.count()).group_by(Decision.case_id))
        decisions = {case_id: count for case_id, count in counted}
        progress = {
            r.case_id: (r.status, r.evidence)
            for r in session.scalars(select(StepRecord).where(StepRecord.step_id == "referral.record-details"))
        }
    assert [e.seq for e in entries] == list(range(start_seq + 1, start_seq + THREADS * WRITES + 1))
    by_case: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        by_case[entry.case_id].append(entry.user_id)
    for actor, case_id in zip(actors, cases, strict=True):
        assert by_case[case_id] == [actor.user_id] * WRITES, f"case {case_id}: entries by the wrong user"
        assert decisions[case_id] == WRITES // 2
        assert progress[case_id] == ("in_progress", {"cse_flag_reference": f"CSE/{WRITES - 1}"})
    order = [e.case_id for e in entries]
    switches = sum(1 for a, b in pairwise(order) if a != b)
    assert switches >= THREADS, "the writers did not overlap, so concurrency was not exercised"
