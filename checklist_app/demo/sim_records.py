"""A simulated case's records beside its steps: missing episodes, risk assessments, intelligence and
decisions. Each stage draws from the case's generator in turn (see CaseSimulator.STAGES)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from checklist_app.core.deadlines import due_at
from checklist_app.core.intelligence import ItemTimes, stage_events
from checklist_app.core.procedure.risk_model import ScoringMethod
from checklist_app.core.risk import Recency, review_interval, score
from checklist_app.core.wording import PRIORITIES
from checklist_app.demo.sim_model import H, SimCase, between, chance
from checklist_app.demo.sim_texts import DECISIONS, INTEL_TEXTS

if TYPE_CHECKING:
    from checklist_app.demo.simulation import CaseSimulator


def add_missing(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    if not chance(rng, 0.35):
        return
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        reported = between(rng, case.opened_at, case.stop - H)
        if reported >= case.stop:
            continue
        found = reported + timedelta(hours=rng.uniform(2, 72))
        episode: dict[str, object] = {
            "reported_at": reported.replace(microsecond=0),
            "risk_grade": rng.choice(("low", "medium", "medium", "high")),
            "found_at": None,
            "safe_well_at": None,
            "rhi_offered_at": None,
            "rhi_held_at": None,
            "rhi_declined": False,
            "findings": "",
        }
        if found < case.stop:
            episode["found_at"] = found.replace(microsecond=0)
            simulator.add_event(case, "child_returned", found.replace(microsecond=0))
            check = found + timedelta(hours=rng.uniform(1, 30))
            if check < case.stop:
                episode["safe_well_at"] = check.replace(microsecond=0)
            offer = found + timedelta(hours=rng.uniform(4, 90))
            if offer < case.stop:
                episode["rhi_offered_at"] = offer.replace(microsecond=0)
                if chance(rng, 0.25):
                    episode["rhi_declined"] = True
                else:
                    held = offer + timedelta(hours=rng.uniform(12, 96))
                    if held < case.stop:
                        episode["rhi_held_at"] = held.replace(microsecond=0)
                        episode["findings"] = "Child was with older peers at address A-3; travelled by taxi."
        simulator.add_event(case, "child_reported_missing", reported.replace(microsecond=0))
        case.missing.append(episode)
    case.missing.sort(key=lambda e: e["reported_at"])  # type: ignore[arg-type,return-value]


# Drawn from as the enum members were (current twice as likely), as their stored values.
_RECENCIES = (Recency.CURRENT.value, Recency.CURRENT.value, Recency.PAST.value, Recency.BOTH.value)


def add_risk(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    tool = simulator.procedure.risk_tool
    when = case.opened_at + timedelta(days=rng.uniform(1, 8))
    profile = rng.uniform(0.08, 0.55)
    while when < case.stop:
        answers: dict[str, object] = {}
        evidence: dict[str, str] = {}
        source = f"Social care chronology, {when:%d/%m/%Y}"  # one text for every indicator of this assessment
        for section in tool.sections:
            counted = section.scoring is ScoringMethod.COUNT
            for indicator in section.indicators:
                if not chance(rng, profile):
                    continue
                answers[indicator.id] = "yes" if counted else rng.choice(_RECENCIES)
                evidence[indicator.id] = source
        triggers = ["disclosure"] if chance(rng, 0.05) and tool.triggers else []
        result = score(tool, answers, triggers[:1] if triggers and triggers[0] in {t.id for t in tool.triggers} else [])
        final = result.calculated_category
        override_reason = ""
        countersigned = None
        if chance(rng, 0.1):
            final = max(1, min(4, final + rng.choice((-1, 1))))
            if final != result.calculated_category:
                override_reason = "Professional judgement: the score understates the pattern of contact."
                if chance(rng, 0.85):
                    countersigned = when + timedelta(hours=rng.uniform(2, 48))
        band = next(b for b in tool.bands if b.category == final)
        interval = review_interval(simulator.procedure, band.category, when, simulator.calendar)
        review = due_at(when, interval, simulator.calendar)
        case.risk.append(
            {
                "assessed_at": when.replace(microsecond=0),
                "answers": answers,
                "evidence": evidence,
                "triggers": list(result.triggered_by),
                "score": result.score,
                "calculated_category": result.calculated_category,
                "final_category": final,
                "override_reason": override_reason,
                "countersigned_at": countersigned.replace(microsecond=0)
                if countersigned and countersigned < case.stop
                else None,
                "next_review_at": review,
            }
        )
        simulator.add_event(case, "risk_assessed", when.replace(microsecond=0))
        when = review - timedelta(days=rng.uniform(-10, 12))
        profile = max(0.03, min(0.7, profile + rng.uniform(-0.12, 0.1)))


def add_intelligence(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    targets = simulator.procedure.settings.intelligence_targets
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))):
        received = between(rng, case.referral_at, case.stop - H).replace(microsecond=0)
        submitted = min(received + timedelta(hours=rng.uniform(0.2, 20)), case.stop).replace(microsecond=0)
        priority = rng.choices(PRIORITIES, weights=(15, 45, 40))[0]
        target = targets[priority]
        item: dict[str, object] = {
            "received_at": received,
            "submitted_at": submitted,
            "priority": priority,
            "summary": rng.choice(INTEL_TEXTS).format(n=rng.randint(1, 40)),
            "source_evaluation": rng.choice("1222223"),
            "intelligence_assessment": rng.choice("ABBCCCD"),
            "handling_code": rng.choice("PPPC"),
            "routed_at": None,
            "assessed_at": None,
            "actioned_at": None,
            "outcome": "",
            "rationale": "",
            "action_taken": "",
            "reroute_count": 0,
            "sanitised": False,
        }
        if item["handling_code"] == "C":
            item["conditions"] = "Share with children's social care only; not for onward disclosure."
        slow = rng.uniform(0.2, 1.8)
        routed = submitted + (due_at(submitted, target.route, simulator.calendar) - submitted) * slow
        if routed < case.stop:
            item["routed_at"] = routed.replace(microsecond=0)
            item["reroute_count"] = 1 if chance(rng, 0.12) else 0
            assessed = submitted + (due_at(submitted, target.assess, simulator.calendar) - submitted) * rng.uniform(
                0.3, 1.7
            )
            if assessed < case.stop and assessed > routed:
                item["assessed_at"] = assessed.replace(microsecond=0)
                item["outcome"] = rng.choice(("develop", "disseminate", "disseminate", "task", "file"))
                item["rationale"] = "Corroborates earlier reports; links to location and vehicle on other cases."
                item["sanitised"] = True
                actioned = assessed + timedelta(hours=rng.uniform(2, 200))
                if actioned < case.stop and chance(rng, 0.85):
                    item["actioned_at"] = actioned.replace(microsecond=0)
                    item["action_taken"] = "Vehicle and location flagged; patrols briefed."
        case.intel.append(item)
    case.intel.sort(key=lambda i: i["submitted_at"])  # type: ignore[arg-type,return-value]
    # The intelligence steps of procedure 1.2 on count from the items' submissions (ignored by older versions).
    times = [
        ItemTimes(i["submitted_at"], i["routed_at"], i["assessed_at"], i["actioned_at"])  # type: ignore[arg-type]
        for i in case.intel
    ]
    for event_id, occurrences in stage_events(times).items():
        for when in occurrences:
            simulator.add_event(case, event_id, when)


def add_decisions(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    count = min(6, 1 + int((case.stop - case.opened_at).days / 60))
    for _ in range(count):
        category, decision, rationale = rng.choice(DECISIONS)
        when = between(rng, case.opened_at, case.stop).replace(microsecond=0)
        case.decisions.append(
            {
                "decided_at": when,
                "category": category,
                "decision": decision,
                "rationale": rationale,
                "by_supervisor": chance(rng, 0.4),
            }
        )
    case.decisions.sort(key=lambda d: d["decided_at"])  # type: ignore[arg-type,return-value]
