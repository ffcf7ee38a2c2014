"""A Hypothesis state machine over the real services and a real database (security brief, section 9).

Rules drive a small force through cases: open, work steps (progress, complete, not applicable, blocked)
as a random actor, reopen steps, record missing episodes, assess risk with and without overrides,
countersign, submit, route and assess intelligence, close and reopen cases, and let time pass.

Every rule predicts from a simple model whether the services must accept or refuse (role and scope from
the permission matrix, the status rules of `core.lifecycle`, dependencies, closed cases) and checks the
services agree. A refusal must leave the audit chain head where it was; an accepted change must be
audited under the actor who made it. After every step: the chain verifies, each step record's status
equals the model's, the statuses the audit log shows were only ever changed as `core.lifecycle` allows,
and nobody countersigned their own override.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import ClassVar, TypeVar

from db_support import empty_server_database, server_url
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from world_support import MINIMAL_SOP, PASSWORD, FakeClock, World, build_world

from checklist_app.core import lifecycle
from checklist_app.core.permissions import Action, Actor, CaseScope, PermissionDenied, allowed, may_work_step
from checklist_app.core.procedure.loader import load_procedure_text
from checklist_app.core.procedure.model import Procedure, Requirement, Role
from checklist_app.core.schedule import StepStatus
from checklist_app.services import case_opening, cases, closure, intelligence, procedures, records, risk, steps
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import ServiceError
from checklist_app.store.audit import head
from checklist_app.store.db import Database
from checklist_app.store.models import AuditEntry, RiskAssessment, StepRecord, User
from checklist_app.store.verify import verify_database

T = TypeVar("T")
SOP_TEXT = MINIMAL_SOP.read_text(encoding="utf-8")
PROCEDURE = load_procedure_text(SOP_TEXT, "minimal.yaml")
STEP_IDS = [s.id for s in PROCEDURE.steps]
RECURRING = {s.id for s in PROCEDURE.steps if s.deadline and s.deadline.recurs_every}
SETTLED = {StepStatus.DONE, StepStatus.NOT_APPLICABLE}
TARGET = {  # in the order Hypothesis favours: completing is the main thing people do
    "complete": StepStatus.DONE,
    "progress": StepStatus.IN_PROGRESS,
    "not_applicable": StepStatus.NOT_APPLICABLE,
    "blocked": StepStatus.BLOCKED,
}
# What each audited step action sets the status to (retire/restore do not change it).
ACTION_STATUS = {
    "step.progress": StepStatus.IN_PROGRESS,
    "step.done": StepStatus.DONE,
    "step.not_applicable": StepStatus.NOT_APPLICABLE,
    "step.blocked": StepStatus.BLOCKED,
    "step.reopen": StepStatus.IN_PROGRESS,
}


def _evidence(step_id: str, today: str) -> dict[str, object]:
    """Valid evidence for completing each step of the minimal procedure."""
    return {
        "referral.record-details": {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"},
        "referral.confirm-safety": {"child_safe": "yes"},
        "risk.seraf-assessment": {"assessment_date": today, "score": 3},
        "investigation.seize-devices": {"exhibit_refs": "EX/1\nEX/2"},
    }.get(step_id, {})


@dataclass
class Assessment:
    case_id: int
    assessor_id: int
    calculated: int
    final: int
    countersigned_by: int | None = None

    @property
    def effective(self) -> int:
        override = self.final != self.calculated
        return self.calculated if override and self.countersigned_by is None else self.final


@dataclass
class Item:
    case_id: int
    routed_to: int | None = None
    assessed: bool = False


@dataclass
class CaseModel:
    scope: CaseScope
    open: bool = True
    missing_episodes: int = 0
    devices_seized: bool = False
    latest_assessment: int | None = None


class LifecycleMachine(RuleBasedStateMachine):
    """Each example starts from a fresh copy of one small force (SQLite), or rebuilds it in the emptied
    server database (PostgreSQL). The test sets the class attributes before running."""

    source: ClassVar[str] = ""  # the SQLite file holding the force, or the server URL
    prototype: ClassVar[World | None] = None  # the force's actors (SQLite: user ids are the same in every copy)
    parsed: ClassVar[dict[int, Procedure]] = {}  # published versions are immutable: parse them once

    cases = Bundle("cases")
    assessments = Bundle("assessments")
    items = Bundle("items")

    def __init__(self) -> None:
        super().__init__()
        self.folder: Path | None = None
        self.clock = FakeClock()
        if server_url():
            empty_server_database(self.source)
            self.ctx = ServiceContext(Database(self.source), clock=self.clock, _procedures=dict(self.parsed))
            self.world = build_world(self.ctx, self.clock, SOP_TEXT)
        else:
            # Same engine and pragmas; on a RAM disk where there is one, since FULL sync makes every commit
            # wait for the disk and the machine commits thousands of times.
            ram = Path("/dev/shm")
            self.folder = Path(tempfile.mkdtemp(prefix="lifecycle-", dir=ram if ram.is_dir() else None))
            shutil.copyfile(self.source, self.folder / "machine.db")
            url = f"sqlite:///{self.folder / 'machine.db'}"
            self.ctx = ServiceContext(Database(url), clock=self.clock, _procedures=dict(self.parsed))
            assert self.prototype is not None
            self.world = replace(self.prototype, ctx=self.ctx, clock=self.clock)
        self.status: dict[tuple[int, str], StepStatus] = {}
        # Mandatory steps marked not applicable that a supervisor has agreed to (signed); others count as open.
        self.agreed: set[tuple[int, str]] = set()
        self.case: dict[int, CaseModel] = {}
        self.risk: dict[int, Assessment] = {}
        self.intel: dict[int, Item] = {}

    def teardown(self) -> None:
        self.ctx.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- the harness: predict, attempt, check -------------------------------------------------------

    def actor(self, name: str) -> Actor:
        return getattr(self.world, name)  # type: ignore[no-any-return]

    def may(self, actor: Actor, action: Action, case_id: int) -> bool:
        return allowed(actor, action, self.case[case_id].scope)

    def head(self) -> tuple[int, str]:
        with self.ctx.db.read() as session:
            return head(session)

    def attempt(self, actor: Actor, expect: bool, what: str, call: Callable[[], T]) -> T | None:
        """Run one use case. It must be accepted exactly when `expect`; a refusal must leave the chain as
        it was (but for the entry recording a refused access), and an accepted change must be audited,
        every entry under `actor`."""
        before = self.head()
        event(f"{what.split(' (')[0].split(' ')[0]}: {'accepted' if expect else 'refused'}")
        try:
            result = call()
        except (ServiceError, PermissionDenied) as refusal:
            assert not expect, f"{what} by {actor.username} was refused: {refusal}"
            with self.ctx.db.read() as session:
                written = session.execute(
                    select(AuditEntry.action, AuditEntry.user_id, AuditEntry.outcome).where(AuditEntry.seq > before[0])
                ).all()
            # A permission refusal on a case is itself audited (one entry, outcome "refused"); nothing else.
            audited_refusal = [("case.access_refused", actor.user_id, "refused")]
            expected = audited_refusal if isinstance(refusal, PermissionDenied) and written else []
            assert written == expected, f"{what} was refused ({refusal}) yet the audit chain moved: {written}"
            return None
        assert expect, f"{what} by {actor.username} was accepted but should have been refused"
        with self.ctx.db.read() as session:
            written = session.execute(
                select(AuditEntry.user_id, AuditEntry.username).where(AuditEntry.seq > before[0])
            ).all()
        assert written, f"{what} changed the database without an audit entry"
        assert set(written) == {(actor.user_id, actor.username)}, f"{what} by {actor.username} audited as {written}"
        return result

    def required(self, case_id: int) -> list[str]:
        """The steps a case must settle before closing: mandatory ones, and conditional ones that apply."""
        model = self.case[case_id]
        latest = self.risk[model.latest_assessment] if model.latest_assessment is not None else None
        holds = {
            "risk.return-interview": model.missing_episodes > 0,
            "risk.placement-review": latest is not None and latest.effective >= 3,
            "investigation.forensic-submission": model.devices_seized,
        }
        return [
            s.id
            for s in PROCEDURE.steps
            if s.requirement is Requirement.MANDATORY or (s.requirement is Requirement.CONDITIONAL and holds[s.id])
        ]

    def change_step(self, case_id: int, step_id: str, kind: str, actor: Actor) -> None:
        key = (case_id, step_id)
        current = self.status.get(key, StepStatus.NOT_STARTED)
        target = TARGET[kind]
        step = PROCEDURE.step(step_id)
        dependencies_met = all(self.status.get((case_id, d)) in SETTLED for d in step.depends_on)
        checks = {
            "case closed": self.case[case_id].open,
            "no access to the case": self.may(actor, Action.STEP_RECORD, case_id),
            "step is for another role": may_work_step(actor, step.role),
            "status change not allowed": lifecycle.is_allowed(current, target, recurring=step_id in RECURRING),
            "dependencies not met": kind != "complete" or dependencies_met,
        }
        expect = all(checks.values())
        event(f"step {kind}: " + next((why for why, ok in checks.items() if not ok), "accepted"))
        ctx = self.ctx
        calls: dict[str, Callable[[], object]] = {
            "progress": lambda: steps.save_progress(ctx, actor, case_id, step_id, {}),
            "complete": lambda: steps.complete_step(
                ctx, actor, case_id, step_id, _evidence(step_id, self.clock.now.date().isoformat())
            ),
            "not_applicable": lambda: steps.mark_not_applicable(ctx, actor, case_id, step_id, "Does not apply here"),
            "blocked": lambda: steps.mark_blocked(ctx, actor, case_id, step_id, "Waiting for the partner agency"),
        }
        if kind == "not_applicable":
            # An agreement signature binds the record's last update time. In use, marking a step not applicable
            # again always happens later than the marking that was agreed; with a frozen clock the old
            # agreement's content would match again, which no real session can produce.
            self.clock.advance(seconds=1)
        view = self.attempt(actor, expect, f"{kind} {step_id} ({current.value})", calls[kind])
        if view is not None:
            assert lifecycle.is_allowed(current, target, recurring=step_id in RECURRING)
            self.status[key] = target
            self.agreed.discard(key)
            if kind == "complete" and "devices_seized" in step.emits:
                self.case[case_id].devices_seized = True

    # --- rules --------------------------------------------------------------------------------------

    @initialize(target=cases)
    def two_cases(self):  # type: ignore[no-untyped-def]
        """A case in each Sheffield team, so rules about cases can run even when opening is switched off."""
        return multiple(self.open_case("investigator", 2), self.open_case("other_team_investigator", 30))

    @rule(
        target=cases,
        who=st.sampled_from(
            ["investigator", "supervisor", "intel", "other_team_investigator", "other_district_investigator"]
        ),
        hours_ago=st.integers(0, 72),
    )
    def open_case(self, who: str, hours_ago: int):  # type: ignore[no-untyped-def]
        actor = self.actor(who)
        form = case_opening.NewCase(
            district_code="SHE",
            referral_at=self.clock.now - timedelta(hours=hours_ago),
            referral_source="Education",
            subject_ref="SC-104233",
            age_band="13-15",
            procedure_id=self.world.procedure_id,
        )
        expect = who in ("investigator", "supervisor", "other_team_investigator")
        detail = self.attempt(actor, expect, "open case", lambda: case_opening.open_case(self.ctx, actor, form))
        if detail is None:
            return multiple()
        scope = CaseScope(detail.district_id, detail.team_id, detail.officer_id, detail.supervisor_id)
        self.case[detail.id] = CaseModel(scope)
        return detail.id

    @rule(
        case=cases,
        step=st.sampled_from(STEP_IDS),
        kind=st.sampled_from(list(TARGET)),
        who=st.sampled_from(
            [
                "investigator",
                "investigator2",
                "supervisor",
                "supervisor2",
                "intel",
                "other_team_investigator",
                "auditor",
            ]
        ),
    )
    def work_step(self, case: int, step: str, kind: str, who: str) -> None:
        self.change_step(case, step, kind, self.actor(who))

    @rule(
        case=cases,
        step=st.sampled_from(STEP_IDS),
        kind=st.sampled_from(list(TARGET)),
        colleague=st.integers(0, 3),
    )
    def work_step_in_the_team(self, case: int, step: str, kind: str, colleague: int) -> None:
        """The usual day: someone from the case's own team (or the district's intelligence officer, for
        intelligence steps) records work, so most attempts are for the status rules to decide."""
        if PROCEDURE.step(step).role.value == "intelligence_officer":
            actor = self.world.intel
        elif self.case[case].scope.team_id == self.world.investigator.team_id:
            actor = (self.world.investigator, self.world.investigator2, self.world.supervisor, self.world.supervisor2)[
                colleague
            ]
        else:
            actor = self.world.other_team_investigator
        self.change_step(case, step, kind, actor)

    @rule(
        case=cases,
        step=st.sampled_from(STEP_IDS),
        who=st.sampled_from(["supervisor", "supervisor2", "investigator", "intel", "other_team_investigator"]),
    )
    def reopen_step(self, case: int, step: str, who: str) -> None:
        actor = self.actor(who)
        current = self.status.get((case, step), StepStatus.NOT_STARTED)
        expect = (
            self.case[case].open
            and self.may(actor, Action.STEP_REOPEN, case)
            and lifecycle.is_allowed(current, StepStatus.IN_PROGRESS, reopen=True)
        )
        view = self.attempt(
            actor,
            expect,
            f"reopen {step} ({current.value})",
            lambda: steps.reopen_step(self.ctx, actor, case, step, "Evidence needs correcting"),
        )
        if view is not None:
            self.status[(case, step)] = StepStatus.IN_PROGRESS
            self.agreed.discard((case, step))

    @rule(case=cases)
    def settle_required_steps(self, case: int) -> None:
        """Mark each unsettled required step not applicable, as whoever may: makes closing reachable."""
        team_one = self.case[case].scope.team_id == self.world.investigator.team_id
        for step_id in self.required(case):
            if self.status.get((case, step_id)) not in SETTLED:
                role = PROCEDURE.step(step_id).role.value
                if role == "intelligence_officer":
                    actor = self.world.intel
                else:
                    actor = self.world.supervisor if team_one else self.world.other_team_investigator
                if may_work_step(actor, PROCEDURE.step(step_id).role):  # team 2 has no supervisor for theirs
                    self.change_step(case, step_id, "not_applicable", actor)
            if team_one and self.case[case].open and self.awaits_agreement(case, step_id):
                supervisor = self.world.supervisor
                self.attempt(
                    supervisor,
                    True,
                    f"agree {step_id} not applicable",
                    lambda s=step_id, who=supervisor: steps.agree_not_applicable(self.ctx, who, case, s, PASSWORD),
                )
                self.agreed.add((case, step_id))

    def awaits_agreement(self, case: int, step_id: str) -> bool:
        return (
            self.status.get((case, step_id)) is StepStatus.NOT_APPLICABLE
            and PROCEDURE.step(step_id).requirement is Requirement.MANDATORY
            and (case, step_id) not in self.agreed
        )

    @rule(
        case=cases,
        who=st.sampled_from(["investigator", "supervisor", "intel", "other_district_investigator"]),
        grade=st.sampled_from(["low", "medium", "high", "severe"]),
        hours_ago=st.integers(0, 48),
    )
    def record_missing_episode(self, case: int, who: str, grade: str, hours_ago: int) -> None:
        actor = self.actor(who)
        expect = self.case[case].open and self.may(actor, Action.MISSING_RECORD, case) and grade != "severe"
        episode = self.attempt(
            actor,
            expect,
            "missing episode",
            lambda: records.record_missing_episode(
                self.ctx, actor, case, reported_at=self.clock.now - timedelta(hours=hours_ago), risk_grade=grade
            ),
        )
        if episode is not None:
            self.case[case].missing_episodes += 1

    @rule(
        target=assessments,
        case=cases,
        who=st.sampled_from(["investigator", "supervisor", "supervisor2", "intel", "other_team_investigator"]),
        override=st.sampled_from([3, 2, None, 4, 1, 5]),  # mostly overrides, to give countersigning work
        disclosure=st.booleans(),
    )
    def assess_risk(self, case: int, who: str, override: int | None, disclosure: bool):  # type: ignore[no-untyped-def]
        actor = self.actor(who)
        calculated = 4 if disclosure else 1
        valid_override = override is None or override == calculated or 1 <= override <= 4
        expect = self.case[case].open and self.may(actor, Action.RISK_ASSESS, case) and valid_override
        form = risk.RiskForm(
            answers={},
            triggers=["disclosure"] if disclosure else [],
            override_category=override,
            override_reason="Professional judgement of the officer" if override is not None else "",
        )
        view = self.attempt(
            actor, expect, "risk assessment", lambda: risk.record_assessment(self.ctx, actor, case, form)
        )
        if view is None:
            return multiple()
        assert (view.calculated_category, view.final_category) == (calculated, override or calculated)
        self.risk[view.id] = Assessment(case, actor.user_id, calculated, override or calculated)
        self.case[case].latest_assessment = view.id
        return view.id

    @rule(
        assessment=assessments,
        who=st.sampled_from(["supervisor", "supervisor2", "investigator", "other_team_investigator"]),
    )
    def countersign(self, assessment: int, who: str) -> None:
        actor = self.actor(who)
        model = self.risk[assessment]
        expect = (
            self.may(actor, Action.RISK_COUNTERSIGN, model.case_id)
            and self.case[model.case_id].open  # a closed case does not change, countersignatures included
            and actor.role is Role.SUPERVISOR
            and model.final != model.calculated
            and model.countersigned_by is None
            and model.assessor_id != actor.user_id
        )
        view = self.attempt(
            actor,
            expect,
            "countersign",
            lambda: risk.countersign_override(self.ctx, actor, assessment, PASSWORD, "Agreed"),
        )
        if view is not None:
            model.countersigned_by = actor.user_id

    @rule(assessment=assessments)
    def assessor_countersigns_own_assessment(self, assessment: int) -> None:
        """The forbidden shortcut, tried on purpose: whoever made the assessment countersigns it."""
        model, w = self.risk[assessment], self.world
        actor = next(
            a
            for a in (w.investigator, w.supervisor, w.supervisor2, w.other_team_investigator)
            if a.user_id == model.assessor_id
        )
        self.attempt(
            actor,
            False,
            "countersign own",
            lambda: risk.countersign_override(self.ctx, actor, assessment, PASSWORD, "Mine"),
        )

    @rule(
        target=items,
        case=cases,
        who=st.sampled_from(["investigator", "supervisor", "intel", "other_district_investigator", "auditor"]),
    )
    def submit_intelligence(self, case: int, who: str):  # type: ignore[no-untyped-def]
        actor = self.actor(who)
        expect = self.case[case].open and self.may(actor, Action.INTEL_SUBMIT, case)
        form = intelligence.NewIntelligence(
            received_at=self.clock.now - timedelta(minutes=30),
            summary="Subject seen getting into a silver hatchback outside location L-12.",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            priority="medium",
        )
        view = self.attempt(actor, expect, "submit", lambda: intelligence.submit(self.ctx, actor, case, form))
        if view is None:
            return multiple()
        self.intel[view.id] = Item(case)
        return view.id

    @rule(item=items, who=st.sampled_from(["supervisor", "intel", "investigator"]))
    def route_intelligence(self, item: int, who: str) -> None:
        actor, model, assessor = self.actor(who), self.intel[item], self.world.intel
        expect = (
            self.may(actor, Action.INTEL_ROUTE, model.case_id)
            and self.case[model.case_id].open  # a closed case does not change, its intelligence included
            and not model.assessed
            and model.routed_to != assessor.user_id
        )
        view = self.attempt(actor, expect, "route", lambda: intelligence.route(self.ctx, actor, item, assessor.user_id))
        if view is not None:
            model.routed_to = assessor.user_id

    @rule(
        item=items,
        who=st.sampled_from(["intel", "investigator"]),
        outcome=st.sampled_from(["develop", "disseminate", "file"]),
        sanitised=st.booleans(),
    )
    def assess_intelligence(self, item: int, who: str, outcome: str, sanitised: bool) -> None:
        actor, model = self.actor(who), self.intel[item]
        expect = (
            self.may(actor, Action.INTEL_ASSESS, model.case_id)
            and self.case[model.case_id].open  # a closed case does not change, its intelligence included
            and not model.assessed
            and (sanitised or outcome != "disseminate")
        )
        view = self.attempt(
            actor,
            expect,
            f"assess ({outcome})",
            lambda: intelligence.assess(
                self.ctx, actor, item, outcome=outcome, rationale="Links to other cases", sanitised=sanitised
            ),
        )
        if view is not None:
            model.assessed = True
            if model.routed_to is None:
                model.routed_to = actor.user_id

    @rule(case=cases, who=st.sampled_from(["supervisor", "supervisor2", "investigator"]))
    def close_case(self, case: int, who: str) -> None:
        actor = self.actor(who)
        settled = all(
            self.status.get((case, s)) in SETTLED and not self.awaits_agreement(case, s) for s in self.required(case)
        )
        expect = self.case[case].open and self.may(actor, Action.CASE_CLOSE, case) and settled
        signed = self.attempt(
            actor, expect, "close", lambda: closure.close_case(self.ctx, actor, case, "No further action", PASSWORD)
        )
        if expect:
            assert signed is not None and signed.valid and signed.signer_id == actor.user_id
            self.case[case].open = False

    @rule(case=cases, who=st.sampled_from(["supervisor", "investigator"]))
    def reopen_case(self, case: int, who: str) -> None:
        actor = self.actor(who)
        expect = not self.case[case].open and self.may(actor, Action.CASE_REOPEN, case)
        self.attempt(actor, expect, "reopen case", lambda: closure.reopen_case(self.ctx, actor, case, "New evidence"))
        if expect:
            self.case[case].open = True

    @rule(
        case=cases,
        who=st.sampled_from(["investigator", "other_team_investigator", "other_district_investigator", "admin"]),
    )
    def view_case(self, case: int, who: str) -> None:
        actor = self.actor(who)
        expect = self.may(actor, Action.CASE_VIEW, case)
        detail = self.attempt(actor, expect, "view", lambda: cases.case_detail(self.ctx, actor, case))
        if detail is not None:
            shown = {s.step_id: StepStatus(s.status) for s in detail.steps}
            for step_id, status in shown.items():
                assert status == self.status.get((case, step_id), StepStatus.NOT_STARTED), step_id

    @rule(hours=st.integers(1, 24 * 40))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    # --- invariants ---------------------------------------------------------------------------------

    @invariant()
    def the_chain_verifies(self) -> None:
        report = verify_database(self.ctx.db)
        assert report.ok, [str(p) for p in report.problems]

    @invariant()
    def step_records_match_the_model(self) -> None:
        with self.ctx.db.read() as session:
            stored = {(r.case_id, r.step_id): StepStatus(r.status) for r in session.scalars(select(StepRecord))}
        assert stored == self.status

    @invariant()
    def no_forbidden_transition_was_ever_recorded(self) -> None:
        """Replay every step record's history from the audit log alone."""
        with self.ctx.db.read() as session:
            step_of = {
                record_id: step_id for record_id, step_id in session.execute(select(StepRecord.id, StepRecord.step_id))
            }
            history = session.execute(
                select(AuditEntry.object_id, AuditEntry.action)
                .where(AuditEntry.object_type == "step_records")
                .order_by(AuditEntry.seq)
            ).all()
        current: dict[int, StepStatus] = {}
        for record_id, action in history:
            if action not in ACTION_STATUS:
                continue
            before = current.get(record_id, StepStatus.NOT_STARTED)
            after = ACTION_STATUS[action]
            recurring = step_of[record_id] in RECURRING
            assert lifecycle.is_allowed(before, after, recurring=recurring, reopen=action == "step.reopen"), (
                f"step record {record_id} went {before.value} -> {after.value} ({action})"
            )
            current[record_id] = after

    @invariant()
    def nobody_countersigned_their_own_override(self) -> None:
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(RiskAssessment, User.role)
                .join(User, User.id == RiskAssessment.countersigned_by)
                .where(RiskAssessment.countersigned_by.is_not(None))
            ).all()
        for assessment, role in rows:
            assert assessment.countersigned_by != assessment.assessor_id
            assert assessment.final_category != assessment.calculated_category
            assert role == Role.SUPERVISOR.value
            assert self.risk[assessment.id].countersigned_by == assessment.countersigned_by


def test_case_lifecycle_state_machine(template_db: str, tmp_path: Path) -> None:
    if server_url():
        empty_server_database(template_db)
        url = LifecycleMachine.source = template_db
    else:
        world_file = tmp_path / "world.db"
        shutil.copyfile(template_db, world_file)
        url, LifecycleMachine.source = f"sqlite:///{world_file}", str(world_file)
    clock = FakeClock()
    ctx = ServiceContext(Database(url), clock=clock)
    try:
        LifecycleMachine.prototype = build_world(ctx, clock, SOP_TEXT)
        procedures.latest_version(ctx, LifecycleMachine.prototype.procedure_id)  # parses it into the cache
        LifecycleMachine.parsed = dict(ctx._procedures)
    finally:
        ctx.close()  # on SQLite this also checkpoints the WAL: the file alone is the whole database
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=12 if server_url() else 20,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
