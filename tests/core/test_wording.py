"""Domain words declared once in core: subject references, age bands, times and durations, conditions."""

from datetime import UTC, datetime, timedelta

from checklist_app import paths
from checklist_app.core import wording
from checklist_app.core.condition_words import condition_words, fact_steps
from checklist_app.core.procedure.loader import load_procedure_file
from checklist_app.core.subjects import band_for_age, is_subject_ref, subject_ref_problem


def test_a_subject_reference_is_pseudonymous_and_each_refusal_says_why():
    assert subject_ref_problem("SC-104233") is None
    assert is_subject_ref(" sc-104233 ")
    assert is_subject_ref("SC-SHE-104233") and is_subject_ref("sc-bar-123") and is_subject_ref("SC-12345678")
    assert "never a name" in subject_ref_problem("Jane Smith")
    assert "never a name" in subject_ref_problem("Emily-Johnson")  # a hyphenated name is not a reference
    assert "starts with SC-" in subject_ref_problem("SC_1")
    assert "'XYZ' is not a district code" in subject_ref_problem("SC-XYZ-1234")
    assert "2 digits after SC-" in subject_ref_problem("SC-12")
    assert "9 digits after SC-" in subject_ref_problem("SC-123456789")
    assert "only digits" in subject_ref_problem("SC-2024/77")
    for text in ("Jane Smith", "Emily-Johnson", "SC-1", "JANESMITH"):
        assert "for example SC-104233 or SC-SHE-104233" in subject_ref_problem(text)  # the expected form


def test_age_bands_cover_each_age_once():
    assert [band_for_age(a) for a in (0, 12, 13, 15, 16, 17, 18, 24, 25)] == [
        "0-12", "0-12", "13-15", "13-15", "16-17", "16-17", "18-24", "18-24", None,
    ]  # fmt: skip


def test_durations_in_words_rough_and_exact():
    assert wording.span(timedelta(days=3, hours=5)) == "3 days"
    assert wording.span(timedelta(hours=1, minutes=59)) == "1 hour"
    assert wording.span(timedelta(seconds=10)) == "1 minute"
    assert wording.elapsed(timedelta(days=2, hours=4, minutes=9)) == "2 days 4 h"
    assert wording.elapsed(timedelta(hours=3, minutes=10)) == "3 h 10 min"
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert wording.due_words(now + timedelta(hours=20, minutes=5), now) == "in 20 h 5 min"
    assert wording.due_words(now - timedelta(hours=6), now) == "6 h overdue"
    assert wording.relative(now - timedelta(days=3), now) == "3 days ago"


def test_moments_in_uk_local_time():
    summer = datetime(2026, 7, 6, 8, 30, tzinfo=UTC)
    assert wording.when(summer) == "Mon 06/07/2026 09:30"
    assert wording.short_when(summer) == "Mon 06/07/26 09:30"
    assert wording.compact_when(summer) == "06/07/26 09:30"
    assert wording.day(None) == ""


def test_a_pending_target_that_has_passed_reads_as_overdue():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert wording.live_timeliness("pending", now - timedelta(minutes=1), now) == "overdue"
    assert wording.live_timeliness("pending", now + timedelta(minutes=1), now) == "pending"


def test_sentence_case_keeps_acronyms():
    assert wording.sentence_case("Referral received") == "referral received"
    assert wording.sentence_case("CSE risk assessment") == "CSE risk assessment"


def test_conditions_in_words_use_the_fact_titles():
    procedure = load_procedure_file(paths.default_sop())
    fact = next(f for f in procedure.facts if f.id == "risk_category")
    words = condition_words("risk_category >= 3", procedure)
    assert words == f"{wording.sentence_case(fact.title)} is at least 3"
    assert condition_words("not valid (", procedure) == "not valid ("
    assert all(numbers for numbers in fact_steps(procedure).values())
