"""The canonical form must never change for a format version: entries already hashed depend on it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from checklist_app.core.canonical import canonical_json, entry_hash, state_hash


def test_known_values_never_change():
    moment = datetime(2026, 3, 2, 9, 0, 1, 5, tzinfo=UTC)
    assert canonical_json({"b": moment, "a": [1, "é", None], "d": date(2026, 3, 2)}) == (
        '{"a":[1,"é",null],"b":"2026-03-02T09:00:01.000005Z","d":"2026-03-02"}'
    )
    assert state_hash({"x": 1}) == "5041bf1f713df204784353e82f6a4a535931cb64f1f4b4a5aeaffcb720918b22"
    assert entry_hash("0" * 64, {"seq": 1}) == "a453da8151216b5ae0a15c5377bc79da35cc4f629a9e9a3dcab70bf0b485609a"
    other_zone = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert canonical_json(other_zone) == '"2026-03-02T09:00:00.000000Z"'  # always UTC
