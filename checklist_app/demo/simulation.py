"""Simulating one synthetic case's history through the procedure.

The simulation walks the steps in procedure order with the same deadline rules the application uses,
completing most steps on time, some late, leaving the newest work open, so the demo shows every state
a real force would see: on track, due soon, overdue, not applicable with reasons, closed.
Everything is drawn from one `random.Random`, so a seed and an as-of date give the same force.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from checklist_app.core import conditions
from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.facts import AGE_BANDS
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.wording import PRIORITIES
from checklist_app.demo import sim_records, sim_steps
from checklist_app.demo.sim_model import D, SimCase, SimStep, between, chance
from checklist_app.demo.sim_texts import ABE_DECISIONS, CASE_FACTS, CIRCUMSTANCES, DEMO_REFERRAL_SOURCES

__all__ = ["CaseSimulator", "SimCase", "SimStep"]

# One stage of a case's history: it adds to the case, drawing from the case's generator.
Stage = Callable[["CaseSimulator", random.Random, SimCase], None]


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
        closed = chance(rng, p_closed)
        stop = between(rng, opened + timedelta(days=90), self.as_of - D) if closed else self.as_of
        if stop <= opened:
            closed, stop = False, self.as_of
        facts: dict[str, object] = {k: chance(rng, p) for k, p in CASE_FACTS.items()}
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
        for stage in self.STAGES:
            stage(self, rng, case)
        if closed:
            sim_steps.close_case(self, rng, case)
        return case

    def derived(self, case: SimCase) -> dict[str, object]:
        """The facts the application derives from the case's records (age, repeat missing, risk, ...)."""
        return sim_steps.derived(self, case)

    def add_event(self, case: SimCase, event_id: str, when: datetime, manual: bool = False) -> None:
        if when > case.stop or event_id not in self.procedure.event_map():
            return
        case.events.setdefault(event_id, []).append(when)
        if manual:
            case.manual_events.append((event_id, when))

    def _manual_events(self, rng: random.Random, case: SimCase) -> None:
        start = case.opened_at
        add = self.add_event
        add(case, "referral_received", case.referral_at)
        add(case, "case_opened", case.opened_at)
        if chance(rng, 0.9):
            add(case, "victim_first_contact", start + timedelta(hours=rng.uniform(4, 120)), True)
        if case.facts.get("police_protection_used"):
            add(case, "police_protection_taken", start + timedelta(hours=rng.uniform(0.5, 6)), True)
        if chance(rng, 0.2):
            add(case, "significant_new_information", start + timedelta(days=rng.uniform(5, 80)), True)
        if chance(rng, 0.5):
            add(case, "disruption_tactic_used", start + timedelta(days=rng.uniform(3, 60)), True)
        if case.facts.get("suspect_identified") and chance(rng, 0.6):
            add(case, "suspect_status_changed", start + timedelta(days=rng.uniform(5, 60)), True)
            decision = start + timedelta(days=rng.uniform(60, 200))
            if chance(rng, 0.55):
                add(case, "charge_decision", decision, True)
                if chance(rng, 0.4):
                    add(case, "no_further_action", decision, True)
                elif chance(rng, 0.7):
                    trial = decision + timedelta(days=rng.uniform(20, 60))
                    add(case, "trial_date_fixed", trial, True)
                    if chance(rng, 0.6):
                        add(case, "conviction", trial + timedelta(days=rng.uniform(30, 120)), True)
                        add(case, "sentence_date", trial + timedelta(days=rng.uniform(130, 170)), True)
        if case.stop < self.as_of:  # closing: proceedings concluded shortly before
            add(case, "case_concluded", case.stop - timedelta(days=rng.uniform(10, 25)), True)
        if case.facts.get("serious_safeguarding_case"):
            add(case, "serious_incident_identified", start + timedelta(days=rng.uniform(2, 30)), True)

    # The stages of a case's history, in order (a closed case is then settled and closed). Each draws from
    # the case's generator in turn, so the order is part of what a seed means: a stage added after the
    # others leaves their draws as they were.
    STAGES: tuple[Stage, ...] = (
        _manual_events,
        sim_records.add_missing,
        sim_records.add_risk,
        sim_records.add_intelligence,
        sim_records.add_decisions,
        sim_steps.walk_steps,
    )
