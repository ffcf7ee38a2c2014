"""One rule for a risk review date: the date stored with an assessment (shown in the history) and the
case header's next review (step 4.6's due date) follow the case's own pinned procedure version. Version
1.0's step 4.6 gives 3 months for every category although its risk tool's bands say 1 month for
Categories 3 and 4; version 1.1 makes the step follow the category."""

from __future__ import annotations

import pytest
from support import open_case
from world_support import build_world

from checklist_app import paths
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration
from checklist_app.core.risk import review_interval
from checklist_app.services import cases, procedures, risk, steps
from checklist_app.services.context import system_actor


def _sop(version: str) -> str:
    name = "cse-sop-v1.yaml" if version == "1.0" else "cse-sop-v1.1.yaml"
    return next(n for n in paths.shipped_sop_files() if n.name == name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("version", "months"), [("1.0", 3), ("1.1", 1)])
def test_category_4_review_date_is_the_same_in_the_header_and_the_record(ctx, clock, version, months):
    world = build_world(ctx, clock, _sop(version))
    case = open_case(world)
    clock.advance(hours=1)
    steps.save_progress(ctx, world.investigator, case.id, "risk.assess", {"risk_assessed_with": "Social worker"})
    recorded = risk.record_assessment(
        ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"])
    )
    assert recorded.final_category == 4
    assert recorded.next_review_at == due_at(clock.now, Duration.parse(f"{months}mo"), ctx.calendar)
    detail = cases.case_detail(ctx, world.investigator, case.id)
    assert detail.procedure_label == f"cse-sop v{version}"
    assert detail.risk_review_due == recorded.next_review_at
    assert detail.step("risk.reassess").due_at == recorded.next_review_at


def test_review_interval_follows_step_4_6_of_each_version(ctx, clock):
    build_world(ctx, clock, _sop("1.0"))
    procedures.publish(ctx, system_actor(), _sop("1.1"), "test")
    old = procedures.load_published(ctx, "cse-sop", "1.0")
    new = procedures.load_published(ctx, "cse-sop", "1.1")
    now = clock.now
    assert [review_interval(old, c, now).describe() for c in (1, 2, 3, 4)] == ["3 months"] * 4
    assert [review_interval(new, c, now).describe() for c in (1, 2, 3, 4)] == ["3 months"] * 2 + ["1 month"] * 2
    # The 1.0 risk tool's own bands say otherwise; the step's deadline is the rule the schedule enforces.
    assert old.risk_tool.bands[3].review_interval.describe() == "1 month"
