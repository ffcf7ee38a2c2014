"""Account administration from the console: role and team changes, one-time passwords, verify progress."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from world_support import add_user

from checklist_app.core.procedure.model import Role
from checklist_app.services import account_admin, accounts, admin
from checklist_app.services.context import system_actor
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from checklist_app.store.models import AuditEntry

PW = "correct-horse-42"


def _last_entry(world, action):
    with world.ctx.db.read() as session:
        return session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
        ).first()


def test_one_time_password_unlocks_and_must_be_changed_at_next_logon(world):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, "dc.alder", "wrong-password")
    info = next(u for u in accounts.list_users(world.ctx, world.admin) if u.username == "dc.alder")
    assert info.locked and info.locked_at is not None and info.failed_logons == 5

    info, password = account_admin.reset_to_one_time_password(world.ctx, world.admin, "dc.alder")
    assert not info.locked and info.must_change_password and info.failed_logons == 0
    assert len(password) == 14 and not accounts.password_problems(password, "dc.alder")
    actor = accounts.log_on(world.ctx, "dc.alder", password)
    assert account_admin.password_change_required(world.ctx, actor)
    accounts.change_own_password(world.ctx, actor, password, "a-new-secret-2026")
    assert not account_admin.password_change_required(world.ctx, actor)
    assert _last_entry(world, "user.reset_password").username == "admin.one"


def test_one_time_passwords_differ():
    assert len({account_admin.one_time_password() for _ in range(50)}) == 50


def test_change_role_and_team_is_audited_with_before_and_after(world):
    info = account_admin.change_role(world.ctx, world.admin, "dc.alder", role="supervisor", team="Sheffield CSE Team 2")
    assert (info.role, info.team_name, info.district_name) == ("supervisor", "Sheffield CSE Team 2", "Sheffield")
    entry = _last_entry(world, "user.change_role")
    details = json.loads(entry.details)
    assert details["from"] == {"role": "investigator", "team": "Sheffield CSE Team 1", "district": "SHE"}
    assert details["to"] == {"role": "supervisor", "team": "Sheffield CSE Team 2", "district": "SHE"}
    actor = accounts.log_on(world.ctx, "dc.alder", PW)
    assert actor.role.value == "supervisor" and actor.team_id == info.team_id

    info = account_admin.change_role(
        world.ctx, world.admin, "dc.alder", role="intelligence_officer", district_code="DON"
    )
    assert (info.role, info.team_name, info.district_name) == ("intelligence_officer", "", "Doncaster")


def test_change_role_refusals(world):
    with pytest.raises(InvalidInput, match="Team: is required for an investigator"):
        account_admin.change_role(world.ctx, world.admin, "io.gorse", role="investigator")
    with pytest.raises(InvalidInput, match="District: is required"):
        account_admin.change_role(world.ctx, world.admin, "dc.alder", role="intelligence_officer")
    with pytest.raises(InvalidInput, match="Role: must be one of"):
        account_admin.change_role(world.ctx, world.admin, "dc.alder", role="chief")
    with pytest.raises(Conflict, match="your own role"):
        account_admin.change_role(world.ctx, world.admin, "admin.one", role="auditor")
    with pytest.raises(Conflict, match="nothing changed"):
        account_admin.change_role(world.ctx, world.admin, "dc.alder", role="investigator", team="Sheffield CSE Team 1")
    with pytest.raises(PermissionDenied):
        account_admin.change_role(
            world.ctx, world.supervisor, "dc.alder", role="supervisor", team="Sheffield CSE Team 1"
        )
    with pytest.raises(PermissionDenied):
        account_admin.reset_to_one_time_password(world.ctx, world.auditor, "dc.alder")


def test_verify_reports_progress_and_the_head_matches(world):
    seen = []
    report = admin.verify(world.ctx, world.admin, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert report.ok
    assert seen[0][1] == 0 and seen[-1][0] == "done"
    assert seen[-1][1] == seen[-1][2] == report.entries + report.records_checked
    assert [done for _s, done, _t in seen] == sorted(done for _s, done, _t in seen)
    head = admin.chain_head(world.ctx, world.admin)
    assert (head.seq, head.entry_hash) == (report.head_seq, report.head_hash)
    assert head.anchor == f"{report.head_seq}:{report.head_hash}"


def test_verify_can_be_stopped_from_the_progress_callback(world):
    class Stop(Exception):
        pass

    def stop(stage, done, total):
        if stage != "database file":
            raise Stop

    with pytest.raises(Stop):
        admin.verify(world.ctx, world.admin, progress=stop)


def test_the_last_active_administrator_cannot_be_disabled_or_given_another_role(world):
    # The command line acts as the system, not as an administrator, so the own-account rules do not stop it.
    system = system_actor()
    with pytest.raises(Conflict, match="only active administrator"):
        account_admin.change_role(world.ctx, system, "admin.one", role="auditor")
    with pytest.raises(Conflict, match="only active administrator"):
        accounts.set_active(world.ctx, system, "admin.one", False)
    assert [u.role for u in accounts.list_users(world.ctx, world.admin) if u.username == "admin.one"] == [
        "administrator"
    ]
    add_user(world.ctx, "admin.two", Role.ADMINISTRATOR)  # with a second one, either change is allowed
    accounts.set_active(world.ctx, system, "admin.one", False)
    with pytest.raises(Conflict, match=r"admin\.two is the only active administrator"):
        account_admin.change_role(world.ctx, system, "admin.two", role="auditor")
    accounts.set_active(world.ctx, system, "admin.one", True)
    account_admin.change_role(world.ctx, system, "admin.two", role="auditor")
