"""Small input checks shared by several use cases."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from checklist_app.core.passwords import password_problems
from checklist_app.core.procedure.roles import Role
from checklist_app.core.text import name_problem
from checklist_app.services.errors import FieldProblem

# Workstation clocks drift: a time a few minutes ahead of the server's is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


def check_moment(moment: datetime, now: datetime, field: str, label: str) -> list[FieldProblem]:
    if moment.tzinfo is None:
        return [FieldProblem(field, label, "must include the time zone")]
    if moment > now + CLOCK_SKEW:
        return [FieldProblem(field, label, "is in the future")]
    return []


def required_text(value: str, field: str, label: str, limit: int = 20000) -> list[FieldProblem]:
    text = value.strip()
    if not text:
        return [FieldProblem(field, label, "is required")]
    if len(text) > limit:
        return [FieldProblem(field, label, f"is too long (at most {limit} characters)")]
    return []


USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
DISPLAY_NAME_MAX = 120  # users.display_name


def user_problems(
    username: str, display_name: str, role: str, password: str, *, demo_account: bool = False
) -> list[FieldProblem]:
    """What is wrong with a new account's details, field by field."""
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(
            FieldProblem(
                "username", "User name", "use 2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter"
            )
        )
    if not display_name.strip():
        problems.append(FieldProblem("display_name", "Display name", "is required"))
    elif (problem := name_problem(display_name)) is not None:
        problems.append(FieldProblem("display_name", "Display name", problem))
    elif len(display_name.strip()) > DISPLAY_NAME_MAX:
        problems.append(FieldProblem("display_name", "Display name", f"must be at most {DISPLAY_NAME_MAX} characters"))
    if role not in {r.value for r in Role}:
        problems.append(FieldProblem("role", "Role", f"must be one of: {', '.join(r.value for r in Role)}"))
    problems.extend(
        FieldProblem("password", "Password", p)
        for p in password_problems(password, username, demo_account=demo_account)
    )
    return problems
