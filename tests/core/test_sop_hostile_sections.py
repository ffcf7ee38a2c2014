"""Hostile values in the newest procedure sections: settings (audit sample size, moderation share, workload
weights, review intervals), the supervisory review checklist, team duties and the audit template. Each is
refused with one located problem (`FILE:LINE: path: message`), and `sop validate` / `sop publish` refuse it.
The settings bounds match what the services accept, so a procedure that validates never makes a use case
refuse its own defaults (an audit round created without --size)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from test_sop_hostile import edited, only_message

from checklist_app.cli.sop_validate import run_validate
from checklist_app.core.audit_sampling import MAX_SAMPLE_SIZE
from checklist_app.core.procedure.loader import validate_text
from checklist_app.services import audit_rounds

WEIGHTS = "    weights: {1: 1, 2: 2, 3: 3, 4: 5}\n"
GOOD = "    - {id: good, label: Good, min_score: 0.80, critical_rule: no_critical_non_compliant}\n"
PARTIAL = "    - {id: partial, label: Partially compliant, weight: 0.5}\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    sample_size: 10\n", "    sample_size: 0\n", "sample_size must be at least 1, not 0"),
        ("    sample_size: 10\n", "    sample_size: 1001\n", f"sample_size must be at most {MAX_SAMPLE_SIZE}"),
        ("    sample_size: 10\n", "    sample_size: -3\n", "at least 1"),
        ("    sample_size: 10\n", "    sample_size: 99999999999999999999\n", "too large"),
        ("    sample_size: 10\n", "    sample_size: 2.5\n", "expected a whole number"),
        ("    moderation_rate: 0.1\n", "    moderation_rate: 1.5\n", "between 0 and 1"),
        ("    moderation_rate: 0.1\n", "    moderation_rate: .nan\n", "NaN"),
        (WEIGHTS, "    weights: {1: -1, 2: 2, 3: 3, 4: 5}\n", "cannot be negative"),
        (WEIGHTS, "    weights: {1: 1, 2: 2, 3: 3, 4: 5, 5: 8}\n", "'5' is not a risk category"),
        ("  supervisory_review_interval: 28d\n", "  supervisory_review_interval: 0d\n", "longer than zero"),
        ("  risk_review_interval: 3mo\n", "  risk_review_interval: 0h\n", "longer than zero"),
        (PARTIAL, "    - {id: partial, label: Partially compliant, weight: -0.5}\n", "between 0 and 1"),
        (PARTIAL, "    - {id: compliant, label: Partially compliant, weight: 0.5}\n", "duplicate item grade id"),
        (GOOD, GOOD.replace("0.80", "0.99"), "descending min_score order"),
        (GOOD, GOOD.replace("no_critical_non_compliant", "whatever"), "not a valid critical_rule"),
        ("    - id: audit.risk.assessed\n", "    - id: audit.referral.flagged\n", "duplicate audit item id"),
        (
            "      steps: [investigation.forensic-submission]\n",
            "      steps: [nope.nope]\n",
            "unknown step 'nope.nope'",
        ),
        (
            "  completes: [risk.supervisory-review]\n",
            "  completes: [risk.supervisory-review, risk.supervisory-review]\n",
            "listed more than once",
        ),
        ("  completes: [risk.supervisory-review]\n", "  completes: [no.such-step]\n", "unknown step"),
        (
            "    - {id: risk, text: The risk assessment is current, help: Check the next review date}\n",
            "    - {id: plan, text: The risk assessment is current}\n",
            "duplicate review checklist item id 'plan'",
        ),
        ("  - id: welfare-checks\n", "  - id: workload-check\n", "duplicate team duty id"),
        ("    period: quarterly\n", "    period: 0d\n", "not a valid period"),
        ("      - id: workload_action\n", "      - id: over_threshold\n", "duplicate evidence field id"),
    ],
)
def test_a_hostile_value_in_a_new_section_is_one_located_problem(old: str, new: str, expected: str) -> None:
    message = only_message(edited((old, new)))
    assert expected in message


def test_the_sample_size_bound_is_the_one_the_audit_rounds_use() -> None:
    assert audit_rounds.MAX_SAMPLE == MAX_SAMPLE_SIZE
    text = edited(("    sample_size: 10\n", f"    sample_size: {MAX_SAMPLE_SIZE}\n"))
    procedure, problems = validate_text(text, "edge.yaml")
    assert procedure is not None, problems
    assert procedure.settings.audit_sample_size == MAX_SAMPLE_SIZE


def test_aliases_fanning_out_team_duties_are_refused(tmp_path: Path) -> None:
    # A duty list built from one anchor repeated: duplicate ids, each named at its line.
    text = edited(("  - id: welfare-checks\n", "  - &duty\n    id: welfare-checks\n"))
    text = text.replace("\nrisk_tool:", "\n  - *duty\n  - *duty\n\nrisk_tool:", 1)
    procedure, problems = validate_text(text, "alias.yaml")
    assert procedure is None
    assert any("duplicate team duty id 'welfare-checks'" in str(p) for p in problems), [str(p) for p in problems]
    assert all(str(p).startswith("alias.yaml:") for p in problems)


def test_sop_validate_and_publish_refuse_with_file_and_line(tmp_path: Path, db_url: str) -> None:
    from checklist_app.cli.main import main

    sop = tmp_path / "bad-settings.yaml"
    sop.write_text(edited(("    sample_size: 10\n", "    sample_size: 0\n")), encoding="utf-8")
    out = io.StringIO()
    assert run_validate([str(sop)], out, io.StringIO()) == 1
    assert f"{sop}:30: settings.audit.sample_size: sample_size must be at least 1" in out.getvalue()
    assert main(["--db", db_url, "init", "--no-admin"], out=io.StringIO(), err=io.StringIO()) == 0
    printed = io.StringIO()
    assert main(["--db", db_url, "sop", "publish", str(sop)], out=printed, err=printed) != 0
    assert "sample_size must be at least 1" in printed.getvalue() and "Traceback" not in printed.getvalue()
