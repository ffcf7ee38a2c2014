"""`checklist-app`: the desktop app (no subcommand) and the administration commands.

Every command reports failures as one or more plain lines on stderr and a non-zero exit status; an
unexpected error writes its traceback to the log file, never to the terminal.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from checklist_app import __version__, gc_pause
from checklist_app.cli import accept_commands, audit_commands, commands, report_commands, sop_commands
from checklist_app.cli.dash_values import attach_dash_values
from checklist_app.cli.errors import run_guarded
from checklist_app.cli.stop_signals import stopping_politely
from checklist_app.cli.terminal import SafeTerminal, diagnostics_to
from checklist_app.store.files import private_umask

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checklist-app",
        description="CSE investigation and intelligence SOP: casework, supervision and audit.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: $CHECKLIST_APP_DB, else a file in your user data folder)",
    )
    parser.add_argument("--self-check", action="store_true", help="check the installation's shipped files and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop app (the default)")
    # For the frozen build's smoke test: start to the log-on screen, report it, quit.
    gui.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    gui.set_defaults(func=commands.cmd_gui)

    init = sub.add_parser("init", help="create or upgrade the database and create the first administrator")
    init.add_argument("--admin-user", help="user name of the first administrator")
    init.add_argument("--admin-name", help="display name of the first administrator")
    init.add_argument("--admin-password", help="password (visible to other local users: prefer a prompt or stdin)")
    init.add_argument("--admin-password-stdin", action="store_true", help="read the password from standard input")
    init.add_argument("--no-admin", action="store_true", help="do not create an administrator")
    init.set_defaults(func=commands.cmd_init)

    demo = sub.add_parser("demo", help="fill the database with a synthetic force for training and benchmarks")
    demo.add_argument("--cases", type=int, default=400, help="number of cases (default 400)")
    demo.add_argument("--seed", type=int, default=2016, help="random seed: the same seed gives the same data")
    demo.set_defaults(func=commands.cmd_demo)

    verify = sub.add_parser("verify", help="prove the audit chain and every record are untouched")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        type=commands.parse_anchor,
        metavar="SEQ:HASH",
        help="an earlier chain head kept outside the database (as printed by verify or backup); "
        "the chain must still hold it. May be given more than once.",
    )
    verify.add_argument(
        "--progress",
        action="store_true",
        help="print progress to standard error (the default when standard error is a terminal)",
    )
    verify.add_argument(
        "--recent",
        action="store_true",
        help="the quick check the app makes at start-up instead: the witness file's anchors, and the audit "
        "entries written since the last full verify re-hashed (at most the newest 50,000)",
    )
    verify.set_defaults(func=commands.cmd_verify)

    backup = sub.add_parser("backup", help="copy the database safely and check the copy")
    backup.add_argument("dest", help="backup file to create")
    backup.add_argument("--overwrite", action="store_true", help="replace DEST if it exists")
    backup.set_defaults(func=commands.cmd_backup)

    sop_commands.add_parser(sub)
    report_commands.add_parser(sub)
    commands.add_user_parsers(sub)
    accept_commands.add_case_parser(sub)
    audit_commands.add_parser(sub)
    return parser


# File and folder names may hold any bytes the system allows; every other argument is text for the database.
_PATH_ARGUMENTS = frozenset({"db", "dest", "out", "csv", "files", "file", "old", "new"})


def _argument_not_text(args: argparse.Namespace) -> str | None:
    """The name of a text argument holding bytes that are not UTF-8 (which Python keeps as lone surrogates,
    and which no database, hash or PDF can take), or None."""
    for name, value in vars(args).items():
        if name in _PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and any("\ud800" <= char <= "\udfff" for char in item):
                return name.replace("_", " ")
    return None


def _fill_closed_standard_descriptors() -> None:
    """Started with standard input, output or error closed (`>&-`), the next file the program opens (a
    backup's temporary copy, a report, the witness file) would get that descriptor, and anything written
    to "standard error" (by a library, a spawned worker, the interpreter) would land in it. The null
    device takes each closed one first; what the command prints there is discarded, as with `>/dev/null`."""
    if os.name != "posix":
        return
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    _fill_closed_standard_descriptors()
    # A windowed program on Windows (the installer's `checklist-app.exe`) has no standard streams at all.
    out = SafeTerminal(out or sys.stdout or io.StringIO())  # type: ignore[assignment]
    err = SafeTerminal(err or sys.stderr or io.StringIO(), diagnostics=True)  # type: ignore[assignment]
    private_umask()  # databases, backups, logs and exports: owner-only
    parser = build_parser()
    try:
        args = parser.parse_args(attach_dash_values(parser, sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse prints its own usage message
        return int(exc.code or 0)
    unreadable = _argument_not_text(args)
    if unreadable:
        err.write(f"error: the {unreadable} given is not valid UTF-8 text; type it again in plain characters.\n")
        return EXIT_USAGE
    func: Callable[..., int] = getattr(args, "func", commands.cmd_gui)
    if args.self_check or func is not commands.cmd_gui:
        gc_pause.end()  # the desktop app's own collector ends the pause once Qt is up (ui/gc_guard.py)
    with diagnostics_to(err):
        if args.self_check:
            return run_guarded(lambda: _flushed(commands.self_check(out, err), out), err)
        if func is commands.cmd_gui:  # the desktop app: Qt's event loop, its own shutdown
            return run_guarded(lambda: _flushed(func(args, out, err), out), err)
        with stopping_politely():
            return run_guarded(lambda: _flushed(func(args, out, err), out), err)


def _flushed(code: int, out: TextIO) -> int:
    """Results still buffered are written now, inside the guard: a full disk or a closed descriptor met
    only at the interpreter's final flush would be a traceback after an exit status of success."""
    out.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
