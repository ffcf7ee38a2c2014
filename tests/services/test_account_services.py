"""Log-on, lockout and user administration."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from checklist_app.services import accounts, organisation
from checklist_app.services.context import system_actor
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from checklist_app.store.models import AuditEntry, User

PW = "correct-horse-42"


def _actions(world, username):
    with world.ctx.db.read() as session:
        return [
            e.action
            for e in session.scalars(select(AuditEntry).where(AuditEntry.username == username).order_by(AuditEntry.seq))
        ]


def test_logon_returns_the_actor_and_is_audited(world):
    actor = accounts.log_on(world.ctx, "DC.Alder ", PW)
    assert actor.username == "dc.alder" and actor.role.value == "investigator"
    assert _actions(world, "dc.alder")[-1] == "user.logon"


def test_wrong_password_counts_down_then_locks_after_five(world):
    messages = []
    for _ in range(5):
        with pytest.raises(AuthenticationFailed) as caught:
            accounts.log_on(world.ctx, "dc.alder", "wrong-password")
        messages.append((str(caught.value), caught.value.locked))
    assert messages[0] == ("The user name or password is wrong. 4 more failed attempts will lock the account.", False)
    assert messages[3][0].endswith("1 more failed attempt will lock the account.")
    assert messages[4][1] is True and "locked" in messages[4][0]
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "dc.alder", PW)  # even the right password
    assert _actions(world, "dc.alder")[-3:] == ["user.logon_failed", "user.locked", "user.logon_refused"]
    accounts.unlock(world.ctx, world.admin, "dc.alder")
    assert accounts.log_on(world.ctx, "dc.alder", PW).username == "dc.alder"
    assert "user.unlock" in _actions(world, "admin.one")


def test_failures_outside_fifteen_minutes_start_a_new_count(world):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    world.clock.advance(minutes=16)
    with pytest.raises(AuthenticationFailed) as caught:
        accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    assert not caught.value.locked and "4 more" in str(caught.value)


def test_successful_logon_resets_the_count(world):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    accounts.log_on(world.ctx, "dc.alder", PW)
    with pytest.raises(AuthenticationFailed) as caught:
        accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    assert "4 more" in str(caught.value)


def test_unknown_user_gets_the_same_message_and_is_audited(world):
    with pytest.raises(AuthenticationFailed) as caught:
        accounts.log_on(world.ctx, "nobody", "whatever123")
    assert str(caught.value) == accounts.WRONG_CREDENTIALS
    assert _actions(world, "nobody") == ["user.logon_failed"]


def test_disabled_account_cannot_log_on(world):
    accounts.set_active(world.ctx, world.admin, "dc.birch", False)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        accounts.log_on(world.ctx, "dc.birch", PW)
    with pytest.raises(Conflict, match="your own"):
        accounts.set_active(world.ctx, world.admin, "admin.one", False)


def test_passwords_are_argon2id_at_least_owasp_minimum(world):
    params = accounts.PRODUCTION_HASHER
    assert (params.memory_cost, params.time_cost, params.parallelism) >= (19456, 2, 1)
    assert params.hash(PW).startswith("$argon2id$")
    with world.ctx.db.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "dc.alder"))
    assert stored.startswith("$argon2id$") and PW not in stored


@pytest.mark.parametrize(
    ("password", "message"),
    [("short1", "at least 8"), ("password123", "too common"), ("my-newuser-pw", "user name")],
)
def test_weak_passwords_are_refused(world, password, message):
    with pytest.raises(InvalidInput, match=message):
        accounts.create_user(
            world.ctx, system_actor(), username="newuser", display_name="New User", role="auditor", password=password
        )


def test_user_administration_is_for_administrators_only(world):
    with pytest.raises(PermissionDenied):
        accounts.create_user(world.ctx, world.supervisor, username="x1", display_name="X", role="auditor", password=PW)
    with pytest.raises(PermissionDenied):
        accounts.unlock(world.ctx, world.supervisor, "dc.alder")


def test_team_required_for_investigators_and_names_unique(world):
    with pytest.raises(InvalidInput, match="Team"):
        accounts.create_user(
            world.ctx, world.admin, username="dc.new", display_name="DC New", role="investigator", password=PW
        )
    with pytest.raises(Conflict, match="taken"):
        accounts.create_user(
            world.ctx, world.admin, username="dc.alder", display_name="Again", role="auditor", password=PW
        )


def test_reset_password_forces_change_and_change_checks_old(world):
    accounts.reset_password(world.ctx, world.admin, "dc.alder", "temporary-pass-1")
    actor = accounts.log_on(world.ctx, "dc.alder", "temporary-pass-1")
    with pytest.raises(InvalidInput, match="Current password"):
        accounts.change_own_password(world.ctx, actor, "wrong", "brand-new-pass-2")
    accounts.change_own_password(world.ctx, actor, "temporary-pass-1", "brand-new-pass-2")
    assert accounts.log_on(world.ctx, "dc.alder", "brand-new-pass-2")


def test_verify_password_for_screen_unlock_counts_failures(world):
    actor = world.investigator
    assert accounts.verify_password(world.ctx, actor, PW, purpose="unlock")
    for _ in range(5):
        assert not accounts.verify_password(world.ctx, actor, "nope-nope", purpose="unlock")
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "dc.alder", PW)


def test_districts_are_the_four_of_the_force(world):
    assert [d.name for d in organisation.list_districts(world.ctx)] == [
        "Barnsley",
        "Doncaster",
        "Rotherham",
        "Sheffield",
    ]
    world.clock.advance(days=1)
    organisation.ensure_districts(world.ctx, system_actor())  # idempotent
    assert len(organisation.list_districts(world.ctx)) == 4


def test_wrong_current_password_in_change_password_counts_towards_lockout(world):
    actor = world.investigator
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInput, match=f"Current password: is wrong; {left} more failed attempt"):
            accounts.change_own_password(world.ctx, actor, "not-my-password", "brand-new-pass-2")
    with pytest.raises(AuthenticationFailed, match="locked") as caught:
        accounts.change_own_password(world.ctx, actor, "not-my-password", "brand-new-pass-2")
    assert caught.value.locked
    assert _actions(world, "dc.alder")[-5:] == ["user.logon_failed"] * 4 + ["user.locked"]
    with world.ctx.db.read() as session:
        failed = session.scalars(
            select(AuditEntry).where(AuditEntry.username == "dc.alder", AuditEntry.action == "user.logon_failed")
        ).all()
        assert all('"purpose":"change password"' in e.details for e in failed)
    # Locked now: neither the right password here nor a log-on gets in.
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.change_own_password(world.ctx, actor, PW, "brand-new-pass-2")
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "dc.alder", PW)


def test_change_password_failures_add_to_signing_failures_and_a_change_resets_them(world):
    actor = world.investigator
    for _ in range(3):
        assert not accounts.verify_password(world.ctx, actor, "nope-nope", purpose="sign")
    with pytest.raises(InvalidInput, match="1 more failed attempt will lock"):
        accounts.change_own_password(world.ctx, actor, "not-my-password", "brand-new-pass-2")
    accounts.change_own_password(world.ctx, actor, PW, "brand-new-pass-2")
    with pytest.raises(AuthenticationFailed, match="4 more failed attempts"):
        accounts.log_on(world.ctx, "dc.alder", "wrong-again-1")


def test_empty_current_password_is_reported_as_empty_and_not_counted(world):
    actor = world.investigator
    before = _actions(world, "dc.alder")
    with pytest.raises(InvalidInput) as caught:
        accounts.change_own_password(world.ctx, actor, "", "brand-new-pass-2")
    assert str(caught.value) == "Current password: is empty"
    assert _actions(world, "dc.alder") == before
