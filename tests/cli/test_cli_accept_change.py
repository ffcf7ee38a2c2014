"""`checklist-app user accept-change` and `case accept-change`, end to end through main(argv) on a real
database: the administrator logs on with --user and the password on standard input."""

from __future__ import annotations

import io
import sys

import pytest
from cli_support import assert_refused, cli
from support import open_case
from tamper_support import tamper
from world_support import PASSWORD

from checklist_app.services import accounts, cases
from checklist_app.services.errors import AuthenticationFailed

REASON = "Investigated under PSD ref 2026/0417: team moved by the DBA on request"
MOVE_TEAM = (
    "UPDATE users SET team_id = (SELECT id FROM teams WHERE name = 'Sheffield CSE Team 2') WHERE username = 'dc.alder'"
)


@pytest.fixture
def run(world, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    db = world.ctx.db.engine.url.render_as_string(hide_password=False)
    monkeypatch.delenv("CHECKLIST_APP_USER", raising=False)

    def run(*argv: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        return cli("--db", db, *argv)

    return run


def test_an_account_is_accepted_and_verify_notes_it(world, run):
    tamper(world, MOVE_TEAM)
    refused = run("verify")
    assert refused.code == 1 and f"users, id {world.investigator.user_id}" in refused.out

    done = run("user", "accept-change", "dc.alder", "--reason", REASON, "--user", "admin.one")
    assert done.code == 0, done
    assert done.out.startswith("accepted the outside change to account dc.alder as audit entry ")
    assert done.out.endswith("; verify will note it from now on\n")
    accounts.log_on(world.ctx, "dc.alder", PASSWORD)

    verified = run("verify")
    assert verified.code == 0, verified
    [note] = [line for line in verified.out.splitlines() if line.startswith("note: ")]
    assert note.startswith(f"note: users, id {world.investigator.user_id}, audit entry ")
    assert ": accepted outside change (account dc.alder) by admin.one on " in note
    assert note.endswith(f" UTC: {REASON}")
    assert verified.out.splitlines()[-1].startswith("OK ")


def test_a_case_is_accepted_and_opens_again(world, run, monkeypatch):  # type: ignore[no-untyped-def]
    case = open_case(world)
    tamper(world, "UPDATE cases SET officer_id = :o WHERE id = :c", o=world.investigator2.user_id, c=case.id)
    monkeypatch.setenv("CHECKLIST_APP_USER", "admin.one")
    done = run("case", "accept-change", case.reference, "--reason", REASON, "--password-stdin")
    assert done.code == 0, done
    assert f"accepted the outside change to case {case.reference}" in done.out
    assert cases.case_detail(world.ctx, world.investigator2, case.id).reference == case.reference


def test_every_refusal_is_one_line_and_accepts_nothing(world, run):
    case = open_case(world)
    as_admin = ("--user", "admin.one")
    assert_refused(
        run("user", "accept-change", "dc.alder", "--reason", REASON),
        "error: Say which administrator you are: --user NAME or $CHECKLIST_APP_USER.",
    )
    assert_refused(
        run("user", "accept-change", "dc.alder", "--reason", REASON, *as_admin),
        "there is no outside change to accept",
    )
    tamper(world, MOVE_TEAM)
    assert_refused(
        run("user", "accept-change", "dc.alder", "--reason", "checked it", *as_admin),
        "at least 20 characters, naming the investigation",
    )
    assert_refused(
        run("user", "accept-change", "dc.alder", "--reason", REASON, "--user", "ds.cedar"),
        "may not accept a change made outside the app",
    )
    assert_refused(
        run("user", "accept-change", "dc.alder", "--reason", REASON, *as_admin, password="not-the-password"),
        "The user name or password is wrong.",
    )
    assert_refused(run("user", "accept-change", "dc.nobody", "--reason", REASON, *as_admin), "No account 'dc.nobody'")
    assert_refused(run("case", "accept-change", "CSE-0000-99", "--reason", REASON, *as_admin), "No case")
    assert_refused(
        run("case", "accept-change", case.reference, "--reason", REASON, *as_admin), "no outside change to accept"
    )
    tamper(world, "UPDATE users SET display_name = 'Someone Else' WHERE username = 'admin.one'")
    assert_refused(
        run("user", "accept-change", "admin.one", "--reason", REASON, *as_admin),
        "changed outside the app",  # an edited administrator cannot even log on to accept anything
    )
    with pytest.raises(AuthenticationFailed, match="changed outside the app"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
