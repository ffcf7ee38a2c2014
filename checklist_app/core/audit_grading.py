"""Grading a casework audit against the SOP's audit template (the template is data, not code).

Score = sum of item grade weights / number of items not excluded (not applicable). The grade the
template's thresholds give is the *indicated* grade; a critical item that fails caps the grade however
high the score (rules `all_critical_compliant` and `no_critical_non_compliant`). The auditor chooses the
overall grade with a rationale: any grade, lower or higher than the score indicates, but never above
the cap the critical items set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checklist_app.core.procedure.model import AuditTemplate, ItemGrade, OverallGrade

ALL_CRITICAL_COMPLIANT = "all_critical_compliant"
NO_CRITICAL_NON_COMPLIANT = "no_critical_non_compliant"


@dataclass(frozen=True, slots=True)
class GradeProblem:
    item_id: str  # "" for the overall grade
    message: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the template's rules make of the item grades given so far."""

    score: float | None  # None while no gradable item is graded
    graded: int
    total: int
    indicated: OverallGrade | None  # by score and critical rules; None until every item is graded
    cap: OverallGrade  # the best grade the critical items allow
    critical_failures: tuple[str, ...]  # critical item ids not compliant

    @property
    def complete(self) -> bool:
        return self.graded == self.total


def item_grade(template: AuditTemplate, grade_id: str) -> ItemGrade:
    for grade in template.item_grades:
        if grade.id == grade_id:
            return grade
    raise KeyError(grade_id)


def overall_grade(template: AuditTemplate, grade_id: str) -> OverallGrade:
    for grade in template.overall_grades:
        if grade.id == grade_id:
            return grade
    raise KeyError(grade_id)


def _full_weight(template: AuditTemplate) -> float:
    return max((g.weight for g in template.item_grades if not g.excluded), default=1.0)


def _rule_holds(rule: str, template: AuditTemplate, grades: Mapping[str, str]) -> bool:
    full = _full_weight(template)
    for item in template.items:
        if not item.critical or item.id not in grades:
            continue
        grade = item_grade(template, grades[item.id])
        if grade.excluded:
            continue
        if rule == ALL_CRITICAL_COMPLIANT and grade.weight < full:
            return False
        if rule == NO_CRITICAL_NON_COMPLIANT and grade.weight == 0:
            return False
    return True


def assess(template: AuditTemplate, grades: Mapping[str, str]) -> Assessment:
    """Score, indicated grade and cap for `grades` (item id -> item grade id; unknown ids are ignored)."""
    items = {i.id for i in template.items}
    known = {k: v for k, v in grades.items() if k in items and v}
    weights = [item_grade(template, g) for g in known.values()]
    counted = [g.weight for g in weights if not g.excluded]
    score = sum(counted) / len(counted) if counted else None
    # Overall grades are listed best first; the cap ignores the score, the indicated grade uses both.
    cap = next(
        g for g in template.overall_grades if not g.critical_rule or _rule_holds(g.critical_rule, template, known)
    )
    indicated = None
    if len(known) == len(items):
        effective = score if score is not None else 1.0  # everything not applicable: nothing failed
        indicated = next(
            g
            for g in template.overall_grades
            if effective >= g.min_score and (not g.critical_rule or _rule_holds(g.critical_rule, template, known))
        )
    full = _full_weight(template)
    failures = tuple(
        i.id
        for i in template.items
        if i.critical
        and i.id in known
        and not item_grade(template, known[i.id]).excluded
        and item_grade(template, known[i.id]).weight < full
    )
    return Assessment(score, len(known), len(items), indicated, cap, failures)


def rank(template: AuditTemplate, grade_id: str) -> int:
    """0 for the best overall grade, rising as grades get worse."""
    return [g.id for g in template.overall_grades].index(grade_id)


def problems(
    template: AuditTemplate,
    grades: Mapping[str, str],
    comments: Mapping[str, str],
    overall: str | None,
    rationale: str,
    *,
    final: bool,
) -> list[GradeProblem]:
    """What is wrong with an audit form. `final` also asks for what a signed audit needs: every item
    graded, an overall grade within the cap and a rationale."""
    found: list[GradeProblem] = []
    items = {i.id for i in template.items}
    grade_ids = {g.id for g in template.item_grades}
    full = _full_weight(template)
    for item_id, grade_id in grades.items():
        if item_id not in items:
            found.append(GradeProblem(item_id, f"{item_id} is not an item of {template.title}"))
        elif grade_id and grade_id not in grade_ids:
            found.append(GradeProblem(item_id, f"grade must be one of: {', '.join(sorted(grade_ids))}"))
        elif grade_id:
            grade = item_grade(template, grade_id)
            # Not applicable needs its reason (template); anything short of full marks needs to say what
            # fell short, or the remedial actions have nothing to answer.
            if (grade.reason_required or grade.weight < full) and not comments.get(item_id, "").strip():
                found.append(GradeProblem(item_id, f"a comment is required for '{grade.label}'"))
    if overall and overall not in {g.id for g in template.overall_grades}:
        found.append(
            GradeProblem("", f"overall grade must be one of: {', '.join(g.id for g in template.overall_grades)}")
        )
        return found
    if not final:
        return found
    result = assess(template, {k: v for k, v in grades.items() if k in items and v in grade_ids})
    missing = [i.id for i in template.items if not grades.get(i.id)]
    if missing:
        found.append(GradeProblem(missing[0], f"{len(missing)} item(s) not graded, first {missing[0]}"))
    if not overall:
        found.append(GradeProblem("", "the overall grade is required"))
    elif rank(template, overall) < rank(template, result.cap.id):
        found.append(
            GradeProblem(
                "",
                f"'{overall_grade(template, overall).label}' is above what the critical items allow "
                f"('{result.cap.label}' at best: critical failures {', '.join(result.critical_failures)})",
            )
        )
    if not rationale.strip():
        found.append(GradeProblem("", "the rationale for the overall grade is required"))
    return found
