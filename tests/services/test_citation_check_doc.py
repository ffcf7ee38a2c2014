"""docs/citation-check-2026-12.md names procedure 1.1's steps by number and id; a row that names a step the
procedure does not have, or pairs a number with another step's id, would send a 1.2 editor to the wrong text."""

from __future__ import annotations

import re
from pathlib import Path

from checklist_app import paths
from checklist_app.core.procedure.loader import validate_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "citation-check-2026-12.md"
# "1.5 `referral.social-care`": a step number followed by its id in backticks.
PAIR = re.compile(r"\b(\d{1,2}\.\d{1,2}) `([a-z]+\.[a-z0-9-]+)`")


def _shipped_1_1():
    node = next(n for n in paths.shipped_sop_files() if n.name == "cse-sop-v1.1.yaml")
    procedure, problems = validate_file(node)
    assert problems == [] and procedure is not None
    return procedure


def test_every_step_the_citation_check_names_is_in_procedure_1_1_under_that_number() -> None:
    numbers = {step.id: step.number for step in _shipped_1_1().steps}
    pairs = PAIR.findall(DOC.read_text(encoding="utf-8"))
    assert len(pairs) >= 40, "the table should name the steps it checks"
    wrong = [(number, step_id) for number, step_id in pairs if numbers.get(step_id) != number]
    assert wrong == [], f"rows naming a step 1.1 does not have under that number: {wrong}"


def test_the_facts_the_citation_check_corrects_exist_in_procedure_1_1() -> None:
    facts = {fact.id for fact in _shipped_1_1().facts}
    named = set(re.findall(r"fact `([a-z_]+)`", DOC.read_text(encoding="utf-8")))
    assert named and named <= facts, f"unknown facts: {sorted(named - facts)}"
