"""Supervisory reviews, directed actions, closure with open items, and every role against every new action."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from db_support import server_url
from sqlalchemy import select
from support import open_case
from test_signatures import settle_every_step
from world_support import PASSWORD

from checklist_app.core.signatures import SignatureState
from checklist_app.services import case_list, cases, closure, reviews, signatures
from checklist_app.services.case_list import CaseFilter
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from checklist_app.store.db import sqlite_path
from checklist_app.store.models import AuditEntry, StepRecord
from checklist_app.store.verify import verify_database

ANSWERS = {"plan": ("yes", ""), "risk": ("no", "Review date passed"), "overdue": ("yes", "")}


def signed_review(world, case_id: int, *, with_action: bool = True):  # type: ignore[no-untyped-def]
    review = reviews.start_review(world.ctx, world.supervisor, case_id)
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Plan on track; risk review overdue.")
    action = None
    if with_action:
        action = reviews.direct_action(
            world.ctx,
            world.supervisor,
            review.id,
            "Reassess risk with the SERAF tool",
            world.investigator.user_id,
            world.clock.now + timedelta(days=2),
        )
    return reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD), action


def test_review_checklist_directions_and_sign_off(world):
    case = open_case(world)
    review, action = signed_review(world, case.id)
    assert review.status == "signed"
    assert [(c.item_id, c.answer) for c in review.checklist] == [("plan", "yes"), ("risk", "no"), ("overdue", "yes")]
    assert review.checklist[1].note == "Review date passed"
    assert [s.meaning for s in review.signatures] == ["reviewed"] and review.signatures[0].valid
    assert [a.id for a in review.actions] == [action.id]
    assert action.owner_name == "Dc Alder" and action.status == "open"
    # The periodic review step is completed by the review, linked to it.
    step = cases.case_detail(world.ctx, world.investigator, case.id).step("risk.supervisory-review")
    assert step.status == "done"
    assert review.completes_steps == ("2.4",)
    with world.ctx.db.read() as session:
        rec = session.scalar(select(StepRecord).where(StepRecord.step_id == "risk.supervisory-review"))
        assert rec.evidence == {"supervisory_review_id": review.id}
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)))
    assert {"review.start", "review.save", "direction.add", "review.sign", "signature.sign"} <= actions


def test_directed_action_is_in_the_case_list_figures_and_completed_by_its_owner(world):
    case = open_case(world)
    _, action = signed_review(world, case.id)
    listed = reviews.case_actions(world.ctx, world.investigator, case.id)
    assert [(a.id, a.overdue) for a in listed] == [(action.id, False)]
    world.clock.advance(days=3)
    row = next(r for r in case_list.list_cases(world.ctx, world.investigator, CaseFilter()) if r.id == case.id)
    # the due time is in the sorted open-due list the overdue count is read from
    assert action.due_at.timestamp() in row.open_due
    assert reviews.case_actions(world.ctx, world.investigator, case.id)[0].overdue
    with pytest.raises(PermissionDenied):
        reviews.complete_action(world.ctx, world.investigator2, action.id, "Done it")
    with pytest.raises(InvalidInput, match="required"):
        reviews.complete_action(world.ctx, world.investigator, action.id, "  ")
    done = reviews.complete_action(world.ctx, world.investigator, action.id, "SERAF done: category 2")
    assert done.status == "done" and done.completion_note == "SERAF done: category 2"
    assert done.completed_by_name == "Dc Alder"
    with pytest.raises(Conflict, match="already completed"):
        reviews.complete_action(world.ctx, world.investigator, action.id, "Again")
    row = next(r for r in case_list.list_cases(world.ctx, world.investigator, CaseFilter()) if r.id == case.id)
    assert action.due_at.timestamp() not in row.open_due


def test_sign_needs_every_item_answered_findings_and_the_password(world):
    case = open_case(world)
    review = reviews.start_review(world.ctx, world.supervisor, case.id)
    with pytest.raises(InvalidInput) as caught:
        reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD)
    assert {p.field for p in caught.value.problems} == {"plan", "risk", "overdue", "findings"}
    with pytest.raises(InvalidInput, match="say what is wrong"):
        reviews.save_review(world.ctx, world.supervisor, review.id, {"plan": ("no", "")}, "x")
    with pytest.raises(InvalidInput, match="answer one of"):
        reviews.save_review(world.ctx, world.supervisor, review.id, {"plan": ("maybe", "")}, "x")
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Findings")
    with pytest.raises(AuthenticationFailed, match="more failed attempt"):
        reviews.sign_review(world.ctx, world.supervisor, review.id, "not-my-password")
    assert reviews.case_reviews(world.ctx, world.supervisor, case.id)[0].status == "draft"
    with pytest.raises(PermissionDenied, match="another supervisor"):
        reviews.sign_review(world.ctx, world.supervisor2, review.id, PASSWORD)
    assert reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD).status == "signed"


def test_amending_a_signed_review_supersedes_its_signature(world):
    case = open_case(world)
    review, _ = signed_review(world, case.id)
    amended = reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Findings corrected")
    assert amended.status == "draft"
    assert [s.state for s in amended.signatures] == [SignatureState.SUPERSEDED]
    report = verify_database(world.ctx.db)
    assert report.ok and [n.record_id for n in report.notices] == [review.signatures[0].id]
    resigned = reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD)
    assert [s.state for s in resigned.signatures] == [SignatureState.SUPERSEDED, SignatureState.VALID]
    shown = signatures.case_signatures(world.ctx, world.investigator, case.id)
    assert [s.state.value for s in shown] == ["superseded", "valid"]


@pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")
@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command-line tool")
def test_review_changed_with_the_sqlite3_tool_is_superseded_and_named_by_verify(world):
    case = open_case(world)
    review, action = signed_review(world, case.id)
    path = sqlite_path(world.ctx.db.url)
    world.ctx.db.dispose()
    subprocess.run(
        ["sqlite3", str(path), f"UPDATE directed_actions SET due_at = '2027-01-01 00:00:00' WHERE id = {action.id};"],
        check=True,
    )
    again = reviews.case_reviews(world.ctx, world.supervisor, case.id)[0]
    assert [s.state for s in again.signatures] == [SignatureState.SUPERSEDED]
    problems = [str(p) for p in verify_database(world.ctx.db).problems]
    assert any(p.startswith(f"signatures, id {review.signatures[0].id}: reviewed by Ds Cedar") for p in problems)


def test_closure_is_refused_listing_open_steps_and_actions(world):
    case = open_case(world)
    _, action = signed_review(world, case.id)
    with pytest.raises(closure.ClosureRefused) as refused:
        closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    kinds = {i.kind for i in refused.value.items}
    assert kinds == {"step", "action"}
    assert any(i.action_id == action.id for i in refused.value.items)
    settle_every_step(world, case.id)
    items = closure.closure_check(world.ctx, world.supervisor, case.id)
    assert [(i.kind, i.action_id) for i in items] == [("action", action.id)]
    reviews.complete_action(world.ctx, world.investigator, action.id, "Done")
    assert closure.closure_check(world.ctx, world.supervisor, case.id) == []
    signed = closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    assert signed.valid


def test_reassign_with_a_reason(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="required to reassign"):
        closure.reassign_officer(world.ctx, world.supervisor, case.id, world.investigator2.user_id, " ")
    with pytest.raises(InvalidInput, match="district"):
        closure.reassign_officer(world.ctx, world.supervisor, case.id, world.other_district_investigator.user_id, "x")
    offered = closure.officers_for(world.ctx, world.supervisor, case.id)
    # The case's own team first, by name; another team's officers of the district labelled with their team.
    assert offered == [
        (world.investigator2.user_id, "Dc Birch"),
        (world.supervisor.user_id, "Ds Cedar"),
        (world.supervisor2.user_id, "Ds Hazel"),
        (world.other_team_investigator.user_id, "Dc Elm, Sheffield CSE Team 2"),
    ]
    closure.reassign_officer(world.ctx, world.supervisor, case.id, world.investigator2.user_id, "Leave")
    assert cases.case_detail(world.ctx, world.supervisor, case.id).officer_id == world.investigator2.user_id


# --- every role against every new action ------------------------------------------------------------

ROLES = (
    "investigator",
    "investigator2",
    "supervisor",
    "supervisor2",
    "other_team_investigator",
    "other_district_investigator",
    "intel",
    "auditor",
    "admin",
)
MAY_REVIEW = {"supervisor", "supervisor2"}
MAY_COMPLETE_ACTION = {"investigator", "supervisor", "supervisor2"}  # the owner, or a supervisor of the team


@pytest.mark.parametrize("who", ROLES)
def test_start_review_by_role(world, who):
    case = open_case(world)
    actor = getattr(world, who)
    if who in MAY_REVIEW:
        assert reviews.start_review(world.ctx, actor, case.id).reviewer_id == actor.user_id
    else:
        with pytest.raises(PermissionDenied):
            reviews.start_review(world.ctx, actor, case.id)


@pytest.mark.parametrize("who", ROLES)
def test_complete_action_by_role(world, who):
    case = open_case(world)
    _, action = signed_review(world, case.id)
    actor = getattr(world, who)
    if who in MAY_COMPLETE_ACTION:
        assert reviews.complete_action(world.ctx, actor, action.id, "Done").status == "done"
    else:
        with pytest.raises(PermissionDenied):
            reviews.complete_action(world.ctx, actor, action.id, "Done")


@pytest.mark.parametrize("who", ROLES)
def test_close_reopen_reassign_by_role(world, who):
    case = open_case(world)
    settle_every_step(world, case.id)
    actor = getattr(world, who)
    allowed = who in MAY_REVIEW
    if allowed:
        closure.close_case(world.ctx, actor, case.id, "Done", PASSWORD)
        closure.reopen_case(world.ctx, actor, case.id, "New information")
        closure.reassign_officer(world.ctx, actor, case.id, world.investigator2.user_id, "Leave")
        return
    with pytest.raises((PermissionDenied, AuthenticationFailed)):
        closure.close_case(world.ctx, actor, case.id, "Done", PASSWORD)
    with pytest.raises(PermissionDenied):
        closure.reassign_officer(world.ctx, actor, case.id, world.investigator2.user_id, "Leave")
    closure.close_case(world.ctx, world.supervisor, case.id, "Done", PASSWORD)
    with pytest.raises(PermissionDenied):
        closure.reopen_case(world.ctx, actor, case.id, "New information")
