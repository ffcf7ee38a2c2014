"""Cross-reference checks, run once every section is read: dependencies, deadline anchors, emitted events,
dependency cycles, deadline overrides and audit items against the phases and steps they name.
"""

from __future__ import annotations

from checklist_app.core.procedure.declarations import (
    AUDIT_ITEMS_AREA,
    EVENTS_AREA,
    PHASES_AREA,
    STEPS_AREA,
    Declarations,
    Located,
)
from checklist_app.core.procedure.model import AnchorKind, Settings, Step
from checklist_app.core.procedure.nodes import ParseContext, did_you_mean


def check_steps(ctx: ParseContext, located: Located, decls: Declarations) -> None:
    step_ids = {step.id for step, _ in located.steps}
    for step, path in located.steps:
        _check_depends_on(ctx, step, path, step_ids)
        _check_anchor(ctx, step, path, step_ids, decls)
        for i, event_id in enumerate(step.emits):
            _check_emit(ctx, f"{path}.emits[{i}]", event_id, decls)


def _check_depends_on(ctx: ParseContext, step: Step, path: str, step_ids: set[str]) -> None:
    for i, dep in enumerate(step.depends_on):
        dep_path = f"{path}.depends_on[{i}]"
        if dep not in step_ids:
            ctx.add_reference(dep_path, f"depends on unknown step '{dep}'{did_you_mean(dep, step_ids)}", STEPS_AREA)
        elif dep in step.depends_on[:i]:
            ctx.add(dep_path, f"step '{dep}' is listed twice in depends_on")


def _check_anchor(ctx: ParseContext, step: Step, path: str, step_ids: set[str], decls: Declarations) -> None:
    if step.deadline is None or not step.deadline.anchor.ref:
        return
    anchor, from_path = step.deadline.anchor, f"{path}.deadline.from"
    if anchor.kind is AnchorKind.EVENT and anchor.ref not in decls.events:
        hint = did_you_mean(anchor.ref, decls.events)
        message = f"deadline counts from unknown event '{anchor.ref}'{hint}; declare it under events"
        ctx.add_reference(from_path, message, EVENTS_AREA)
    elif anchor.kind is AnchorKind.STEP and anchor.ref not in step_ids:
        message = f"deadline counts from unknown step '{anchor.ref}'{did_you_mean(anchor.ref, step_ids)}"
        ctx.add_reference(from_path, message, STEPS_AREA)
    elif anchor.kind is AnchorKind.STEP and anchor.ref == step.id and step.deadline.recurs_every is None:
        ctx.add(
            from_path,
            "the deadline counts from this step's own completion; only a recurring step (recurs_every) may do that",
        )


def _check_emit(ctx: ParseContext, path: str, event_id: str, decls: Declarations) -> None:
    event = decls.events.get(event_id)
    if event is None:
        message = f"emits unknown event '{event_id}'{did_you_mean(event_id, decls.events)}; declare it under events"
        ctx.add_reference(path, message, EVENTS_AREA)
    elif event.source != "step":
        ctx.add(
            path,
            f"event '{event_id}' has source: {event.source}; a step can only emit events with source: step",
        )


def _step_edges(located: Located) -> dict[str, list[tuple[str, str]]]:
    """Step -> (step it waits for, path of that reference): depends_on plus `from: step:X` anchors."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for step, path in located.steps:
        if not step.id or step.id in edges:
            continue
        out = [(dep, f"{path}.depends_on[{i}]") for i, dep in enumerate(step.depends_on)]
        deadline = step.deadline
        if deadline is not None and deadline.anchor.kind is AnchorKind.STEP and deadline.anchor.ref != step.id:
            out.append((deadline.anchor.ref, f"{path}.deadline.from"))
        edges[step.id] = out
    return edges


def check_cycles(ctx: ParseContext, located: Located) -> None:
    edges = _step_edges(located)
    for cycle, path in _find_cycles(edges):
        chain = " -> ".join([*cycle, cycle[0]])
        ctx.add(path, f"steps wait for each other in a cycle: {chain}; remove one dependency or step anchor")


def _find_cycles(edges: dict[str, list[tuple[str, str]]]) -> list[tuple[list[str], str]]:
    """Each distinct cycle once, with the path of the reference that closes it. Iterative, so a long
    chain of steps cannot exhaust the stack."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    found: dict[frozenset[str], tuple[list[str], str]] = {}
    for root in edges:
        if root in state:
            continue
        trail = [root]
        stack = [iter(edges[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
                continue
            target, ref_path = nxt
            if target not in edges:
                continue
            if state.get(target) == 1:
                cycle = trail[trail.index(target) :]
                found.setdefault(frozenset(cycle), (cycle, ref_path))
            elif target not in state:
                state[target] = 1
                trail.append(target)
                stack.append(iter(edges[target]))
    return list(found.values())


def check_overrides(ctx: ParseContext, located: Located, settings: Settings) -> None:
    steps = {step.id: step for step, _ in reversed(located.steps)}
    for step_id, path in located.overrides:
        step = steps.get(step_id)
        if step is None:
            message = f"deadline override for unknown step '{step_id}'{did_you_mean(step_id, steps)}"
            ctx.add_reference(path, message, STEPS_AREA)
        elif step.deadline is None:
            ctx.add(path, f"step '{step_id}' has no deadline to override")
        elif step.deadline.by is not None:
            ctx.add(
                path,
                f"step '{step_id}' has a deadline that depends on fact '{step.deadline.by.fact}'; an override would "
                "replace every case with one duration, so change the durations in the step's deadline instead",
            )
        elif step.deadline.basis.is_national:
            ctx.add(
                path,
                f"step '{step_id}' has a national deadline ({step.deadline.basis.source}), which cannot be "
                "overridden; only deadlines whose basis is local can",
            )


def check_audit_references(ctx: ParseContext, located: Located) -> None:
    phase_ids = {phase.id for phase, _ in located.phases}
    step_ids = {step.id for step, _ in located.steps}
    for item, path in located.audit_items:
        if item.phase_id and item.phase_id not in phase_ids:
            message = f"unknown phase '{item.phase_id}'{did_you_mean(item.phase_id, phase_ids)}"
            ctx.add_reference(f"{path}.phase", message, PHASES_AREA)
        for i, step_id in enumerate(item.steps):
            if step_id not in step_ids:
                message = f"unknown step '{step_id}'{did_you_mean(step_id, step_ids)}"
                ctx.add_reference(f"{path}.steps[{i}]", message, STEPS_AREA)
    audited = {item.phase_id for item, _ in located.audit_items}
    for phase, path in located.phases:
        if phase.id and phase.id not in audited:
            message = f"phase '{phase.id}' has no audit item; every phase needs at least one in audit_template.items"
            ctx.add_reference(path, message, AUDIT_ITEMS_AREA)
