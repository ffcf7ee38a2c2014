"""Rows that grant power are checked where they are used (services/tamper_check.py): an account's row at
log-on, at re-authentication and when an administrator changes it, a case's row whenever the case is
used. A row edited with another tool (no audit entry) is refused in plain words, the refusal is audited
without carrying the edited state, and every legitimate write leaves rows that pass the same check.
Runs on SQLite and, with CHECKLIST_APP_TEST_DB set, on PostgreSQL."""

from __future__ import annotations

import io
import sqlite3

import pytest
from db_support import server_url
from sqlalchemy import create_engine, select, text
from support import open_case
from tamper_support import tamper
from world_support import PASSWORD

from checklist_app.core.permissions import Action, allowed
from checklist_app.core.procedure.model import Role
from checklist_app.services import account_admin, accounts, cases, closure, steps
from checklist_app.services.context import system_actor
from checklist_app.services.errors import AuthenticationFailed, RecordChanged, SessionEnded
from checklist_app.services.tamper_check import ACCOUNT_CHANGED, CASE_CHANGED, REASON
from checklist_app.store.models import AuditEntry, StepRecord, User
from checklist_app.store.verify import verify_database

ATTACKER_PASSWORD = "attacker-chosen-77"


def _user_id(world, username: str) -> int:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        return int(session.scalar(select(User.id).where(User.username == username)) or 0)


def _last_entry(world) -> AuditEntry:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
        session.expunge(entry)
        return entry


def _assert_refusal_audited(world, action: str, object_type: str, object_id: int) -> None:  # type: ignore[no-untyped-def]
    entry = _last_entry(world)
    assert (entry.action, entry.outcome, entry.object_type, entry.object_id) == (
        action,
        "refused",
        object_type,
        object_id,
    )
    assert REASON in entry.details
    # The refusal records no state, so the edited row is not made to look legitimate.
    assert entry.state_hash is None


def _assert_verify_names(world, table: str, row_id: int) -> None:  # type: ignore[no-untyped-def]
    problems = [str(p) for p in verify_database(world.ctx.db).problems]
    assert any(p.startswith(f"{table}, id {row_id}") and "differs from its last audit entry" in p for p in problems), (
        problems
    )


def _lock(world, username: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed):
            accounts.log_on(world.ctx, username, "not-the-password-1")
    assert accounts.is_locked(world.ctx, username)


TAMPERED_ACCOUNTS = {
    "role made administrator": "UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'",
    "role made auditor": "UPDATE users SET role = 'auditor' WHERE username = 'dc.alder'",
    "moved to another team": "UPDATE users SET team_id = (SELECT id FROM teams WHERE name = 'Sheffield CSE Team 2') "
    "WHERE username = 'dc.alder'",
    "moved to another district": "UPDATE users SET district_id = (SELECT id FROM districts WHERE code = 'DON') "
    "WHERE username = 'dc.alder'",
    "must-change flag cleared": "UPDATE users SET must_change_password = false WHERE username = 'dc.alder'",
}


@pytest.mark.parametrize("sql", TAMPERED_ACCOUNTS.values(), ids=TAMPERED_ACCOUNTS.keys())
def test_an_account_edited_outside_the_app_cannot_log_on(world, sql):
    user_id = _user_id(world, "dc.alder")
    if "must_change_password" in sql:
        accounts.reset_password(world.ctx, world.admin, "dc.alder", PASSWORD + "x")
        world.clock.advance(minutes=1)
    tamper(world, sql)
    with pytest.raises(AuthenticationFailed) as refused:
        accounts.log_on(world.ctx, "dc.alder", PASSWORD + ("x" if "must_change" in sql else ""))
    assert str(refused.value) == ACCOUNT_CHANGED
    _assert_refusal_audited(world, "user.logon_refused", "users", user_id)
    _assert_verify_names(world, "users", user_id)
    # Nothing else was written: a second try is refused the same way (the refusal did not launder the row).
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "dc.alder", "a wrong password")


def test_a_disabled_account_reactivated_outside_the_app_cannot_log_on(world):
    accounts.set_active(world.ctx, world.admin, "dc.alder", False)
    tamper(world, "UPDATE users SET active = true WHERE username = 'dc.alder'")
    with pytest.raises(AuthenticationFailed, match=r"^This account's stored record has been changed"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    _assert_refusal_audited(world, "user.logon_refused", "users", world.investigator.user_id)


def test_a_lockout_cleared_outside_the_app_does_not_let_anyone_guess_on(world):
    _lock(world, "dc.alder")
    tamper(
        world,
        "UPDATE users SET locked_at = NULL, failed_logons = 0, first_failed_at = NULL WHERE username = 'dc.alder'",
    )
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    # A wrong guess is refused the same way and not counted: counting would record the cleared lock.
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "dc.alder", "guess-number-two")
    _assert_verify_names(world, "users", world.investigator.user_id)


def test_a_password_hash_replaced_outside_the_app_is_refused(world):
    forged = accounts.HASHER.hash(ATTACKER_PASSWORD)
    tamper(world, "UPDATE users SET password_hash = :h WHERE username = 'admin.one'", h=forged)
    with pytest.raises(AuthenticationFailed) as refused:
        accounts.log_on(world.ctx, "admin.one", ATTACKER_PASSWORD)
    assert str(refused.value) == ACCOUNT_CHANGED
    _assert_refusal_audited(world, "user.logon_refused", "users", world.admin.user_id)


def test_an_account_inserted_outside_the_app_cannot_log_on(world):
    """A row with no audit entry at all (an administrator account written straight into the table)."""
    tamper(
        world,
        "INSERT INTO users (username, display_name, role, password_hash, active, failed_logons, "
        "must_change_password, created_at) VALUES ('x.intruder', 'X Intruder', 'administrator', :h, true, 0, "
        "false, '2026-03-01 09:00:00.000000')",
        h=accounts.HASHER.hash(ATTACKER_PASSWORD),
    )
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "x.intruder", ATTACKER_PASSWORD)


def test_the_screen_unlock_of_an_edited_account_signs_out(world):
    """Unlocking the screen re-reads the account: one edited meanwhile ends the session."""
    tamper(world, "UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'")
    with pytest.raises(SessionEnded, match=r"^Your account's stored record has been changed outside the app"):
        accounts.verify_password(world.ctx, world.investigator, PASSWORD, purpose="unlock")
    _assert_refusal_audited(world, "user.reauthenticate_refused", "users", world.investigator.user_id)
    with pytest.raises(SessionEnded, match="changed outside the app"):
        accounts.change_own_password(world.ctx, world.investigator, PASSWORD, "a-brand-new-pass-19")


def test_signing_as_an_edited_account_signs_out_and_signs_nothing(world):
    """A signature records the signer's role from their row: an edited row signs nothing."""
    from support import settle_for_closure

    case = open_case(world)
    settle_for_closure(world, case.id)
    tamper(world, "UPDATE users SET display_name = 'Someone Else' WHERE username = 'ds.cedar'")
    with pytest.raises(SessionEnded, match="changed outside the app"):
        closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    assert cases.case_detail(world.ctx, world.investigator, case.id).status == "open"


ADMIN_CHANGES = {
    "unlock": lambda w: accounts.unlock(w.ctx, w.admin, "dc.alder"),
    "disable": lambda w: accounts.set_active(w.ctx, w.admin, "dc.alder", False),
    "reset password": lambda w: accounts.reset_password(w.ctx, w.admin, "dc.alder", "a-fresh-password-31"),
    "one-time password": lambda w: account_admin.reset_to_one_time_password(w.ctx, w.admin, "dc.alder"),
    "change role": lambda w: account_admin.change_role(
        w.ctx, w.admin, "dc.alder", role="supervisor", team="Sheffield CSE Team 1"
    ),
}


@pytest.mark.parametrize("change", ADMIN_CHANGES.values(), ids=ADMIN_CHANGES.keys())
def test_an_administrator_cannot_rewrite_an_edited_account(world, change):
    """Decided: an administrator's change to an edited account is refused too. Recording the account's new
    state would carry the edit (here a role) into the log as if the app had made it, and verify would stop
    naming it. The account cannot log on meanwhile; verify names it, and once the change is investigated an
    administrator may accept it with a reason (tests/services/test_accept_outside_change.py)."""
    _lock(world, "dc.alder")
    tamper(world, "UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'")
    with pytest.raises(RecordChanged, match=r"^The stored record of account dc\.alder has been changed outside"):
        change(world)
    _assert_refusal_audited(world, "user.change_refused", "users", world.investigator.user_id)
    _assert_verify_names(world, "users", world.investigator.user_id)


def test_a_case_given_to_another_officer_outside_the_app_is_refused(world):
    case = open_case(world)
    tamper(world, "UPDATE cases SET officer_id = :o WHERE id = :c", o=world.other_team_investigator.user_id, c=case.id)
    for actor in (world.other_team_investigator, world.investigator, world.supervisor):
        with pytest.raises(RecordChanged) as refused:
            cases.case_detail(world.ctx, actor, case.id)
        assert str(refused.value) == CASE_CHANGED
        _assert_refusal_audited(world, "case.access_refused", "cases", case.id)
        assert _last_entry(world).user_id == actor.user_id
    with pytest.raises(RecordChanged, match="changed outside the app"):
        cases.case_id_by_reference(world.ctx, world.other_team_investigator, case.reference)
    _assert_verify_names(world, "cases", case.id)


def test_a_case_moved_to_another_team_refuses_work_and_saves_nothing(world):
    case = open_case(world)
    tamper(
        world,
        "UPDATE cases SET team_id = (SELECT id FROM teams WHERE name = 'Sheffield CSE Team 2') WHERE id = :c",
        c=case.id,
    )
    with pytest.raises(RecordChanged, match="changed outside the app"):
        steps.complete_step(
            world.ctx,
            world.other_team_investigator,
            case.id,
            "referral.record-details",
            {"cse_flag_reference": "CSE/1", "referral_source": "school"},
        )
    with world.ctx.db.read() as session:
        assert session.scalars(select(StepRecord).where(StepRecord.case_id == case.id)).all() == []
    with pytest.raises(RecordChanged):
        closure.reassign_officer(world.ctx, world.supervisor, case.id, world.investigator2.user_id, "cover")


def test_every_legitimate_account_and_assignment_write_passes_the_check(world):
    """Every service that writes an account or a case's assignment, then log-on and opening the case: the
    check never refuses what the app itself wrote (a false refusal would lock a real officer out)."""
    ctx, admin = world.ctx, world.admin
    accounts.create_user(
        ctx, admin, username="dc.rowan", display_name="Dc Rowan", role="investigator", password=PASSWORD,
        team="Sheffield CSE Team 1",
    )  # fmt: skip
    accounts.log_on(ctx, "dc.rowan", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        accounts.log_on(ctx, "dc.rowan", "wrong-password-1")  # failure counter and window
    world.clock.advance(minutes=1)
    accounts.log_on(ctx, "dc.rowan", PASSWORD)  # counter reset, last log-on time
    _lock(world, "dc.rowan")
    accounts.unlock(ctx, admin, "dc.rowan")
    accounts.set_active(ctx, admin, "dc.rowan", False)
    accounts.set_active(ctx, admin, "dc.rowan", True)
    accounts.reset_password(ctx, admin, "dc.rowan", "admin-set-pass-44")
    rowan = accounts.log_on(ctx, "dc.rowan", "admin-set-pass-44")
    accounts.change_own_password(ctx, rowan, "admin-set-pass-44", "rowan-own-pass-55")
    with pytest.raises(Exception, match="wrong"):
        accounts.change_own_password(ctx, rowan, "not-it-at-all-1", "rowan-own-pass-66")
    assert accounts.verify_password(ctx, rowan, "rowan-own-pass-55", purpose="unlock")
    assert not accounts.verify_password(ctx, rowan, "not-it-at-all-2", purpose="unlock")
    _, one_time = account_admin.reset_to_one_time_password(ctx, admin, "dc.rowan")
    rowan = accounts.log_on(ctx, "dc.rowan", one_time)
    accounts.change_own_password(ctx, rowan, one_time, "rowan-own-pass-77")
    account_admin.change_role(ctx, admin, "dc.rowan", role="supervisor", team="Sheffield CSE Team 1")
    account_admin.change_role(ctx, admin, "dc.rowan", role="investigator", team="Sheffield CSE Team 1")
    rowan = accounts.log_on(ctx, "dc.rowan", "rowan-own-pass-77")
    assert rowan.role is Role.INVESTIGATOR
    case = open_case(world)
    cases.reassign(ctx, world.supervisor, case.id, officer_id=rowan.user_id, reason="cover")
    cases.reassign(ctx, world.supervisor, case.id, supervisor_id=world.supervisor2.user_id, reason="leave")
    closure.reassign_officer(ctx, world.supervisor, case.id, world.investigator.user_id, "back")
    for actor in (rowan, world.investigator, world.supervisor, world.supervisor2, world.auditor):
        cases.case_detail(ctx, actor, case.id)
    for name in ("dc.rowan", "dc.alder", "ds.cedar", "admin.one", "aud.holly", "io.gorse"):
        accounts.log_on(ctx, name, "rowan-own-pass-77" if name == "dc.rowan" else PASSWORD)
    report = verify_database(ctx.db)
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.skipif(bool(server_url()), reason="builds its own SQLite database with init and demo")
def test_init_and_demo_accounts_and_cases_pass_the_check(tmp_path):
    """`init`'s first administrator (the command line) and the demo generator's people and cases (the bulk
    writer) log on and open."""
    from checklist_app.cli.main import main
    from checklist_app.demo.generator import generate
    from checklist_app.demo.people import DEMO_PASSWORD
    from checklist_app.services import admin, case_list

    db = tmp_path / "force.db"
    out = io.StringIO()
    code = main(
        ["--db", str(db), "init", "--admin-user", "chief.admin", "--admin-password", PASSWORD], out=out, err=out
    )
    assert code == 0, out.getvalue()
    ctx, _ = admin.initialise(str(db), system_actor())
    with ctx:
        accounts.log_on(ctx, "chief.admin", PASSWORD)
        generate(ctx, system_actor(), cases=6, seed=3, workers=0)
        with ctx.db.read() as session:
            names = session.scalars(select(User.username).where(User.username != "chief.admin")).all()
        signed_in = [accounts.log_on(ctx, name, DEMO_PASSWORD) for name in names]
        opened = 0
        for actor in (a for a in signed_in if allowed(a, Action.CASE_LIST)):
            for row in case_list.list_cases(ctx, actor)[:2]:
                cases.case_detail(ctx, actor, row.id)
                opened += 1
        assert opened > 0
        assert verify_database(ctx.db).ok


def test_raw_edits_reach_the_database(world):
    """The helper really writes behind the app's back (so the refusals above are the check's doing)."""
    tamper(world, "UPDATE users SET display_name = 'Edited' WHERE username = 'io.gorse'")
    path = world.ctx.db.path
    if path is None:
        engine = create_engine(world.ctx.db.url)
        with engine.connect() as conn:
            name = conn.execute(text("SELECT display_name FROM users WHERE username = 'io.gorse'")).scalar()
        engine.dispose()
    else:
        with sqlite3.connect(path) as conn:
            name = conn.execute("SELECT display_name FROM users WHERE username = 'io.gorse'").fetchone()[0]
    assert name == "Edited"
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "io.gorse", PASSWORD)


@pytest.mark.skipif(bool(server_url()), reason="upgrades the release's SQLite file")
def test_a_database_upgraded_from_the_release_passes_the_check(tmp_path):
    """The 0.1.0 release's demo database after `init` upgrades it: every account and case row matches its
    last audit entry, and log-on meets no tamper refusal (a migration that changed those rows without
    recording them would lock everyone out)."""
    import shutil
    from pathlib import Path

    from checklist_app.cli.main import main
    from checklist_app.demo.people import DEMO_PASSWORD
    from checklist_app.services.context import ServiceContext
    from checklist_app.store.models import Case
    from checklist_app.store.record_check import matches_last_entry

    db = tmp_path / "force.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "upgrade" / "v0.1.0-demo.db", db)
    out = io.StringIO()
    assert main(["--db", str(db), "init", "--no-admin"], out=out, err=out) == 0, out.getvalue()
    with ServiceContext.open(str(db)) as ctx:
        with ctx.db.read() as session:
            rows = [*session.scalars(select(User)), *session.scalars(select(Case))]
            assert rows and all(matches_last_entry(session, row) for row in rows)
            names = [row.username for row in rows if isinstance(row, User)]
        for name in names:
            try:
                accounts.log_on(ctx, name, DEMO_PASSWORD)
            except AuthenticationFailed as refused:
                assert "changed outside the app" not in str(refused)
