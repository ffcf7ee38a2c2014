"""`checklist-app init`, `user ...`, `team ...` and `--self-check`, on a real database (SQLite, or the server
database when CHECKLIST_APP_TEST_DB is set)."""

from __future__ import annotations

import io
import os
import select
import sys
import time
from pathlib import Path

import pytest
from cli_support import assert_refused, chain_head, cli
from sqlalchemy import select as sql_select
from world_support import PASSWORD

from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, organisation
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.store import migrate
from checklist_app.store.models import User

TEAM = "Sheffield CSE Team 1"


def _ctx(location: str | Path) -> ServiceContext:
    return ServiceContext.open(str(location))


def _users(location: str) -> dict[str, list[str]]:
    """`user list` parsed: user name -> [display name, role, team or district, state]."""
    run = cli("--db", location, "user", "list")
    assert run.code == 0, run
    rows = [line.split("\t") for line in run.out.splitlines()]
    assert all(len(row) == 5 for row in rows), run.out
    return {row[0]: row[1:] for row in rows}


def _log_on(location: str, username: str, password: str) -> accounts.Actor:
    ctx = _ctx(location)
    try:
        return accounts.log_on(ctx, username, password)
    finally:
        ctx.close()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Replace standard input (not a terminal) with the given text."""

    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    feed("")
    return feed


@pytest.fixture
def districts(db_url: str) -> str:
    """A migrated database with the four districts (what `init` adds, without the slow SOP publication)."""
    ctx = _ctx(db_url)
    try:
        organisation.ensure_districts(ctx, system_actor())
    finally:
        ctx.close()
    return db_url


@pytest.fixture
def force(districts: str) -> str:
    """The districts, one team and no users."""
    assert cli("--db", districts, "team", "add", TEAM, "--district", "SHE").code == 0
    return districts


# --- self-check and version -------------------------------------------------------------------------


def test_self_check_prints_ok() -> None:
    run = cli("--self-check")
    assert run.code == 0, run
    assert "sop cse-sop-v1.yaml: OK cse-sop v1.0, 12 phases, 93 steps" in run.out
    assert f"migrations: {len(migrate.REVISIONS)} scripts, head {migrate.head_revision()}" in run.out
    assert "forms: " in run.out and "loaded; icons and stylesheet found" in run.out
    assert run.out.rstrip().endswith("self-check OK")
    assert run.err == ""


def test_version_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--version").code == 0
    assert capsys.readouterr().out.startswith("checklist-app ")
    assert cli("no-such-command").code == 2
    assert "invalid choice" in capsys.readouterr().err


# --- init -------------------------------------------------------------------------------------------


def test_init_creates_the_database_and_the_first_administrator_from_flags(tmp_path: Path, stdin) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "new.db"
    args = ("--db", db, "init", "--admin-user", "admin.one", "--admin-name", "Admin One", "--admin-password", PASSWORD)
    first = cli(*args)
    assert first.code == 0, first
    assert first.out.splitlines() == [
        f"database: {db}",
        f"schema: new -> {migrate.head_revision()}",
        "published cse-sop v1.0: 12 phases, 93 steps",
        "published cse-sop v1.1: 12 phases, 101 steps",
        "published cse-sop v1.2: 12 phases, 101 steps",
        "created administrator admin.one",
    ]
    actor = _log_on(str(db), "admin.one", PASSWORD)
    assert (actor.role, actor.display_name) == (Role.ADMINISTRATOR, "Admin One")

    before = chain_head(db)
    again = cli(*args)  # idempotent: nothing changes, nobody else is created
    assert again.code == 0, again
    assert again.out.splitlines() == [
        f"database: {db}",
        f"schema: {migrate.head_revision()} (current)",
        "users already exist; no administrator created (use `checklist-app user add`)",
    ]
    assert chain_head(db) == before
    assert list(_users(str(db))) == ["admin.one"]
    assert not list(tmp_path.glob("*.bak")), "a current database needs no backup"


def test_init_reads_the_administrator_password_from_stdin(db_url: str, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(PASSWORD + "\n")
    run = cli("--db", db_url, "init", "--admin-user", "admin.two", "--admin-password-stdin")
    assert run.code == 0, run
    assert "created administrator admin.two" in run.out
    assert _log_on(db_url, "admin.two", PASSWORD).role is Role.ADMINISTRATOR
    assert _users(db_url)["admin.two"] == ["admin.two", "administrator", "-", "active"]  # name defaults to id


def test_init_off_a_terminal_without_flags_explains_what_to_do(db_url: str, stdin) -> None:  # type: ignore[no-untyped-def]
    run = cli("--db", db_url, "init")
    assert run.code == 0, run
    assert "no users yet: run init again with --admin-user and a password" in run.out
    assert cli("--db", db_url, "user", "list").out == "no users\n"


def test_init_with_a_user_name_but_nothing_on_stdin_is_refused(db_url: str, stdin) -> None:  # type: ignore[no-untyped-def]
    run = cli("--db", db_url, "init", "--admin-user", "admin.one")
    assert_refused(run, "No password on standard input", code=1)
    assert cli("--db", db_url, "user", "list").out == "no users\n"


def test_init_refuses_a_weak_administrator_password(db_url: str) -> None:
    run = cli("--db", db_url, "init", "--admin-user", "admin.one", "--admin-password", "password")
    assert_refused(run, "Password: is too common", code=1)
    assert cli("--db", db_url, "user", "list").out == "no users\n"


def test_init_no_admin_creates_nobody(db_url: str) -> None:
    run = cli("--db", db_url, "init", "--no-admin")
    assert run.code == 0, run
    assert "administrator" not in run.out and "no users" not in run.out
    assert cli("--db", db_url, "user", "list").out == "no users\n"


def _converse(fd: int, script: list[tuple[str, str]], timeout: float = 60) -> str:
    """Answer each prompt on a pseudo-terminal as a person would; return everything the program showed."""
    shown = b""
    deadline = time.monotonic() + timeout
    pending = list(script)
    while True:
        if pending and pending[0][0].encode() in shown:
            prompt, answer = pending.pop(0)
            shown = shown.replace(prompt.encode(), b"<" + prompt.encode() + b">", 1)  # each prompt answers once
            os.write(fd, answer.encode() + b"\n")
        if time.monotonic() > deadline:
            raise AssertionError(f"no prompt {pending[:1]} within {timeout}s; the program showed:\n{shown.decode()}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the program finished and closed the terminal
            chunk = b""
        if not chunk:
            assert not pending, f"program ended before prompt {pending[0][0]!r}:\n{shown.decode()}"
            return shown.decode(errors="replace")
        shown += chunk


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_init_prompts_for_the_administrator_on_a_terminal(tmp_path: Path) -> None:
    import pty

    db = tmp_path / "tty.db"
    argv = [sys.executable, "-m", "checklist_app", "--db", str(db), "init"]
    env = {k: v for k, v in os.environ.items() if k != "CHECKLIST_APP_DB"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: a program on a real terminal
        os.execve(sys.executable, argv, env)
    try:
        shown = _converse(
            fd,
            [
                ("First administrator's user name: ", "admin.tty"),
                ("Display name: ", "Admin Tty"),
                ("Password: ", PASSWORD),
                ("Repeat the password: ", PASSWORD),
            ],
        )
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert "created administrator admin.tty" in shown
    assert PASSWORD not in shown, "the password was echoed to the terminal"
    assert "Traceback" not in shown
    actor = _log_on(str(db), "admin.tty", PASSWORD)
    assert (actor.role, actor.display_name) == (Role.ADMINISTRATOR, "Admin Tty")


# --- teams ------------------------------------------------------------------------------------------


def test_team_add_and_list(districts: str) -> None:
    db_url = districts
    assert cli("--db", db_url, "team", "list").out == "no teams\n"
    run = cli("--db", db_url, "team", "add", TEAM, "--district", "SHE")
    assert (run.code, run.out) == (0, f"created team {TEAM} (Sheffield)\n")
    run = cli("--db", db_url, "team", "add", "Doncaster CSE Team 1", "--district", "don")  # codes ignore case
    assert (run.code, run.out) == (0, "created team Doncaster CSE Team 1 (Doncaster)\n")
    listing = cli("--db", db_url, "team", "list")
    assert listing.out.splitlines() == ["Doncaster CSE Team 1\tDoncaster", f"{TEAM}\tSheffield"]


def test_team_refusals_change_nothing(districts: str) -> None:
    db_url = districts
    assert cli("--db", db_url, "team", "add", TEAM, "--district", "SHE").code == 0
    before = chain_head(db_url)
    assert_refused(cli("--db", db_url, "team", "add", TEAM, "--district", "SHE"), "already exists", code=3)
    assert_refused(
        cli("--db", db_url, "team", "add", "X Team", "--district", "XXX"),
        "No district 'XXX'. Districts: BAR (Barnsley), DON (Doncaster), ROT (Rotherham), SHE (Sheffield)",
        code=3,
    )
    assert_refused(cli("--db", db_url, "team", "add", "  ", "--district", "SHE"), "Team name: is required", code=1)
    assert chain_head(db_url) == before


# --- users ------------------------------------------------------------------------------------------


def test_user_add_for_each_role_and_list(force: str) -> None:
    added = [
        (["dc.alder", "--name", "DC Alder", "--role", "investigator", "--team", TEAM], f"investigator, {TEAM}"),
        (["ds.cedar", "--name", "DS Cedar", "--role", "supervisor", "--team", TEAM], f"supervisor, {TEAM}"),
        (
            ["io.gorse", "--name", "IO Gorse", "--role", "intelligence_officer", "--district", "SHE"],
            "intelligence_officer",
        ),
        (["aud.holly", "--name", "Auditor Holly", "--role", "auditor"], "auditor"),
        (["admin.one", "--name", "Admin One", "--role", "administrator"], "administrator"),
    ]
    for args, shown in added:
        run = cli("--db", force, "user", "add", *args, "--password", PASSWORD)
        assert (run.code, run.out, run.err) == (0, f"created {args[0]} ({shown})\n", ""), run
    assert _users(force) == {
        "admin.one": ["Admin One", "administrator", "-", "active"],
        "aud.holly": ["Auditor Holly", "auditor", "-", "active"],
        "dc.alder": ["DC Alder", "investigator", TEAM, "active"],
        "ds.cedar": ["DS Cedar", "supervisor", TEAM, "active"],
        "io.gorse": ["IO Gorse", "intelligence_officer", "Sheffield", "active"],
    }
    assert list(_users(force)) == sorted(_users(force))  # listed by user name
    assert _log_on(force, "io.gorse", PASSWORD).role is Role.INTELLIGENCE_OFFICER


def test_user_add_reads_the_password_from_stdin(force: str, stdin) -> None:  # type: ignore[no-untyped-def]
    stdin(PASSWORD + "\r\n")  # a Windows line ending is not part of the password
    run = cli("--db", force, "user", "add", "dc.alder", "--name", "DC Alder", "--role", "investigator")
    assert_refused(run, "Team: is required for an investigator", code=1)
    stdin(PASSWORD + "\r\n")
    run = cli(
        "--db", force, "user", "add", "dc.alder", "--name", "DC Alder", "--role", "investigator", "--team", TEAM,
        "--password-stdin",
    )  # fmt: skip
    assert run.code == 0, run
    assert _log_on(force, "dc.alder", PASSWORD).username == "dc.alder"


@pytest.mark.parametrize(
    ("args", "expected", "code"),
    [
        (["--role", "investigator", "--team", TEAM, "--password", "password"], "Password: is too common", 1),
        (["--role", "investigator", "--team", TEAM, "--password", "short"], "at least 8 characters", 1),
        (["--role", "investigator", "--team", TEAM, "--password", "dc.alder-2026"], "must not contain the user", 1),
        (["--role", "investigator", "--team", "Nowhere", "--password", PASSWORD], "No team 'Nowhere'", 3),
        (["--role", "investigator", "--password", PASSWORD], "Team: is required for an investigator", 1),
        (["--role", "supervisor", "--password", PASSWORD], "Team: is required for a supervisor", 1),
        (["--role", "intelligence_officer", "--password", PASSWORD], "District: is required", 1),
        (["--role", "intelligence_officer", "--district", "XXX", "--password", PASSWORD], "No district 'XXX'", 3),
    ],
)
def test_user_add_refusals_change_nothing(force: str, args: list[str], expected: str, code: int) -> None:
    before = chain_head(force)
    run = cli("--db", force, "user", "add", "dc.alder", "--name", "DC Alder", *args)
    assert_refused(run, expected, code=code)
    assert chain_head(force) == before
    assert cli("--db", force, "user", "list").out == "no users\n"


def test_user_add_refuses_a_taken_or_malformed_user_name(force: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--name", "DC Alder", "--role", "auditor", "--password", PASSWORD]
    assert cli("--db", force, "user", "add", "dc.alder", *base).code == 0
    assert_refused(cli("--db", force, "user", "add", "dc.alder", *base), "User name 'dc.alder' is taken", code=3)
    assert_refused(cli("--db", force, "user", "add", "9lives", *base), "User name: use 2-64 lower-case", code=1)
    assert cli("--db", force, "user", "add", "x.y", "--name", "X", "--role", "wizard").code == 2  # argparse
    assert "invalid choice: 'wizard'" in capsys.readouterr().err
    assert list(_users(force)) == ["dc.alder"]


def _add_investigator(location: str) -> None:
    run = cli(
        "--db", location, "user", "add", "dc.alder", "--name", "DC Alder", "--role", "investigator", "--team", TEAM,
        "--password", PASSWORD,
    )  # fmt: skip
    assert run.code == 0, run


def test_disable_and_enable(force: str) -> None:
    _add_investigator(force)
    assert cli("--db", force, "user", "disable", "dc.alder").out == "dc.alder: disabled\n"
    assert _users(force)["dc.alder"][-1] == "disabled"
    with pytest.raises(AuthenticationFailed, match="disabled"):
        _log_on(force, "dc.alder", PASSWORD)
    assert cli("--db", force, "user", "enable", "dc.alder").out == "dc.alder: enabled\n"
    assert _users(force)["dc.alder"][-1] == "active"
    assert _log_on(force, "dc.alder", PASSWORD).username == "dc.alder"


def test_unlock_releases_an_account_locked_by_failed_log_ons(force: str) -> None:
    _add_investigator(force)
    assert_refused(cli("--db", force, "user", "unlock", "dc.alder"), "dc.alder is not locked", code=3)
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed):
            _log_on(force, "dc.alder", "wrong-password-1")
    assert _users(force)["dc.alder"][-1] == "locked"
    with pytest.raises(AuthenticationFailed, match="locked"):
        _log_on(force, "dc.alder", PASSWORD)
    assert cli("--db", force, "user", "unlock", "dc.alder").out == "dc.alder: unlocked\n"
    assert _users(force)["dc.alder"][-1] == "active"
    assert _log_on(force, "dc.alder", PASSWORD).username == "dc.alder"


def test_reset_password(force: str, stdin) -> None:  # type: ignore[no-untyped-def]
    _add_investigator(force)
    assert_refused(
        cli("--db", force, "user", "reset-password", "dc.alder", "--password", "short"), "at least 8", code=1
    )
    run = cli("--db", force, "user", "reset-password", "dc.alder", "--password", "new-horse-battery-1")
    assert run.out == "dc.alder: password reset; they must choose a new one at next log-on\n"
    with pytest.raises(AuthenticationFailed):
        _log_on(force, "dc.alder", PASSWORD)
    assert _log_on(force, "dc.alder", "new-horse-battery-1").username == "dc.alder"
    stdin("another-horse-battery\n")
    assert cli("--db", force, "user", "reset-password", "dc.alder", "--password-stdin").code == 0
    assert _log_on(force, "dc.alder", "another-horse-battery").username == "dc.alder"
    ctx = _ctx(force)
    try:
        with ctx.db.read() as session:
            user = session.scalars(sql_select(User).where(User.username == "dc.alder")).one()
            assert user.must_change_password
    finally:
        ctx.close()


@pytest.mark.parametrize("action", ["disable", "enable", "unlock", "reset-password"])
def test_unknown_user_is_named(force: str, action: str) -> None:
    extra = ["--password", "new-horse-battery-1"] if action == "reset-password" else []
    before = chain_head(force)
    assert_refused(cli("--db", force, "user", action, "nobody", *extra), "No user 'nobody'.", code=3)
    assert chain_head(force) == before


def test_output_cut_short_by_the_reader_is_not_a_failure(tmp_path: Path) -> None:
    """`checklist-app sop validate ... | head -1`: the reader leaving early must not print an error."""
    import subprocess

    from checklist_app import paths

    sop = str(next(iter(paths.shipped_sop_files())))
    child = subprocess.Popen(
        [sys.executable, "-m", "checklist_app", "sop", "validate", *([sop] * 400)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CHECKLIST_APP_DB": str(tmp_path / "unused.db")},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.read(10)
    child.stdout.close()
    errors = child.stderr.read().decode()
    child.wait(timeout=120)
    assert "unexpected" not in errors and "Traceback" not in errors, errors


def test_set_role_moves_an_investigator_and_refusals_change_nothing(force: str) -> None:
    _add_investigator(force)
    run = cli("--db", force, "user", "set-role", "dc.alder", "--role", "supervisor", "--team", TEAM)
    assert (run.code, run.out) == (0, f"dc.alder: now supervisor ({TEAM}); takes effect at their next log-on\n")
    assert _log_on(force, "dc.alder", PASSWORD).role is Role.SUPERVISOR
    before = chain_head(force)
    assert_refused(
        cli("--db", force, "user", "set-role", "dc.alder", "--role", "investigator"),
        "Team: is required for an investigator",
        code=1,
    )
    assert chain_head(force) == before
