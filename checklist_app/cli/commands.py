"""Administration commands: init, demo, verify, backup, users and teams, self-check."""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING, Any, TextIO

from checklist_app.cli import accept_commands
from checklist_app.cli.stdin_text import read_stdin_line, stdin_is_terminal
from checklist_app.cli.terminal import field
from checklist_app.core.procedure.roles import Role
from checklist_app.services import accounts, organisation
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import InvalidInput

if TYPE_CHECKING:
    from checklist_app.store.verify import Anchor, VerifyReport


def cmd_gui(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.ui.app import run

    return run(getattr(args, "db", None), smoke_test=getattr(args, "smoke_test", False))


def _read_password(err: TextIO, *, from_stdin: bool, given: str | None, what: str) -> str:
    if given is not None:
        return given
    if from_stdin or not stdin_is_terminal():
        return read_stdin_line(what)
    first = getpass.getpass(f"{what.capitalize()}: ")
    if getpass.getpass(f"Repeat the {what}: ") != first:
        raise InvalidInput("The two passwords do not match.")
    return first


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import admin  # set-up, verify and backup: these commands only

    actor = system_actor()
    ctx, report = admin.initialise(args.db, actor)
    with ctx:
        out.write(f"database: {report.database}\n")
        if report.schema_before != report.schema_after:
            out.write(f"schema: {report.schema_before or 'new'} -> {report.schema_after}\n")
        else:
            out.write(f"schema: {report.schema_after} (current)\n")
        if report.backup:
            out.write(f"backup taken before upgrading: {report.backup}\n")
        for version in report.published:
            out.write(f"published {version.label}: {version.phases} phases, {version.steps} steps\n")
        if report.users == 0 and not args.no_admin:
            _create_first_admin(ctx, args, out, err)
        elif args.admin_user and report.users:
            out.write("users already exist; no administrator created (use `checklist-app user add`)\n")
    return 0


def _create_first_admin(ctx: ServiceContext, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    username = args.admin_user
    if not username:
        if not stdin_is_terminal():
            out.write("no users yet: run init again with --admin-user and a password to create an administrator\n")
            return
        username = input("First administrator's user name: ").strip()
    name = args.admin_name or (input("Display name: ").strip() if stdin_is_terminal() else "") or username
    password = _read_password(err, from_stdin=args.admin_password_stdin, given=args.admin_password, what="password")
    user = accounts.create_user(
        ctx, system_actor(), username=username, display_name=name, role=Role.ADMINISTRATOR.value, password=password
    )
    out.write(f"created administrator {user.username}\n")


def cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.demo.generator import generate
    from checklist_app.services import admin  # set-up, verify and backup: these commands only

    if args.cases < 0 or args.cases > 200_000:
        raise InvalidInput("--cases must be between 0 and 200000")
    actor = system_actor()
    ctx, _ = admin.initialise(args.db, actor)
    with ctx:
        report = generate(ctx, actor, cases=args.cases, seed=args.seed, progress=lambda m: err.write(m + "\n"))
    out.write(report.describe() + "\n")
    return 0


def parse_anchor(value: str) -> Anchor:
    from checklist_app.store.verify import Anchor  # verify's code: loaded by the commands that use it

    if value.lstrip().startswith("-"):
        raise argparse.ArgumentTypeError(
            f"{value[:80]!r}: an entry number cannot be negative; write the anchor as SEQ:HASH with SEQ "
            "from 1, as verify and backup print it"
        )
    try:
        return Anchor.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


class _VerifyProgress:
    """A line on stderr per tenth of the rows, so a long check shows it is alive without flooding a log."""

    def __init__(self, err: TextIO) -> None:
        self.err, self.tenth = err, -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        tenth = done * 10 // total if total else 0
        if tenth == self.tenth:
            return
        self.tenth = tenth
        share = f" ({done * 100 // total}%)" if total else ""
        self.err.write(f"verify: {stage}: {done:,}/{total:,} rows{share}\n")
        self.err.flush()


def cmd_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if getattr(args, "recent", False):
        if args.anchor:
            err.write(
                "checklist-app verify: --recent checks the witness file's anchors; give --anchor to the full verify\n"
            )
            return 2
        return _verify_recent(args, out)
    from checklist_app.services import admin  # set-up, verify and backup: these commands only

    show = getattr(args, "progress", False) or err.isatty()
    # Read-only: verifying must never change what it verifies, and backups may sit on read-only media.
    with ServiceContext.open(args.db, read_only=True) as ctx:
        report = admin.verify(ctx, system_actor(), tuple(args.anchor), _VerifyProgress(err) if show else None)
    for problem in report.problems:
        out.write(f"{problem}\n")
    for notice in report.notices:
        out.write(f"note: {notice}\n")
    witness = _witness_note(report)
    if report.problems:
        if witness:
            out.write(f"{witness.lstrip(', ')}\n")
        out.write(f"FAILED: {len(report.problems)} problem(s); {report.entries} audit entries checked\n")
        return 1
    held = f", {len(args.anchor)} anchor(s) held" if args.anchor else ""
    out.write(
        f"OK {report.entries} entries, {report.records_checked} records, head {report.head_seq} {report.head_hash}"
        f"{held}{witness}\n"
    )
    return 0


def _verify_recent(args: argparse.Namespace, out: TextIO) -> int:
    from checklist_app.services.witness_check import check_witness

    with ServiceContext.open(args.db, read_only=True) as ctx:
        check = check_witness(ctx)
    for problem in check.problems:
        out.write(f"{problem}\n")
    held = (
        f"{check.anchors_checked} witness anchor(s) from {field(check.witness_file)}"
        if check.witness_file
        else "no witness file"
    )
    last = check.last_verified or "never"
    left = (
        f"; {check.not_rehashed:,} older entries not re-hashed (the full verify checks them)"
        if check.not_rehashed
        else ""
    )
    if check.last_verified:
        done = f"{check.rehashed:,} entries written since then re-hashed" if check.rehashed else "no entry since then"
    else:
        done = f"{check.rehashed:,} newest entries re-hashed"
    summary = f"last full verify {last}; {done}{left}; {held}"
    if not check.ok:
        out.write(f"FAILED (quick check): {len(check.problems)} problem(s); {summary}\n")
        return 1
    out.write(f"OK (quick check): {summary}. The full proof is `checklist-app verify`.\n")
    return 0


def _witness_note(report: VerifyReport) -> str:
    if report.witness_file is None:
        return ""
    last = report.witness_last_verified or "never before"
    return f", {report.witness_anchors} witness anchor(s) held from {field(report.witness_file)} (last verified {last})"


def cmd_backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import admin  # set-up, verify and backup: these commands only

    with ServiceContext.open(args.db) as ctx:
        report = admin.backup(ctx, system_actor(), args.dest, overwrite=args.overwrite)
    out.write(
        f"backup written to {report.target} ({report.size:,} bytes); integrity OK; chain verified: "
        f"{report.entries} entries, head {report.head_hash}\n"
    )
    return 0


# --- users and teams --------------------------------------------------------------------------------


def add_user_parsers(sub: Any) -> None:
    user = sub.add_parser("user", help="manage user accounts")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = user_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name (e.g. rank and name)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--team", help="team name (investigators and supervisors)")
    add.add_argument("--district", help="district code: BAR, DON, ROT or SHE (intelligence officers)")
    add.add_argument("--password", help="password (visible to other local users: prefer a prompt or stdin)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=cmd_user_add)

    user_sub.add_parser("list", help="list accounts").set_defaults(func=cmd_user_list)
    for name, func, text in (
        ("disable", cmd_user_disable, "stop an account from logging on"),
        ("enable", cmd_user_enable, "allow a disabled account to log on again"),
        ("unlock", cmd_user_unlock, "release an account locked by failed log-ons"),
    ):
        parser = user_sub.add_parser(name, help=text)
        parser.add_argument("username")
        parser.set_defaults(func=func)
    reset = user_sub.add_parser("reset-password", help="set a new password; the user must change it at log-on")
    reset.add_argument("username")
    reset.add_argument("--password", help="new password (visible to other local users)")
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(func=cmd_user_reset)
    set_role = user_sub.add_parser("set-role", help="change an account's role, team or district")
    set_role.add_argument("username")
    set_role.add_argument("--role", required=True, choices=[r.value for r in Role])
    set_role.add_argument("--team", help="team name (investigators and supervisors)")
    set_role.add_argument("--district", help="district code: BAR, DON, ROT or SHE (intelligence officers)")
    set_role.set_defaults(func=cmd_user_set_role)
    accept_commands.add_user_parser(user_sub)

    team = sub.add_parser("team", help="manage teams")
    team_sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    team_add = team_sub.add_parser("add", help="create a team in a district")
    team_add.add_argument("name")
    team_add.add_argument("--district", required=True, help="BAR, DON, ROT or SHE")
    team_add.set_defaults(func=cmd_team_add)
    team_sub.add_parser("list", help="list teams").set_defaults(func=cmd_team_list)


def cmd_user_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    password = _read_password(err, from_stdin=args.password_stdin, given=args.password, what="password")
    with ServiceContext.open(args.db) as ctx:
        user = accounts.create_user(
            ctx,
            system_actor(),
            username=args.username,
            display_name=args.name,
            role=args.role,
            password=password,
            team=args.team,
            district_code=args.district,
        )
    out.write(f"created {user.username} ({user.role}{', ' + user.team_name if user.team_name else ''})\n")
    return 0


def cmd_user_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with ServiceContext.open(args.db) as ctx:
        users = accounts.list_users(ctx, system_actor())
    for u in users:
        state = "locked" if u.locked else ("active" if u.active else "disabled")
        shown = (u.username, u.display_name, u.role, u.team_name or u.district_name or "-", state)
        out.write("\t".join(field(v) for v in shown) + "\n")
    if not users:
        out.write("no users\n")
    return 0


def _simple(args: argparse.Namespace, out: TextIO, action: str) -> int:
    with ServiceContext.open(args.db) as ctx:
        actor = system_actor()
        if action == "disable":
            accounts.set_active(ctx, actor, args.username, False)
        elif action == "enable":
            accounts.set_active(ctx, actor, args.username, True)
        else:
            accounts.unlock(ctx, actor, args.username)
    done = {"disable": "disabled", "enable": "enabled", "unlock": "unlocked"}[action]
    out.write(f"{args.username}: {done}\n")
    return 0


def cmd_user_disable(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return _simple(args, out, "disable")


def cmd_user_enable(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return _simple(args, out, "enable")


def cmd_user_unlock(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return _simple(args, out, "unlock")


def cmd_user_reset(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    password = _read_password(err, from_stdin=args.password_stdin, given=args.password, what="new password")
    with ServiceContext.open(args.db) as ctx:
        accounts.reset_password(ctx, system_actor(), args.username, password)
    out.write(f"{args.username}: password reset; they must choose a new one at next log-on\n")
    return 0


def cmd_user_set_role(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import account_admin

    with ServiceContext.open(args.db) as ctx:
        user = account_admin.change_role(
            ctx, system_actor(), args.username, role=args.role, team=args.team, district_code=args.district
        )
    place = user.team_name or user.district_name or "force-wide"
    out.write(f"{user.username}: now {user.role} ({place}); takes effect at their next log-on\n")
    return 0


def cmd_team_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with ServiceContext.open(args.db) as ctx:
        team = organisation.create_team(ctx, system_actor(), args.name, args.district)
    out.write(f"created team {team.name} ({team.district_name})\n")
    return 0


def cmd_team_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with ServiceContext.open(args.db) as ctx:
        teams = organisation.list_teams(ctx)
    for t in teams:
        out.write(f"{field(t.name)}\t{field(t.district_name)}\n")
    if not teams:
        out.write("no teams\n")
    return 0


# --- installation self-check ------------------------------------------------------------------------


def self_check(out: TextIO, err: TextIO) -> int:
    """Load every shipped procedure, the migration scripts, the bank holidays, every form, icon and the
    stylesheet; report and exit non-zero on any failure. Used after `pip install` and on the frozen build."""
    from checklist_app import paths
    from checklist_app.core.calendar import WorkingCalendar
    from checklist_app.core.procedure.loader import validate_file
    from checklist_app.store import migrate

    failures = 0
    for node in paths.shipped_sop_files():
        procedure, problems = validate_file(node)
        if procedure is None:
            failures += 1
            for problem in problems:
                err.write(f"{problem}\n")
        else:
            out.write(
                f"sop {node.name}: OK {procedure.label}, {len(procedure.phases)} phases, {len(procedure.steps)} steps\n"
            )
    if not paths.shipped_sop_files():
        failures += 1
        err.write("no procedure files shipped\n")
    shipped = migrate.shipped_revisions()
    if shipped != migrate.REVISIONS:
        failures += 1
        err.write(f"migration scripts {shipped} do not match the schema revisions {migrate.REVISIONS}\n")
    out.write(f"migrations: {len(shipped)} scripts, head {migrate.head_revision()}\n")
    from checklist_app.ui.selfcheck import check_shipped_ui

    form_count, ui_problems = check_shipped_ui()
    failures += len(ui_problems)
    for problem in ui_problems:
        err.write(f"{problem}\n")
    out.write(f"forms: {form_count} loaded; icons and stylesheet found; report preview renders\n")
    calendar = WorkingCalendar.default()
    out.write(f"bank holidays: {calendar.years.start}-{calendar.years.stop - 1}\n")
    out.write("self-check OK\n" if not failures else "self-check FAILED\n")
    return 0 if not failures else 1
