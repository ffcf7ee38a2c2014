"""`checklist-app demo`: a synthetic force with cases at every stage.

Cases are simulated in memory (`demo_cases`) and written in batches through the bulk writer, with the
same audit entries the services would write, so `verify` holds on demo data exactly as on real data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from checklist_app.core import intelligence as intel
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.schedule import CaseSituation, StepRecordState, StepStatus, compute_schedule
from checklist_app.services import procedures
from checklist_app.services.case_state import summary_values
from checklist_app.services.context import ServiceContext
from checklist_app.services.demo_cases import CaseSimulator, SimCase
from checklist_app.services.demo_people import DISTRICT_WEIGHTS, Staff, ensure_staff
from checklist_app.services.errors import Conflict
from checklist_app.store.audit import Who
from checklist_app.store.bulk import BulkWriter
from checklist_app.store.models import (
    Case,
    CaseEvent,
    Decision,
    District,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
)

BATCH = 400


@dataclass
class DemoReport:
    cases: int = 0
    closed: int = 0
    step_records: int = 0
    intelligence: int = 0
    risk_assessments: int = 0
    missing_episodes: int = 0
    seconds: float = 0.0
    as_of: datetime | None = None

    def describe(self) -> str:
        return (
            f"demo data: {self.cases} cases ({self.closed} closed), {self.step_records} step records, "
            f"{self.intelligence} intelligence items, {self.risk_assessments} risk assessments, "
            f"{self.missing_episodes} missing episodes; as of {self.as_of:%Y-%m-%d %H:%M} UTC; "
            f"{self.seconds:.1f} s"
        )


def default_as_of(now: datetime) -> datetime:
    """Start of the current UTC day: the same seed on the same day gives the same force."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    ctx: ServiceContext,
    actor: Actor,
    *,
    cases: int,
    seed: int,
    as_of: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    require(actor, Action.USER_MANAGE)
    started = time.monotonic()
    say = progress or (lambda _m: None)
    with ctx.db.read() as session:
        existing = session.scalar(select(func.count()).select_from(Case)) or 0
    if existing:
        raise Conflict(f"The database already holds {existing} cases; demo data goes into a database without cases.")
    staff = ensure_staff(ctx, actor)
    version = procedures.latest_version(ctx, "cse-sop")
    with ctx.db.read() as session:
        procedure = ctx.procedure(session, version.id)
        districts = {d.code: d.id for d in session.scalars(select(District))}
    as_of = as_of or default_as_of(ctx.now())
    simulator = CaseSimulator(procedure, ctx.calendar, as_of)
    rng = random.Random(seed)
    report = DemoReport(as_of=as_of)
    codes, weights = zip(*DISTRICT_WEIGHTS.items(), strict=True)
    references: dict[tuple[str, int], int] = {}
    done = 0
    while done < cases:
        batch = min(BATCH, cases - done)
        sims = []
        for _ in range(batch):
            code = rng.choices(codes, weights=weights)[0]
            sims.append((code, simulator.simulate(rng, _people(rng, staff, code), code)))
        with ctx.db.engine.begin() as conn:
            writer = BulkWriter(conn)
            for code, sim in sims:
                _write_case(writer, simulator, staff, districts[code], version.id, sim, references, report)
            writer.flush()
        done += batch
        say(f"demo: {done}/{cases} cases written")
    report.seconds = time.monotonic() - started
    return report


def _people(rng: random.Random, staff: Staff, code: str) -> dict[str, int]:
    team = rng.choice(staff.teams[code])
    supervisors = staff.supervisors[team]
    return {
        "team": team,
        "officer": rng.choice(staff.investigators[team]),
        "supervisor": supervisors[0],
        "supervisor2": supervisors[-1],
        "intel": rng.choice(staff.intel[code]),
    }


def _who(staff: Staff, user_id: int | None) -> Who:
    return Who(user_id, staff.usernames.get(user_id or 0, "system"), "demo")


def _reference(references: dict[tuple[str, int], int], code: str, when: datetime) -> str:
    key = (code, when.year)
    references[key] = references.get(key, 0) + 1
    return f"CSE-{code}-{when.year}-{references[key]:05d}"


def _write_case(
    writer: BulkWriter,
    sim_: CaseSimulator,
    staff: Staff,
    district_id: int,
    version_id: int,
    sim: SimCase,
    references: dict[tuple[str, int], int],
    report: DemoReport,
) -> None:
    officer = _who(staff, sim.officer_id)
    case_id = writer.add(
        Case,
        {
            "reference": _reference(references, sim.district, sim.opened_at),
            "district_id": district_id,
            "team_id": sim.team_id,
            "procedure_version_id": version_id,
            "referral_at": sim.referral_at,
            "referral_source": sim.source,
            "subject_ref": f"SC-{sim.district}-{100000 + writer.next_id('cases'):06d}",
            "date_of_birth": None,
            "age_band": sim.age_band,
            "circumstances": sim.circumstances,
            "facts": sim.facts,
            "priority": sim.priority,
            "officer_id": sim.officer_id,
            "supervisor_id": sim.supervisor_id,
            "status": "closed" if sim.closed else "open",
            "opened_at": sim.opened_at,
            "opened_by": sim.officer_id,
            "closed_at": sim.closed_at,
            "closure_reason": "Investigation concluded; safeguarding continues with partners." if sim.closed else "",
        },
        who=officer,
        at=sim.closed_at or sim.opened_at,
        action="case.close" if sim.closed else "case.open",
    )
    for event_id, when in sim.manual_events:
        writer.add(
            CaseEvent,
            {
                "case_id": case_id,
                "event_type": event_id,
                "occurred_at": when,
                "recorded_at": when,
                "recorded_by": sim.officer_id,
                "source": "manual",
                "note": "",
            },
            who=officer,
            at=when,
            action="event.record",
            case_id=case_id,
        )
    _write_steps(writer, sim_, staff, sim, case_id, report)
    tool = sim_.procedure.risk_tool
    _write_records(writer, staff, sim, case_id, district_id, report, (tool.id, tool.version))
    _write_summary(writer, sim_, sim, case_id)
    report.cases += 1
    report.closed += int(sim.closed)


def _write_steps(
    writer: BulkWriter, sim_: CaseSimulator, staff: Staff, sim: SimCase, case_id: int, report: DemoReport
) -> None:
    for step in sim.steps:
        who = _who(staff, step.actor)
        updated = step.completed_at or step.started_at
        writer.add(
            StepRecord,
            {
                "case_id": case_id,
                "step_id": step.step_id,
                "status": step.status.value,
                "reason": step.reason,
                "evidence": step.evidence,
                "started_at": step.started_at,
                "completed_at": step.completed_at,
                "completed_by": step.completed_by,
                "due_at": step.due_at,
                "completions": step.completions,
                "updated_at": updated,
                "updated_by": step.actor,
                "retired": False,
            },
            who=who,
            at=updated,
            action=f"step.{step.status.value}",
            case_id=case_id,
        )
        report.step_records += 1
        if step.status is StepStatus.DONE:
            for event_id in sim_.procedure.step(step.step_id).emits:
                when = step.completed_at
                writer.add(
                    CaseEvent,
                    {
                        "case_id": case_id,
                        "event_type": event_id,
                        "occurred_at": when,
                        "recorded_at": when,
                        "recorded_by": step.actor,
                        "source": "step",
                        "note": f"Step {sim_.procedure.step(step.step_id).number} completed",
                    },
                    who=who,
                    at=when,
                    action="event.record",
                    case_id=case_id,
                )  # type: ignore[arg-type]


def _write_records(
    writer: BulkWriter,
    staff: Staff,
    sim: SimCase,
    case_id: int,
    district_id: int,
    report: DemoReport,
    tool: tuple[str, str],
) -> None:
    officer = _who(staff, sim.officer_id)
    for d in sim.decisions:
        author = sim.supervisor_id if d["by_supervisor"] else sim.officer_id
        writer.add(
            Decision,
            {
                "case_id": case_id,
                "decided_at": d["decided_at"],
                "recorded_at": d["decided_at"],
                "author_id": author,
                "category": d["category"],
                "decision": d["decision"],
                "rationale": d["rationale"],
            },
            who=_who(staff, author),
            at=d["decided_at"],
            action="decision.add",
            case_id=case_id,
        )  # type: ignore[arg-type]
    for m in sim.missing:
        updated = max(
            t
            for t in (m["reported_at"], m["found_at"], m["safe_well_at"], m["rhi_offered_at"], m["rhi_held_at"])
            if t is not None
        )  # type: ignore[type-var]
        writer.add(
            MissingEpisode,
            {
                "case_id": case_id,
                **m,
                "safe_well_by": sim.officer_id if m["safe_well_at"] else None,
                "recorded_by": sim.officer_id,
                "updated_at": updated,
            },
            who=officer,
            at=updated,
            action="missing.record",
            case_id=case_id,
        )  # type: ignore[arg-type]
        report.missing_episodes += 1
    for r in sim.risk:
        countersigned = r["countersigned_at"]
        writer.add(
            RiskAssessment,
            {
                "case_id": case_id,
                "tool_id": tool[0],
                "tool_version": tool[1],
                "assessed_at": r["assessed_at"],
                "assessor_id": sim.officer_id,
                "answers": r["answers"],
                "evidence": r["evidence"],
                "triggers": r["triggers"],
                "score": r["score"],
                "calculated_category": r["calculated_category"],
                "final_category": r["final_category"],
                "override_reason": r["override_reason"],
                "countersigned_by": sim.supervisor_id if countersigned else None,
                "countersigned_at": countersigned,
                "next_review_at": r["next_review_at"],
                "notes": "",
            },
            who=officer,
            at=countersigned or r["assessed_at"],
            action="risk.assess",
            case_id=case_id,
        )  # type: ignore[arg-type]
        report.risk_assessments += 1
    for item in sim.intel:
        _write_intel(writer, staff, sim, case_id, district_id, item)
        report.intelligence += 1


def _write_intel(
    writer: BulkWriter, staff: Staff, sim: SimCase, case_id: int, district_id: int, item: dict[str, object]
) -> None:
    last = max(
        t for t in (item["submitted_at"], item["routed_at"], item["assessed_at"], item["actioned_at"]) if t is not None
    )  # type: ignore[type-var]
    number = writer.next_id("intelligence_items")
    submitted: datetime = item["submitted_at"]  # type: ignore[assignment]
    writer.add(
        IntelligenceItem,
        {
            "reference": f"INT-{submitted.year}-{number:06d}",
            "case_id": case_id,
            "district_id": district_id,
            "received_at": item["received_at"],
            "submitted_at": submitted,
            "submitted_by": sim.officer_id,
            "summary": item["summary"],
            "scheme": intel.Scheme.CURRENT.value,
            "source_evaluation": item["source_evaluation"],
            "intelligence_assessment": item["intelligence_assessment"],
            "handling_code": item["handling_code"],
            "handling_conditions": item.get("conditions", ""),
            "protective_marking": "OFFICIAL-SENSITIVE",
            "priority": item["priority"],
            "sanitised": item["sanitised"],
            "routed_to": sim.intel_id if item["routed_at"] else None,
            "routed_at": item["routed_at"],
            "reroute_count": item["reroute_count"],
            "assessed_at": item["assessed_at"],
            "assessed_by": sim.intel_id if item["assessed_at"] else None,
            "assessment_outcome": item["outcome"],
            "assessment_rationale": item["rationale"],
            "actioned_at": item["actioned_at"],
            "actioned_by": sim.officer_id if item["actioned_at"] else None,
            "action_taken": item["action_taken"],
            "regrade_reason": "",
        },
        who=_who(staff, sim.officer_id),
        at=last,
        action="intel.submit",
        case_id=case_id,
    )  # type: ignore[arg-type]


def _write_summary(writer: BulkWriter, sim_: CaseSimulator, sim: SimCase, case_id: int) -> None:
    procedure = sim_.procedure
    facts = {**sim.facts, **sim_.derived(sim)}
    records = {
        s.step_id: StepRecordState(s.step_id, s.status, s.completed_at, s.reason, s.completions) for s in sim.steps
    }
    events = {k: tuple(v) for k, v in sim.events.items()}
    if sim.closed_at is not None:
        events["case_closed"] = (sim.closed_at,)
    schedule = compute_schedule(
        procedure, CaseSituation(facts, events, records, sim.closed_at), sim_.as_of, sim_.calendar
    )
    category = facts.get("risk_category") or None
    values = summary_values(procedure, schedule, category, sim_.as_of, closed=sim.closed)  # type: ignore[arg-type]
    last = max([sim.opened_at, *(s.completed_at or s.started_at for s in sim.steps)])
    writer.summary(
        {
            **values,
            "case_id": case_id,
            "complex_case": bool(sim.facts.get("complex")),
            "last_activity_at": min(last, sim_.as_of),
        }
    )
