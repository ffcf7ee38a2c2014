"""Bulk writers (the demo generator) insert rows with ids they allocate themselves. Afterwards every
ordinary write must still work, on every engine: on PostgreSQL the id sequences must have been moved on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support import intelligence_form, open_case
from world_support import MINIMAL_SOP, FakeClock, build_world

from checklist_app.cli.main import main
from checklist_app.services import cases, intelligence, records, risk, steps
from checklist_app.services.context import ServiceContext
from checklist_app.store.db import Database


def test_every_kind_of_write_works_after_demo_data(db_url: str) -> None:
    assert main(["--db", db_url, "demo", "--cases", "4", "--seed", "3"]) == 0
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    ctx = ServiceContext(Database(db_url), clock=clock)
    try:
        # New teams, users and a procedure version are ordinary inserts into tables the demo filled.
        world = build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))
        case = open_case(world)
        cases.record_event(ctx, world.investigator, case.id, "trial_date_fixed", clock.now - timedelta(minutes=5))
        steps.complete_step(
            ctx,
            world.investigator,
            case.id,
            "referral.record-details",
            {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"},
        )
        item = intelligence.submit(
            ctx,
            world.investigator,
            case.id,
            intelligence_form(world, summary="Subject seen at location L-12."),
        )
        assessment = risk.record_assessment(
            ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"])
        )
        episode = records.record_missing_episode(
            ctx, world.investigator, case.id, reported_at=clock.now - timedelta(hours=1), risk_grade="high"
        )
        decision = records.add_decision(ctx, world.supervisor, case.id, decision="Proceed.", rationale="Risk is high.")
        assert item.id and assessment.id and episode and decision
    finally:
        ctx.close()
    assert main(["--db", db_url, "verify"]) == 0
