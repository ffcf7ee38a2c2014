"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from checklist_app.core.canonical import canonical_json
from checklist_app.store.errors import UnreadableValue


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC; refuses naive input so no local time slips in."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CanonicalJSON(TypeDecorator[Any]):
    """JSON kept as canonical text, so a value read back hashes exactly as it did when written."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else canonical_json(value)

    shape: type | None = None  # what the model's annotation promises the code reading it

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        try:
            loaded = json.loads(value)
        except ValueError:
            raise UnreadableValue(f"{value[:40]!r} is not JSON") from None
        if self.shape is not None and not isinstance(loaded, self.shape):
            # The screens would fail on it deep inside (`'list' object has no attribute 'get'`).
            raise UnreadableValue(f"{type(loaded).__name__} where the app keeps a {self.shape.__name__}")
        return loaded


class CanonicalJSONObject(CanonicalJSON):
    shape = dict
    cache_ok = True


class CanonicalJSONList(CanonicalJSON):
    shape = list
    cache_ok = True
