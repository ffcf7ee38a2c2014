"""Who a command acts as, for the commands a named person must do (audits, accepting an outside change): the
user from --user or $CHECKLIST_APP_USER, the password from a prompt, or from the first line of standard input
with --password-stdin or when standard input is not a terminal."""

from __future__ import annotations

import argparse
import getpass
import os

from checklist_app.cli.stdin_text import read_stdin_line, stdin_is_terminal
from checklist_app.services.errors import InvalidInput

USER_ENV = "CHECKLIST_APP_USER"


def credentials(args: argparse.Namespace, role: str) -> tuple[str, str]:
    """(user name, password) of the `role` ("auditor", "administrator") the command acts as."""
    username = args.user or os.environ.get(USER_ENV, "")
    if not username:
        raise InvalidInput(f"Say which {role} you are: --user NAME or ${USER_ENV}.")
    if args.password_stdin or not stdin_is_terminal():
        password = read_stdin_line("password")
        if not password:
            raise InvalidInput("No password on standard input.")
    else:
        password = getpass.getpass(f"Password for {username}: ")
    return username, password
