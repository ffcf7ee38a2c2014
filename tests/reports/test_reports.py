"""Both reports on a known synthetic dataset: every figure checked against values computed here
independently (row by row in Python, with the core deadline rules), every page stamped, files valid."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from checklist_app.core import intelligence as intel
from checklist_app.core.procedure.model import Requirement
from checklist_app.core.signatures import Meaning
from checklist_app.demo.generator import generate
from checklist_app.reports.generate import casework_report, compliance_report
from checklist_app.reports.layout import CancelToken, ReportCancelled
from checklist_app.services import signatures
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import InvalidInput, NotFound
from checklist_app.services.procedures import find_version
from checklist_app.store.models import (
    AuditEntry,
    Case,
    CaseSummary,
    District,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
)

START, END = date(2026, 1, 1), date(2026, 11, 30)
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def demo(initialised: ServiceContext) -> ServiceContext:
    generate(initialised, system_actor(), cases=40, seed=7, as_of=AS_OF, workers=0)
    return initialised


def text_of(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def check_pages(path: Path, result) -> None:  # type: ignore[no-untyped-def]
    pages = text_of(path)
    assert len(pages) == result.pages
    for number, text in enumerate(pages, 1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, number
        assert f"Page {number} of {len(pages)}" in text
        assert result.report_id in text
        assert f"Audit chain head: {result.chain_head}" in text
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def pct(within: int, due: int) -> str:
    return f"{100.0 * within / due:.1f}% ({within} of {due})" if due else "n/a (none due)"


def expected(ctx: ServiceContext, now: datetime) -> dict[str, dict[str, str]]:
    """The summary page's figures per district, computed row by row."""
    start = datetime(START.year, START.month, START.day, tzinfo=UTC)
    end = datetime(END.year, END.month, END.day, tzinfo=UTC) + timedelta(days=1)
    out: dict[str, dict[str, str]] = {}
    with ctx.db.read() as s:
        procedure = ctx.procedure(s, find_version(s, "cse-sop").id)
        names = {i: n for i, n in s.execute(select(District.id, District.name))}
        cases = {c.id: c for c in s.scalars(select(Case))}
        steps = Counter()
        for r in s.scalars(select(StepRecord).where(StepRecord.retired.is_(False))):
            d = names[cases[r.case_id].district_id]
            if r.status == "done" and r.completed_at and start <= r.completed_at < end and r.due_at:
                steps[(d, "on" if r.completed_at <= r.due_at else "late")] += 1
            if r.status == "not_applicable" and start <= r.updated_at < end:
                # A mandatory step counts as "not applicable" once a supervisor's agreement holds (by hash).
                version = ctx.procedure(s, cases[r.case_id].procedure_version_id)
                if version.step(r.step_id).requirement is Requirement.MANDATORY:
                    signed = signatures.signatures_on(s, "step_records", [r.id]).get(r.id, [])
                    if signatures.latest_valid(signed, Meaning.AGREED_NOT_APPLICABLE) is None:
                        steps[(d, "na_awaiting")] += 1
                        continue
                steps[(d, "na")] += 1
        timed = Counter()
        for i in s.scalars(select(IntelligenceItem)):
            if not start <= i.submitted_at < end:
                continue
            due = intel.targets(i.submitted_at, procedure.settings.intelligence_targets[i.priority], ctx.calendar)
            for stage, done in (("route", i.routed_at), ("assess", i.assessed_at), ("action", i.actioned_at)):
                state = intel.timeliness(due[stage], done, now).value
                timed[(names[i.district_id], stage, state)] += 1
        by_case: dict[int, list[RiskAssessment]] = {}
        for a in s.scalars(select(RiskAssessment).order_by(RiskAssessment.assessed_at, RiskAssessment.id)):
            by_case.setdefault(a.case_id, []).append(a)
        for case_id, chain in by_case.items():
            case = cases[case_id]
            for a, b in zip(chain, [*chain[1:], None], strict=True):
                if not start <= a.next_review_at < end:
                    continue
                if b is None and case.closed_at is not None and case.closed_at <= a.next_review_at:
                    continue
                nxt = b.assessed_at if b else None
                timed[(names[case.district_id], "risk", intel.timeliness(a.next_review_at, nxt, now).value)] += 1
        for m in s.scalars(select(MissingEpisode)):
            if m.found_at is None or not start <= m.found_at < end:
                continue
            d = names[cases[m.case_id].district_id]
            rhi = intel.timeliness(m.found_at + timedelta(hours=72), m.rhi_offered_at, now).value
            sw = intel.timeliness(m.found_at + timedelta(hours=24), m.safe_well_at, now).value
            timed[(d, "rhi", rhi)] += 1
            timed[(d, "sw", sw)] += 1
        overdue = Counter()
        for summary in s.scalars(select(CaseSummary)):
            case = cases[summary.case_id]
            if case.status != "open":
                continue
            d = names[case.district_id]
            overdue[(d, "open")] += 1
            late = sum(1 for t in summary.open_due if t < now.timestamp())
            overdue[(d, "steps")] += late
            overdue[(d, "cases")] += 1 if late else 0
    for d in names.values():
        on, late = steps[(d, "on")], steps[(d, "late")]

        def of(key: str, d: str = d) -> str:
            w = timed[(d, key, "within target")]
            return pct(w, w + timed[(d, key, "late")] + timed[(d, key, "overdue")])

        out[d] = {
            "steps": pct(on, on + late),
            "na": str(steps[(d, "na")]),
            "na_awaiting": str(steps[(d, "na_awaiting")]),
            "overdue_cases": f"{overdue[(d, 'cases')]} of {overdue[(d, 'open')]}",
            "route": of("route"),
            "assess": of("assess"),
            "action": of("action"),
            "risk": of("risk"),
            "rhi": of("rhi"),
            "sw": of("sw"),
        }
    return out


def test_compliance_report_figures(demo: ServiceContext, tmp_path: Path) -> None:
    out = tmp_path / "compliance.pdf"
    result = compliance_report(demo, system_actor(), START, END, [], out, csv_dir=tmp_path)
    now = demo.now()
    check_pages(out, result)
    summary = text_of(out)[0]
    figures = expected(demo, now)
    labels = {
        "steps": "Checklist steps done on time",
        "route": "Intelligence routed within target",
        "assess": "Intelligence assessed within target",
        "action": "Intelligence actioned within target",
        "risk": "Risk reviews in date",
        "rhi": "Return home interviews offered within 72 hours",
        "sw": "Safe and well checks within 24 hours",
        "na": "Steps marked not applicable (with a reason; mandatory ones agreed by a supervisor)",
        "na_awaiting": "Mandatory steps marked not applicable, awaiting a supervisor's agreement",
        "overdue_cases": "Open cases with an overdue step, now",
    }
    districts = ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    for key, label in labels.items():
        # The summary row reads: label, then one cell per district in the order printed.
        row = summary[summary.index(label) + len(label) :]
        cells = " ".join(figures[d][key] for d in districts)
        assert row.startswith(" " + cells), (key, row[:200], cells)
    # The CSV tables hold the same counts as the independent computation.
    with (tmp_path / "steps.csv").open() as f:
        rows = list(csv.DictReader(f))
    for d in districts:
        on = sum(int(r["on_time"]) for r in rows if r["district"] == d)
        late = sum(int(r["late"]) for r in rows if r["district"] == d)
        assert pct(on, on + late) == figures[d]["steps"]
    with demo.db.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.operation, entry.action) == ("disclosure", "report.compliance")
    assert result.report_id in entry.details and result.chain_head in entry.details


def test_casework_report(demo: ServiceContext, tmp_path: Path) -> None:
    with demo.db.read() as s:
        case = s.scalars(select(Case).where(Case.status == "closed").order_by(Case.id).limit(1)).one()
        reference, subject = case.reference, case.subject_ref
        records = list(s.scalars(select(StepRecord).where(StepRecord.case_id == case.id)))
        intel_refs = list(s.scalars(select(IntelligenceItem.reference).where(IntelligenceItem.case_id == case.id)))
    out = tmp_path / "case.pdf"
    result = casework_report(demo, system_actor(), reference, out)
    check_pages(out, result)
    text = " ".join(text_of(out))
    assert reference in text and subject in text
    squeezed = text.replace(" ", "")  # a narrow column may wrap a reference after its hyphen
    for ref in intel_refs:
        assert ref in squeezed
    done = sum(1 for r in records if r.status == "done" and not r.retired)
    assert len(re.findall(r"\b\d+\.\d+ [^|]*? Done\b", text)) >= 1
    assert text.count(" Done ") >= done
    # Date-and-time evidence reads as the rest of the report (London time), not as stored (ISO 8601, UTC).
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)
    assert re.search(r"Date and time [^:|]*: \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d", text)
    with pytest.raises(InvalidInput, match="already exists"):
        casework_report(demo, system_actor(), reference, out)
    with pytest.raises(NotFound):
        casework_report(demo, system_actor(), "CSE-NOPE-1", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_cancelled_report_leaves_no_file(demo: ServiceContext, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    token = CancelToken()
    token.cancel()
    with pytest.raises(ReportCancelled):
        compliance_report(demo, system_actor(), START, END, [], tmp_path / "c.pdf", cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_bad_periods_and_districts(demo: ServiceContext, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(InvalidInput, match="before it starts"):
        compliance_report(demo, system_actor(), END, START, [], tmp_path / "c.pdf")
    with pytest.raises(InvalidInput, match="Unknown district 'Leeds'"):
        compliance_report(demo, system_actor(), START, END, ["Leeds"], tmp_path / "c.pdf")
    assert list(tmp_path.iterdir()) == []
