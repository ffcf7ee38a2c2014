"""On SQLite, values of the wrong storage class in the audit log are found by the chain walk (which reads
every value anyway), not by a query of their own: the same entries and columns must be named, with the
same words and in the same place in the report, as the storage check's query names them (which still
checks the other tables). A text column takes a number as text (its affinity), so bytes stand in there."""

from __future__ import annotations

from pathlib import Path

import pytest
from db_support import server_url
from support import file_with_one_step_done, run_sql

from checklist_app.store import verify, verify_schema
from checklist_app.store.db import Database, sqlite_url
from checklist_app.store.verify import verify_database
from checklist_app.store.verify_schema import check_storage_types

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")

_UNGUARDED = ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def _report_and_query(path: Path) -> tuple[list[str], list[str]]:
    """verify's problems, and what the storage query alone names when it checks every table, the log too."""
    db = Database(sqlite_url(path), read_only=True)
    try:
        problems = [str(p) for p in verify_database(db).problems]
        with db.engine.connect() as conn:
            queried = [str(p) for p in check_storage_types(conn)]
    finally:
        db.dispose()
    return problems, queried


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (["UPDATE audit_log SET user_id = 'seven' WHERE seq = 3"], ["audit_log, audit entry 3: column user_id"]),
        (["UPDATE audit_log SET format_version = 1.5 WHERE seq = 2"], ["audit entry 2: column format_version"]),
        (["UPDATE audit_log SET details = x'00ff' WHERE seq = 4"], ["audit entry 4: column details holds"]),
        (["UPDATE audit_log SET occurred_at = 12 WHERE seq = 1"], ["audit entry 1: column occurred_at"]),
        (["UPDATE audit_log SET prev_hash = x'05' WHERE seq = 2"], ["audit entry 2: column prev_hash"]),
        (
            ["UPDATE audit_log SET entry_hash = x'01', username = x'33' WHERE seq = 5"],
            ["audit entry 5: columns username, entry_hash hold values of the wrong type"],
        ),
        (
            [
                "UPDATE audit_log SET object_id = 'one' WHERE seq = 6",
                "UPDATE audit_log SET state_hash = x'1a' WHERE seq = 2",
                "UPDATE teams SET name = x'07' WHERE id = 1",
            ],
            ["teams, id 1: column name", "audit entry 2: column state_hash", "audit entry 6: column object_id"],
        ),
    ],
)
def test_wrong_types_in_the_log_are_named_as_the_query_names_them(
    world, statements: list[str], named: list[str]
) -> None:
    path = file_with_one_step_done(world)
    run_sql(path, *_UNGUARDED, *statements)
    problems, queried = _report_and_query(path)
    wrong = [p for p in problems if "of the wrong type" in p]
    assert wrong == queried, problems
    assert len(wrong) == len(named) and all(words in line for words, line in zip(named, wrong, strict=True)), wrong
    # In the storage checks' place: after the triggers' problems, before the chain's.
    first, last = problems.index(wrong[0]), problems.index(wrong[-1])
    assert problems[first : last + 1] == wrong
    assert all("trigger" in p for p in problems[:first]), problems
    assert problems[last + 1].startswith("audit_log, audit entry"), problems  # the chain's own finding


def test_values_of_the_right_type_written_differently_are_not_named(world) -> None:
    path = file_with_one_step_done(world)
    # Same type, other text: the chain reports the hash, nothing is of the wrong type.
    run_sql(path, *_UNGUARDED, "UPDATE audit_log SET username = 'someone.else' WHERE seq = 3")
    problems, queried = _report_and_query(path)
    assert queried == [] and not any("of the wrong type" in p for p in problems), problems
    assert any("audit entry 3: contents do not match" in p for p in problems), problems


def test_as_many_wrong_entries_are_named_as_the_query_names(world, monkeypatch: pytest.MonkeyPatch) -> None:
    path = file_with_one_step_done(world)
    run_sql(path, *_UNGUARDED, "UPDATE audit_log SET format_version = 'one'")
    for module in (verify, verify_schema):
        monkeypatch.setattr(module, "WRONG_TYPES_SHOWN", 3)
    problems, queried = _report_and_query(path)
    wrong = [p for p in problems if "of the wrong type" in p]
    assert len(queried) == 3 and wrong == queried, problems
