"""Audit grading by the template's rules, and the independence rules."""

from __future__ import annotations

import pytest
from world_support import MINIMAL_SOP

from checklist_app import paths
from checklist_app.core.audit_grading import assess, problems
from checklist_app.core.audit_independence import Involvement, SkipReason, conflict
from checklist_app.core.procedure.loader import load_procedure_file

TEMPLATE = load_procedure_file(MINIMAL_SOP).audit_template
CRITICAL = "audit.referral.flagged"
OTHERS = ("audit.risk.assessed", "audit.investigation.devices")


def grades(critical: str, others: str = "compliant") -> dict[str, str]:
    return {CRITICAL: critical, **dict.fromkeys(OTHERS, others)}


def test_all_compliant_is_outstanding() -> None:
    result = assess(TEMPLATE, grades("compliant"))
    assert result.score == 1 and result.indicated is not None and result.indicated.id == "outstanding"
    assert result.cap.id == "outstanding" and result.critical_failures == ()


def test_a_partial_critical_item_caps_at_good_whatever_the_score() -> None:
    result = assess(TEMPLATE, grades("partial"))
    assert result.score == pytest.approx(2.5 / 3)
    assert result.cap.id == "good" and result.critical_failures == (CRITICAL,)
    assert result.indicated is not None and result.indicated.id == "good"


def test_a_non_compliant_critical_item_caps_below_good() -> None:
    result = assess(TEMPLATE, grades("non_compliant"))
    assert result.cap.id == "requires_improvement"
    # score 2/3 = 0.67: requires improvement by score too
    assert result.indicated is not None and result.indicated.id == "requires_improvement"


def test_not_applicable_items_leave_the_score() -> None:
    result = assess(TEMPLATE, {CRITICAL: "not_applicable", OTHERS[0]: "compliant", OTHERS[1]: "partial"})
    assert result.score == pytest.approx(0.75)
    assert result.cap.id == "outstanding"  # a critical item that does not apply has not failed
    assert result.indicated is not None and result.indicated.id == "requires_improvement"


def test_the_indicated_grade_waits_for_every_item() -> None:
    result = assess(TEMPLATE, {CRITICAL: "compliant"})
    assert result.indicated is None and not result.complete and result.graded == 1


def test_signing_needs_every_item_an_overall_grade_within_the_cap_and_a_rationale() -> None:
    found = problems(TEMPLATE, {CRITICAL: "compliant"}, {}, None, "", final=True)
    messages = " | ".join(p.message for p in found)
    assert "2 item(s) not graded" in messages
    assert "overall grade is required" in messages
    assert "rationale" in messages
    capped = problems(TEMPLATE, grades("non_compliant"), {CRITICAL: "no flag"}, "good", "fine", final=True)
    assert len(capped) == 1 and "above what the critical items allow" in capped[0].message
    assert problems(TEMPLATE, grades("non_compliant"), {CRITICAL: "no flag"}, "inadequate", "why", final=True) == []


def test_grades_short_of_compliant_and_not_applicable_need_a_comment() -> None:
    found = problems(TEMPLATE, {CRITICAL: "partial", OTHERS[0]: "not_applicable"}, {}, None, "", final=False)
    assert {p.item_id for p in found} == {CRITICAL, OTHERS[0]}
    assert problems(TEMPLATE, {CRITICAL: "compliant"}, {}, None, "", final=False) == []


def test_unknown_items_and_grades_are_named() -> None:
    found = problems(TEMPLATE, {"audit.nope": "compliant", CRITICAL: "excellent"}, {}, "superb", "", final=False)
    messages = [p.message for p in found]
    assert any("audit.nope is not an item" in m for m in messages)
    assert any("grade must be one of" in m for m in messages)
    assert any("overall grade must be one of" in m for m in messages)


def test_the_shipped_template_grades_by_the_same_rules() -> None:
    template = load_procedure_file(paths.default_sop()).audit_template
    critical = [i.id for i in template.items if i.critical]
    marks = {i.id: "compliant" for i in template.items} | {critical[0]: "partial"}
    assert assess(template, marks).cap.id == "good"


def involvement(**kw: object) -> Involvement:
    base: dict[str, object] = {"officer_id": 1, "supervisor_id": 2, "team_id": 10, "writers": frozenset({1, 2, 3})}
    return Involvement(**(base | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("auditor", "team", "block", "reason"),
    [
        (1, None, False, SkipReason.OFFICER),
        (2, None, False, SkipReason.SUPERVISOR),
        (3, None, False, SkipReason.EDITOR),
        (9, 10, True, SkipReason.OWN_TEAM),
        (9, 10, False, None),
        (9, 11, True, None),
        (9, None, True, None),
    ],
)
def test_independence(auditor: int, team: int | None, block: bool, reason: SkipReason | None) -> None:
    assert conflict(auditor, team, involvement(), block) is reason


def test_every_skip_reason_reads_as_a_sentence() -> None:
    assert all(r.describe().startswith("the ") for r in SkipReason)
