"""Deadlines that depend on a case fact (`deadline.by`): the loader's checks, and due dates by risk
category, intelligence priority, missing-person risk grade and a yes/no fact, across weekends, bank
holidays and the clock change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from checklist_app import paths
from checklist_app.core.deadlines import DueState
from checklist_app.core.procedure.diff import diff_procedures
from checklist_app.core.procedure.fact_deadlines import DeadlineBy, DeadlineCase, same_value
from checklist_app.core.procedure.loader import load_procedure_file, load_procedure_text, validate_text
from checklist_app.core.procedure.model import Duration, Procedure
from checklist_app.core.schedule import CaseSituation, StepRecordState, StepStatus, compute_schedule

MINIMAL_TEXT = (Path(__file__).parents[1] / "fixtures" / "sop" / "minimal.yaml").read_text(encoding="utf-8")

# The fixture's recurring supervisory review (2.4), made to depend on the risk category.
REVIEW_BY_CATEGORY = (
    """          from: event:case_opened
          within: 28d
          recurs_every: 28d
          basis: *local""",
    """          from: event:case_opened
          within: 28d
          recurs_every: 28d
          by:
            fact: risk_category
            cases:
              - {values: [3, 4], within: 7d, recurs_every: 14d}
          basis: *local""",
)
# The fixture's risk assessment (2.1, 5 working days from the strategy discussion), by placement type.
ASSESS_BY_PLACEMENT = (
    """          from: event:strategy_discussion_held
          within: 5wd
          basis: *local""",
    """          from: event:strategy_discussion_held
          within: 5wd
          by:
            fact: placement_type
            cases:
              - {values: [residential], within: 1wd}
              - {values: [foster, kinship], within: 2wd}
          basis: *local""",
)


def edited(*replacements: tuple[str, str]) -> str:
    text = MINIMAL_TEXT
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in minimal.yaml"
        text = text.replace(old, new)
    return text


def problems_of(text: str) -> list[str]:
    procedure, problems = validate_text(text, "test.yaml")
    assert procedure is None
    return [str(p) for p in problems]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the model ------------------------------------------------------------------------------------


def test_a_yes_no_value_never_matches_a_number() -> None:
    assert same_value(True, True) and not same_value(True, 1) and not same_value(1, True)
    assert same_value(3, 3) and same_value(3.0, 3) and not same_value("3", 3)
    assert same_value("high", "high") and not same_value("high", "High")


def test_case_for_picks_the_matching_case_and_nothing_without_a_value() -> None:
    by = DeadlineBy(
        "risk_category", (DeadlineCase((3, 4), Duration.parse("1mo")), DeadlineCase((2,), Duration.parse("2mo")))
    )
    assert by.case_for({"risk_category": 4}) == by.cases[0]
    assert by.case_for({"risk_category": 2}) == by.cases[1]
    assert by.case_for({"risk_category": 1}) is None
    assert by.case_for({"risk_category": None}) is None
    assert by.case_for({}) is None


# --- the loader -----------------------------------------------------------------------------------


def test_a_fact_dependent_deadline_loads() -> None:
    procedure = load_procedure_text(edited(REVIEW_BY_CATEGORY, ASSESS_BY_PLACEMENT))
    review = procedure.step("risk.supervisory-review").deadline
    assert review is not None and review.by is not None
    assert review.by.fact == "risk_category"
    assert review.by.cases == (DeadlineCase((3, 4), Duration.parse("7d"), Duration.parse("14d")),)
    assess = procedure.step("risk.seraf-assessment").deadline
    assert assess is not None and assess.by is not None
    assert [c.values for c in assess.by.cases] == [("residential",), ("foster", "kinship")]
    assert procedure.effective_deadline(procedure.step("risk.seraf-assessment")) == Duration.parse("5wd")
    assert procedure.effective_deadline(
        procedure.step("risk.seraf-assessment"), {"placement_type": "foster"}
    ) == Duration.parse("2wd")


@pytest.mark.parametrize(
    ("new", "fragment", "message"),
    [
        (
            "fact: risk_categry",
            "fact: risk_categry",
            "the deadline depends on unknown fact 'risk_categry' (did you mean 'risk_category'?)",
        ),
        ("values: [3, 4]", "values: [3, 4]", "fact 'risk_category' is a number: the value must be a number"),
        ("values: [high]", "values: [high]", "fact 'risk_category' is a number: the value must be a number"),
        ("values: []", "values: []", "values needs at least 1 value"),
        ("values: [3, 3]", "values: [3, 3]", "value 3 already has a case (cases[0])"),
        ("values: [3], within: 7d, recurs_every: 14d, every: 1d", "every: 1d", "unknown key 'every'"),
        ("values: [3], within: 7dd", "within: 7dd", "7dd"),
        ("within: 7d", "within: 7d", "missing required key 'values'"),
    ],
)
def test_bad_case_is_reported_with_its_line(new: str, fragment: str, message: str) -> None:
    old_case = "- {values: [3, 4], within: 7d, recurs_every: 14d}"
    if new.startswith("fact:"):
        text = edited(REVIEW_BY_CATEGORY, ("fact: risk_category\n            cases", f"{new}\n            cases"))
    elif new == "values: [3, 4]":
        # A number fact given text: make the case's values text.
        text = edited(REVIEW_BY_CATEGORY, (old_case, "- {values: ['3', 4], within: 7d, recurs_every: 14d}"))
        fragment = "values: ['3', 4]"
    else:
        body = new if "within" in new else f"{new}, within: 7d, recurs_every: 14d"
        text = edited(REVIEW_BY_CATEGORY, (old_case, "- {" + body + "}"))
    problems = problems_of(text)
    line = line_of(text, fragment)
    assert any(message in p and p.startswith(f"test.yaml:{line}:") for p in problems), (line, problems)


def test_choice_values_must_be_among_the_fact_choices() -> None:
    text = edited(
        ASSESS_BY_PLACEMENT, ("{values: [foster, kinship], within: 2wd}", "{values: [foster, hostel], within: 2wd}")
    )
    problems = problems_of(text)
    line = line_of(text, "hostel")
    assert any(
        p.startswith(f"test.yaml:{line}:")
        and "text ('hostel') is not a choice of fact 'placement_type'; expected one of: residential, foster" in p
        for p in problems
    ), problems


def test_yes_no_values_must_be_true_or_false() -> None:
    text = edited(
        (
            """          from: event:strategy_discussion_held
          within: 5wd
          basis: *local""",
            """          from: event:strategy_discussion_held
          within: 5wd
          by:
            fact: looked_after
            cases:
              - {values: [1], within: 1wd}
          basis: *local""",
        ),
    )
    problems = problems_of(text)
    assert any(
        p.startswith(f"test.yaml:{line_of(text, 'values: [1]')}:")
        and "fact 'looked_after' is yes/no: the value must be true or false" in p
        for p in problems
    ), problems


def test_a_case_interval_needs_a_recurring_deadline() -> None:
    text = edited(
        (
            ASSESS_BY_PLACEMENT[0],
            ASSESS_BY_PLACEMENT[1].replace(
                "{values: [residential], within: 1wd}", "{values: [residential], within: 1wd, recurs_every: 1mo}"
            ),
        )
    )
    problems = problems_of(text)
    assert any(
        p.startswith(f"test.yaml:{line_of(text, 'recurs_every: 1mo')}:")
        and "a case can set recurs_every only when the deadline itself recurs" in p
        for p in problems
    ), problems


def test_cases_must_not_be_empty() -> None:
    text = edited(REVIEW_BY_CATEGORY, ("              - {values: [3, 4], within: 7d, recurs_every: 14d}\n", ""))
    text = text.replace("            cases:\n          basis", "            cases: []\n          basis")
    problems = problems_of(text)
    assert any("cases needs at least 1 case" in p for p in problems), problems


def test_a_fact_dependent_deadline_cannot_be_overridden() -> None:
    text = edited(
        REVIEW_BY_CATEGORY,
        ("    referral.confirm-safety: 12h", "    referral.confirm-safety: 12h\n    risk.supervisory-review: 14d"),
    )
    problems = problems_of(text)
    assert any(
        p.startswith(f"test.yaml:{line_of(text, 'risk.supervisory-review: 14d')}:")
        and "depends on fact 'risk_category'; an override would replace every case" in p
        for p in problems
    ), problems


def test_derived_choice_facts_declare_exactly_the_values_the_application_gives() -> None:
    text = edited(
        (
            "  - id: risk_category\n",
            "  - id: intelligence_priority\n    title: Intelligence priority\n    type: choice\n"
            "    source: derived\n    choices: [urgent, routine]\n  - id: risk_category\n",
        )
    )
    problems = problems_of(text)
    assert any(
        p.startswith(f"test.yaml:{line_of(text, 'choices: [urgent, routine]')}:")
        and "derived fact 'intelligence_priority' takes exactly the values high, medium, low" in p
        for p in problems
    ), problems


# --- due dates (procedure 1.1) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def v11() -> Procedure:
    return load_procedure_file(paths.sop_dir() / "cse-sop-v1.1.yaml")


def due(
    procedure: Procedure,
    step_id: str,
    facts: dict[str, object],
    events: dict[str, tuple[datetime, ...]],
    records: dict[str, StepRecordState] | None = None,
    now: datetime | None = None,
) -> datetime | None:
    when = now or max(t for times in events.values() for t in times)
    situation = CaseSituation(facts=facts, events=events, records=records or {})
    return compute_schedule(procedure, situation, when)[step_id].due_at


def confirmed(at: datetime) -> dict[str, StepRecordState]:
    """Step 4.3 done, so the review (4.6) does not wait for it."""
    return {"risk.confirm": StepRecordState("risk.confirm", StepStatus.DONE, at, completions=1)}


def submitted(at: datetime) -> dict[str, StepRecordState]:
    """5.1 submitted at `at`, and the steps before 5.7 recorded at once, so none waits for another (a done
    step still reports its due date)."""
    steps = ("submit", "quality-check", "sanitise", "route", "assess", "disseminate")
    return {
        f"intelligence.{s}": StepRecordState(f"intelligence.{s}", StepStatus.DONE, at, completions=1) for s in steps
    }


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        (None, utc(2027, 3, 5, 19, 0)),  # never assessed: 3 months
        (1, utc(2027, 3, 5, 19, 0)),
        (2, utc(2027, 3, 5, 19, 0)),
        (3, utc(2027, 1, 5, 19, 0)),  # 1 month, on a Tuesday after the New Year holiday: months ignore holidays
        (4, utc(2027, 1, 5, 19, 0)),
    ],
)
def test_risk_review_by_category(v11: Procedure, category: int | None, expected: datetime) -> None:
    assessed = utc(2026, 12, 5, 19, 0)  # a Saturday evening
    facts = {"risk_category": category if category is not None else 0}
    assert due(v11, "risk.reassess", facts, {"risk_assessed": (assessed,)}, confirmed(assessed)) == expected


def test_risk_review_recurs_by_category_and_follows_a_change_of_category(v11: Procedure) -> None:
    assessed = utc(2026, 3, 27, 9, 0)  # Friday before the spring clock change
    reviewed = utc(2026, 4, 3, 11, 0)  # Good Friday (bank holiday)
    records = {
        **confirmed(assessed),
        "risk.reassess": StepRecordState("risk.reassess", StepStatus.DONE, reviewed, completions=1),
    }
    events = {"risk_assessed": (assessed,)}
    # London wall clock kept: 12:00 BST on 3 April -> 12:00 BST on 3 May (a Sunday), 3 August for Category 2.
    assert due(v11, "risk.reassess", {"risk_category": 4}, events, records, now=reviewed) == utc(2026, 5, 3, 11, 0)
    assert due(v11, "risk.reassess", {"risk_category": 2}, events, records, now=reviewed) == utc(2026, 7, 3, 11, 0)
    # The category rising brings the open review forward: "one rule, one date".
    open_review = confirmed(assessed)
    assert due(v11, "risk.reassess", {"risk_category": 2}, events, open_review) == utc(2026, 6, 27, 8, 0)
    assert due(v11, "risk.reassess", {"risk_category": 3}, events, open_review) == utc(2026, 4, 27, 8, 0)


@pytest.mark.parametrize(
    ("priority", "route", "assess", "acknowledge"),
    [
        # Submitted Thursday 24 December 2026, 15:00. Christmas Day (Fri 25) and the Boxing Day substitute
        # (Mon 28) are bank holidays; so is New Year's Day (Fri 1 January 2027).
        ("high", utc(2026, 12, 24, 16, 0), utc(2026, 12, 24, 17, 0), utc(2026, 12, 24, 19, 0)),
        (
            "medium",
            utc(2026, 12, 24, 19, 0),
            utc(2026, 12, 29, 23, 59, 59, 999999),
            utc(2026, 12, 30, 23, 59, 59, 999999),
        ),
        (
            "low",
            utc(2026, 12, 29, 23, 59, 59, 999999),
            utc(2027, 1, 5, 23, 59, 59, 999999),
            utc(2027, 1, 12, 23, 59, 59, 999999),
        ),
        (
            None,
            utc(2026, 12, 29, 23, 59, 59, 999999),
            utc(2027, 1, 5, 23, 59, 59, 999999),
            utc(2027, 1, 12, 23, 59, 59, 999999),
        ),
    ],
)
def test_intelligence_steps_by_priority(
    v11: Procedure, priority: str | None, route: datetime, assess: datetime, acknowledge: datetime
) -> None:
    at = utc(2026, 12, 24, 15, 0)
    events = {"referral_received": (utc(2026, 12, 24, 9, 0),)}
    facts = {"intelligence_priority": priority}
    assert due(v11, "intelligence.route", facts, events, submitted(at), now=at) == route
    assert due(v11, "intelligence.assess", facts, events, submitted(at), now=at) == assess
    assert due(v11, "intelligence.acknowledge", facts, events, submitted(at), now=at) == acknowledge


def test_a_high_priority_item_is_overdue_within_hours_not_days(v11: Procedure) -> None:
    at = utc(2026, 12, 24, 15, 0)
    situation = CaseSituation(
        facts={"intelligence_priority": "high"},
        events={"referral_received": (utc(2026, 12, 24, 9, 0),)},
        records={
            "intelligence.submit": StepRecordState("intelligence.submit", StepStatus.DONE, at, completions=1),
            "intelligence.quality-check": StepRecordState("intelligence.quality-check", StepStatus.DONE, at),
            "intelligence.sanitise": StepRecordState("intelligence.sanitise", StepStatus.DONE, at),
            "intelligence.route": StepRecordState("intelligence.route", StepStatus.DONE, at),
        },
    )
    row = compute_schedule(v11, situation, utc(2026, 12, 24, 18, 0))["intelligence.assess"]
    assert row.due_state is DueState.OVERDUE
    assert "2 hours when intelligence priority (most urgent item) is high" in row.deadline_text


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        # Reported missing Saturday 24 October 2026, 23:30 BST; the clocks go back at 02:00 BST on Sunday.
        ("high", utc(2026, 10, 24, 23, 30)),
        ("medium", utc(2026, 10, 25, 2, 30)),
        ("low", utc(2026, 10, 25, 10, 30)),  # exactly 12 elapsed hours across the clock change
        (None, utc(2026, 10, 25, 10, 30)),
    ],
)
def test_missing_grade_review_by_grade(v11: Procedure, grade: str | None, expected: datetime) -> None:
    reported = utc(2026, 10, 24, 22, 30)
    facts = {"missing_risk_grade": grade, "missing_episodes_recorded": True}
    assert due(v11, "missing.review-grade", facts, {"child_reported_missing": (reported,)}) == expected


@pytest.mark.parametrize(
    ("recent", "early_evidence", "medical"),
    [
        # Referral Friday 18 December 2026, 18:00 UTC.
        (True, utc(2026, 12, 18, 19, 0), utc(2026, 12, 18, 22, 0)),
        # 5 working days: 21, 22, 23, 24 December, then Tuesday 29 (25 and 28 are bank holidays).
        (False, utc(2026, 12, 19, 18, 0), utc(2026, 12, 29, 23, 59, 59, 999999)),
        (None, utc(2026, 12, 19, 18, 0), utc(2026, 12, 29, 23, 59, 59, 999999)),
    ],
)
def test_yes_no_fact_shortens_the_forensic_deadlines(
    v11: Procedure, recent: bool | None, early_evidence: datetime, medical: datetime
) -> None:
    events = {"referral_received": (utc(2026, 12, 18, 18, 0),)}
    facts = {"recent_abuse": recent}
    assert due(v11, "referral.early-evidence", facts, events) == early_evidence
    assert due(v11, "investigation.medical", facts, events) == medical


def test_police_protection_notifications_fall_inside_the_72_hours(v11: Procedure) -> None:
    taken = utc(2026, 12, 4, 20, 0)  # Friday 20:00: version 1.0 made this due Monday 23:59
    facts = {"police_protection_used": True}
    events = {"police_protection_taken": (taken,), "referral_received": (taken,)}
    assert due(v11, "safeguarding.pp-notify", facts, events) == utc(2026, 12, 5, 0, 0)
    assert due(v11, "safeguarding.pp-end", facts, events) == utc(2026, 12, 7, 20, 0)


def test_diff_lists_the_new_deadline_forms(v11: Procedure) -> None:
    v10 = load_procedure_file(paths.default_sop())
    by = {
        c.id: next(a for a in c.changes if a.name == "deadline by")
        for c in diff_procedures(v10, v11).changed_steps
        if any(a.name == "deadline by" for a in c.changes)
    }
    assert by["risk.reassess"].new == "by risk_category: 3/4 -> 1mo every 1mo"
    assert by["intelligence.assess"].new == "by intelligence_priority: high -> 2h, medium -> 1wd"
    assert by["missing.review-grade"].new == "by missing_risk_grade: high -> 1h, medium -> 4h"
    assert by["referral.early-evidence"].new == "by recent_abuse: true -> 1h"
    assert all(change.old == "" for change in by.values())
