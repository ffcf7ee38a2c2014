"""No internal names reach a user: every text the app shows from the shipped procedure (titles, purpose,
guidance, timescales, conditions, evidence labels and help, facts, events, phases, the risk tool) reads
with titles, numbers and values, never `police_protection_taken` or `settings.supervisory_review_interval`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from support import INTERNAL_NAME

from checklist_app import paths
from checklist_app.core.condition_words import condition_words
from checklist_app.core.procedure.loader import load_procedure_file
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.readable import readable
from checklist_app.core.schedule import plan_for

INTERNAL = re.compile(INTERNAL_NAME)


def internal_names(text: str, procedure: Procedure) -> list[str]:
    """Identifier-shaped words and step ids (e.g. `risk.reassess`) found in `text`."""
    found = [m.group(0) for m in INTERNAL.finditer(text)]
    found += [s.id for s in procedure.steps if "." in s.id and re.search(rf"\b{re.escape(s.id)}\b", text)]
    return found


def shown_texts(procedure: Procedure) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of procedure text the app shows, as the app words it."""
    r = lambda text: readable(text, procedure)  # noqa: E731
    for phase in procedure.phases:
        yield f"phase {phase.number}", f"{phase.title} {r(phase.description)}"
    plans = {p.step.id: p for p in plan_for(procedure).steps}
    for step in procedure.steps:
        where = f"step {step.number}"
        yield where, step.title
        yield where, r(step.purpose)
        yield where, r(step.guidance)
        yield where, r(plans[step.id].deadline_text)
        yield where, r(plans[step.id].waiting_text)
        yield where, condition_words(step.condition or "", procedure)
        for f in step.evidence:
            yield where, f"{f.label} {r(f.help)} {' '.join(f.choices)}"
    for fact in procedure.facts:
        yield f"fact {fact.title}", f"{fact.title} {r(fact.description)} {' '.join(fact.choices)}"
    for event in procedure.events:
        yield f"event {event.title}", f"{event.title} {r(event.description)}"
    tool = procedure.risk_tool
    if tool is not None:
        yield "risk tool", r(tool.description)
        for section in tool.sections:
            yield f"risk section {section.title}", f"{section.title} {r(section.description)}"


@pytest.fixture(scope="module", params=["cse-sop-v1.yaml", "cse-sop-v1.1.yaml", "cse-sop-v1.2.yaml"])
def shipped(request: pytest.FixtureRequest) -> Procedure:
    return load_procedure_file(paths.sop_dir() / request.param)


def test_the_shipped_procedure_shows_no_internal_names(shipped):
    leaks = [(where, name) for where, text in shown_texts(shipped) for name in internal_names(text, shipped)]
    assert leaks == []


def test_the_raw_text_has_the_names_the_words_replace(shipped):
    """The check above is not empty: the procedure's own text names ids that `readable` words."""
    raw = " ".join(s.guidance for s in shipped.steps) + " ".join(f.description for f in shipped.facts)
    assert "police_protection_taken" in raw
    words = readable("record the police_protection_taken event; see settings.supervisory_review_interval", shipped)
    assert words == "record the “Police protection taken” event; see the supervisory review interval (28 days)"
    assert readable("from step:risk.assess", shipped) == "from step 4.1"


def test_an_unreadable_condition_is_not_shown_as_code(shipped):
    assert "_" not in condition_words("police_protection_used or (", shipped)
