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
