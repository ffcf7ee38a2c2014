"""The casework audit template: item grades, overall grades with their critical rules, and items."""

from __future__ import annotations

import itertools

from checklist_app.core.procedure.declarations import Located, parse_provenance
from checklist_app.core.procedure.limits import GRADE_ID_CHARS, VERSION_CHARS
from checklist_app.core.procedure.model import AuditItem, AuditTemplate, ItemGrade, OverallGrade
from checklist_app.core.procedure.nodes import CheckedMap, ParseContext, join_path, open_mapping

CRITICAL_RULES = ("all_critical_compliant", "no_critical_non_compliant")
# The grade each critical rule looks for among the item grades.
_CRITICAL_RULE_GRADE = {"all_critical_compliant": "compliant", "no_critical_non_compliant": "non_compliant"}


def parse_audit_template(ctx: ParseContext, top: CheckedMap, located: Located) -> AuditTemplate:
    a = top.sub("audit_template", ("id", "version", "title", "provenance", "item_grades", "overall_grades", "items"))
    item_grades = _parse_item_grades(a)
    overall = _parse_overall_grades(a, {g.id for g in item_grades})
    items = []
    for path, node in a.items_of("items", 1, "item"):
        m = open_mapping(ctx, node, path, ("id", "phase", "compliance", "quality"), ("steps", "critical"))
        if m is None:
            continue
        item = AuditItem(
            m.ident("id", "audit item id"),
            m.text("phase"),
            m.text("compliance"),
            m.text("quality"),
            m.strings("steps"),
            m.boolean("critical"),
        )
        located.audit_items.append((item, path))
        items.append(item)
    return AuditTemplate(
        id=a.ident("id", "audit template id"),
        version=a.text("version", max_chars=VERSION_CHARS),
        title=a.text("title"),
        item_grades=tuple(item_grades),
        overall_grades=tuple(overall),
        items=tuple(items),
        provenance=parse_provenance(a, "provenance"),
    )


def _parse_item_grades(a: CheckedMap) -> list[ItemGrade]:
    grades: list[ItemGrade] = []
    for path, node in a.items_of("item_grades", 1, "grade"):
        m = open_mapping(a.ctx, node, path, ("id", "label", "weight"), ("excluded", "reason_required"))
        if m is not None:
            grades.append(
                ItemGrade(
                    m.ident("id", "item grade id"),
                    m.text("label"),
                    m.number("weight", 0.0, low=0.0, high=1.0),
                    m.boolean("excluded"),
                    m.boolean("reason_required"),
                )
            )
    return grades


def _parse_overall_grades(a: CheckedMap, item_grade_ids: set[str]) -> list[OverallGrade]:
    grades: list[tuple[OverallGrade, str]] = []
    for path, node in a.items_of("overall_grades", 1, "grade"):
        m = open_mapping(a.ctx, node, path, ("id", "label", "min_score"), ("critical_rule",))
        if m is None:
            continue
        rule = m.choice("critical_rule", CRITICAL_RULES, "") if m.has("critical_rule") else ""
        if rule and item_grade_ids and _CRITICAL_RULE_GRADE[rule] not in item_grade_ids:
            m.ctx.add(
                m.at("critical_rule"),
                f"critical_rule {rule} needs an item grade with id '{_CRITICAL_RULE_GRADE[rule]}'",
            )
        grade_id = m.ident("id", "overall grade id")
        if len(grade_id) > GRADE_ID_CHARS:
            m.ctx.add(m.at("id"), f"an overall grade id may have at most {GRADE_ID_CHARS} characters (it is stored)")
        grade = OverallGrade(grade_id, m.text("label"), m.number("min_score", 0.0, 0.0, 1.0), rule)
        grades.append((grade, path))
    _check_overall_order(a.ctx, grades)
    return [g for g, _ in grades]


def _check_overall_order(ctx: ParseContext, grades: list[tuple[OverallGrade, str]]) -> None:
    for (before, _), (grade, path) in itertools.pairwise(grades):
        if grade.min_score >= before.min_score:
            ctx.add(
                join_path(path, "min_score"),
                f"overall grades must be in descending min_score order: {grade.min_score:g} follows "
                f"{before.min_score:g}",
            )
    if grades and grades[-1][0].min_score != 0:
        ctx.add(join_path(grades[-1][1], "min_score"), "the last overall grade must have min_score: 0")
