"""What the document declares before anything refers to it: the procedure's head, events and facts, and
the provenance and choices shapes that steps, tools and settings share. `Declarations` and `Located` carry
what the cross-reference checks (`checks`) need once every section is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checklist_app.core import conditions
from checklist_app.core.procedure.limits import TITLE_CHARS, VERSION_CHARS
from checklist_app.core.procedure.model import (
    DERIVED_FACT_CHOICES,
    DERIVED_FACTS,
    SYSTEM_EVENTS,
    AuditItem,
    Event,
    Fact,
    FactSource,
    FactType,
    Phase,
    Provenance,
    ProvenanceKind,
    Step,
)
from checklist_app.core.procedure.nodes import CheckedMap, ParseContext, open_mapping

EVENT_SOURCES = ("system", "manual", "step")

# Where an unreadable path means the ids of that kind are not all known.
EVENTS_AREA = re.compile(r"^events(\[\d+\])?$")
FACTS_AREA = re.compile(r"^facts(\[\d+\])?$")
PHASES_AREA = re.compile(r"^phases(\[\d+\])?$")
STEPS_AREA = re.compile(r"^phases(\[\d+\](\.steps(\[\d+\])?)?)?$")
AUDIT_ITEMS_AREA = re.compile(r"^audit_template(\.items(\[\d+\])?)?$")


@dataclass
class Declarations:
    """What conditions and references are checked against: the first declaration of each id."""

    events: dict[str, Event] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)

    def fact_specs(self) -> dict[str, conditions.FactSpec]:
        return {f.id: conditions.FactSpec(f.type.value, f.choices) for f in self.facts.values()}


@dataclass
class Located:
    """Parsed parts with the document paths the cross-reference checks report against."""

    phases: list[tuple[Phase, str]] = field(default_factory=list)
    steps: list[tuple[Step, str]] = field(default_factory=list)
    overrides: list[tuple[str, str]] = field(default_factory=list)
    audit_items: list[tuple[AuditItem, str]] = field(default_factory=list)


def parse_head(top: CheckedMap) -> dict[str, Any]:
    head = top.sub("procedure", ("id", "title", "version", "effective_date"), ("description",))
    ident = head.ident("id", "procedure id")
    if len(ident) == 1:
        head.ctx.add(head.at("id"), "a procedure id needs at least 2 characters")
    return {
        "id": ident,
        "title": head.text("title", max_chars=TITLE_CHARS),
        "version": head.text("version", max_chars=VERSION_CHARS),
        "effective_date": head.date("effective_date"),
        "description": head.text("description"),
    }


def parse_provenance(parent: CheckedMap, key: str) -> Provenance:
    m = parent.sub(key, ("kind", "source"), ("note",))
    return Provenance(m.enum("kind", ProvenanceKind, ProvenanceKind.LOCAL), m.text("source"), m.text("note"))


def parse_choices(m: CheckedMap, is_choice: bool, what: str) -> tuple[str, ...]:
    if not m.has("choices"):
        if is_choice:
            m.ctx.add(m.path, f"a choice {what} needs choices: a list of the values to pick from")
        return ()
    values = m.strings("choices")
    if not is_choice:
        m.ctx.add(m.at("choices"), "choices are only allowed when type is choice")
        return ()
    if not values:
        m.ctx.add(m.at("choices"), f"a choice {what} needs at least one choice")
    for value in {v for v in values if values.count(v) > 1}:
        m.ctx.add(m.at("choices"), f"choice '{value}' is listed more than once")
    return values


# --- events and facts -----------------------------------------------------------------------------


def parse_events(ctx: ParseContext, top: CheckedMap, decls: Declarations) -> list[Event]:
    events: list[Event] = []
    for path, node in top.items_of("events", min_items=1, what="event"):
        m = open_mapping(ctx, node, path, ("id", "title", "source"), ("description",))
        if m is None:
            continue
        event = Event(
            id=m.ident("id", "event id"),
            title=m.text("title"),
            source=m.choice("source", EVENT_SOURCES, "manual"),
            description=m.text("description"),
        )
        _check_event_source(m, event)
        decls.events.setdefault(event.id, event)
        events.append(event)
    return events


def _check_event_source(m: CheckedMap, event: Event) -> None:
    if event.source == "system" and event.id and event.id not in SYSTEM_EVENTS:
        m.ctx.add(
            m.at("source"),
            f"'{event.id}' is not an event the application records; system events are: "
            f"{', '.join(sorted(SYSTEM_EVENTS))} (use source: manual or step for others)",
        )
    elif event.id in SYSTEM_EVENTS and event.source != "system":
        m.ctx.add(m.at("source"), f"the application records '{event.id}' itself; declare it with source: system")


def parse_facts(ctx: ParseContext, top: CheckedMap, decls: Declarations) -> list[Fact]:
    facts: list[Fact] = []
    for path, node in top.items_of("facts"):
        m = open_mapping(ctx, node, path, ("id", "title", "type", "source"), ("choices", "description"))
        if m is None:
            continue
        fact_type = m.enum("type", FactType, FactType.YESNO)
        fact = Fact(
            id=m.ident("id", "fact id"),
            title=m.text("title"),
            type=fact_type,
            source=m.enum("source", FactSource, FactSource.CASE),
            choices=parse_choices(m, fact_type is FactType.CHOICE, "fact"),
            description=m.text("description"),
        )
        _check_derived_fact(m, fact)
        decls.facts.setdefault(fact.id, fact)
        facts.append(fact)
    return facts


def _check_derived_fact(m: CheckedMap, fact: Fact) -> None:
    if fact.source is not FactSource.DERIVED or not fact.id:
        return
    expected = DERIVED_FACTS.get(fact.id)
    if expected is None:
        m.ctx.add(
            m.at("source"),
            f"'{fact.id}' is not a fact the application derives; derived facts are: "
            f"{', '.join(DERIVED_FACTS)} (use source: case for facts users enter)",
        )
    elif fact.type is not expected:
        m.ctx.add(m.at("type"), f"derived fact '{fact.id}' is a {expected.value} fact; declare type: {expected.value}")
    elif fact.id in DERIVED_FACT_CHOICES and set(fact.choices) != set(DERIVED_FACT_CHOICES[fact.id]):
        values = ", ".join(DERIVED_FACT_CHOICES[fact.id])
        m.ctx.add(
            m.at("choices"),
            f"derived fact '{fact.id}' takes exactly the values {values}; declare choices: [{values}]",
        )
