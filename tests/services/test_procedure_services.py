"""Publishing procedure versions and moving a case between them."""

from __future__ import annotations

import pytest
from support import open_case
from world_support import MINIMAL_SOP

from checklist_app.services import case_versions, cases, procedures, steps
from checklist_app.services.context import system_actor
from checklist_app.services.errors import Conflict, InvalidInput, PermissionDenied

FLAG = {"cse_flag_reference": "CSE/1", "referral_source": "school"}


def _v2_text() -> str:
    text = MINIMAL_SOP.read_text(encoding="utf-8")
    text = text.replace('version: "0.1"', 'version: "0.2"', 1)
    # Drop step 3.3, retitle 1.2 and add a new step 3.4.
    start = text.index("      - id: investigation.intelligence-submission")
    end = text.index("risk_tool:")
    new_step = """      - id: investigation.plan
        number: "3.4"
        title: Write the investigation plan
        role: investigator
        requirement: mandatory
        purpose: A written plan keeps the investigation focused.
        guidance: >-
          Write down the lines of enquiry, the victims and suspects, and the order in which you will act.
          Share it with your supervisor and update it whenever something significant changes.
        provenance: {kind: local, source: Force CSE policy}

"""
    text = text[:start] + new_step + text[end:]
    return text.replace("title: Confirm the child is safe now", "title: Confirm the child is safe", 1)


def test_publishing_is_immutable_per_id_and_version(world):
    again = procedures.publish(world.ctx, system_actor(), MINIMAL_SOP.read_text(encoding="utf-8"), "again")
    assert not again.created
    changed = MINIMAL_SOP.read_text(encoding="utf-8").replace(
        "Record the report and flag it as CSE", "Record the report", 1
    )
    with pytest.raises(Conflict, match="already published with different content"):
        procedures.publish(world.ctx, system_actor(), changed, "changed")


def test_whitespace_and_comment_changes_are_the_same_content(world):
    text = "# a new comment\n" + MINIMAL_SOP.read_text(encoding="utf-8") + "\n\n"
    assert not procedures.publish(world.ctx, system_actor(), text, "commented").created


def test_only_administrators_publish(world):
    with pytest.raises(PermissionDenied):
        procedures.publish(world.ctx, world.supervisor, _v2_text(), "v2")


def test_moving_a_case_keeps_matching_work_and_lists_changes(world):
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    steps.mark_not_applicable(world.ctx, world.intel, case.id, "investigation.intelligence-submission", "Nothing")
    procedures.publish(world.ctx, system_actor(), _v2_text(), "v2")
    with pytest.raises(PermissionDenied):
        case_versions.move_to_version(world.ctx, world.investigator, case.id, "0.2", "New SOP")
    with pytest.raises(InvalidInput):
        case_versions.move_to_version(world.ctx, world.supervisor, case.id, "0.2", "")
    move = case_versions.move_to_version(world.ctx, world.supervisor, case.id, "0.2", "Force adopted v0.2")
    assert move.kept == ("referral.record-details",)
    assert move.retired == ("investigation.intelligence-submission",)
    assert move.added == ("investigation.plan",)
    assert any("investigation.intelligence-submission" in line for line in move.changed)
    assert any("referral.confirm-safety" in line for line in move.changed)
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert detail.procedure_label == "test-cse-sop v0.2"
    assert detail.step("referral.record-details").status == "done"
    assert "investigation.intelligence-submission" not in {s.step_id for s in detail.steps}
    with pytest.raises(Conflict, match="already follows"):
        case_versions.move_to_version(world.ctx, world.supervisor, case.id, "0.2", "Again")


def test_moved_case_still_verifies(world):
    from checklist_app.store.verify import verify_database

    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.intel, case.id, "investigation.intelligence-submission", "Nothing")
    procedures.publish(world.ctx, system_actor(), _v2_text(), "v2")
    case_versions.move_to_version(world.ctx, world.supervisor, case.id, "0.2", "Force adopted v0.2")
    assert verify_database(world.ctx.db).ok


def test_versions_are_listed(world):
    procedures.publish(world.ctx, system_actor(), _v2_text(), "v2")
    labels = [v.label for v in procedures.list_versions(world.ctx)]
    assert labels == ["test-cse-sop v0.1", "test-cse-sop v0.2"]
    assert procedures.latest_version(world.ctx, "test-cse-sop").version == "0.2"
