"""Store failures a user can meet, each with a message that says what to do."""

from __future__ import annotations


class StoreError(Exception):
    """Base for database problems that reach the user as words, never as a traceback."""


class DatabaseBusy(StoreError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The database is busy: another program or user is writing to it. "
            "Nothing was saved; try again in a moment." + (f" ({detail})" if detail else "")
        )


class DatabaseMissing(StoreError):
    pass


class DatabaseUnreadable(StoreError):
    pass


class DatabaseTooNew(StoreError):
    pass


class DatabaseNotInitialised(StoreError):
    pass


class BadDatabaseLocation(StoreError):
    pass


class UnreadableValue(StoreError, ValueError):
    """A stored value that is not what the app writes (bad JSON, a list where a mapping belongs): it was
    changed outside the app. A ValueError too, so `verify`'s record checks name it as a bad value."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"A stored record cannot be read: {detail}. It was changed outside the app; "
            "run `checklist-app verify` to find it, and restore it from a backup."
        )
