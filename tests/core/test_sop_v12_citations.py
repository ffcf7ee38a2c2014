"""Procedure 1.2's corrections from the citation check of December 2026 (docs/review-notes-1.2.md): the
provenance kinds changed, the citations corrected, and versions 1.0 and 1.1 left exactly as published."""

from __future__ import annotations

import pytest

from checklist_app import paths
from checklist_app.core.procedure.loader import content_hash, load_procedure_file
from checklist_app.core.procedure.model import Procedure, ProvenanceKind

# The content hashes of the published versions: immutable once published, so these never change.
PUBLISHED = {
    "cse-sop-v1.yaml": "510d2e2a7eaea947fa9258a2634cae67392abc59dc963564ba45094b7d15803b",
    "cse-sop-v1.1.yaml": "868833228a27de83aea74852fbc1ef2a7b2fd2eb7aa7835621f075c44610fd90",
}


@pytest.fixture(scope="module")
def v11() -> Procedure:
    return load_procedure_file(paths.sop_dir() / "cse-sop-v1.1.yaml")


@pytest.fixture(scope="module")
def v12() -> Procedure:
    return load_procedure_file(paths.sop_dir() / "cse-sop-v1.2.yaml")


def sources(procedure: Procedure) -> dict[str, str]:
    """Every step's provenance source and deadline basis source, by step id (basis under "id deadline")."""
    found = {}
    for step in procedure.steps:
        found[step.id] = step.provenance.source
        if step.deadline is not None:
            found[f"{step.id} deadline"] = step.deadline.basis.source
    return found


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_versions_are_unchanged(name: str) -> None:
    assert content_hash((paths.sop_dir() / name).read_text(encoding="utf-8")) == PUBLISHED[name]


def test_only_1_3_changes_kind_and_it_becomes_local(v11: Procedure, v12: Procedure) -> None:
    def national(procedure: Procedure) -> set[str]:
        return {s.id for s in procedure.steps if s.provenance.kind is ProvenanceKind.NATIONAL}

    assert national(v11) - national(v12) == {"referral.record-details"}
    assert national(v12) <= national(v11)
    step = v12.step("referral.record-details")
    assert step.provenance.kind is ProvenanceKind.LOCAL
    assert "Force CSE policy" in step.provenance.source
    assert "DfE, Child sexual exploitation: definition and guide for practitioners (2017)" in step.provenance.note
    # Deadline bases keep their kinds.
    assert {s.id: s.deadline.basis.kind for s in v11.steps if s.deadline} == {
        s.id: s.deadline.basis.kind for s in v12.steps if s.deadline
    }


def test_working_together_cites_chapter_3_for_referral_strategy_and_conferences(v12: Procedure) -> None:
    steps = (
        "referral.social-care",
        "strategy.discussion",
        "strategy.lead-sequencing",
        "strategy.conference",
        "strategy.reconvene-request",
        "strategy.reconvene",
        "strategy.review-conferences",
    )
    for step_id in steps:
        source = v12.step(step_id).provenance.source
        assert source.startswith("Working Together to Safeguard Children, chapter 3 (Providing help, support"), step_id
    for key, source in sources(v12).items():
        if "Working Together" in source:
            assert "chapter 2" not in source and "chapter 4" not in source, key
            assert "(2023)" not in source, key  # the 2026 edition's text was not read: no edition named
    assert v12.step("closure.serious-case").provenance.source.startswith(
        "Working Together to Safeguard Children, chapter 5"
    )


def test_superseded_editions_and_misattributions_are_gone(v12: Procedure) -> None:
    text = "\n".join(sources(v12).values())
    for stale in (
        "2011",
        "Prosecuting Cases of Child Sexual Abuse (2013)",
        "Abuse, 2013",
        "MoPI",
        "Counting Rules for",
        "recs 3-4",
    ):
        assert stale not in text, stale
    for step_id in ("referral.early-evidence", "strategy.abe-plan", "investigation.abe-interview"):
        assert v12.step(step_id).provenance.source.endswith("(Ministry of Justice, 2022)"), step_id
    assert "(updated 2023)" in v12.step("cps.file").provenance.source
    assert "Crime Recording Rules (formerly the Counting Rules)" in v12.step("referral.crime-record").provenance.source
    assert "2023" in v12.step("closure.final-intelligence").provenance.source
    assert "Police Information and Records Management" in v12.step("closure.final-intelligence").provenance.source
    for step_id in ("strategy.cisva", "victim.contact-point", "victim.child-views"):
        assert "Drew Review: findings on work with victims" in v12.step(step_id).provenance.source, step_id


def test_statutes_and_codes_name_the_provisions_and_editions(v12: Procedure) -> None:
    assert v12.step("investigation.seize-devices").provenance.source == (
        "Police and Criminal Evidence Act 1984 ss8, 18, 19, 20 and 32; PACE Code B (2023)"
    )
    disclosure = v12.step("investigation.disclosure").provenance.source
    assert "Code of Practice (Part II; 2020)" in disclosure and "Guidelines on Disclosure (2024)" in disclosure
    sro = v12.step("disruption.sro")
    assert "122BA" in sro.provenance.source and "(s122BA)" in sro.guidance
    third_party = v12.step("investigation.third-party")
    assert (
        "victim information request" in third_party.guidance
        and "Victims and Prisoners Act 2024 s28" in third_party.guidance
    )
    # The 2020 Code with the Right where the Right was confirmed; the edition alone where it was not.
    rights = {
        "victim.needs-assessment": ", Right 4",
        "victim.updates": ", Right 6",
        "victim.vps": ", Right 7",
        "victim.right-to-review": "; Victims' Right to Review scheme",
        "cps.outcome": "",
    }
    for step_id, right in rights.items():
        source = v12.step(step_id).provenance.source
        assert source.startswith("Victims' Code: Code of Practice for Victims of Crime in England and Wales (2020)"), (
            step_id
        )
        assert source.endswith("(2020)" + right) or "(2020)" + right + " (" in source, step_id
