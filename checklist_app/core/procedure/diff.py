"""What changed between two versions of a procedure, for the publish screen and `sop diff`.

Steps are matched by id (ids are stable across versions; renumbering changes `number`), so a renumbered
step shows as changed, not as removed and added.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TypeVar

from checklist_app.core.procedure.fact_deadlines import DeadlineBy
from checklist_app.core.procedure.model import (
    AuditTemplate,
    DeadlineRule,
    EvidenceField,
    Fact,
    Phase,
    Procedure,
    Settings,
    Step,
)
from checklist_app.core.procedure.risk_model import RiskTool

T = TypeVar("T")

# Texts longer than this are summarised as "changed" in `lines()` rather than quoted in full.
_SHORT = 40


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """One attribute that differs, with short descriptions of the old and new values."""

    name: str
    old: str
    new: str

    def __str__(self) -> str:
        if len(self.old) > _SHORT or len(self.new) > _SHORT:
            return f"{self.name} changed"
        return f"{self.name} {self.old or '(none)'} -> {self.new or '(none)'}"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An added or removed step, phase, event or fact."""

    id: str
    label: str  # the step or phase number, empty for events and facts
    title: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    """A step, phase, event or fact present in both versions whose attributes differ."""

    id: str
    label: str
    title: str
    changes: tuple[AttributeChange, ...]

    def summary(self) -> str:
        return "; ".join(str(c) for c in self.changes)


@dataclass(frozen=True, slots=True)
class ProcedureDiff:
    old_label: str
    new_label: str
    procedure_changes: tuple[AttributeChange, ...] = ()
    added_steps: tuple[ItemRef, ...] = ()
    removed_steps: tuple[ItemRef, ...] = ()
    changed_steps: tuple[ItemChange, ...] = ()
    added_phases: tuple[ItemRef, ...] = ()
    removed_phases: tuple[ItemRef, ...] = ()
    changed_phases: tuple[ItemChange, ...] = ()
    added_events: tuple[ItemRef, ...] = ()
    removed_events: tuple[ItemRef, ...] = ()
    changed_events: tuple[ItemChange, ...] = ()
    added_facts: tuple[ItemRef, ...] = ()
    removed_facts: tuple[ItemRef, ...] = ()
    changed_facts: tuple[ItemChange, ...] = ()
    settings_changes: tuple[AttributeChange, ...] = ()
    # id and version changes of the risk tool and audit template, and whether anything else in them changed
    risk_tool_changes: tuple[AttributeChange, ...] = ()
    audit_template_changes: tuple[AttributeChange, ...] = ()
    risk_tool_content_changed: bool = False
    audit_template_content_changed: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in ("old_label", "new_label"))

    def lines(self) -> list[str]:
        """Human-readable lines: `+` added, `-` removed, `~` changed."""
        out = [f"~ procedure: {c}" for c in self.procedure_changes]
        out += _ref_lines("+", "phase ", self.added_phases) + _ref_lines("-", "phase ", self.removed_phases)
        out += _change_lines("phase ", self.changed_phases)
        out += _ref_lines("+", "", self.added_steps) + _ref_lines("-", "", self.removed_steps)
        out += _change_lines("", self.changed_steps)
        out += _ref_lines("+", "event ", self.added_events) + _ref_lines("-", "event ", self.removed_events)
        out += _change_lines("event ", self.changed_events)
        out += _ref_lines("+", "fact ", self.added_facts) + _ref_lines("-", "fact ", self.removed_facts)
        out += _change_lines("fact ", self.changed_facts)
        out += [f"~ settings: {c}" for c in self.settings_changes]
        out += _versioned_lines("risk tool", self.risk_tool_changes, self.risk_tool_content_changed)
        out += _versioned_lines("audit template", self.audit_template_changes, self.audit_template_content_changed)
        return out

    # Content edited without raising the version deserves a warning: stored risk assessments and audits
    # are pinned to the version, so its meaning would silently change under them.
    @property
    def risk_tool_changed_without_version(self) -> bool:
        return self.risk_tool_content_changed and not self.risk_tool_changes

    @property
    def audit_template_changed_without_version(self) -> bool:
        return self.audit_template_content_changed and not self.audit_template_changes


def _versioned_lines(name: str, changes: tuple[AttributeChange, ...], content_changed: bool) -> list[str]:
    out = [f"~ {name}: {c}" for c in changes]
    if content_changed:
        out.append(f"~ {name}: content changed" if changes else f"! {name}: content changed but its version did not")
    return out


def _head(kind: str, label: str, ident: str) -> str:
    return f"{kind}{label} {ident}" if label else f"{kind}{ident}"


def _ref_lines(sign: str, kind: str, refs: Iterable[ItemRef]) -> list[str]:
    return [f"{sign} {_head(kind, r.label, r.id)}: {r.title}" for r in refs]


def _change_lines(kind: str, changes: Iterable[ItemChange]) -> list[str]:
    return [f"~ {_head(kind, c.label, c.id)}: {c.summary()}" for c in changes]


# --- describing values ----------------------------------------------------------------------------


def _describe_deadline(rule: DeadlineRule | None) -> str:
    if rule is None:
        return ""
    text = f"{rule.offset} from {rule.anchor}"
    if rule.recurs_every is not None:
        text += f", every {rule.recurs_every}"
    if rule.by is not None:
        text += f"; {_describe_by(rule.by)}"
    return text


def _describe_by(by: DeadlineBy | None) -> str:
    """'by risk_category: 3/4 -> 1mo every 1mo' (empty when the deadline does not depend on a fact)."""
    if by is None:
        return ""
    cases = []
    for case in by.cases:
        values = "/".join(
            str(v).lower() if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) else str(v) for v in case.values
        )
        every = f" every {case.recurs_every}" if case.recurs_every is not None else ""
        cases.append(f"{values} -> {case.offset}{every}")
    return f"by {by.fact}: {', '.join(cases)}"


def _describe_field(evidence: EvidenceField | None) -> str:
    if evidence is None:
        return ""
    text = evidence.type.value + (", required" if evidence.required else "")
    if evidence.choices:
        text += f" [{'/'.join(evidence.choices)}]"
    return f"{_clip(evidence.label, 30)} ({text})"


def _attr(name: str, old: T, new: T, describe: Callable[[T], str] = str) -> list[AttributeChange]:
    if old == new:
        return []
    return [AttributeChange(name, _clip(describe(old)), _clip(describe(new)))]


def _optional(value: object) -> str:
    return "" if value is None else str(value)


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


# --- steps ----------------------------------------------------------------------------------------


def _deadline_changes(old: DeadlineRule | None, new: DeadlineRule | None) -> list[AttributeChange]:
    if old is None or new is None:
        return _attr("deadline", old, new, _describe_deadline)
    return [
        *_attr("deadline", old.offset, new.offset),
        *_attr("deadline from", old.anchor, new.anchor),
        *_attr("deadline recurs", old.recurs_every, new.recurs_every, _optional),
        *_attr("deadline by", old.by, new.by, _describe_by),
        *_attr("deadline basis", old.basis.describe(), new.basis.describe()),
        *_attr("deadline wording", old.description, new.description),
    ]


def _evidence_changes(old: Step, new: Step) -> list[AttributeChange]:
    old_fields = {f.id: f for f in old.evidence}
    new_fields = {f.id: f for f in new.evidence}
    changes: list[AttributeChange] = []
    for field_id in [*old_fields, *(f for f in new_fields if f not in old_fields)]:
        before, after = old_fields.get(field_id), new_fields.get(field_id)
        if before is None or after is None:
            changes += _attr(f"evidence {field_id}", before, after, _describe_field)
        else:
            changes += _field_changes(f"evidence {field_id}", before, after)
    return changes


def _field_changes(name: str, old: EvidenceField, new: EvidenceField) -> list[AttributeChange]:
    return [
        *_attr(f"{name} label", old.label, new.label),
        *_attr(f"{name} type", old.type.value, new.type.value),
        *_attr(f"{name} required", old.required, new.required, lambda v: "yes" if v else "no"),
        *_attr(f"{name} choices", _join(old.choices), _join(new.choices)),
        *_attr(f"{name} help", old.help, new.help),
    ]


def _step_changes(old: Step, new: Step) -> list[AttributeChange]:
    return [
        *_attr("number", old.number, new.number),
        *_attr("title", old.title, new.title),
        *_attr("phase", old.phase_id, new.phase_id),
        *_attr("role", old.role.value, new.role.value),
        *_attr("requirement", old.requirement.value, new.requirement.value),
        *_attr("condition", old.condition, new.condition, _optional),
        *_attr("purpose", old.purpose, new.purpose),
        *_attr("guidance", old.guidance, new.guidance),
        *_attr("provenance", old.provenance.describe(), new.provenance.describe()),
        *_attr("provenance note", old.provenance.note, new.provenance.note),
        *_deadline_changes(old.deadline, new.deadline),
        *_evidence_changes(old, new),
        *_attr("depends on", _join(old.depends_on), _join(new.depends_on)),
        *_attr("sign-off", old.sign_off, new.sign_off, lambda v: "required" if v else "not required"),
        *_attr("emits", _join(old.emits), _join(new.emits)),
    ]


def _with_override(procedure: Procedure, step: Step) -> Step:
    """The step as cases see it: a local deadline override replaces the offset."""
    effective = procedure.effective_deadline(step)
    if step.deadline is None or effective is None or effective == step.deadline.offset:
        return step
    deadline = dataclasses.replace(step.deadline, offset=effective)
    return Step(**{**{f.name: getattr(step, f.name) for f in fields(step)}, "deadline": deadline})


@dataclass(frozen=True, slots=True)
class _Matched:
    added: tuple[ItemRef, ...]
    removed: tuple[ItemRef, ...]
    changed: tuple[ItemChange, ...]


def _match(
    old: Mapping[str, T],
    new: Mapping[str, T],
    ref: Callable[[T], ItemRef],
    compare: Callable[[T, T], list[AttributeChange]],
) -> _Matched:
    added = tuple(ref(item) for key, item in new.items() if key not in old)
    removed = tuple(ref(item) for key, item in old.items() if key not in new)
    changed: list[ItemChange] = []
    for key, item in new.items():
        if key in old:
            changes = compare(old[key], item)
            if changes:
                r = ref(item)
                changed.append(ItemChange(r.id, r.label, r.title, tuple(changes)))
    return _Matched(added, removed, tuple(changed))


def _step_ref(step: Step) -> ItemRef:
    return ItemRef(step.id, step.number, step.title)


def _phase_ref(phase: Phase) -> ItemRef:
    return ItemRef(phase.id, str(phase.number), phase.title)


def _phase_changes(old: Phase, new: Phase) -> list[AttributeChange]:
    return [
        *_attr("number", old.number, new.number),
        *_attr("title", old.title, new.title),
        *_attr("description", old.description, new.description),
    ]


def _fact_changes(old: Fact, new: Fact) -> list[AttributeChange]:
    return [
        *_attr("title", old.title, new.title),
        *_attr("type", old.type.value, new.type.value),
        *_attr("source", old.source.value, new.source.value),
        *_attr("choices", _join(old.choices), _join(new.choices)),
        *_attr("description", old.description, new.description),
    ]


# --- settings, risk tool, audit template ----------------------------------------------------------


def _mapping_changes(name: str, old: Mapping[object, object], new: Mapping[object, object]) -> list[AttributeChange]:
    keys = [*old, *(k for k in new if k not in old)]
    return [c for k in keys for c in _attr(f"{name}.{k}", old.get(k), new.get(k), _optional)]


def _settings_changes(old: Settings, new: Settings) -> list[AttributeChange]:
    changes: list[AttributeChange] = []
    for f in fields(Settings):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if isinstance(before, dict):
            changes += _mapping_changes(f.name, before, after)
        else:
            changes += _attr(f.name, before, after, _describe_setting)
    return changes


def _describe_setting(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _versioned_changes(
    old: RiskTool | AuditTemplate, new: RiskTool | AuditTemplate
) -> tuple[tuple[AttributeChange, ...], bool]:
    changes = (*_attr("id", old.id, new.id), *_attr("version", old.version, new.version))
    return changes, _content(old) != _content(new)


def _content(value: RiskTool | AuditTemplate) -> tuple[object, ...]:
    return tuple(getattr(value, f.name) for f in fields(value) if f.name not in ("id", "version"))


# --- entry point ----------------------------------------------------------------------------------


def diff_procedures(old: Procedure, new: Procedure) -> ProcedureDiff:
    """Everything that differs between two procedures, with steps matched by id. Step deadlines are
    compared after local overrides, since that is the timescale cases actually get."""
    old_steps = {s.id: _with_override(old, s) for s in old.steps}
    new_steps = {s.id: _with_override(new, s) for s in new.steps}
    steps = _match(old_steps, new_steps, _step_ref, _step_changes)
    phases = _match({p.id: p for p in old.phases}, {p.id: p for p in new.phases}, _phase_ref, _phase_changes)
    events = _match(
        old.event_map(),
        new.event_map(),
        lambda e: ItemRef(e.id, "", e.title),
        lambda a, b: [*_attr("title", a.title, b.title), *_attr("source", a.source, b.source)],
    )
    facts = _match(old.fact_map(), new.fact_map(), lambda f: ItemRef(f.id, "", f.title), _fact_changes)
    risk_changes, risk_content = _versioned_changes(old.risk_tool, new.risk_tool)
    audit_changes, audit_content = _versioned_changes(old.audit_template, new.audit_template)
    return ProcedureDiff(
        old_label=old.label,
        new_label=new.label,
        procedure_changes=tuple(_procedure_changes(old, new)),
        added_steps=steps.added,
        removed_steps=steps.removed,
        changed_steps=steps.changed,
        added_phases=phases.added,
        removed_phases=phases.removed,
        changed_phases=phases.changed,
        added_events=events.added,
        removed_events=events.removed,
        changed_events=events.changed,
        added_facts=facts.added,
        removed_facts=facts.removed,
        changed_facts=facts.changed,
        settings_changes=tuple(_settings_changes(old.settings, new.settings)),
        risk_tool_changes=risk_changes,
        audit_template_changes=audit_changes,
        risk_tool_content_changed=risk_content,
        audit_template_content_changed=audit_content,
    )


def _procedure_changes(old: Procedure, new: Procedure) -> list[AttributeChange]:
    return [
        *_attr("id", old.id, new.id),
        *_attr("version", old.version, new.version),
        *_attr("title", old.title, new.title),
        *_attr("effective date", old.effective_date.isoformat(), new.effective_date.isoformat()),
        *_attr("description", old.description, new.description),
    ]
