"""`checklist-app user accept-change USERNAME` and `checklist-app case accept-change REFERENCE`: an
administrator accepts a row changed outside the app, once the change is investigated
(services/outside_change.py).

The acceptance is a named administrator's decision, never the operating-system user's: these commands log
on as `--user NAME` (or $CHECKLIST_APP_USER), with the password from a prompt, or the first line of standard
input with --password-stdin or when standard input is not a terminal; the same password is then re-entered
for the acceptance itself, as signing does."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from checklist_app.cli.credentials import USER_ENV, credentials
from checklist_app.cli.terminal import field
from checklist_app.services import accounts
from checklist_app.services.context import ServiceContext


def _accept_parser(sub: Any, what: str, target: str) -> None:
    accept = sub.add_parser(
        "accept-change",
        help=f"accept {what} changed outside the app as it now stands, once the change is investigated",
    )
    accept.add_argument(target, metavar=target.upper())
    accept.add_argument(
        "--reason", required=True, help="why it is accepted: at least 20 characters, naming the investigation"
    )
    accept.add_argument("--user", metavar="NAME", help=f"the administrator accepting it (default: ${USER_ENV})")
    accept.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    accept.set_defaults(func=cmd_accept_change, kind="users" if target == "username" else "cases")


def add_user_parser(user_sub: Any) -> None:
    """`user accept-change`, beside the other account commands."""
    _accept_parser(user_sub, "an account", "username")


def add_case_parser(sub: Any) -> None:
    case = sub.add_parser("case", help="cases: accept an outside change")
    case_sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    _accept_parser(case_sub, "a case", "reference")


def cmd_accept_change(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services.outside_change import accept_outside_change

    username, password = credentials(args, "administrator")
    name = args.username if args.kind == "users" else args.reference
    with ServiceContext.open(args.db) as ctx:
        actor = accounts.log_on(ctx, username, password)
        accepted = accept_outside_change(ctx, actor, args.kind, name, args.reason, password=password)
    out.write(
        f"accepted the outside change to {field(accepted.label)} as audit entry {accepted.entry_seq}; "
        "verify will note it from now on\n"
    )
    return 0
