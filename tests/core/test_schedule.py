import copy
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import DueState
from checklist_app.core.procedure.model import (
    Anchor,
    AnchorKind,
    AuditTemplate,
    DeadlineRule,
    Duration,
    Event,
    Fact,
    FactSource,
    FactType,
    Phase,
    Procedure,
    Provenance,
    ProvenanceKind,
    Requirement,
    Settings,
    Step,
    StepRole,
)
from checklist_app.core.procedure.risk_model import RiskTool
from checklist_app.core.schedule import (
    CaseSituation,
    StepRecordState,
    StepSchedule,
    StepStatus,
    compute_schedule,
    next_due,
    overdue,
    phase_progress,
)

CAL = WorkingCalendar((), years=range(2000, 2100))  # weekends only: keeps the arithmetic obvious
LOCAL = Provenance(ProvenanceKind.LOCAL, "Test force policy")
NATIONAL = Provenance(ProvenanceKind.NATIONAL, "Test statute")
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # Monday, 10:00 in London

# --- building procedures -------------------------------------------------------------------------


def rule(anchor: str, within: str, *, recurs: str | None = None, basis: Provenance = LOCAL) -> DeadlineRule:
    kind, ref = anchor.split(":", 1)
    return DeadlineRule(
        anchor=Anchor(AnchorKind(kind), ref),
        offset=Duration.parse(within),
        basis=basis,
        recurs_every=Duration.parse(recurs) if recurs else None,
    )


def step(
    step_id: str,
    number: str,
    *,
    phase: str = "p1",
    requirement: Requirement = Requirement.MANDATORY,
    condition: str | None = None,
    deadline: DeadlineRule | None = None,
    depends_on: Sequence[str] = (),
) -> Step:
    if condition is not None:
        requirement = Requirement.CONDITIONAL
    return Step(
        id=step_id,
        number=number,
        title=f"Step {number}",
        phase_id=phase,
        role=StepRole.INVESTIGATOR,
        requirement=requirement,
        purpose="Test",
        guidance="Test guidance.",
        provenance=LOCAL,
        condition=condition,
        deadline=deadline,
        depends_on=tuple(depends_on),
    )


EVENTS = (
    Event("referral_received", "Referral received", "system"),
    Event("strategy_discussion_held", "Strategy discussion held", "manual"),
    Event("child_returned", "Child returned", "system"),
    Event("devices_seized", "Devices seized", "step"),
)
FACTS = (
    Fact("looked_after", "Looked after", FactType.YESNO, FactSource.CASE),
    Fact("risk_category", "Risk category", FactType.NUMBER, FactSource.DERIVED),
)


def procedure(
    *steps: Step,
    overrides: dict[str, str] | None = None,
    pid: str = "test-sop",
    version: str = "1",
) -> Procedure:
    settings = Settings(
        due_soon=Duration.parse("2wd"),
        supervisory_review_interval=Duration.parse("28d"),
        risk_review_interval=Duration.parse("3mo"),
        intelligence_targets={},
        workload_weights={1: 1, 2: 2, 3: 3, 4: 5},
        workload_complex_multiplier=1.5,
        workload_threshold=20,
        missing_repeat_threshold=3,
        missing_repeat_window=Duration.parse("90d"),
        audit_sample_size=10,
        audit_moderation_rate=0.1,
        audit_block_team=True,
        remedial_due={},
        deadline_overrides={k: Duration.parse(v) for k, v in (overrides or {}).items()},
    )
    phase_ids = list(dict.fromkeys(s.phase_id for s in steps))
    phases = tuple(
        Phase(pid_, n, f"Phase {n}", "", tuple(s for s in steps if s.phase_id == pid_))
        for n, pid_ in enumerate(phase_ids, start=1)
    )
    return Procedure(
        id=pid,
        title="Test procedure",
        version=version,
        effective_date=date(2026, 1, 1),
        description="",
        settings=settings,
        events=EVENTS,
        facts=FACTS,
        phases=phases,
        risk_tool=RiskTool("risk", "1", "Risk", "", (), (), (), LOCAL),
        audit_template=AuditTemplate("audit", "1", "Audit", (), (), (), LOCAL),
    )


def situation(
    *,
    facts: dict[str, object] | None = None,
    events: dict[str, Sequence[datetime]] | None = None,
    records: Sequence[StepRecordState] = (),
    closed_at: datetime | None = None,
) -> CaseSituation:
    return CaseSituation(
        facts=facts or {},
        events={k: tuple(v) for k, v in (events or {}).items()},
        records={r.step_id: r for r in records},
        closed_at=closed_at,
    )


def done(step_id: str, at: datetime) -> StepRecordState:
    return StepRecordState(step_id, StepStatus.DONE, completed_at=at, completions=1)


def run(proc: Procedure, sit: CaseSituation, now: datetime) -> dict[str, StepSchedule]:
    return compute_schedule(proc, sit, now, CAL)


REFERRED = {"referral_received": [T0]}

# --- anchors -------------------------------------------------------------------------------------


def test_event_anchor_uses_latest_occurrence() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:child_returned", "24h")))
    returns = [T0 + timedelta(days=10), T0, T0 + timedelta(days=3)]
    row = run(proc, situation(events={"child_returned": returns}), T0 + timedelta(days=10, hours=1))["a"]
    assert row.due_at == T0 + timedelta(days=11)
    assert row.due_state is DueState.ON_TRACK or row.due_state is DueState.DUE_SOON


def test_event_anchor_not_yet_happened_is_awaiting() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:strategy_discussion_held", "1wd")))
    row = run(proc, situation(), T0)["a"]
    assert row.due_state is DueState.AWAITING
    assert row.due_at is None
    assert row.waiting_for == "Waiting for: Strategy discussion held"
    assert row.deadline_text == "Within 1 working day of strategy discussion held"


def test_step_anchor_waits_for_completion_then_counts_from_it() -> None:
    proc = procedure(
        step("a", "1.1", deadline=rule("event:referral_received", "0h")),
        step("b", "1.2", deadline=rule("step:a", "24h")),
    )
    waiting = run(proc, situation(events=REFERRED), T0)["b"]
    assert waiting.due_state is DueState.AWAITING
    assert waiting.waiting_for == "Waiting for step 1.1 to be completed"
    assert waiting.deadline_text == "Within 24 hours of completion of 1.1"

    finished = T0 + timedelta(hours=2)
    row = run(proc, situation(events=REFERRED, records=[done("a", finished)]), finished)["b"]
    assert row.due_at == finished + timedelta(hours=24)
    assert row.waiting_for == ""


def test_step_anchor_marked_not_applicable_gives_no_deadline() -> None:
    proc = procedure(step("a", "1.1"), step("b", "1.2", deadline=rule("step:a", "24h")))
    na = StepRecordState("a", StepStatus.NOT_APPLICABLE, reason="No suspects")
    row = run(proc, situation(records=[na]), T0)["b"]
    assert row.due_state is DueState.NO_DEADLINE
    assert row.waiting_for == ""


def test_local_override_applies_but_national_rule_does_not_change() -> None:
    proc = procedure(
        step("local", "1.1", deadline=rule("event:referral_received", "24h")),
        step("national", "1.2", deadline=rule("event:referral_received", "72h", basis=NATIONAL)),
        overrides={"local": "48h", "national": "96h"},
    )
    rows = run(proc, situation(events=REFERRED), T0)
    assert rows["local"].due_at == T0 + timedelta(hours=48)
    assert rows["local"].deadline_text == "Within 48 hours of referral received"
    assert rows["national"].due_at == T0 + timedelta(hours=72)


def test_step_without_deadline() -> None:
    row = run(procedure(step("a", "1.1")), situation(), T0)["a"]
    assert row.due_state is DueState.NO_DEADLINE
    assert row.deadline_text == ""


# --- due states ------------------------------------------------------------------------------------


def test_open_step_states() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "5wd")))  # end of Mon 8 June
    sit = situation(events=REFERRED)
    assert run(proc, sit, T0)["a"].due_state is DueState.ON_TRACK
    assert run(proc, sit, T0 + timedelta(days=3))["a"].due_state is DueState.DUE_SOON  # Thursday
    late = run(proc, sit, T0 + timedelta(days=8))["a"]
    assert late.due_state is DueState.OVERDUE
    assert late.overdue_by is not None and late.overdue_by > timedelta(0)
    assert late.due_at is not None
    assert late.due_at + late.overdue_by == T0 + timedelta(days=8)


def test_done_on_time_and_late() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "24h")))
    on_time = run(proc, situation(events=REFERRED, records=[done("a", T0 + timedelta(hours=5))]), T0)
    assert on_time["a"].due_state is DueState.DONE_ON_TIME
    assert on_time["a"].overdue_by is None
    late_at = T0 + timedelta(hours=30)
    late = run(proc, situation(events=REFERRED, records=[done("a", late_at)]), late_at)
    assert late["a"].due_state is DueState.DONE_LATE
    assert late["a"].overdue_by == timedelta(hours=6)
    assert late["a"].status is StepStatus.DONE


def test_not_applicable_status() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "24h")))
    na = StepRecordState("a", StepStatus.NOT_APPLICABLE, reason="Child in hospital")
    row = run(proc, situation(events=REFERRED, records=[na]), T0 + timedelta(days=5))["a"]
    assert row.due_state is DueState.NOT_APPLICABLE
    assert row.status is StepStatus.NOT_APPLICABLE
    assert row.required


def test_recurring_step_falls_due_again_after_completion() -> None:
    proc = procedure(step("review", "11.2", deadline=rule("event:referral_received", "28d", recurs="28d")))
    sit = situation(events=REFERRED, records=[done("review", T0 + timedelta(days=20))])
    row = run(proc, sit, T0 + timedelta(days=30))["review"]
    assert row.status is StepStatus.DONE
    assert row.due_at == T0 + timedelta(days=48)
    assert row.due_state is DueState.ON_TRACK
    assert row.deadline_text == "Within 28 days of referral received, then every 28 days"
    overdue_row = run(proc, sit, T0 + timedelta(days=50))["review"]
    assert overdue_row.due_state is DueState.OVERDUE
    assert overdue_row.overdue_by == timedelta(days=2)


def test_recurring_step_is_due_sooner_when_its_anchor_happens_again() -> None:
    proc = procedure(step("reassess", "8.6", deadline=rule("event:child_returned", "24h", recurs="3mo")))
    completed = T0 + timedelta(days=2)
    returned_again = T0 + timedelta(days=10)
    sit = situation(events={"child_returned": [T0, returned_again]}, records=[done("reassess", completed)])
    row = run(proc, sit, returned_again)["reassess"]
    assert row.due_at == returned_again + timedelta(hours=24)


def test_closed_case_is_judged_at_closure() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "10d")))
    sit = situation(events=REFERRED, closed_at=T0 + timedelta(days=2))
    row = run(proc, sit, T0 + timedelta(days=400))["a"]
    assert row.due_state is DueState.ON_TRACK
    assert row.overdue_by is None
    closed_late = situation(events=REFERRED, closed_at=T0 + timedelta(days=12))
    row = run(proc, closed_late, T0 + timedelta(days=400))["a"]
    assert row.due_state is DueState.OVERDUE
    assert row.overdue_by == timedelta(days=2)


# --- applicability and requirement -----------------------------------------------------------------


def test_conditional_step_follows_its_condition() -> None:
    proc = procedure(
        step("a", "1.1", condition="looked_after", deadline=rule("event:referral_received", "24h")),
    )
    off = run(proc, situation(events=REFERRED, facts={"looked_after": False}), T0)["a"]
    assert (off.applicable, off.required, off.due_state) == (False, False, DueState.NOT_APPLICABLE)
    unknown = run(proc, situation(events=REFERRED), T0)["a"]
    assert unknown.applicable is False
    on = run(proc, situation(events=REFERRED, facts={"looked_after": True}), T0)["a"]
    assert (on.applicable, on.required) == (True, True)
    assert on.due_at == T0 + timedelta(hours=24)


def test_conditional_step_already_done_keeps_its_done_state() -> None:
    proc = procedure(
        step("a", "1.1", condition="risk_category >= 3", deadline=rule("event:referral_received", "24h")),
    )
    sit = situation(events=REFERRED, facts={"risk_category": 1}, records=[done("a", T0 + timedelta(hours=1))])
    row = run(proc, sit, T0 + timedelta(days=3))["a"]
    assert row.applicable is False
    assert row.required is False
    assert row.due_state is DueState.DONE_ON_TIME


def test_event_condition() -> None:
    seizure = rule("event:devices_seized", "2wd")
    proc = procedure(step("a", "6.6", condition="event.devices_seized", deadline=seizure))
    assert run(proc, situation(), T0)["a"].applicable is False
    seized = run(proc, situation(events={"devices_seized": [T0]}), T0)["a"]
    assert seized.applicable is True
    assert seized.due_state is DueState.DUE_SOON
    assert run(proc, situation(events={"devices_seized": []}), T0)["a"].applicable is False


def test_optional_step_is_applicable_but_not_required() -> None:
    proc = procedure(step("a", "1.1", requirement=Requirement.OPTIONAL))
    row = run(proc, situation(), T0)["a"]
    assert (row.applicable, row.required) == (True, False)


# --- dependencies ----------------------------------------------------------------------------------


def test_unmet_dependencies_and_waiting_phrase() -> None:
    proc = procedure(
        step("a", "3.1"),
        step("b", "3.2"),
        step("c", "3.3", depends_on=["a", "b"]),
        step("d", "3.4", depends_on=["a"]),
    )
    rows = run(proc, situation(), T0)
    assert rows["c"].unmet_dependencies == ("a", "b")
    assert rows["c"].waiting_for == "Waiting for steps 3.1 and 3.2 to be completed"
    na = StepRecordState("b", StepStatus.NOT_APPLICABLE, reason="n/a")
    rows = run(proc, situation(records=[done("a", T0), na]), T0)
    assert rows["c"].unmet_dependencies == ()
    assert rows["c"].waiting_for == ""
    rows = run(proc, situation(records=[done("b", T0)]), T0)
    assert rows["d"].waiting_for == "Waiting for step 3.1 to be completed"


def test_dependency_that_does_not_apply_does_not_block() -> None:
    proc = procedure(step("a", "1.1", condition="looked_after"), step("b", "1.2", depends_on=["a"]))
    assert run(proc, situation(), T0)["b"].unmet_dependencies == ()
    assert run(proc, situation(facts={"looked_after": True}), T0)["b"].unmet_dependencies == ("a",)


# --- summaries -------------------------------------------------------------------------------------


def summary_procedure() -> Procedure:
    def after_referral(within: str) -> DeadlineRule:
        return rule("event:referral_received", within)

    return procedure(
        step("a", "1.1", deadline=after_referral("1h")),
        step("b", "1.2", deadline=after_referral("10d")),
        step("c", "1.3", requirement=Requirement.OPTIONAL, deadline=after_referral("2h")),
        step("d", "2.1", phase="p2", deadline=after_referral("3d")),
        step("e", "2.2", phase="p2", condition="looked_after", deadline=after_referral("1h")),
        step("f", "2.3", phase="p2", deadline=after_referral("2h")),
    )


def test_next_due_overdue_and_phase_progress() -> None:
    proc = summary_procedure()
    sit = situation(events=REFERRED, records=[done("f", T0 + timedelta(minutes=30))])
    rows = run(proc, sit, T0 + timedelta(hours=3))
    assert list(rows) == ["a", "b", "c", "d", "e", "f"]
    assert [r.step_id for r in overdue(rows)] == ["a"]  # c is overdue but optional
    assert rows["c"].due_state is DueState.OVERDUE
    nxt = next_due(rows)
    assert nxt is not None and nxt.step_id == "a"
    progress = phase_progress(proc, rows)
    assert [(p.phase_id, p.number, p.required, p.done, p.overdue) for p in progress] == [
        ("p1", 1, 2, 0, 1),
        ("p2", 2, 2, 1, 0),
    ]
    assert not progress[1].complete

    all_done = situation(events=REFERRED, records=[done(s, T0) for s in "abcdf"])
    rows = run(proc, all_done, T0 + timedelta(hours=3))
    assert next_due(rows) is None
    assert all(p.complete for p in phase_progress(proc, rows))


def test_next_due_includes_recurring_done_steps() -> None:
    proc = procedure(
        step("review", "11.2", deadline=rule("event:referral_received", "28d", recurs="7d")),
        step("plan", "6.1", deadline=rule("event:referral_received", "10d")),
    )
    rows = run(proc, situation(events=REFERRED, records=[done("review", T0)]), T0)
    nxt = next_due(rows)
    assert nxt is not None and nxt.step_id == "review"
    assert nxt.due_at == T0 + timedelta(days=7)


# --- contract --------------------------------------------------------------------------------------


def test_naive_datetimes_are_rejected() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "1h")))
    naive = datetime(2026, 6, 1, 9)
    with pytest.raises(ValueError):
        run(proc, situation(), naive)
    with pytest.raises(ValueError):
        run(proc, situation(events={"referral_received": [naive]}), T0)
    with pytest.raises(ValueError):
        done("a", naive)
    with pytest.raises(ValueError):
        situation(closed_at=naive)
    with pytest.raises(ValueError, match="no completed_at"):
        StepRecordState("a", StepStatus.DONE)


def test_results_are_utc() -> None:
    proc = procedure(step("a", "1.1", deadline=rule("event:referral_received", "1wd")))
    row = run(proc, situation(events=REFERRED), T0)["a"]
    assert row.due_at is not None and row.due_at.tzinfo is UTC


def test_inputs_are_not_mutated() -> None:
    proc = summary_procedure()
    sit = situation(events=REFERRED, facts={"looked_after": True}, records=[done("f", T0)])
    before = (copy.deepcopy(dict(sit.facts)), copy.deepcopy(dict(sit.events)), dict(sit.records))
    run(proc, sit, T0 + timedelta(hours=3))
    assert (dict(sit.facts), dict(sit.events), dict(sit.records)) == before
    assert proc == summary_procedure()


def test_same_id_and_version_with_different_content_is_not_served_a_stale_plan() -> None:
    first = procedure(step("a", "1.1", deadline=rule("event:referral_received", "1h")))
    second = procedure(step("a", "1.1", deadline=rule("event:referral_received", "5h")))
    assert run(first, situation(events=REFERRED), T0)["a"].due_at == T0 + timedelta(hours=1)
    assert run(second, situation(events=REFERRED), T0)["a"].due_at == T0 + timedelta(hours=5)


def big_procedure() -> Procedure:
    """93 steps in 12 phases mixing every kind of rule, like the shipped SOP."""
    units = ["0h", "24h", "1wd", "5wd", "7d", "3mo", "2wd", "10wd"]
    steps: list[Step] = []
    for i in range(93):
        phase = f"p{i % 12 + 1:02d}"
        number = f"{i % 12 + 1}.{i // 12 + 1}"
        anchor = "event:referral_received" if i % 3 else f"step:s{i - 1}" if i else "event:case_opened"
        recurs = "28d" if i % 17 == 0 else None
        deadline = rule(anchor, units[i % len(units)], recurs=recurs) if i % 9 else None
        condition = "looked_after or risk_category >= 3" if i % 5 == 0 else None
        depends = [f"s{i - 2}"] if i % 4 == 0 and i >= 2 else []
        new = step(f"s{i}", number, phase=phase, condition=condition, deadline=deadline, depends_on=depends)
        steps.append(new)
    steps.sort(key=lambda s: s.phase_id)
    return procedure(*steps, pid="big-sop")


def test_a_93_step_procedure_schedules_fast() -> None:
    proc = big_procedure()
    sit = situation(
        events={"referral_received": [T0], "case_opened": [T0]},
        facts={"looked_after": True, "risk_category": 2},
        records=[done(f"s{i}", T0 + timedelta(hours=i)) for i in range(0, 93, 2)],
    )
    now = T0 + timedelta(days=20)
    calendar = WorkingCalendar.default()
    compute_schedule(proc, sit, now, calendar)  # builds the per-procedure plan
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        rows = compute_schedule(proc, sit, now, calendar)
    per_step = (time.perf_counter() - start) / runs / len(rows)
    assert len(rows) == 93
    assert per_step < 0.0002, f"{per_step * 1e6:.1f} µs per step"


MINIMAL_SOP = Path(__file__).resolve().parents[1] / "fixtures" / "sop" / "minimal.yaml"


def test_schedules_the_minimal_fixture_procedure() -> None:
    loader = pytest.importorskip("checklist_app.core.procedure.loader")
    if not MINIMAL_SOP.exists():
        pytest.skip("minimal SOP fixture not present")
    proc = loader.load_procedure_file(MINIMAL_SOP)
    rows = compute_schedule(proc, situation(events=REFERRED), T0, CAL)
    assert list(rows) == [s.id for s in proc.steps]


def test_a_step_waiting_for_an_undated_step_is_waiting_not_overdue() -> None:
    proc = procedure(
        step("undated", "5.6"),  # no deadline of its own
        step("dated", "5.5", deadline=rule("event:referral_received", "1d")),
        step("after", "5.7", depends_on=["undated"], deadline=rule("event:referral_received", "2d")),
        step("chain", "5.8", depends_on=["after"], deadline=rule("event:referral_received", "3d")),
        step("on_dated", "5.9", depends_on=["dated"], deadline=rule("event:referral_received", "2d")),
    )
    later = T0 + timedelta(days=319)
    rows = run(proc, situation(events=REFERRED), later)
    for step_id in ("after", "chain"):
        assert rows[step_id].due_state is DueState.AWAITING, step_id
        assert rows[step_id].overdue_by is None and rows[step_id].due_at is None
    assert rows["after"].waiting_for == "Waiting for step 5.6 to be completed"
    assert rows["on_dated"].due_state is DueState.OVERDUE  # its prerequisite has a date: lateness is real
    assert [r.step_id for r in overdue(rows)] == ["dated", "on_dated"]
    rows = run(proc, situation(events=REFERRED, records=[done("undated", later)]), later)
    assert rows["after"].due_state is DueState.OVERDUE  # once 5.6 is done, its own deadline counts again
