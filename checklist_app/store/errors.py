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


class ConnectionLost(DatabaseMissing):
    """A server connection that went away mid-transaction (server restarted, connection killed)."""

    def __init__(self, where: str, reason: str, *, while_committing: bool = False) -> None:
        outcome = (
            "It went while the change was being committed, so it may or may not have been saved: look again "
            "before repeating it."
            if while_committing
            else "What was being saved was not saved (the server undoes an unfinished transaction); try again."
        )
        self.reason = reason
        super().__init__(f"The connection to {where} was lost ({reason}). {outcome}")


class DatabaseUnreadable(StoreError):
    pass


class DatabaseTooNew(StoreError):
    pass


class DatabaseNotInitialised(StoreError):
    pass


class BadDatabaseLocation(StoreError):
    pass


class UnstorableText(StoreError):
    """Text given to the database holds a character no database can hold or look up."""

    def __init__(self, char: str) -> None:
        what = (
            "a NUL character (\\x00)"
            if char == "\x00"
            else f"a lone surrogate (\\u{ord(char):04x}), which is not a character"
        )
        super().__init__(f"The text given holds {what}; remove it and try again. Nothing was saved.")


class UnreadableValue(StoreError, ValueError):
    """A stored value that is not what the app writes (bad JSON, a list where a mapping belongs, text or a
    number where a date belongs): it was changed outside the app. A ValueError too, so `verify`'s record
    checks name it as a bad value.

    `where` is "table.column" when the column type knows it (store/types.py names every column it reads);
    `locate` then looks up which rows hold the value, so the message names table, column and row."""

    def __init__(self, detail: str, *, where: str = "", key: str = "id", value: object = None) -> None:
        self.detail = detail
        self.where = where
        self.key = key  # the table's key column (case_summaries: case_id)
        self.value = value
        self.rows: tuple[int, ...] = ()
        super().__init__(self._message())

    def _message(self) -> str:
        place = ""
        if self.where:
            table, _, column = self.where.partition(".")
            rows = ", ".join(str(r) for r in self.rows[:5]) + (" and more" if len(self.rows) > 5 else "")
            place = f" (table {table}, column {column}" + (f", row {rows}" if rows else "") + ")"
        return (
            f"A stored record cannot be read{place}: {self.detail}. It was changed outside the app; "
            "run `checklist-app verify` to find it, and restore it from a backup."
        )

    def name_place(self, where: str, key: str) -> None:
        if not self.where:
            self.where, self.key = where, key
            self.args = (self._message(),)

    def name_rows(self, rows: tuple[int, ...]) -> None:
        self.rows = rows
        self.args = (self._message(),)
