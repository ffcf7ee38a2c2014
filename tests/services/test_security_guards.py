"""Hostile use of the services: changes to a closed case by any route, a session whose account was
disabled or locked meanwhile, log-on timing, paced password guessing, weak passwords, control characters,
and reads that must leave an audit entry. Runs on SQLite and on PostgreSQL (CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import intelligence_form, open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.core.permissions import PermissionDenied
from checklist_app.services import (
    accounts,
    case_list,
    case_versions,
    cases,
    closure,
    intelligence,
    organisation,
    records,
    risk,
    steps,
)
from checklist_app.services.context import system_actor
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, SessionEnded
from checklist_app.store.models import AuditEntry, User


def _entries(world, action: str) -> list[AuditEntry]:
    with world.ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def _close(world, case_id: int) -> None:
    settle_for_closure(world, case_id)
    closure.close_case(world.ctx, world.supervisor, case_id, "No further action", PASSWORD)


def test_no_service_changes_a_closed_case(world) -> None:
    case = open_case(world)
    override = risk.record_assessment(
        world.ctx,
        world.investigator,
        case.id,
        risk.RiskForm(answers={}, override_category=3, override_reason="Older peer group"),
    )
    item, unrouted = (
        intelligence.submit(
            world.ctx,
            world.investigator,
            case.id,
            intelligence_form(world, summary="Seen at location L-12."),
        )
        for _ in range(2)
    )
    routed = intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    episode = records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=world.clock.now - timedelta(hours=1), risk_grade="high"
    )
    _close(world, case.id)
    with world.ctx.db.read() as session:
        seq_before = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    attempts = {
        "countersign": lambda: risk.countersign_override(world.ctx, world.supervisor2, override.id, PASSWORD),
        "route": lambda: intelligence.route(world.ctx, world.supervisor, unrouted.id, world.intel.user_id),
        "assess": lambda: intelligence.assess(
            world.ctx, world.intel, routed.id, outcome="develop", rationale="Corroborates", sanitised=True
        ),
        "action": lambda: intelligence.record_action(world.ctx, world.investigator, routed.id, "Visited"),
        "missing": lambda: records.update_missing_episode(
            world.ctx, world.investigator, episode, records.MissingUpdate(found_at=world.clock.now)
        ),
        "decision": lambda: records.add_decision(world.ctx, world.supervisor, case.id, decision="x", rationale="y"),
        "facts": lambda: cases.update_facts(world.ctx, world.supervisor, case.id, {"looked_after": True}),
        "step": lambda: steps.save_progress(world.ctx, world.investigator, case.id, "referral.record-details", {}),
    }
    for name, attempt in attempts.items():
        with pytest.raises(Conflict, match="is closed"):
            attempt()
        with world.ctx.db.read() as session:
            latest = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        assert latest == seq_before, f"{name} wrote to a closed case"
    closure.reopen_case(world.ctx, world.supervisor, case.id, "New information")
    assert risk.countersign_override(world.ctx, world.supervisor2, override.id, PASSWORD).effective_category == 3


def test_a_disabled_or_locked_account_is_stopped_at_its_next_write_and_read(world) -> None:
    case = open_case(world)
    accounts.set_active(world.ctx, system_actor(), "dc.alder", False)
    before = len(_entries(world, "case.view"))
    with pytest.raises(SessionEnded, match="disabled"):
        steps.save_progress(world.ctx, world.investigator, case.id, "referral.record-details", {})
    with pytest.raises(SessionEnded, match="disabled"):
        cases.case_detail(world.ctx, world.investigator, case.id)
    with pytest.raises(SessionEnded):
        case_list.list_cases(world.ctx, world.investigator)
    assert len(_entries(world, "case.view")) == before
    # Locked by failed log-ons elsewhere: the open session stops too.
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "dc.birch", "wrong-password-1")
    with pytest.raises(SessionEnded, match="locked"):
        cases.case_detail(world.ctx, world.investigator2, case.id)


def test_paced_failures_lock_in_any_fifteen_minutes(world) -> None:
    """Five failures within any 15 minutes lock, however they are spread; older failures fall out."""
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as refused:
            accounts.log_on(world.ctx, "dc.birch", "wrong-password-1")
        assert not refused.value.locked
        world.clock.advance(minutes=6)  # 24 minutes in all: the first-failure window would have reset
    with pytest.raises(AuthenticationFailed) as refused:
        accounts.log_on(world.ctx, "dc.birch", "wrong-password-1")
    assert not refused.value.locked  # only failures at 12, 18 and 24 min are within 15 min of this one
    for _ in range(2):
        world.clock.advance(seconds=10)
        with pytest.raises(AuthenticationFailed) as refused:
            accounts.log_on(world.ctx, "dc.birch", "wrong-password-1")
    assert refused.value.locked
    # A success clears the window: four more failures do not lock someone who signed in in between.
    accounts.log_on(world.ctx, "ds.cedar", "correct-horse-42")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "ds.cedar", "wrong-password-1")
    accounts.log_on(world.ctx, "ds.cedar", "correct-horse-42")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as refused:
            accounts.log_on(world.ctx, "ds.cedar", "wrong-password-1")
    assert not refused.value.locked


def test_unknown_names_cost_the_same_argon2_work(world, monkeypatch) -> None:
    from argon2 import PasswordHasher

    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append(str(hash).split("$")[3])  # the parameters part: m=...,t=...,p=...
            return super().verify(hash, password)

    production = accounts.PRODUCTION_HASHER
    counting = Counting(production.time_cost, production.memory_cost, production.parallelism)
    monkeypatch.setattr(accounts, "HASHER", counting)
    with world.ctx.db.write() as session:  # the known account's hash at production cost
        user = session.scalar(select(User).where(User.username == "dc.alder"))
        user.password_hash = counting.hash("correct-horse-42")
    for name in ("nobody.here", "dc.alder"):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, name, "wrong-password-1")
    accounts.set_active(world.ctx, system_actor(), "dc.birch", False)
    with pytest.raises(AuthenticationFailed):
        accounts.log_on(world.ctx, "dc.birch", "wrong-password-1")
    assert calls == ["m=19456,t=2,p=1"] * 2 + [calls[2]]  # unknown and known names: the same full cost
    assert len(calls) == 3  # a disabled account is verified too, so its timing does not stand out


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("        ", "only spaces"),
        ("\t \t \t \t ", "only spaces"),
        ("aaaaaaaa", "different characters"),
        ("abababababab", "different characters"),
        ("demo-pass-2026", "published"),
        ("Password", "too common"),
    ],
)
def test_weak_passwords_are_refused(world, password: str, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected):
        accounts.create_user(
            world.ctx, system_actor(), username="new.user", display_name="New User", role="auditor", password=password
        )
    with pytest.raises(InvalidInput, match=expected):
        accounts.reset_password(world.ctx, system_actor(), "dc.alder", password)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "DC \x1b[2J\x1b[HFake"),
        ("display_name", "DC One\nadmin\tAdmin\tadministrator\t-\tactive"),
        ("display_name", "DC \u202eenilA"),
        ("username", "dc.\x1bnew"),
    ],
)
def test_control_characters_are_refused_in_names(world, field: str, value: str) -> None:
    form = {"username": "dc.new", "display_name": "DC New", "role": "auditor", "password": "correct-horse-42"}
    form[field] = value
    with pytest.raises(InvalidInput):
        accounts.create_user(world.ctx, system_actor(), **form)
    with pytest.raises(InvalidInput, match="control"):
        organisation.create_team(world.ctx, system_actor(), "Team \x1b[31mRed", "SHE")


def test_reads_are_audited_including_refusals(world) -> None:
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        cases.case_detail(world.ctx, world.other_district_investigator, case.id)
    refused = _entries(world, "case.access_refused")
    assert [(e.user_id, e.object_id, e.outcome) for e in refused] == [
        (world.other_district_investigator.user_id, case.id, "refused")
    ]
    case_versions.preview_version_move(world.ctx, world.supervisor, case.id)
    assert _entries(world, "case.version_preview")[-1].user_id == world.supervisor.user_id
    assert cases.case_id_by_reference(world.ctx, world.investigator, case.reference) == case.id
    assert _entries(world, "case.lookup")[-1].object_id == case.id
    with pytest.raises(PermissionDenied):
        cases.case_id_by_reference(world.ctx, world.other_district_investigator, case.reference)
    accounts.list_users(world.ctx, world.admin)
    assert _entries(world, "user.list")[-1].user_id == world.admin.user_id
    second = open_case(world)
    case_list.list_cases(world.ctx, world.investigator)
    listed = _entries(world, "case.list")[-1]
    assert f'"cases":"{case.id}-{second.id}"' in listed.details
