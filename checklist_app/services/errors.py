"""Errors the services raise. Every one carries a message fit to show a user as it is."""

from __future__ import annotations

from dataclasses import dataclass

from checklist_app.core.permissions import PermissionDenied
from checklist_app.store.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseNotInitialised,
    DatabaseTooNew,
    DatabaseUnreadable,
    StoreError,
)

# The store's errors a caller may meet are named here too, so the layers above never import the store.
__all__ = [
    "AuthenticationFailed",
    "ClockWrong",
    "Conflict",
    "DatabaseBusy",
    "DatabaseMissing",
    "DatabaseNotInitialised",
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "FieldProblem",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "RecordChanged",
    "ServiceError",
    "StoreError",
]


class ServiceError(Exception):
    """Base for refusals that are the user's to fix (bad input, wrong state, no access)."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # the form field or evidence field id
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class InvalidInput(ServiceError):
    """Input that cannot be saved. `problems` says which fields and why; nothing was saved."""

    def __init__(self, problems: list[FieldProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [FieldProblem("", "", problems)]
        self.problems = problems
        super().__init__("; ".join(p.message if not p.label else str(p) for p in problems))


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """The request does not fit the record's current state (e.g. completing a step twice)."""


class ClockWrong(ServiceError):
    """The computer's clock is set to a time that cannot be now (a flat clock battery back at 1970, a typo
    in the year): every record, deadline and audit entry would carry it, and time arithmetic near the
    year 9999 fails outright. Nothing is saved until the clock is set."""


class AuthenticationFailed(ServiceError):
    """Log-on refused. The message never says whether the user name exists."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


class SessionEnded(AuthenticationFailed):
    """The signed-in account was disabled or locked since it signed in: nothing was done, and the app
    must return to the log-on screen."""


class RecordChanged(ServiceError):
    """A record the app was about to act on (an account, a case) differs from its last audit entry: it
    was changed outside the app. Nothing was done; the refusal itself is audited."""
