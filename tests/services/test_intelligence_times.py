"""The compliance report's intelligence time to assessment (sop-brief section 6: median and 90th percentile by
priority, % within the standard, re-routed reports), per district and pooled, in the figures, the PDF and the
CSV. On SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import intelligence_form, open_case
from world_support import add_user

from checklist_app.core.procedure.model import Role
from checklist_app.reports.generate import compliance_report, csv_tables
from checklist_app.services import intelligence, report_data
from checklist_app.services.compliance_figures import ALL_DISTRICTS


def _assess_after(world, case_id: int, hours: float, *, reroute_to: int = 0) -> None:  # type: ignore[no-untyped-def]
    item = intelligence.submit(world.ctx, world.investigator, case_id, intelligence_form(world, priority="high"))
    intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    if reroute_to:
        intelligence.route(world.ctx, world.intel, item.id, reroute_to)
    world.clock.advance(hours=hours)
    intelligence.assess(world.ctx, world.intel, item.id, outcome="file", rationale="Nothing new", sanitised=True)


def test_time_to_assessment_by_priority(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = add_user(world.ctx, "io.ivy", Role.INTELLIGENCE_OFFICER, district="SHE")
    case = open_case(world)
    for hours in (1, 3, 1.5, 5):  # high priority: the assessment target is 2 hours
        _assess_after(world, case.id, hours, reroute_to=second.user_id if hours == 5 else 0)
    intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="high"))
    today = world.clock().date()
    data = report_data.compliance(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"])
    times = data.figures.intel_times
    for key in (("Sheffield", "high"), (ALL_DISTRICTS, "high")):
        a = times[key]
        assert (a.submitted, a.assessed, a.within, a.rerouted) == (5, 4, 2, 1)
        assert a.median_hours == pytest.approx(2.25)
        assert a.p90_hours == pytest.approx(5.0)  # nearest rank: the 4th of 4
        assert a.percent_within == pytest.approx(50.0)
    assert ("Sheffield", "low") not in times

    rows = csv_tables(data.figures)["intelligence_assessment_times.csv"]
    assert rows[0][:3] == ["district", "priority", "submitted"]
    assert ["Sheffield", "high", 5, 4, "2.25", "5.00", 2, 1] in rows
    assert rows[-1][0] == "all districts"

    out = tmp_path / "compliance.pdf"
    compliance_report(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"], out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Intelligence time to assessment, by priority" in text
    assert "50.0% (2 of 4)" in text and "2 h 15 min" in text
