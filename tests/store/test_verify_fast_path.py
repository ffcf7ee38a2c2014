"""verify's shortcut (store/verify_fast.py) puts each row's canonical text together from the raw values;
a row that does not match that way is converted and judged as before. These edits change how a value is
written but not what it is, or change its type: the verdict must be the one the slow path gives."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url
from support import file_with_one_step_done, run_sql

from checklist_app.cli.main import main
from checklist_app.store.models import AuditEntry, StepRecord, table_of
from checklist_app.store.verify_fast import fast_text

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


def _verify(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--db", str(path), "verify"], out=out, err=out)
    return code, out.getvalue()


@pytest.fixture
def db_file(world) -> Path:
    return file_with_one_step_done(world)


def test_untouched_database_verifies(db_file: Path) -> None:
    code, output = _verify(db_file)
    assert code == 0 and output.startswith("OK"), output


@pytest.mark.parametrize(
    "statement",
    [
        # Same JSON, not in canonical spelling: the slow path reads it as the same value.
        "UPDATE step_records SET evidence = replace(evidence, ':', ': ')",
        # Same moment, written without the microseconds: SQLAlchemy reads it as the same datetime.
        "UPDATE step_records SET updated_at = substr(updated_at, 1, 19)",
    ],
)
def test_same_value_written_differently_still_verifies(db_file: Path, statement: str) -> None:
    run_sql(db_file, statement)
    code, output = _verify(db_file)
    assert code == 0 and output.startswith("OK"), output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE step_records SET step_id = 12",
        "UPDATE step_records SET retired = 2",
        "UPDATE step_records SET completions = '1'",
        "UPDATE step_records SET completions = 1.0",
        "UPDATE step_records SET evidence = '{not json'",
        "UPDATE step_records SET updated_at = 'not a date'",
        "UPDATE step_records SET updated_at = replace(updated_at, ' ', 'T')",
        "UPDATE cases SET facts = replace(facts, ',', ', ')",
        "UPDATE users SET active = 'yes'",
        "UPDATE teams SET name = 7 WHERE id = 1",
        "UPDATE step_records SET completed_at = NULL",
    ],
)
def test_shortcut_gives_the_verdict_of_the_slow_path(
    db_file: Path, statement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checklist_app.store import verify, verify_records

    run_sql(db_file, statement)
    fast = _verify(db_file)
    for walk in (verify, verify_records):  # the chain walk and the record walk
        monkeypatch.setattr(walk, "fast_text", lambda *_, **__: None)  # every row converted, as before the shortcut
    assert _verify(db_file) == fast


def test_row_text_is_the_canonical_form_of_the_converted_values(db_file: Path) -> None:
    from checklist_app.core.canonical import canonical_json
    from checklist_app.store.audit import hashed_fields

    conn = sqlite3.connect(db_file)
    try:
        for model in (StepRecord, AuditEntry):
            table = table_of(model)
            columns = list(table.c)
            names = [c.name for c in columns]
            fields = list(hashed_fields({})) if model is AuditEntry else list(model.AUDIT_FIELDS)
            text_of = fast_text(columns, [names.index(f) for f in fields])
            assert text_of is not None
            raw = conn.execute(f"SELECT {', '.join(names)} FROM {table.name} ORDER BY 1 DESC LIMIT 1").fetchone()
            assert text_of(raw) is not None
            # The slow path's text: the ORM's values, in canonical form.
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            from checklist_app.store.db import Database

            db = Database(f"sqlite:///{db_file}", read_only=True)
            try:
                with Session(db.engine) as session:
                    key = table.primary_key.columns.values()[0]
                    obj = session.scalars(select(model).order_by(key.desc()).limit(1)).one()
                    values = hashed_fields(obj) if model is AuditEntry else {f: getattr(obj, f) for f in fields}
                    assert text_of(raw) == canonical_json(values)
            finally:
                db.dispose()
    finally:
        conn.close()
