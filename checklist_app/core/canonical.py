"""Canonical serialisation and hashing for the audit chain and record states.

The byte form must never change for a given FORMAT_VERSION: verification of old entries depends on it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64


def _default(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in canonical form")
        # Same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), several times faster on the bulk paths.
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot serialise {type(value).__name__} canonically")


# One encoder for every call: json.dumps with these options would build a new one each time, which costs
# as much as encoding a small entry (verify encodes millions).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def canonical_json(value: object) -> str:
    return _ENCODER.encode(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def state_hash(state: Mapping[str, object]) -> str:
    """Hash of a record's state, as stored in the audit entry that describes it."""
    return sha256_hex(canonical_json(state))


def entry_hash(prev_hash: str, entry: Mapping[str, object]) -> str:
    """Chain hash: SHA-256 over the previous hash and the canonical entry."""
    return sha256_hex(prev_hash + "\n" + canonical_json(entry))


def utc_text(value: datetime) -> str:
    return str(_default(value))
