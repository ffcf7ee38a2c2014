"""Describing a failure without the data it carried.

Database errors quote the statement, its parameters and (PostgreSQL) the offending values: case notes,
evidence, password hashes. Logs and terminals get only the kind of error, the kind of statement and the
table, never the values. Other exceptions keep their message, shortened, with control characters escaped.
"""

from __future__ import annotations

import re
import traceback

from sqlalchemy.exc import StatementError

_FIRST_WORD = re.compile(r"^\s*(\w+)")
_TABLE = re.compile(r"\b(?:INTO|UPDATE|FROM|TABLE)\s+\"?(\w+)", re.IGNORECASE)
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*(@)")
# libpq also takes the password as a query option (`?password=`, `&sslpassword=`), which SQLAlchemy passes on.
_PASSWORD_IN_QUERY = re.compile(r"([?&][^=&#\s]*password[^=&#\s]*=)[^&#\s]*", re.IGNORECASE)
MAX_MESSAGE = 300


def mask_url(value: str) -> str:
    """A database URL with any password replaced by ***, even when the URL does not parse: the one after
    the user name and any given as a query option."""
    return _PASSWORD_IN_QUERY.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***\2", value))


def printable(value: str, limit: int = MAX_MESSAGE) -> str:
    """`value` with control characters escaped and cut to `limit` characters."""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def statement_kind(statement: str | None) -> str:
    """`INSERT into cases`, `SELECT from audit_log`...: what was being done, without values."""
    if not statement:
        return "a statement"
    word = _FIRST_WORD.match(statement)
    table = _TABLE.search(statement)
    kind = word.group(1).upper() if word else "a statement"
    return f"{kind} on {table.group(1)}" if table else kind


def describe(exc: BaseException) -> str:
    """One line naming the failure, safe for logs and terminals."""
    if isinstance(exc, StatementError):
        driver = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        extra = f" (constraint {constraint})" if constraint else ""
        return f"{type(exc).__name__}/{driver} in {statement_kind(exc.statement)}{extra}"
    return f"{type(exc).__name__}: {mask_url(printable(str(exc)))}"


def redacted_traceback(exc: BaseException) -> str:
    """The stack frames of `exc` and its causes, each exception described by `describe` only."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append("".join(traceback.format_tb(current.__traceback__)) + describe(current) + "\n")
        current = current.__cause__ or current.__context__
    return "\n(caused by)\n".join(reversed(parts))
