"""An administrator accepting a row changed outside the app (services/outside_change.py): the account logs on
again, the case opens again, verify passes and notes the acceptance for good; every refusal changes nothing.
Runs on SQLite and, with CHECKLIST_APP_TEST_DB set, on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from support import open_case
from tamper_support import tamper
from world_support import PASSWORD

from checklist_app.core.permissions import PermissionDenied
from checklist_app.services import accounts, cases
from checklist_app.services.context import system_actor
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound, RecordChanged
from checklist_app.services.outside_change import COLUMNS_UNKNOWN, accept_outside_change
from checklist_app.store.accepted_changes import ACCEPTED_ACTION
from checklist_app.store.models import AuditEntry, User
from checklist_app.store.verify import verify_database

REASON = "Investigated under PSD ref 2026/0417: role set by the DBA on request, confirmed by the DI"
MOVE_TEAM = (
    "UPDATE users SET team_id = (SELECT id FROM teams WHERE name = 'Sheffield CSE Team 2') WHERE username = 'dc.alder'"
)


def _entries(world, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        found = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))
        session.expunge_all()
        return found


def _state_hashes(world, object_type: str, object_id: int) -> list[str | None]:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.state_hash)
                .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
                .where(AuditEntry.state_hash.is_not(None))
                .order_by(AuditEntry.seq)
            )
        )


def test_an_accepted_account_logs_on_again_and_verify_notes_it_for_good(world):
    user_id = world.investigator.user_id
    before = _state_hashes(world, "users", user_id)[-1]
    tamper(world, MOVE_TEAM)
    with pytest.raises(AuthenticationFailed, match="checklist-app user accept-change"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    assert not verify_database(world.ctx.db).ok

    accepted = accept_outside_change(world.ctx, world.admin, "users", " DC.Alder ", REASON, password=PASSWORD)
    assert (accepted.object_type, accepted.object_id, accepted.label) == ("users", user_id, "account dc.alder")
    assert accepted.previous_state_hash == before

    actor = accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    with world.ctx.db.read() as session:
        assert actor.team_id == session.scalar(select(User.team_id).where(User.id == user_id))
    [entry] = _entries(world, ACCEPTED_ACTION)
    assert (entry.seq, entry.outcome, entry.username, entry.object_id) == (
        accepted.entry_seq,
        "success",
        "admin.one",
        user_id,
    )
    details = json.loads(entry.details)
    assert details == {
        "record": "account dc.alder",
        "reason": REASON,
        "previous_entry": details["previous_entry"],
        "previous_state_hash": before,
        "changed_columns": COLUMNS_UNKNOWN,
    }
    assert entry.state_hash not in (None, before)
    # The administrator re-entered their password for it (re-authentication is audited).
    assert _entries(world, "user.reauthenticated")[-1].details == '{"purpose":"accept an outside change"}'

    world.clock.advance(days=30)
    accounts.log_on(world.ctx, "dc.alder", PASSWORD)  # later entries do not hide the acceptance from verify
    report = verify_database(world.ctx.db)
    assert report.ok, report.problems
    notes = [str(n) for n in report.notices]
    assert notes == [
        f"users, id {user_id}, audit entry {entry.seq}: accepted outside change (account dc.alder) by admin.one "
        f"on 2026-03-02 09:00 UTC: {REASON}"
    ]


def test_an_accepted_case_opens_again(world):
    case = open_case(world)
    tamper(world, "UPDATE cases SET officer_id = :o WHERE id = :c", o=world.investigator2.user_id, c=case.id)
    with pytest.raises(RecordChanged, match="checklist-app case accept-change"):
        cases.case_detail(world.ctx, world.supervisor, case.id)

    accepted = accept_outside_change(world.ctx, world.admin, "cases", case.reference.lower(), REASON, password=PASSWORD)
    assert accepted.label == f"case {case.reference}"
    detail = cases.case_detail(world.ctx, world.investigator2, case.id)
    assert detail.reference == case.reference
    [entry] = _entries(world, ACCEPTED_ACTION)
    assert (entry.object_type, entry.object_id, entry.case_id) == ("cases", case.id, case.id)
    report = verify_database(world.ctx.db)
    assert report.ok, report.problems
    assert any(f"accepted outside change (case {case.reference}) by admin.one" in str(n) for n in report.notices)


def test_an_account_inserted_outside_the_app_can_be_accepted_with_no_state_to_replace(world):
    tamper(
        world,
        "INSERT INTO users (username, display_name, role, password_hash, active, failed_logons, "
        "must_change_password, created_at) VALUES ('dc.rowan', 'Dc Rowan', 'investigator', :h, true, 0, "
        "false, '2026-03-01 09:00:00.000000')",
        h=accounts.HASHER.hash(PASSWORD),
    )
    accepted = accept_outside_change(world.ctx, world.admin, "users", "dc.rowan", REASON, password=PASSWORD)
    assert accepted.previous_state_hash is None
    accounts.log_on(world.ctx, "dc.rowan", PASSWORD)
    assert verify_database(world.ctx.db).ok


def _refused_and_unchanged(world, error: type[Exception], match: str, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call()
    assert _entries(world, ACCEPTED_ACTION) == []


def test_only_an_administrator_may_accept(world):
    tamper(world, MOVE_TEAM)
    _refused_and_unchanged(
        world,
        PermissionDenied,
        "may not accept a change made outside the app",
        lambda: accept_outside_change(world.ctx, world.supervisor, "users", "dc.alder", REASON, password=PASSWORD),
    )
    _refused_and_unchanged(
        world,
        Conflict,
        "signed in with their own account",
        lambda: accept_outside_change(world.ctx, system_actor(), "users", "dc.alder", REASON, password=PASSWORD),
    )


def test_an_administrator_cannot_accept_a_change_to_their_own_account(world):
    tamper(world, "UPDATE users SET display_name = 'Someone Else' WHERE username = 'admin.one'")
    _refused_and_unchanged(
        world,
        Conflict,
        "your own account: another administrator must",
        lambda: accept_outside_change(world.ctx, world.admin, "users", "admin.one", REASON, password=PASSWORD),
    )


def test_a_wrong_password_accepts_nothing_and_counts_as_a_failure(world):
    tamper(world, MOVE_TEAM)
    _refused_and_unchanged(
        world,
        AuthenticationFailed,
        "more failed attempt",
        lambda: accept_outside_change(world.ctx, world.admin, "users", "dc.alder", REASON, password="not-it-at-all"),
    )
    with world.ctx.db.read() as session:
        assert session.scalar(select(User.failed_logons).where(User.username == "admin.one")) == 1
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    _refused_and_unchanged(
        world,
        InvalidInput,
        "Enter your password",
        lambda: accept_outside_change(world.ctx, world.admin, "users", "dc.alder", REASON, password=""),
    )


@pytest.mark.parametrize("reason", ["", "checked", "   looked at it, fine  "])
def test_a_reason_naming_the_investigation_is_required(world, reason):
    tamper(world, MOVE_TEAM)
    _refused_and_unchanged(
        world,
        InvalidInput,
        "at least 20 characters, naming the investigation",
        lambda: accept_outside_change(world.ctx, world.admin, "users", "dc.alder", reason, password=PASSWORD),
    )


def test_a_row_that_was_not_changed_has_nothing_to_accept(world):
    case = open_case(world)
    _refused_and_unchanged(
        world,
        Conflict,
        r"account dc\.alder matches its last audit entry: there is no outside change to accept",
        lambda: accept_outside_change(world.ctx, world.admin, "users", "dc.alder", REASON, password=PASSWORD),
    )
    _refused_and_unchanged(
        world,
        Conflict,
        "no outside change to accept",
        lambda: accept_outside_change(world.ctx, world.admin, "cases", case.reference, REASON, password=PASSWORD),
    )
    # Accepted once, the row is the recorded state: accepting it again is refused.
    tamper(world, MOVE_TEAM)
    accept_outside_change(world.ctx, world.admin, "users", "dc.alder", REASON, password=PASSWORD)
    with pytest.raises(Conflict, match="no outside change to accept"):
        accept_outside_change(world.ctx, world.admin, "users", "dc.alder", REASON, password=PASSWORD)


def test_an_unknown_account_or_case_is_named(world):
    for kind, name, words in (("users", "dc.nobody", "No account 'dc.nobody'"), ("cases", "CSE-0000-99", "No case")):
        _refused_and_unchanged(
            world,
            NotFound,
            words,
            lambda kind=kind, name=name: accept_outside_change(  # type: ignore[misc]
                world.ctx, world.admin, kind, name, REASON, password=PASSWORD
            ),
        )
    _refused_and_unchanged(
        world,
        InvalidInput,
        "an account's or a case's",
        lambda: accept_outside_change(world.ctx, world.admin, "teams", "x", REASON, password=PASSWORD),
    )
