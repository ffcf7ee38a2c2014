"""Casework audit services: rounds and their draw, independence, the audit form, sign-off, addenda,
moderation and remedial actions, against a real database (SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import open_case
from world_support import PASSWORD, add_user

from checklist_app.core.audit_independence import SkipReason
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, DurationUnit, Role
from checklist_app.services import account_admin, accounts, audit_rounds, audit_signing, case_audits, records, remedial
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from checklist_app.store.models import AuditEntry
from checklist_app.store.verify import verify_database

CRITICAL = "audit.referral.flagged"
OTHERS = ("audit.risk.assessed", "audit.investigation.devices")
ALL_COMPLIANT = dict.fromkeys((CRITICAL, *OTHERS), "compliant")


def _cases(world) -> list[int]:
    """Six cases: three of Sheffield team 1, two of Sheffield team 2, one of Doncaster."""
    ids = [open_case(world, subject_ref=f"SC-{n:03d}").id for n in range(3)]
    ids += [open_case(world, world.other_team_investigator, subject_ref=f"SC-SHE-20{n}").id for n in range(2)]
    ids.append(open_case(world, world.other_district_investigator, district_code="DON", subject_ref="SC-DON-401").id)
    world.team_one_cases = ids[:3]
    return ids


def _round(world, size: int = 6, seed: int | None = 42, **kw):
    return audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=size, seed=seed, **kw)


def _first_audit(world, detail) -> int:
    """The audit of the first sampled case of Sheffield team 1 (whose people own remedial actions here)."""
    team_one = set(world.team_one_cases)
    audit_id = next(c.audit_id for c in detail.sampled if c.case_id in team_one)
    assert audit_id is not None
    return audit_id


def _audit_of(detail, case_id: int) -> int:
    audit_id = next(c.audit_id for c in detail.sampled if c.case_id == case_id)
    assert audit_id is not None
    return audit_id


def _signed_audit(world, *, remedial_owner=None) -> tuple[int, int]:
    """A round drawn, its first audit graded (with a remedial action if an owner is given) and signed."""
    case_ids = _cases(world)
    detail = _round(world)
    audit_id = _first_audit(world, detail)
    case_audits.save_audit(
        world.ctx, world.auditor, audit_id, grades=ALL_COMPLIANT, comments={}, overall_grade="good", rationale="Sound."
    )
    if remedial_owner is not None:
        case_audits.raise_remedial_action(
            world.ctx,
            world.auditor,
            audit_id,
            description="Record the grounds for the flag.",
            owner_id=remedial_owner.user_id,
        )
    audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    return audit_id, len(case_ids)


# --- rounds and the draw -------------------------------------------------------------------------------


def test_a_round_keeps_its_frame_and_draw_and_redraws_the_same(world):
    _cases(world)
    detail = _round(world, size=3, seed=42)
    s = detail.summary
    assert (s.period, s.sample_size, s.seed, s.frame_size, s.skipped_count) == ("2026-03", 3, 42, 6, 0)
    assert s.districts == ("BAR", "DON", "ROT", "SHE")
    assert len(detail.sampled) == 3 and all(c.audit_status == "pending" for c in detail.sampled)
    assert sum(x.places for x in detail.strata) == 3
    for stratum in detail.strata:
        assert abs(stratum.places - stratum.share) < 1
    check = audit_rounds.sample_round(world.ctx, world.auditor, s.id, 42)
    assert check.matches and not check.newly_drawn
    assert [c.reference for c in check.detail.sampled] == [c.reference for c in detail.sampled]
    with pytest.raises(Conflict, match="drawn with seed 42"):
        audit_rounds.sample_round(world.ctx, world.auditor, s.id, 43)


def test_a_round_drawn_later_and_the_default_size_from_the_sop_settings(world):
    for n in range(11):
        open_case(world, subject_ref=f"SC-{n:03d}")
    created = audit_rounds.create_round(world.ctx, world.auditor, period="2026-Q1", districts=["she"])
    assert created.summary.sample_size == 10  # settings.audit.sample_size in the test SOP
    assert not created.summary.drawn and created.sampled == ()
    check = audit_rounds.sample_round(world.ctx, world.auditor, created.summary.id, 7)
    assert check.newly_drawn and len(check.detail.sampled) == 10
    # moderation_rate 0.1 of 10 audits: one is second-checked
    assert sum(c.moderation_due for c in check.detail.sampled) == 1
    again = audit_rounds.create_round(world.ctx, world.auditor, period="2026-Q1", districts=["SHE"], seed=7)
    assert [c.reference for c in again.sampled] == [c.reference for c in check.detail.sampled]


def test_rounds_refuse_bad_periods_districts_sizes_and_unknown_rounds(world):
    _cases(world)
    with pytest.raises(InvalidInput, match="Period: bad period '2026-14'"):
        audit_rounds.create_round(world.ctx, world.auditor, period="2026-14")
    with pytest.raises(InvalidInput, match="Districts: unknown XYZ"):
        audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", districts=["XYZ"])
    with pytest.raises(InvalidInput, match="7 is larger than the frame: 6 eligible"):
        audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=7)
    with pytest.raises(InvalidInput, match="0 eligible"):
        audit_rounds.create_round(world.ctx, world.auditor, period="2025-03", sample_size=1)
    with pytest.raises(NotFound, match="no audit round 99"):
        audit_rounds.round_detail(world.ctx, world.auditor, 99)
    with pytest.raises(NotFound):
        audit_rounds.sample_round(world.ctx, world.auditor, 99, 1)
    assert audit_rounds.list_rounds(world.ctx, world.auditor) == []


def test_independence_sets_aside_the_officer_supervisor_editors_and_own_team(world):
    ids = _cases(world)
    by_supervisor = open_case(world, world.supervisor, subject_ref="SC-501").id
    records.add_decision(world.ctx, world.investigator2, ids[0], decision="Refer to MASH", rationale="Risk")
    admin = world.admin
    # Three people move into audit: the officer of team 1's cases, a colleague who wrote to one of
    # them, and the supervisor; the colleague keeps team 1 as their team.
    account_admin.change_role(world.ctx, admin, "dc.alder", role="auditor")
    account_admin.change_role(world.ctx, admin, "dc.birch", role="auditor", team="Sheffield CSE Team 1")
    account_admin.change_role(world.ctx, admin, "ds.cedar", role="auditor")
    officer = accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    editor = accounts.log_on(world.ctx, "dc.birch", PASSWORD)
    supervisor = accounts.log_on(world.ctx, "ds.cedar", PASSWORD)

    def skipped(actor) -> dict[int, str]:
        detail = audit_rounds.create_round(world.ctx, actor, period="2026-03", sample_size=1, seed=1)
        assert all(c.case_id not in {s.case_id for s in detail.skipped} for c in detail.sampled)
        return {s.case_id: s.reason for s in detail.skipped}

    assert skipped(officer) == dict.fromkeys(ids[:3], SkipReason.OFFICER.value)
    assert skipped(editor) == {
        ids[0]: SkipReason.EDITOR.value,
        ids[1]: SkipReason.OWN_TEAM.value,
        ids[2]: SkipReason.OWN_TEAM.value,
        by_supervisor: SkipReason.OWN_TEAM.value,
    }
    assert skipped(supervisor)[by_supervisor] == SkipReason.SUPERVISOR.value
    detail = audit_rounds.round_detail(world.ctx, editor, 2)
    assert all(s.reason_text.startswith("the ") for s in detail.skipped)


def test_an_auditor_who_wrote_to_a_case_after_the_draw_may_not_grade_it(world):
    _cases(world)
    detail = _round(world)
    # The auditor later becomes an investigator, writes to a sampled case, and comes back to audit.
    case_id = world.team_one_cases[0]
    account_admin.change_role(world.ctx, world.admin, "aud.holly", role="investigator", team="Sheffield CSE Team 1")
    who = accounts.log_on(world.ctx, "aud.holly", PASSWORD)
    records.add_decision(world.ctx, who, case_id, decision="Note", rationale="Seen")
    account_admin.change_role(world.ctx, world.admin, "aud.holly", role="auditor")
    back = accounts.log_on(world.ctx, "aud.holly", PASSWORD)
    with pytest.raises(Conflict, match="changed the case's records"):
        case_audits.save_audit(world.ctx, back, _audit_of(detail, case_id), grades={}, comments={})


# --- the audit form, sign-off, addenda ---------------------------------------------------------------------


def test_grading_saving_and_signing_follow_the_template_rules(world):
    _cases(world)
    audit_id = _first_audit(world, _round(world))
    form = case_audits.audit_form(world.ctx, world.auditor, audit_id)
    assert form.status == "pending" and [i.item_id for i in form.items] == [CRITICAL, *OTHERS]
    assert form.items[0].critical and form.cap == "outstanding" and form.indicated_grade == ""
    with pytest.raises(InvalidInput, match="comment is required"):
        case_audits.save_audit(world.ctx, world.auditor, audit_id, grades={CRITICAL: "non_compliant"}, comments={})
    form = case_audits.save_audit(
        world.ctx,
        world.auditor,
        audit_id,
        grades={CRITICAL: "non_compliant"},
        comments={CRITICAL: "No CSE flag until day 4."},
    )
    assert form.status == "draft" and form.cap == "requires_improvement"
    assert form.critical_failures == (CRITICAL,)
    with pytest.raises(InvalidInput, match="2 item"):
        audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    grades = {CRITICAL: "non_compliant", OTHERS[0]: "compliant", OTHERS[1]: "compliant"}
    comments = {CRITICAL: "No CSE flag until day 4."}
    case_audits.save_audit(
        world.ctx,
        world.auditor,
        audit_id,
        grades=grades,
        comments=comments,
        overall_grade="good",
        rationale="Mostly good",
    )
    with pytest.raises(InvalidInput, match="above what the critical items allow"):
        audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    case_audits.save_audit(
        world.ctx,
        world.auditor,
        audit_id,
        grades=grades,
        comments=comments,
        overall_grade="requires_improvement",
        rationale="Flagging failed; the rest sound.",
    )
    with pytest.raises(AuthenticationFailed):
        audit_signing.sign_audit(world.ctx, world.auditor, audit_id, "wrong-password-1")
    with pytest.raises(InvalidInput, match="password"):
        audit_signing.sign_audit(world.ctx, world.auditor, audit_id, "")
    signed = audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    assert signed.signed and signed.score == pytest.approx(2 / 3) and signed.signed_at == world.clock.now
    with pytest.raises(Conflict, match="signed and cannot be changed: add a signed addendum"):
        case_audits.save_audit(world.ctx, world.auditor, audit_id, grades=ALL_COMPLIANT, comments={})
    detail = audit_rounds.round_detail(world.ctx, world.auditor, signed.round_id)
    assert detail.summary.signed_count == 1
    assert next(c for c in detail.sampled if c.audit_id == audit_id).overall_grade == "Requires improvement"


def test_only_the_rounds_auditor_grades(world):
    _cases(world)
    audit_id = _first_audit(world, _round(world))
    other = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    with pytest.raises(Conflict, match="Only the round's auditor"):
        case_audits.save_audit(world.ctx, other, audit_id, grades={}, comments={})


def test_a_signed_audit_is_corrected_only_by_signed_addenda(world):
    audit_id, _ = _signed_audit(world)
    with pytest.raises(InvalidInput, match="Addendum"):
        audit_signing.add_addendum(world.ctx, world.auditor, audit_id, text=" ", password=PASSWORD)
    with pytest.raises(AuthenticationFailed):
        audit_signing.add_addendum(world.ctx, world.auditor, audit_id, text="Typo", password="not-my-password")
    form = audit_signing.add_addendum(
        world.ctx,
        world.auditor,
        audit_id,
        text="Supervision was weaker than recorded.",
        revised_grade="requires_improvement",
        revised_rationale="Reviews were late.",
        password=PASSWORD,
    )
    assert len(form.addenda) == 1 and form.addenda[0].revised_grade == "requires_improvement"
    assert form.overall_grade == "good" and form.effective_grade == "requires_improvement"
    with pytest.raises(InvalidInput, match="needs its rationale"):
        audit_signing.add_addendum(
            world.ctx, world.auditor, audit_id, text="x", revised_grade="good", password=PASSWORD
        )


def test_moderation_by_a_second_auditor_records_disagreement(world):
    audit_id, _ = _signed_audit(world)
    moderator = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    with pytest.raises(Conflict, match="another auditor"):
        audit_signing.moderate_audit(world.ctx, world.auditor, audit_id, overall_grade="good", password=PASSWORD)
    with pytest.raises(InvalidInput, match="say why"):
        audit_signing.moderate_audit(
            world.ctx, moderator, audit_id, overall_grade="good", item_grades={OTHERS[0]: "partial"}, password=PASSWORD
        )
    form = audit_signing.moderate_audit(
        world.ctx,
        moderator,
        audit_id,
        overall_grade="requires_improvement",
        item_grades={OTHERS[0]: "partial", OTHERS[1]: "compliant"},
        item_comments={OTHERS[0]: "Review 3 was a week late."},
        note="Second check",
        password=PASSWORD,
    )
    (moderation,) = form.moderations
    assert not moderation.agrees and moderation.overall_grade == "requires_improvement"
    assert moderation.differences == {
        OTHERS[0]: {"auditor": "compliant", "moderator": "partial", "comment": "Review 3 was a week late."}
    }
    agreeing = audit_signing.moderate_audit(world.ctx, moderator, audit_id, overall_grade="good", password=PASSWORD)
    assert agreeing.moderations[-1].agrees


def test_an_unsigned_audit_cannot_be_moderated(world):
    _cases(world)
    audit_id = _first_audit(world, _round(world))
    moderator = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    with pytest.raises(Conflict, match="Only a signed audit"):
        audit_signing.moderate_audit(world.ctx, moderator, audit_id, overall_grade="good", password=PASSWORD)


# --- remedial actions --------------------------------------------------------------------------------------


def test_remedial_actions_reach_their_owner_on_signing_and_are_followed_up(world):
    _cases(world)
    audit_id = _first_audit(world, _round(world))
    form = case_audits.raise_remedial_action(
        world.ctx,
        world.auditor,
        audit_id,
        description="Record the grounds for the flag.",
        owner_id=world.supervisor.user_id,
    )
    (action,) = form.remedial_actions
    # Default due: settings.audit.remedial_due.medium (10 working days) from now.
    assert action.due_at == due_at(world.clock.now, Duration(10, DurationUnit.WORKING_DAYS), world.ctx.calendar)
    assert action.priority == "medium" and action.status == "open"
    assert remedial.list_remedial_actions(world.ctx, world.supervisor) == []  # not before signing
    with pytest.raises(Conflict, match="not signed yet"):
        remedial.complete_remedial_action(world.ctx, world.supervisor, action.id, "Done")
    case_audits.save_audit(
        world.ctx, world.auditor, audit_id, grades=ALL_COMPLIANT, comments={}, overall_grade="good", rationale="Sound."
    )
    audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    with pytest.raises(Conflict, match="signed and cannot be changed"):
        case_audits.raise_remedial_action(
            world.ctx, world.auditor, audit_id, description="More", owner_id=world.supervisor.user_id
        )

    (mine,) = remedial.list_remedial_actions(world.ctx, world.supervisor)
    assert mine.id == action.id and not mine.overdue
    assert remedial.list_remedial_actions(world.ctx, world.investigator) == []
    world.clock.advance(days=30)
    assert remedial.list_remedial_actions(world.ctx, world.supervisor)[0].overdue
    with pytest.raises(Conflict, match="Only the action's owner"):
        remedial.complete_remedial_action(world.ctx, world.supervisor2, action.id, "Done")
    with pytest.raises(InvalidInput, match="say what was done"):
        remedial.complete_remedial_action(world.ctx, world.supervisor, action.id, "  ")
    done = remedial.complete_remedial_action(world.ctx, world.supervisor, action.id, "Grounds recorded in the log.")
    assert done.status == "completed" and done.completed_by == world.supervisor.display_name and not done.overdue
    with pytest.raises(Conflict, match="already completed"):
        remedial.complete_remedial_action(world.ctx, world.supervisor, action.id, "Again")
    assert remedial.list_remedial_actions(world.ctx, world.supervisor) == []

    (due,) = remedial.list_remedial_actions(world.ctx, world.auditor, mine=False)
    followed = remedial.follow_up_remedial_action(world.ctx, world.auditor, due.id, done=True, note="Checked the log.")
    assert followed.follow_up == "done" and followed.followed_up_by == world.auditor.display_name
    assert remedial.list_remedial_actions(world.ctx, world.auditor, mine=False) == []
    everything = remedial.list_remedial_actions(world.ctx, world.auditor, mine=False, open_only=False)
    assert [a.follow_up for a in everything] == ["done"]
    # The signed audit's signature covers the action as raised, not its completion.
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).remedial_actions[0].status == "completed"


def test_remedial_action_input_is_checked(world):
    _cases(world)
    audit_id = _first_audit(world, _round(world))
    with pytest.raises(InvalidInput) as problem:
        case_audits.raise_remedial_action(
            world.ctx, world.auditor, audit_id, description="", owner_id=world.admin.user_id, priority="urgent"
        )
    message = str(problem.value)
    assert "Action: say what must be put right" in message and "Priority" in message and "Owner" in message
    with pytest.raises(InvalidInput, match="Due: must be in the future"):
        case_audits.raise_remedial_action(
            world.ctx,
            world.auditor,
            audit_id,
            description="x",
            owner_id=world.investigator.user_id,
            due=world.clock.now - timedelta(days=1),
        )
    form = case_audits.raise_remedial_action(
        world.ctx, world.auditor, audit_id, description="Fix", owner_id=world.investigator.user_id, priority="high"
    )
    after = case_audits.withdraw_remedial_action(world.ctx, world.auditor, form.remedial_actions[0].id)
    assert after.remedial_actions == ()


def test_a_not_done_follow_up_is_recorded(world):
    _signed = _signed_audit(world, remedial_owner=world.investigator)
    (action,) = remedial.list_remedial_actions(world.ctx, world.investigator)
    followed = remedial.follow_up_remedial_action(
        world.ctx, world.auditor, action.id, done=False, note="Nothing in the log."
    )
    assert followed.follow_up == "not_done" and followed.status == "open"
    with pytest.raises(InvalidInput, match="what the follow-up found"):
        remedial.follow_up_remedial_action(world.ctx, world.auditor, action.id, done=True, note="")


# --- audit trail and verification -----------------------------------------------------------------------------


def test_every_read_and_change_is_audited_and_the_database_verifies(world):
    audit_id, _ = _signed_audit(world, remedial_owner=world.investigator)
    case_audits.audit_form(world.ctx, world.auditor, audit_id)
    audit_rounds.list_rounds(world.ctx, world.auditor)
    audit_rounds.round_detail(world.ctx, world.auditor, 1)
    (action,) = remedial.list_remedial_actions(world.ctx, world.investigator)
    remedial.complete_remedial_action(world.ctx, world.investigator, action.id, "Done")
    remedial.follow_up_remedial_action(world.ctx, world.auditor, action.id, done=True, note="Seen")
    with world.ctx.db.read() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "audit_round.create",
        "audit_round.draw",
        "audit_round.list",
        "audit_round.view",
        "case_audit.create",
        "case_audit.save",
        "case_audit.sign",
        "case_audit.view",
        "remedial.raise",
        "remedial.list",
        "remedial.complete",
        "remedial.follow_up",
    } <= actions
    report = verify_database(world.ctx.db)
    assert report.ok, report.problems


def test_the_sign_off_is_bound_to_the_audit_and_shows_superseded_after_a_change_behind_the_apps_back(world):
    from sqlalchemy import text

    audit_id, _ = _signed_audit(world, remedial_owner=world.investigator)
    form = case_audits.audit_form(world.ctx, world.auditor, audit_id)
    (line,) = form.signatures
    assert line.startswith("Audit completed: Aud Holly (auditor)") and line.endswith("[valid]")
    # Completing the remedial action is not part of what was signed.
    (action,) = remedial.list_remedial_actions(world.ctx, world.investigator)
    remedial.complete_remedial_action(world.ctx, world.investigator, action.id, "Done")
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).signatures[0].endswith("[valid]")
    with world.ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE case_audits SET rationale = 'Outstanding work' WHERE id = :i"), {"i": audit_id})
    report = verify_database(world.ctx.db)
    assert any(p.table == "case_audits" and p.record_id == audit_id for p in report.problems), report.problems
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).signatures[0].endswith("[superseded]")
