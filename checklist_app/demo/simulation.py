"""Simulating one synthetic case's history through the procedure.

The simulation walks the steps in procedure order with the same deadline rules the application uses,
completing most steps on time, some late, leaving the newest work open, so the demo shows every state
a real force would see: on track, due soon, overdue, not applicable with reasons, closed.
Everything is drawn from one `random.Random`, so a seed and an as-of date give the same force.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from checklist_app.core import conditions
from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.facts import AGE_BANDS, derive_facts
from checklist_app.core.procedure.model import AnchorKind, FieldType, Procedure, Requirement, Step
from checklist_app.core.procedure.risk_model import ScoringMethod
from checklist_app.core.risk import Recency, score
from checklist_app.core.schedule import StepStatus
from checklist_app.core.wording import PRIORITIES, REFERRAL_SOURCES

H = timedelta(hours=1)
D = timedelta(days=1)

CASE_FACTS = {
    "looked_after": 0.3,
    "disability": 0.12,
    "complex": 0.22,
    "major_investigation": 0.04,
    "multiple_victims": 0.15,
    "suspect_identified": 0.65,
    "police_protection_used": 0.08,
    "s47_enquiry": 0.55,
    "child_protection_plan": 0.35,
    "serious_safeguarding_case": 0.03,
    # Facts of procedure 1.1 (ignored for cases on 1.0, which does not declare them).
    "in_care_or_protection": 0.12,
    "trafficking_indicators": 0.12,
    "online_abuse": 0.35,
    "recent_abuse": 0.25,
    "parent_implicated": 0.08,
    "victim_device_relevant": 0.5,
    "suspect_devices": 0.55,
    "placed_out_of_area": 0.1,
    "child_suspect": 0.06,
    "non_recent_abuse": 0.05,
}
# Procedure 1.1's interview decision (3.4), most often an interview.
ABE_DECISIONS = {
    "Interview planned": 70,
    "Child not yet ready": 15,
    "Child declines": 10,
    "Not appropriate - reason recorded": 5,
}
# The sources demo referrals come from, in the order the seeded draws have always used (reordering them
# changes every demo database).
DEMO_REFERRAL_SOURCES = tuple(REFERRAL_SOURCES[i] for i in (0, 1, 2, 3, 4, 6, 5))
CIRCUMSTANCES = (
    "Referral from school: child seen repeatedly collected by unknown adults in vehicles after school.",
    "Social worker reports unexplained gifts, new phone and staying out late; placement concerned.",
    "Health practitioner concern following sexual health clinic attendance; age gap with partner.",
    "Parent reports messages from unknown adults on social media asking child to meet.",
    "Residential home reports repeated missing episodes; child returned by taxi from another town.",
    "Child disclosed to youth worker being taken to parties at addresses where adults supplied alcohol.",
    "Police patrol found child in vehicle with adult male in early hours; adult not known to family.",
)
DECISIONS = (
    (
        "safeguarding",
        "Child to remain at home with safety plan agreed with parent",
        "Parent protective; social care support in place; risk managed without police protection.",
    ),
    (
        "investigation",
        "Prioritise early evidence: seize phone with consent",
        "Messages are the main corroboration and may be deleted.",
    ),
    (
        "investigation",
        "Delay suspect arrest until ABE interview completed",
        "Arrest first would alert the network and put the child under pressure.",
    ),
    (
        "disruption",
        "Serve Child Abduction Warning Notice on suspect A",
        "Repeated contact with the child; parental consent withdrawn; child under 16.",
    ),
    (
        "intelligence",
        "Task local officers to visit location L-12 on Friday nights",
        "Three intelligence reports link the location to the network.",
    ),
    (
        "risk",
        "Raise risk category pending new assessment",
        "Child went missing twice this week and returned with new items.",
    ),
    ("supervision", "Allocate second investigator", "Multiple victims identified; workload over threshold."),
    (
        "charging",
        "Seek early advice from specialist prosecutor",
        "Multi-victim case; credibility challenges expected at trial.",
    ),
)
TEXT_FILL = (
    "Completed as the guidance describes; details in the case file.",
    "Done and recorded; partner agencies informed where required.",
    "Recorded with the supervisor's agreement.",
)
NA_REASONS = (
    "Not needed in this case: covered by the multi-agency plan.",
    "Not applicable: partner agency leads on this action.",
    "Not required: the child's circumstances changed before this stage.",
)
INTEL_TEXTS = (
    "Child seen getting into a silver hatchback outside a takeaway (location L-{n}) at about 22:00.",
    "Adult using a social media account (handle H-{n}) contacting several children from the same school.",
    "Address A-{n} reported as a party house where children are given alcohol; visitors at night.",
    "Taxi firm T-{n} driver believed to transport children to hotels in another district.",
    "Group of adults seen handing money and cigarettes to children at a park (location L-{n}).",
)


@dataclass
class SimStep:
    step_id: str
    status: StepStatus
    started_at: datetime
    completed_at: datetime | None = None
    completed_by: int | None = None
    due_at: datetime | None = None
    completions: int = 0
    reason: str = ""
    evidence: dict[str, object] = field(default_factory=dict)
    actor: int | None = None


@dataclass
class SimCase:
    district: str
    team_id: int
    officer_id: int
    supervisor_id: int
    supervisor2_id: int
    intel_id: int
    referral_at: datetime
    opened_at: datetime
    stop: datetime
    closed_at: datetime | None
    age_band: str
    facts: dict[str, object]
    source: str
    circumstances: str
    priority: str
    events: dict[str, list[datetime]] = field(default_factory=dict)
    manual_events: list[tuple[str, datetime]] = field(default_factory=list)
    steps: list[SimStep] = field(default_factory=list)
    missing: list[dict[str, object]] = field(default_factory=list)
    risk: list[dict[str, object]] = field(default_factory=list)
    intel: list[dict[str, object]] = field(default_factory=list)
    decisions: list[dict[str, object]] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


class CaseSimulator:
    def __init__(self, procedure: Procedure, calendar: WorkingCalendar, as_of: datetime) -> None:
        self.procedure = procedure
        self.calendar = calendar
        self.as_of = as_of
        self.conditions = {s.id: conditions.parse(s.condition) for s in procedure.steps if s.condition}
        self.offsets = {s.id: procedure.effective_deadline(s) for s in procedure.steps}

    # --- the case ------------------------------------------------------------------------------------

    def opening(self, rng: random.Random) -> tuple[float, datetime, datetime]:
        """The case's age in days, referral and opening times: the first draws `simulate` makes, so a fresh
        generator with the same seed tells in advance when a case opens (and so which version it opens on)."""
        age_days = rng.choice((rng.uniform(0, 60), rng.uniform(0, 60), rng.uniform(60, 240), rng.uniform(240, 540)))
        referral = (self.as_of - timedelta(days=age_days, hours=rng.uniform(0, 23))).replace(microsecond=0)
        opened = referral + timedelta(minutes=rng.randint(10, 360))
        opened = min(opened, self.as_of - timedelta(minutes=5))
        referral = min(referral, opened - timedelta(minutes=5))
        return age_days, referral, opened

    def simulate(self, rng: random.Random, people: dict[str, int], district: str) -> SimCase:
        age_days, referral, opened = self.opening(rng)
        p_closed = 0.6 if age_days > 200 else 0.25 if age_days > 120 else 0.02
        closed = _chance(rng, p_closed)
        stop = _between(rng, opened + timedelta(days=90), self.as_of - D) if closed else self.as_of
        if stop <= opened:
            closed, stop = False, self.as_of
        facts: dict[str, object] = {k: _chance(rng, p) for k, p in CASE_FACTS.items()}
        if not facts["s47_enquiry"]:
            facts["child_protection_plan"] = False
        facts["abe_decision"] = rng.choices(list(ABE_DECISIONS), weights=list(ABE_DECISIONS.values()))[0]
        case = SimCase(
            district=district,
            team_id=people["team"],
            officer_id=people["officer"],
            supervisor_id=people["supervisor"],
            supervisor2_id=people["supervisor2"],
            intel_id=people["intel"],
            referral_at=referral,
            opened_at=opened,
            stop=stop,
            closed_at=None,
            age_band=rng.choices(AGE_BANDS, weights=(10, 55, 30, 5))[0],
            facts={k: v for k, v in facts.items() if k in self.procedure.fact_map()},
            source=rng.choice(DEMO_REFERRAL_SOURCES),
            circumstances=rng.choice(CIRCUMSTANCES),
            priority=rng.choices(PRIORITIES, weights=(25, 55, 20))[0],
        )
        self._manual_events(rng, case)
        self._missing(rng, case)
        self._risk(rng, case)
        self._intelligence(rng, case)
        self._decisions(rng, case)
        self._steps(rng, case)
        if closed:
            self._close(rng, case)
        return case

    def _add_event(self, case: SimCase, event_id: str, when: datetime, manual: bool = False) -> None:
        if when > case.stop or event_id not in self.procedure.event_map():
            return
        case.events.setdefault(event_id, []).append(when)
        if manual:
            case.manual_events.append((event_id, when))

    def _manual_events(self, rng: random.Random, case: SimCase) -> None:
        start = case.opened_at
        add = self._add_event
        add(case, "referral_received", case.referral_at)
        add(case, "case_opened", case.opened_at)
        if _chance(rng, 0.9):
            add(case, "victim_first_contact", start + timedelta(hours=rng.uniform(4, 120)), True)
        if case.facts.get("police_protection_used"):
            add(case, "police_protection_taken", start + timedelta(hours=rng.uniform(0.5, 6)), True)
        if _chance(rng, 0.2):
            add(case, "significant_new_information", start + timedelta(days=rng.uniform(5, 80)), True)
        if _chance(rng, 0.5):
            add(case, "disruption_tactic_used", start + timedelta(days=rng.uniform(3, 60)), True)
        if case.facts.get("suspect_identified") and _chance(rng, 0.6):
            add(case, "suspect_status_changed", start + timedelta(days=rng.uniform(5, 60)), True)
            decision = start + timedelta(days=rng.uniform(60, 200))
            if _chance(rng, 0.55):
                add(case, "charge_decision", decision, True)
                if _chance(rng, 0.4):
                    add(case, "no_further_action", decision, True)
                elif _chance(rng, 0.7):
                    trial = decision + timedelta(days=rng.uniform(20, 60))
                    add(case, "trial_date_fixed", trial, True)
                    if _chance(rng, 0.6):
                        add(case, "conviction", trial + timedelta(days=rng.uniform(30, 120)), True)
                        add(case, "sentence_date", trial + timedelta(days=rng.uniform(130, 170)), True)
        if case.stop < self.as_of:  # closing: proceedings concluded shortly before
            add(case, "case_concluded", case.stop - timedelta(days=rng.uniform(10, 25)), True)
        if case.facts.get("serious_safeguarding_case"):
            add(case, "serious_incident_identified", start + timedelta(days=rng.uniform(2, 30)), True)

    def _missing(self, rng: random.Random, case: SimCase) -> None:
        if not _chance(rng, 0.35):
            return
        for _ in range(rng.choice((1, 1, 2, 3, 4))):
            reported = _between(rng, case.opened_at, case.stop - H)
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
                self._add_event(case, "child_returned", found.replace(microsecond=0))
                check = found + timedelta(hours=rng.uniform(1, 30))
                if check < case.stop:
                    episode["safe_well_at"] = check.replace(microsecond=0)
                offer = found + timedelta(hours=rng.uniform(4, 90))
                if offer < case.stop:
                    episode["rhi_offered_at"] = offer.replace(microsecond=0)
                    if _chance(rng, 0.25):
                        episode["rhi_declined"] = True
                    else:
                        held = offer + timedelta(hours=rng.uniform(12, 96))
                        if held < case.stop:
                            episode["rhi_held_at"] = held.replace(microsecond=0)
                            episode["findings"] = "Child was with older peers at address A-3; travelled by taxi."
            self._add_event(case, "child_reported_missing", reported.replace(microsecond=0))
            case.missing.append(episode)
        case.missing.sort(key=lambda e: e["reported_at"])  # type: ignore[arg-type,return-value]

    def _risk(self, rng: random.Random, case: SimCase) -> None:
        tool = self.procedure.risk_tool
        when = case.opened_at + timedelta(days=rng.uniform(1, 8))
        profile = rng.uniform(0.08, 0.55)
        while when < case.stop:
            answers: dict[str, object] = {}
            evidence: dict[str, str] = {}
            for section in tool.sections:
                for indicator in section.indicators:
                    if not _chance(rng, profile):
                        continue
                    if section.scoring is ScoringMethod.COUNT:
                        answers[indicator.id] = "yes"
                    else:
                        answers[indicator.id] = rng.choice(
                            (Recency.CURRENT, Recency.CURRENT, Recency.PAST, Recency.BOTH)
                        ).value
                    evidence[indicator.id] = f"Social care chronology, {when:%d/%m/%Y}"
            triggers = ["disclosure"] if _chance(rng, 0.05) and tool.triggers else []
            result = score(
                tool, answers, triggers[:1] if triggers and triggers[0] in {t.id for t in tool.triggers} else []
            )
            final = result.calculated_category
            override_reason = ""
            countersigned = None
            if _chance(rng, 0.1):
                final = max(1, min(4, final + rng.choice((-1, 1))))
                if final != result.calculated_category:
                    override_reason = "Professional judgement: the score understates the pattern of contact."
                    if _chance(rng, 0.85):
                        countersigned = when + timedelta(hours=rng.uniform(2, 48))
            band = next(b for b in tool.bands if b.category == final)
            interval = min(
                band.review_interval,
                self.procedure.settings.risk_review_interval,
                key=lambda d: due_at(when, d, self.calendar),
            )
            review = due_at(when, interval, self.calendar)
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
            self._add_event(case, "risk_assessed", when.replace(microsecond=0))
            when = review - timedelta(days=rng.uniform(-10, 12))
            profile = max(0.03, min(0.7, profile + rng.uniform(-0.12, 0.1)))

    def _intelligence(self, rng: random.Random, case: SimCase) -> None:
        targets = self.procedure.settings.intelligence_targets
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))):
            received = _between(rng, case.referral_at, case.stop - H).replace(microsecond=0)
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
            routed = submitted + (due_at(submitted, target.route, self.calendar) - submitted) * slow
            if routed < case.stop:
                item["routed_at"] = routed.replace(microsecond=0)
                item["reroute_count"] = 1 if _chance(rng, 0.12) else 0
                assessed = submitted + (due_at(submitted, target.assess, self.calendar) - submitted) * rng.uniform(
                    0.3, 1.7
                )
                if assessed < case.stop and assessed > routed:
                    item["assessed_at"] = assessed.replace(microsecond=0)
                    item["outcome"] = rng.choice(("develop", "disseminate", "disseminate", "task", "file"))
                    item["rationale"] = "Corroborates earlier reports; links to location and vehicle on other cases."
                    item["sanitised"] = True
                    actioned = assessed + timedelta(hours=rng.uniform(2, 200))
                    if actioned < case.stop and _chance(rng, 0.85):
                        item["actioned_at"] = actioned.replace(microsecond=0)
                        item["action_taken"] = "Vehicle and location flagged; patrols briefed."
            case.intel.append(item)
        case.intel.sort(key=lambda i: i["submitted_at"])  # type: ignore[arg-type,return-value]

    def _decisions(self, rng: random.Random, case: SimCase) -> None:
        count = min(6, 1 + int((case.stop - case.opened_at).days / 60))
        for _ in range(count):
            category, decision, rationale = rng.choice(DECISIONS)
            when = _between(rng, case.opened_at, case.stop).replace(microsecond=0)
            case.decisions.append(
                {
                    "decided_at": when,
                    "category": category,
                    "decision": decision,
                    "rationale": rationale,
                    "by_supervisor": _chance(rng, 0.4),
                }
            )
        case.decisions.sort(key=lambda d: d["decided_at"])  # type: ignore[arg-type,return-value]

    # --- steps ---------------------------------------------------------------------------------------

    def derived(self, case: SimCase) -> dict[str, object]:
        settings = self.procedure.settings
        risk = case.risk[-1] if case.risk else None
        category = None
        latest = max(case.missing, key=lambda m: m["reported_at"], default=None)  # type: ignore[arg-type, return-value]
        if risk is not None:
            pending = risk["final_category"] != risk["calculated_category"] and risk["countersigned_at"] is None
            category = int(risk["calculated_category"] if pending else risk["final_category"])  # type: ignore[call-overload]
        return derive_facts(
            referral_at=case.referral_at,
            date_of_birth=None,
            age_band=case.age_band,
            missing_returns=[m["reported_at"] for m in case.missing],  # type: ignore[misc]
            risk_category=category,
            intelligence_count=len(case.intel),
            repeat_threshold=settings.missing_repeat_threshold,
            repeat_window=settings.missing_repeat_window,
            intelligence_priorities=[str(i["priority"]) for i in case.intel],
            latest_missing_grade=str(latest["risk_grade"]) if latest is not None else None,
        )

    def _steps(self, rng: random.Random, case: SimCase) -> None:
        facts = {**case.facts, **self.derived(case)}
        diligence = rng.choice((0.97, 0.95, 0.92, 0.9, 0.85, 0.75, 0.6))
        settled: dict[str, datetime] = {}
        done: dict[str, SimStep] = {}
        for step in self.procedure.steps:
            expr = self.conditions.get(step.id)
            occurred = {e for e, times in case.events.items() if times}
            if expr is not None and not conditions.evaluate(expr, facts, occurred):
                continue
            if any(dep not in settled and self._dependency_counts(dep, facts, occurred) for dep in step.depends_on):
                continue
            after = max([settled[d] for d in step.depends_on if d in settled] + [case.opened_at])
            sim = self._work_step(rng, case, step, after, diligence, done, facts)
            if sim is None:
                continue
            case.steps.append(sim)
            done[step.id] = sim
            if sim.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE):
                settled[step.id] = sim.completed_at or sim.started_at
            if sim.status is StepStatus.DONE:
                for event_id in step.emits:
                    self._add_event(case, event_id, sim.completed_at)  # type: ignore[arg-type]

    def _dependency_counts(self, dep: str, facts: dict[str, object], occurred: set[str]) -> bool:
        expr = self.conditions.get(dep)
        return expr is None or conditions.evaluate(expr, facts, occurred)

    def _anchor(self, case: SimCase, step: Step, steps_done: dict[str, SimStep]) -> datetime | None:
        assert step.deadline is not None
        anchor = step.deadline.anchor
        if anchor.kind is AnchorKind.EVENT:
            times = case.events.get(anchor.ref)
            return max(times) if times else None
        done = steps_done.get(anchor.ref)
        return done.completed_at if done and done.status is StepStatus.DONE else None

    def _work_step(
        self,
        rng: random.Random,
        case: SimCase,
        step: Step,
        after: datetime,
        diligence: float,
        done: dict[str, SimStep],
        facts: dict[str, object],
    ) -> SimStep | None:
        actor = self._actor_for(case, step)
        if (step.requirement is Requirement.OPTIONAL and _chance(rng, 0.5)) or (
            step.requirement is Requirement.MANDATORY and _chance(rng, 0.02)
        ):
            when = after + timedelta(hours=rng.uniform(1, 72))
            if when >= case.stop:
                return None
            return SimStep(
                step.id, StepStatus.NOT_APPLICABLE, when, completed_at=None, reason=rng.choice(NA_REASONS), actor=actor
            )
        due = None
        if step.deadline is None:
            anchor = after
            finish = after + timedelta(hours=rng.uniform(2, 24 * 25))
        else:
            anchor = self._anchor(case, step, done)
            if anchor is None:
                return None
            anchor = max(anchor, after)
            # A deadline that depends on a fact (risk category, priority, grade) follows this case's value.
            offset = self.procedure.effective_deadline(step, facts) if step.deadline.by else self.offsets[step.id]
            due = due_at(anchor, offset, self.calendar) if offset is not None else None
            span = max((due - anchor) if due else H, H)
            if _chance(rng, diligence):
                finish = anchor + span * rng.uniform(0.1, 0.95)
            else:
                finish = (due or anchor) + timedelta(hours=rng.uniform(1, 24 * 12))
        finish = finish.replace(microsecond=0)
        if finish >= case.stop:
            if _chance(rng, 0.3) and anchor < case.stop:
                return SimStep(
                    step.id,
                    StepStatus.IN_PROGRESS,
                    _between(rng, anchor, case.stop).replace(microsecond=0),
                    actor=actor,
                    evidence={},
                )
            return None
        sim = SimStep(
            step.id,
            StepStatus.DONE,
            _between(rng, anchor, finish).replace(microsecond=0),
            completed_at=finish,
            completed_by=actor,
            due_at=due,
            completions=1,
            actor=actor,
        )
        if step.deadline is not None and step.deadline.recurs_every is not None:
            self._repeat(rng, case, step, sim, diligence)
        sim.evidence = self._evidence(rng, step, sim.completed_at)  # type: ignore[arg-type]
        return sim

    def _repeat(self, rng: random.Random, case: SimCase, step: Step, sim: SimStep, diligence: float) -> None:
        every = step.deadline.recurs_every  # type: ignore[union-attr]
        while True:
            due = due_at(sim.completed_at, every, self.calendar)  # type: ignore[arg-type]
            if _chance(rng, diligence):
                finish = due - timedelta(days=rng.uniform(0, 5))
            else:
                finish = due + timedelta(days=rng.uniform(1, 15))
            finish = finish.replace(microsecond=0)
            if finish >= case.stop or finish <= sim.completed_at:  # type: ignore[operator]
                return
            sim.completed_at, sim.due_at, sim.completions = finish, due, sim.completions + 1

    def _actor_for(self, case: SimCase, step: Step) -> int:
        role = step.role.value
        if role == "supervisor":
            return case.supervisor_id
        if role == "intelligence_officer":
            return case.intel_id
        return case.officer_id

    def _evidence(self, rng: random.Random, step: Step, when: datetime) -> dict[str, object]:
        values: dict[str, object] = {}
        for spec in step.evidence:
            if not spec.required and _chance(rng, 0.4):
                continue
            if spec.type is FieldType.REFERENCE:
                values[spec.id] = f"{spec.id[:3].upper()}/{when.year}/{rng.randint(1, 99999):05d}"
            elif spec.type is FieldType.CHOICE:
                values[spec.id] = rng.choice(spec.choices)
            elif spec.type is FieldType.YESNO:
                values[spec.id] = _chance(rng, 0.85)
            elif spec.type is FieldType.DATETIME:
                values[spec.id] = (when - timedelta(minutes=rng.randint(5, 240))).isoformat(timespec="seconds")
            elif spec.type is FieldType.DATE:
                values[spec.id] = when.date().isoformat()
            elif spec.type is FieldType.NUMBER:
                values[spec.id] = rng.randint(0, 12)
            else:
                values[spec.id] = rng.choice(TEXT_FILL)
        return values

    def _close(self, rng: random.Random, case: SimCase) -> None:
        """Settle every required step still open (as the closure checklist demands), then close."""
        facts = {**case.facts, **self.derived(case)}
        occurred = {e for e, times in case.events.items() if times}
        present = {s.step_id: s for s in case.steps}
        closing = case.stop
        for step in self.procedure.steps:
            expr = self.conditions.get(step.id)
            required = step.requirement is Requirement.MANDATORY or (
                step.requirement is Requirement.CONDITIONAL
                and expr is not None
                and conditions.evaluate(expr, facts, occurred)
            )
            current = present.get(step.id)
            if not required or (current and current.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE)):
                continue
            reason = "Not reached: the investigation concluded before this stage."
            sim = SimStep(
                step.id,
                StepStatus.NOT_APPLICABLE,
                closing - timedelta(hours=rng.uniform(1, 48)),
                reason=reason,
                actor=case.supervisor_id,
            )
            sim.started_at = sim.started_at.replace(microsecond=0)
            if current is None:
                case.steps.append(sim)
            else:
                case.steps[case.steps.index(current)] = sim
        case.closed_at = closing.replace(microsecond=0)
