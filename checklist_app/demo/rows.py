"""Turning one simulated case into the rows the database will hold, with their state hashes.

This part needs no database, so it runs in worker processes when a large demo is generated: the
simulation, the case's schedule summary, the state hash of every row, its values converted for the
driver and its audit entry's canonical text (`store.bulk.ready_row`) are made there, and the main process
only numbers the rows, chains the audit entries and writes. Values that depend on rows written earlier
(the case reference, intelligence references) are filled in by the main process, which also hashes those
two kinds of row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from checklist_app.core import intelligence as intel
from checklist_app.core.agreement import schedule_counting_awaiting
from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.procedure.loader import load_procedure_text
from checklist_app.core.schedule import CaseSituation, StepRecordState, StepStatus
from checklist_app.demo.agreements import awaiting_in_demo
from checklist_app.demo.simulation import CaseSimulator, SimCase
from checklist_app.services.case_summary import summary_values
from checklist_app.store.audit import Who
from checklist_app.store.bulk import ReadyRow, ready_row
from checklist_app.store.models import (
    Audited,
    Case,
    CaseEvent,
    Decision,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
)


@dataclass(frozen=True)
class CasePlan:
    """Everything a worker needs to build one case: decided in the main process, so the data depends only
    on the seed, never on how the work was split between processes."""

    case_id: int
    seed: int
    district: str
    district_id: int
    people: dict[str, int]


@dataclass(frozen=True)
class DemoVersions:
    """The procedure versions demo cases open on, as (version id, source text): cases opened before
    `cutover` are on `older` and stay there, as real cases do until a supervisor moves them; later ones
    open on `newest`."""

    newest: tuple[int, str]
    older: tuple[int, str] | None = None
    cutover: datetime | None = None

    def for_opening(self, opened: datetime) -> tuple[int, str]:
        if self.older is not None and self.cutover is not None and opened < self.cutover:
            return self.older
        return self.newest


@dataclass(frozen=True)
class DemoWriting:
    """What a worker needs to make rows ready for the writer: user names for the audit entries, and
    whether the database is SQLite (values converted to its stored text) or not (Python values)."""

    usernames: dict[int, str]
    sqlite: bool


def demo_who(usernames: dict[int, str], user_id: int | None) -> Who:
    return Who(user_id, usernames.get(user_id or 0, "system"), "demo")


@dataclass
class PreparedRow:
    """A row the main process completes (its reference) before hashing and chaining it."""

    model: type[Audited]
    values: dict[str, Any]
    actor: int | None
    at: datetime
    action: str


@dataclass
class PreparedCase:
    plan: CasePlan
    case: PreparedRow
    rows: list[ReadyRow | PreparedRow] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    closed: bool = False
    counts: dict[str, int] = field(default_factory=dict)


@cache
def _simulator(sop_text: str, as_of: datetime) -> CaseSimulator:
    return CaseSimulator(load_procedure_text(sop_text, "demo"), WorkingCalendar.default(), as_of)


class _Add(Protocol):
    def __call__(
        self, model: type[Audited], values: dict[str, Any], actor: int | None, at: datetime, action: str
    ) -> None: ...


def prepare_case(plan: CasePlan, versions: DemoVersions, as_of: datetime, writing: DemoWriting) -> PreparedCase:
    _, _, opened = _simulator(versions.newest[1], as_of).opening(random.Random(plan.seed))
    version_id, sop_text = versions.for_opening(opened)
    sim_ = _simulator(sop_text, as_of)
    sim = sim_.simulate(random.Random(plan.seed), plan.people, plan.district)
    prepared = PreparedCase(plan, _case_row(plan, sim, version_id), closed=sim.closed)
    usernames, sqlite, case_id = writing.usernames, writing.sqlite, plan.case_id

    whos: dict[int | None, Who] = {}

    def add(model: type[Audited], values: dict[str, Any], actor: int | None, at: datetime, action: str) -> None:
        who = whos.get(actor)
        if who is None:
            who = whos[actor] = demo_who(usernames, actor)
        prepared.rows.append(ready_row(model, values, who=who, at=at, action=action, case_id=case_id, sqlite=sqlite))

    for event_id, when in sim.manual_events:
        add(
            CaseEvent,
            _event(plan.case_id, event_id, when, sim.officer_id, "manual", ""),
            sim.officer_id,
            when,
            "event.record",
        )
    _steps(sim_, sim, plan.case_id, add)
    _records(sim_, sim, plan, add)
    prepared.rows.extend(_intelligence_row(sim, plan, item) for item in sim.intel)
    prepared.summary = _summary(sim_, sim, plan.case_id)
    prepared.counts = {
        "step_records": len(sim.steps),
        "intelligence": len(sim.intel),
        "risk_assessments": len(sim.risk),
        "missing_episodes": len(sim.missing),
    }
    return prepared


def prepare_many(
    plans: list[CasePlan], versions: DemoVersions, as_of: datetime, writing: DemoWriting
) -> list[PreparedCase]:
    return [prepare_case(plan, versions, as_of, writing) for plan in plans]


def _event(case_id: int, event_id: str, when: datetime, actor: int | None, source: str, note: str) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "event_type": event_id,
        "occurred_at": when,
        "recorded_at": when,
        "recorded_by": actor,
        "source": source,
        "note": note,
    }


def _case_row(plan: CasePlan, sim: SimCase, version_id: int) -> PreparedRow:
    values = {
        "reference": "",  # numbered per district and year by the main process
        "district_id": plan.district_id,
        "team_id": sim.team_id,
        "procedure_version_id": version_id,
        "referral_at": sim.referral_at,
        "referral_source": sim.source,
        "subject_ref": f"SC-{sim.district}-{100000 + plan.case_id:06d}",
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
    }
    at = sim.closed_at or sim.opened_at
    return PreparedRow(Case, values, sim.officer_id, at, "case.close" if sim.closed else "case.open")


_STEP_ACTIONS = {s.value: f"step.{s.value}" for s in StepStatus}  # one string each, pickled once per batch


def _steps(sim_: CaseSimulator, sim: SimCase, case_id: int, add: _Add) -> None:
    for step in sim.steps:
        updated = step.completed_at or step.started_at
        status = step.status.value
        values = {
            "case_id": case_id,
            "step_id": step.step_id,
            "status": status,
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
        }
        add(StepRecord, values, step.actor, updated, _STEP_ACTIONS[status])
        if step.status is StepStatus.DONE and step.completed_at is not None:
            definition = sim_.procedure.step(step.step_id)
            for event_id in definition.emits:
                event = _event(
                    case_id, event_id, step.completed_at, step.actor, "step", f"Step {definition.number} completed"
                )
                add(CaseEvent, event, step.actor, step.completed_at, "event.record")


def _records(sim_: CaseSimulator, sim: SimCase, plan: CasePlan, add: _Add) -> None:
    case_id = plan.case_id
    for d in sim.decisions:
        author = sim.supervisor_id if d["by_supervisor"] else sim.officer_id
        values = {
            "case_id": case_id,
            "decided_at": d["decided_at"],
            "recorded_at": d["decided_at"],
            "author_id": author,
            "category": d["category"],
            "decision": d["decision"],
            "rationale": d["rationale"],
        }
        add(Decision, values, author, d["decided_at"], "decision.add")
    for m in sim.missing:
        updated = max(
            t
            for t in (m["reported_at"], m["found_at"], m["safe_well_at"], m["rhi_offered_at"], m["rhi_held_at"])
            if t is not None
        )  # type: ignore[type-var]
        values = {
            "case_id": case_id,
            **m,
            "safe_well_by": sim.officer_id if m["safe_well_at"] else None,
            "recorded_by": sim.officer_id,
            "updated_at": updated,
        }
        add(MissingEpisode, values, sim.officer_id, updated, "missing.record")  # type: ignore[arg-type]
    tool = sim_.procedure.risk_tool
    for r in sim.risk:
        countersigned = r["countersigned_at"]
        values = {
            "case_id": case_id,
            "tool_id": tool.id,
            "tool_version": tool.version,
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
        }
        add(
            RiskAssessment,
            values,
            sim.officer_id,
            countersigned or r["assessed_at"],  # type: ignore[arg-type]
            "risk.assess",
        )


def _intelligence_row(sim: SimCase, plan: CasePlan, item: dict[str, Any]) -> PreparedRow:
    last = max(
        t for t in (item["submitted_at"], item["routed_at"], item["assessed_at"], item["actioned_at"]) if t is not None
    )
    values = {
        "reference": "",  # numbered by the main process
        "case_id": plan.case_id,
        "district_id": plan.district_id,
        "received_at": item["received_at"],
        "submitted_at": item["submitted_at"],
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
    }
    return PreparedRow(IntelligenceItem, values, sim.officer_id, last, "intel.submit")


def _summary(sim_: CaseSimulator, sim: SimCase, case_id: int) -> dict[str, Any]:
    procedure = sim_.procedure
    facts = {**sim.facts, **sim_.derived(sim)}
    records = {
        s.step_id: StepRecordState(s.step_id, s.status, s.completed_at, s.reason, s.completions) for s in sim.steps
    }
    events = {k: tuple(v) for k, v in sim.events.items()}
    if sim.closed_at is not None:
        events["case_closed"] = (sim.closed_at,)
    situation = CaseSituation(facts, events, records, sim.closed_at)
    # The mandatory steps marked not applicable that the demo leaves awaiting agreement count as open.
    awaiting = awaiting_in_demo(procedure, case_id, sim.closed, ((s.step_id, s.status) for s in sim.steps))
    schedule = schedule_counting_awaiting(procedure, situation, sim_.as_of, sim_.calendar, awaiting)
    category = facts.get("risk_category") or None
    values = summary_values(procedure, schedule, category, sim_.as_of, closed=sim.closed)  # type: ignore[arg-type]
    last = max([sim.opened_at, *(s.completed_at or s.started_at for s in sim.steps)])
    return {**values, "complex_case": bool(sim.facts.get("complex")), "last_activity_at": min(last, sim_.as_of)}
