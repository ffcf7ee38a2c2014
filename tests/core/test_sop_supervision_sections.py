"""The supervisory_review and team_duties sections of the SOP format."""

from __future__ import annotations

from pathlib import Path

from checklist_app import paths
from checklist_app.core.procedure.loader import load_procedure_file, load_procedure_text, validate_text

MINIMAL = Path(__file__).resolve().parent.parent / "fixtures" / "sop" / "minimal.yaml"
TEXT = MINIMAL.read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    procedure, found = validate_text(text, "test.yaml")
    assert procedure is None
    return [f"{p.path}: {p.message}" for p in found]


def test_sections_load_with_their_fields():
    procedure = load_procedure_file(MINIMAL)
    review = procedure.supervisory_review
    assert [i.id for i in review.checklist] == ["plan", "risk", "overdue"]
    assert review.checklist[1].help == "Check the next review date"
    assert review.completes == ("risk.supervisory-review",)
    workload, welfare, profile = procedure.team_duties
    assert (workload.level, welfare.level, profile.level) == ("team", "team", "district")
    assert profile.owner_role.value == "intelligence_officer" and [f.id for f in profile.evidence] == ["profile_themes"]
    assert (workload.id, workload.period, workload.owner_role.value) == ("workload-check", "monthly", "supervisor")
    assert [f.id for f in workload.evidence] == ["over_threshold", "workload_action"]
    assert workload.evidence[1].choices[0] == "Within capacity - no change"
    assert not workload.provenance.is_national
    assert welfare.period == "quarterly" and welfare.evidence == ()


def test_both_sections_are_optional_so_older_files_still_load():
    procedure = load_procedure_file(paths.default_sop())
    assert procedure.team_duties == () and procedure.supervisory_review.checklist == ()


def test_a_review_can_complete_only_existing_supervisor_steps():
    text = TEXT.replace("completes: [risk.supervisory-review]", "completes: [no.such-step, referral.record-details]")
    found = problems(text)
    unknown = "unknown step 'no.such-step': a review can complete only steps of this procedure"
    assert f"supervisory_review.completes[0]: {unknown}" in found
    assert any(
        p.startswith("supervisory_review.completes[1]: step 'referral.record-details' is not a supervisor's step")
        for p in found
    )


def test_bad_period_role_and_missing_keys_are_named():
    text = TEXT.replace("    period: monthly\n", "    period: weekly\n").replace(
        "    title: Staff welfare checks\n", ""
    )
    found = problems(text)
    assert any(p.startswith("team_duties[0].period") and "weekly" in p for p in found), found
    assert any(p.startswith("team_duties[1]") and "missing required key 'title'" in p for p in found), found


def test_an_intelligence_officers_duty_is_the_districts_unless_said_otherwise():
    implicit = TEXT.replace("    level: district\n", "")
    procedure, found = validate_text(implicit, "test.yaml")
    assert procedure is not None and procedure.team_duties[2].level == "district", found
    wrong = TEXT.replace("    level: district\n", "    level: team\n")
    assert any(p.startswith("team_duties[2].level") and "use level: district" in p for p in problems(wrong))
    bad = TEXT.replace("    level: district\n", "    level: force\n")
    assert any(p.startswith("team_duties[2].level") and "'force'" in p for p in problems(bad))


def test_an_empty_checklist_is_refused():
    start = TEXT.index("  checklist:\n    - {id: plan")
    end = TEXT.index("\nteam_duties:")
    text = TEXT[:start] + "  checklist: []\n" + TEXT[end:]
    assert any(p.startswith("supervisory_review.checklist") for p in problems(text))


def test_duplicate_duty_ids_are_refused():
    text = TEXT.replace("  - id: welfare-checks\n", "  - id: workload-check\n")
    assert any("workload-check" in p for p in problems(text)), problems(text)
    assert load_procedure_text(TEXT).team_duties  # the untouched fixture still loads
