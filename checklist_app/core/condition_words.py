"""Step conditions in words, for anyone who reads them rather than writes them: the steps panel shows them,
a report prints them, the new-case wizard says which steps a fact decides."""

from __future__ import annotations

from checklist_app.core.conditions import Compare, ConditionError, EventRef, Expr, FactRef, Not, parse, references
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.readable import readable
from checklist_app.core.wording import sentence_case

_OPERATORS = {
    "==": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}


def condition_words(condition: str, procedure: Procedure | None) -> str:
    """'risk_category >= 3 or looked_after' -> 'Latest CSE risk category is at least 3, or Child is looked
    after by the local authority'. Falls back to the expression itself if it cannot be read."""
    if not condition:
        return ""
    try:
        expr = parse(condition)
    except ConditionError:
        return readable(condition, procedure)
    facts = {f.id: sentence_case(f.title) for f in procedure.facts} if procedure else {}
    events = {e.id: e.title for e in procedure.events} if procedure else {}
    return _words(expr, facts, events, top=True)


def _literal(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ")


def _words(expr: Expr, facts: dict[str, str], events: dict[str, str], top: bool = False) -> str:
    if isinstance(expr, FactRef):
        return facts.get(expr.name, expr.name.replace("_", " "))
    if isinstance(expr, EventRef):
        title = events.get(expr.name, expr.name.replace("_", " "))
        return f"the event “{title}” has happened"
    if isinstance(expr, Compare):
        name = facts.get(expr.fact.name, expr.fact.name.replace("_", " "))
        if expr.op == "in":
            values = [_literal(v) for v in expr.values]
            listed = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]
            return f"{name} is {listed}"
        return f"{name} {_OPERATORS.get(expr.op, expr.op)} {_literal(expr.values[0])}"
    if isinstance(expr, Not):
        return f"not ({_words(expr.operand, facts, events)})"
    joiner = ", or " if expr.op == "or" else ", and "
    text = joiner.join(_words(e, facts, events) for e in expr.operands)
    return text if top else f"({text})"


def fact_steps(procedure: Procedure) -> dict[str, tuple[str, ...]]:
    """Fact id -> the numbers of the steps whose condition uses it ('which steps does this answer decide')."""
    used: dict[str, list[str]] = {}
    for step in procedure.steps:
        if step.condition:
            for name in sorted(references(parse(step.condition))[0]):
                used.setdefault(name, []).append(step.number)
    return {name: tuple(numbers) for name, numbers in used.items()}
