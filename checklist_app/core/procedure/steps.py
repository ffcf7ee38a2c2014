"""Phases and steps: numbering, guidance, conditions, evidence fields and deadline rules."""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checklist_app.core import conditions
from checklist_app.core.procedure.declarations import (
    EVENTS_AREA,
    FACTS_AREA,
    Declarations,
    Located,
    parse_choices,
    parse_provenance,
)
from checklist_app.core.procedure.fact_deadlines import DeadlineBy, DeadlineCase, FactValue
from checklist_app.core.procedure.limits import (
    MAX_STEPS,
    PHASE_TITLE_CHARS,
    STEP_NUMBER_CHARS,
    TITLE_CHARS,
    bad_character,
    shown,
)
from checklist_app.core.procedure.model import (
    Anchor,
    AnchorKind,
    DeadlineRule,
    EvidenceField,
    Fact,
    FactType,
    FieldType,
    Phase,
    Requirement,
    Step,
    StepRole,
)
from checklist_app.core.procedure.nodes import (
    ZERO,
    CheckedMap,
    ParseContext,
    as_number,
    describe_node,
    did_you_mean,
    open_mapping,
    scalar_value,
)

MIN_GUIDANCE_CHARS = 80
_ANCHOR_RE = re.compile(r"^(event|step):\s*(\S+)$")

_STEP_REQUIRED = ("id", "number", "title", "role", "requirement", "purpose", "guidance", "provenance")
_STEP_OPTIONAL = ("condition", "evidence", "deadline", "depends_on", "sign_off", "emits")


def parse_phases(ctx: ParseContext, top: CheckedMap, decls: Declarations, located: Located) -> list[Phase]:
    phases: list[Phase] = []
    previous: int | None = None
    listed = top.items_of("phases", min_items=1, what="phase")
    if _step_count(listed) > MAX_STEPS:
        message = f"the procedure has {_step_count(listed):,} steps; at most {MAX_STEPS} are allowed"
        ctx.add(top.at("phases"), message)
        ctx.unreadable.add(top.at("phases"))
        return []
    for path, node in listed:
        m = open_mapping(ctx, node, path, ("id", "number", "title", "steps"), ("description",))
        if m is None:
            continue
        phase_id = m.ident("id", "phase id")
        number = m.integer("number", 0, minimum=1)
        # A missing or invalid number (< 1) is already reported; comparing it would only add noise.
        if number >= 1 and previous is not None and number <= previous:
            ctx.add(m.at("number"), f"phase numbers must be unique and ascending: {number} follows {previous}")
        previous = max(number, previous or 0)
        steps = _parse_steps(ctx, m, phase_id, decls, located)
        title = m.text("title", max_chars=PHASE_TITLE_CHARS)
        phase = Phase(phase_id, number, title, m.text("description"), tuple(steps))
        located.phases.append((phase, path))
        phases.append(phase)
    return phases


def _step_count(phases: list[tuple[str, Node]]) -> int:
    """Steps listed in all phases, counted before any is read, so a file of thousands is refused at once."""
    count = 0
    for _, phase in phases:
        if isinstance(phase, MappingNode):
            for key, value in phase.value:
                if key.value == "steps" and isinstance(value, SequenceNode):
                    count += len(value.value)
    return count


def _parse_steps(
    ctx: ParseContext, phase: CheckedMap, phase_id: str, decls: Declarations, located: Located
) -> list[Step]:
    steps: list[Step] = []
    for path, node in phase.items_of("steps", min_items=1, what="step"):
        m = open_mapping(ctx, node, path, _STEP_REQUIRED, _STEP_OPTIONAL)
        if m is None:
            continue
        step = _parse_step(m, phase_id, decls)
        located.steps.append((step, path))
        steps.append(step)
    return steps


def _parse_step(m: CheckedMap, phase_id: str, decls: Declarations) -> Step:
    step_id = m.ident("id", "step id")
    number = m.text("number", max_chars=STEP_NUMBER_CHARS)
    m.ctx.register("step number", number, m.at("number"))
    requirement = m.enum("requirement", Requirement, Requirement.MANDATORY)
    return Step(
        id=step_id,
        number=number,
        title=m.text("title", max_chars=TITLE_CHARS),
        phase_id=phase_id,
        role=m.enum("role", StepRole, StepRole.EITHER),
        requirement=requirement,
        purpose=m.text("purpose"),
        guidance=_parse_guidance(m),
        provenance=parse_provenance(m, "provenance"),
        condition=_parse_condition(m, requirement, decls),
        evidence=parse_evidence_fields(m),
        deadline=_parse_deadline(m, decls) if m.has("deadline") else None,
        depends_on=m.strings("depends_on"),
        sign_off=m.boolean("sign_off"),
        emits=m.strings("emits"),
    )


def _parse_guidance(m: CheckedMap) -> str:
    guidance = m.text("guidance")
    if guidance and len(guidance) < MIN_GUIDANCE_CHARS:
        m.ctx.add(
            m.at("guidance"),
            f"guidance is too short ({len(guidance)} characters): write at least {MIN_GUIDANCE_CHARS} "
            "characters of plain instructions a non-specialist officer can follow",
        )
    return guidance


def _parse_condition(m: CheckedMap, requirement: Requirement, decls: Declarations) -> str | None:
    present = m.has("condition")
    text = m.text("condition") if present else ""
    if requirement is Requirement.CONDITIONAL and not text:
        if not present:
            m.ctx.add(m.path, "a conditional step needs a condition (e.g. condition: looked_after)")
        return None
    if requirement is not Requirement.CONDITIONAL:
        if present:
            m.ctx.add(
                m.at("condition"),
                f"a condition is only allowed when requirement is conditional (this step is {requirement.value})",
            )
        return None
    _check_condition(m.ctx, m.at("condition"), text, decls)
    return text


def _check_condition(ctx: ParseContext, path: str, text: str, decls: Declarations) -> None:
    try:
        expr = conditions.parse(text)
    except conditions.ConditionError as exc:
        ctx.add(path, f"cannot read condition '{shown(text)}': {exc}")
        return
    for error in conditions.check(expr, decls.fact_specs(), decls.events):
        if error.message.startswith("unknown fact"):
            ctx.add_reference(path, f"condition '{shown(text)}': {error}", FACTS_AREA)
        elif error.message.startswith("unknown event"):
            ctx.add_reference(path, f"condition '{shown(text)}': {error}", EVENTS_AREA)
        else:
            ctx.add(path, f"condition '{shown(text)}': {error}")


def parse_evidence_fields(m: CheckedMap) -> tuple[EvidenceField, ...]:
    fields: list[EvidenceField] = []
    for path, node in m.items_of("evidence"):
        f = open_mapping(m.ctx, node, path, ("id", "label", "type"), ("required", "choices", "help"))
        if f is None:
            continue
        field_type = f.enum("type", FieldType, FieldType.TEXT)
        fields.append(
            EvidenceField(
                id=f.ident("id", "evidence field id", scope=m.path),
                label=f.text("label"),
                type=field_type,
                required=f.boolean("required"),
                choices=parse_choices(f, field_type is FieldType.CHOICE, "field"),
                help=f.text("help"),
            )
        )
    return tuple(fields)


def _parse_deadline(m: CheckedMap, decls: Declarations) -> DeadlineRule:
    d = m.sub("deadline", ("from", "within", "basis"), ("recurs_every", "description", "by"))
    recurs_every = d.duration("recurs_every")
    return DeadlineRule(
        anchor=_parse_anchor(d),
        offset=d.duration("within") or ZERO,
        basis=parse_provenance(d, "basis"),
        recurs_every=recurs_every,
        description=d.text("description"),
        by=_parse_deadline_by(d, decls, recurs_every is not None) if d.has("by") else None,
    )


def _parse_deadline_by(d: CheckedMap, decls: Declarations, recurring: bool) -> DeadlineBy:
    """`by: {fact: F, cases: [{values: [...], within: D, recurs_every: D}]}`: other durations for some
    values of fact F. Values must fit F's type; a value may have one case only."""
    b = d.sub("by", ("fact", "cases"))
    fact_id = b.text("fact")
    fact = decls.facts.get(fact_id)
    if fact_id and fact is None:
        message = (
            f"the deadline depends on unknown fact '{fact_id}'{did_you_mean(fact_id, decls.facts)}; "
            "declare it under facts"
        )
        b.ctx.add_reference(b.at("fact"), message, FACTS_AREA)
    cases: list[DeadlineCase] = []
    first_case: dict[tuple[str, FactValue], str] = {}
    for path, node in b.items_of("cases", min_items=1, what="case"):
        c = open_mapping(b.ctx, node, path, ("values", "within"), ("recurs_every",))
        if c is None:
            continue
        offset = c.duration("within") or ZERO
        every = c.duration("recurs_every")
        if every is not None and not recurring:
            c.ctx.add(
                c.at("recurs_every"),
                "a case can set recurs_every only when the deadline itself recurs; add recurs_every to the deadline",
            )
        values: list[FactValue] = []
        for value_path, value_node in c.items_of("values", min_items=1, what="value"):
            value = _case_value(c.ctx, value_node, value_path, fact)
            if value is None:
                continue
            key = _value_key(value)
            if key in first_case:
                message = f"value {_shown(value)} already has a case ({first_case[key]}); give each value one case"
                c.ctx.add(value_path, message)
                continue
            first_case[key] = path.rsplit(".", 1)[-1]
            values.append(value)
        cases.append(DeadlineCase(tuple(values), offset, every))
    return DeadlineBy(fact_id, tuple(cases))


def _case_value(ctx: ParseContext, node: Node, path: str, fact: Fact | None) -> FactValue | None:
    """The value if it fits the fact's type (any scalar when the fact is unknown, already reported)."""
    value = scalar_value(node)
    found = describe_node(node)
    if isinstance(node, ScalarNode) and found.startswith(("a whole number", "a decimal number")):
        # Numbers go through the number check: it refuses NaN, infinity and numbers past the limit plainly.
        value = as_number(ctx, node, path)
        if value is None:
            return None
        value = int(value) if found.startswith("a whole number") else value
    if isinstance(value, str) and bad_character(value) is not None:
        ctx.add(path, f"the text contains {bad_character(value)}", node)
        return None
    if not isinstance(value, bool | int | float | str):
        ctx.add(path, f"expected a value of the fact (a number, true or false, or a choice) but found {found}", node)
        return None
    if fact is None:
        return value
    if fact.type is FactType.YESNO and not isinstance(value, bool):
        ctx.add(path, f"fact '{fact.id}' is yes/no: the value must be true or false, not {found}", node)
        return None
    if fact.type is FactType.NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
        ctx.add(path, f"fact '{fact.id}' is a number: the value must be a number, not {found}", node)
        return None
    if fact.type is FactType.CHOICE and (not isinstance(value, str) or value not in fact.choices):
        choices = ", ".join(fact.choices)
        ctx.add(path, f"{found} is not a choice of fact '{fact.id}'; expected one of: {choices}", node)
        return None
    return value


def _value_key(value: FactValue) -> tuple[str, FactValue]:
    if isinstance(value, bool):
        return ("yesno", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    return ("text", value)


def _shown(value: FactValue) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else f"{value:g}"


def _parse_anchor(d: CheckedMap) -> Anchor:
    text = d.text("from")
    match = _ANCHOR_RE.match(text)
    if match is None:
        if text:
            d.ctx.add(
                d.at("from"),
                f"'{text}' is not a deadline anchor: expected event:<event id> or step:<step id>, "
                "e.g. event:referral_received",
            )
        return Anchor(AnchorKind.EVENT, "")
    return Anchor(AnchorKind(match.group(1)), match.group(2))
