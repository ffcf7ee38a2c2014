"""Text no database can hold or look up, refused before the driver sees it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from checklist_app.core.text import UNSTORABLE
from checklist_app.store.errors import UnstorableText


def refusing_unstorable_text(engine: Engine) -> Engine:
    """Every statement's text parameters checked for NUL and lone surrogates before the driver sees them:
    PostgreSQL failed on NUL with a database error and SQLite stored it, and both drivers failed to encode a
    lone surrogate, in writes and in look-ups alike (a user name typed at log-on, a reference searched for).
    The services' write guard names the field first; this covers every statement, on both engines the same.
    Statements of many rows at once (bulk loading of generated data) are not checked."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(_conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if executemany or not parameters:
            return
        values = parameters.values() if isinstance(parameters, dict) else parameters
        for value in values:
            if isinstance(value, str) and (found := UNSTORABLE.search(value)) is not None:
                raise UnstorableText(found.group())

    return engine
