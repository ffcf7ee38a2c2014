"""Differences between two procedure versions, as shown before publishing."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklist_app.core.procedure.diff import AttributeChange, ProcedureDiff, diff_procedures
from checklist_app.core.procedure.loader import load_procedure_text
from checklist_app.core.procedure.model import Procedure

MINIMAL_TEXT = (Path(__file__).resolve().parent.parent / "fixtures" / "sop" / "minimal.yaml").read_text(
    encoding="utf-8"
)

NEW_STEP = """      - id: investigation.new-step
        number: "3.4"
        title: Record the outcome of the investigation
        role: either
        requirement: optional
        purpose: Closes the loop for the child and the referrer.
        guidance: >-
          Record the outcome of the investigation and tell the child, their family and the referrer what
          happened, in words they understand.
        provenance: *local
"""


def edited(*replacements: tuple[str, str]) -> Procedure:
    text = MINIMAL_TEXT
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return load_procedure_text(text)


@pytest.fixture(scope="module")
def base() -> Procedure:
    return load_procedure_text(MINIMAL_TEXT)


def diff_with(base: Procedure, *replacements: tuple[str, str]) -> ProcedureDiff:
    return diff_procedures(base, edited(*replacements))


def test_identical_procedures_have_an_empty_diff(base: Procedure) -> None:
    diff = diff_procedures(base, load_procedure_text(MINIMAL_TEXT))
    assert diff.is_empty
    assert diff.lines() == []
    assert (diff.old_label, diff.new_label) == ("test-cse-sop v0.1", "test-cse-sop v0.1")


def test_version_change(base: Procedure) -> None:
    diff = diff_with(base, ('  version: "0.1"\n', '  version: "0.2"\n'))
    assert not diff.is_empty
    assert diff.lines() == ["~ procedure: version 0.1 -> 0.2"]
    assert diff.new_label == "test-cse-sop v0.2"


def test_added_and_removed_step(base: Procedure) -> None:
    newer = edited(
        (
            "      - id: investigation.intelligence-submission\n",
            NEW_STEP + "      - id: investigation.intelligence-submission\n",
        )
    )
    added = diff_procedures(base, newer)
    assert [s.id for s in added.added_steps] == ["investigation.new-step"]
    assert added.lines() == ["+ 3.4 investigation.new-step: Record the outcome of the investigation"]
    removed = diff_procedures(newer, base)
    assert removed.lines() == ["- 3.4 investigation.new-step: Record the outcome of the investigation"]


def test_changed_deadline(base: Procedure) -> None:
    diff = diff_with(
        base,
        (
            "          within: 5wd\n          basis: *local\n      - id: risk.return-interview",
            "          within: 3wd\n          basis: *local\n      - id: risk.return-interview",
        ),
    )
    assert diff.lines() == ["~ 2.1 risk.seraf-assessment: deadline 5wd -> 3wd"]
    (change,) = diff.changed_steps
    assert change.changes == (AttributeChange("deadline", "5wd", "3wd"),)


def test_renumbered_step_is_changed_not_replaced(base: Procedure) -> None:
    diff = diff_with(base, ('        number: "2.4"\n', '        number: "2.9"\n'))
    assert not diff.added_steps and not diff.removed_steps
    assert diff.lines() == ["~ 2.9 risk.supervisory-review: number 2.4 -> 2.9"]


def test_several_attributes_of_one_step(base: Procedure) -> None:
    diff = diff_with(
        base,
        ("        role: intelligence_officer\n", "        role: supervisor\n"),
        ("          has identified, even if nothing", "          has found, even if nothing"),
        (
            "        provenance: *app\n        deadline:\n          from: step:risk.seraf-assessment\n",
            "        provenance: *app\n        sign_off: true\n"
            "        deadline:\n          from: step:risk.seraf-assessment\n",
        ),
    )
    assert diff.lines() == [
        "~ 3.3 investigation.intelligence-submission: role intelligence_officer -> supervisor; "
        "guidance changed; sign-off not required -> required"
    ]


def test_deadline_added_and_anchor_changed(base: Procedure) -> None:
    diff = diff_with(
        base,
        (
            "        provenance: *local\n      - id: risk.supervisory-review",
            "        provenance: *local\n        deadline: {from: 'event:case_opened', within: 1mo, basis: *local}\n"
            "      - id: risk.supervisory-review",
        ),
        ("          from: event:devices_seized\n", "          from: step:investigation.seize-devices\n"),
    )
    assert diff.lines() == [
        "~ 2.3 risk.placement-review: deadline (none) -> 1mo from event:case_opened",
        "~ 3.2 investigation.forensic-submission: deadline from event:devices_seized -> "
        "step:investigation.seize-devices",
    ]


def test_evidence_changes(base: Procedure) -> None:
    diff = diff_with(
        base,
        (
            "            label: Total score\n            type: number\n",
            "            label: Total score\n            type: number\n            required: true\n",
        ),
        ("            label: Child confirmed safe\n", "            label: Child seen and confirmed safe\n"),
        ("            help: One exhibit reference per line.\n", ""),
    )
    assert diff.lines() == [
        "~ 1.2 referral.confirm-safety: evidence child_safe label Child confirmed safe -> "
        "Child seen and confirmed safe",
        "~ 2.1 risk.seraf-assessment: evidence score required no -> yes",
        "~ 3.1 investigation.seize-devices: evidence exhibit_refs help One exhibit reference per line. -> (none)",
    ]


def test_evidence_field_added(base: Procedure) -> None:
    diff = diff_with(
        base,
        (
            "            help: One exhibit reference per line.\n",
            "            help: One exhibit reference per line.\n"
            "          - {id: warrant, label: Warrant, type: reference}\n",
        ),
    )
    assert diff.lines() == ["~ 3.1 investigation.seize-devices: evidence warrant (none) -> Warrant (reference)"]


def test_override_change_shows_on_the_step_and_in_settings(base: Procedure) -> None:
    diff = diff_with(base, ("    referral.confirm-safety: 12h\n", "    referral.confirm-safety: 6h\n"))
    assert diff.lines() == [
        "~ 1.2 referral.confirm-safety: deadline 12h -> 6h",
        "~ settings: deadline_overrides.referral.confirm-safety 12h -> 6h",
    ]


def test_settings_changes(base: Procedure) -> None:
    diff = diff_with(
        base,
        ("  due_soon: 2wd\n", "  due_soon: 3wd\n"),
        ("    high: {route: 1h, assess: 2h, action: 4h}", "    high: {route: 1h, assess: 3h, action: 4h}"),
        ("    complex_multiplier: 1.5\n", "    complex_multiplier: 2\n"),
        ("    block_team: true\n", "    block_team: false\n"),
    )
    assert diff.settings_changes[0] == AttributeChange("due_soon", "2wd", "3wd")
    lines = diff.lines()
    assert lines[0] == "~ settings: due_soon 2wd -> 3wd"
    assert lines[1].startswith("~ settings: intelligence_targets.high ")
    assert "~ settings: workload_complex_multiplier 1.5 -> 2" in lines
    assert "~ settings: audit_block_team yes -> no" in lines


def test_phase_changes(base: Procedure) -> None:
    diff = diff_with(base, ("    title: Investigation\n", "    title: Criminal investigation\n"))
    assert diff.lines() == ["~ phase 3 investigation: title Investigation -> Criminal investigation"]


def test_events_and_facts(base: Procedure) -> None:
    diff = diff_with(
        base,
        (
            "  - id: trial_date_fixed\n    title: Trial date fixed\n    source: manual\n",
            "  - id: trial_date_fixed\n    title: Trial date fixed\n    source: manual\n"
            "  - id: charge_decision\n    title: Charging decision made\n    source: manual\n",
        ),
        (
            "    choices: [residential, foster, kinship, none]\n",
            "    choices: [residential, foster, kinship, secure, none]\n",
        ),
    )
    assert diff.lines() == [
        "+ event charge_decision: Charging decision made",
        "~ fact placement_type: choices changed",  # too long to quote on one line
    ]
    assert diff.changed_facts[0].changes == (
        AttributeChange("choices", "residential, foster, kinship, none", "residential, foster, kinship, secure, none"),
    )


def test_risk_tool_version_change(base: Procedure) -> None:
    diff = diff_with(
        base,
        ('  id: test-seraf\n  version: "1"\n', '  id: test-seraf\n  version: "2"\n'),
        ("{id: disclosure, label: Disclosure of sexual exploitation,", "{id: disclosure, label: Disclosure,"),
    )
    assert diff.risk_tool_changes == (AttributeChange("version", "1", "2"),)
    assert diff.risk_tool_content_changed and not diff.risk_tool_changed_without_version
    assert diff.lines() == ["~ risk tool: version 1 -> 2", "~ risk tool: content changed"]


def test_content_change_without_version_is_flagged(base: Procedure) -> None:
    diff = diff_with(base, ("label: Good, min_score: 0.80", "label: Good, min_score: 0.85"))
    assert diff.audit_template_changed_without_version
    assert diff.audit_template_changes == ()
    assert diff.lines() == ["! audit template: content changed but its version did not"]


def test_audit_template_version_change_only(base: Procedure) -> None:
    diff = diff_with(
        base, ('  id: test-casework-audit\n  version: "1"\n', '  id: test-casework-audit\n  version: "1.1"\n')
    )
    assert diff.lines() == ["~ audit template: version 1 -> 1.1"]


def test_long_text_is_summarised(base: Procedure) -> None:
    change = AttributeChange("purpose", "a" * 41, "b")
    assert str(change) == "purpose changed"
    assert str(AttributeChange("title", "Old", "New")) == "title Old -> New"
