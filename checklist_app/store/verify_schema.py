"""Verification of what the hash chain does not cover: the audit log's protective triggers, compared by
definition with what the migration creates (a same-named trigger that does nothing, is disabled or sits on
another table is reported), and, on SQLite, values stored with the wrong storage class."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Column, Connection, Integer, inspect, text

from checklist_app.store.models import AUDITED_MODELS, Audited, AuditEntry, Base, object_type_of, table_of

if TYPE_CHECKING:
    from checklist_app.store.verify import Problem

# Exactly as migration 0001 creates them (compared after normalising white space and letter case).
SQLITE_TRIGGERS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END",
}
PG_TRIGGERS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE DELETE OR UPDATE ON public.audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_immutable()",
}
PG_FUNCTION_BODY = "BEGIN RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END;"


def normalised_sql(sql: str) -> str:
    """Collapse white space and letter case outside quoted strings; drop a trailing semicolon."""
    parts = re.split(r"('(?:[^']|'')*')", sql.strip().rstrip(";").strip())
    return "".join(p if p.startswith("'") else re.sub(r"\s+", " ", p).lower() for p in parts).strip()


def check_triggers(conn: Connection) -> Iterator[Problem]:
    from checklist_app.store.verify import Problem

    if conn.dialect.name == "sqlite":
        found = {
            name: (table, sql or "")
            for name, table, sql in conn.exec_driver_sql(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        expected = SQLITE_TRIGGERS
        enabled = dict.fromkeys(found, True)
    else:
        rows = conn.execute(
            text(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        ).all()
        found = {name: (table, sql) for name, table, sql, _e in rows}
        enabled = {name: state != "D" for name, _t, _s, state in rows}
        expected = PG_TRIGGERS
        yield from _check_pg_function(conn)
    for name, sql in expected.items():
        if name not in found:
            yield Problem("audit_log", None, None, f"protective trigger {name} has been removed")
            continue
        table, actual = found[name]
        if table != "audit_log" or normalised_sql(actual) != normalised_sql(sql):
            yield Problem(
                "audit_log", None, None, f"protective trigger {name} is not the one the program creates (replaced?)"
            )
        elif not enabled[name]:
            yield Problem("audit_log", None, None, f"protective trigger {name} is disabled")
    for name in sorted(set(found) - set(expected)):
        yield Problem(found[name][0], None, None, f"trigger {name} was not created by the program (added?)")


def _check_pg_function(conn: Connection) -> Iterator[Problem]:
    from checklist_app.store.verify import Problem

    body = conn.execute(text("SELECT prosrc FROM pg_proc WHERE proname = 'audit_log_immutable'")).scalars().all()
    if len(body) != 1 or normalised_sql(body[0]) != normalised_sql(PG_FUNCTION_BODY):
        yield Problem("audit_log", None, None, "the function behind the protective trigger has been changed")
    role = conn.execute(text("SELECT current_setting('session_replication_role')")).scalar()
    if role != "origin":
        yield Problem("audit_log", None, None, f"triggers are switched off for this account ({role})")


# Rows named per table; past that the table is badly damaged anyway.
WRONG_TYPES_SHOWN = 1000


def check_storage_types(conn: Connection, leave: frozenset[str] = frozenset()) -> Iterator[Problem]:
    """SQLite keeps whatever a tool writes: report values of the wrong storage class (text in a number
    column, numbers or bytes in a text or date column, a flag other than 0 or 1), naming row and column.
    Tables in `leave` are checked by a walk that reads their rows anyway (see `storage_faults`)."""
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL refuses wrong types itself
    existing = set(inspect(conn).get_table_names())
    models: tuple[type[Audited] | type[Base], ...] = (*AUDITED_MODELS, AuditEntry)
    for model in models:
        table = table_of(model)
        name = str(table.name)
        if name not in existing or name in leave:
            continue
        key = table.c.seq if name == "audit_log" else table.c.id
        tests = {column.name: _storage_test(column) for column in table.c if column is not key}
        where = " OR ".join(f"NOT ({sql})" for sql in tests.values())
        columns = ", ".join(f"({sql}) AS ok_{col}" for col, sql in tests.items())
        query = f"SELECT {key.name}, {columns} FROM {name} WHERE {where} ORDER BY {key.name} LIMIT {WRONG_TYPES_SHOWN}"
        for row in conn.exec_driver_sql(query):
            bad = [col for col, ok in zip(tests, row[1:], strict=True) if not ok]
            if name == "audit_log":
                yield wrong_type(name, None, row[0], bad)
            else:
                yield wrong_type(object_type_of(model), row[0], None, bad)


def wrong_type(table: str, record: Any, entry: Any, bad: list[str]) -> Problem:
    from checklist_app.store.verify import Problem

    return Problem(
        table,
        record,
        entry,
        (f"column {bad[0]} holds a value" if len(bad) == 1 else f"columns {', '.join(bad)} hold values")
        + " of the wrong type (written outside the app?)",
    )


def storage_faults(columns: Sequence[Column[Any]], key: Column[Any]) -> Callable[[Sequence[Any]], list[str]]:
    """`_storage_test` for a row already read raw from SQLite (columns in table order, as the query reads
    them): the names of the columns, other than `key`, whose value has the wrong storage class. The driver
    gives each storage class as one Python type: NULL None, INTEGER int, REAL float, TEXT str, BLOB bytes."""
    tests: list[tuple[int, str, bool, Callable[[Any], bool]]] = []
    for position, column in enumerate(columns):
        if column is key:
            continue
        if isinstance(column.type, Boolean):
            allowed: Callable[[Any], bool] = _is_flag
        elif isinstance(column.type, Integer):
            allowed = _is_int
        else:  # text, dates and times (ISO text), canonical JSON text
            allowed = _is_text
        tests.append((position, column.name, bool(column.nullable), allowed))

    def faults(raw: Sequence[Any]) -> list[str]:
        return [
            name
            for position, name, nullable, allowed in tests
            if not ((nullable and raw[position] is None) or allowed(raw[position]))
        ]

    return faults


def _is_flag(value: Any) -> bool:
    return type(value) is int and value in (0, 1)


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_text(value: Any) -> bool:
    return type(value) is str


def _storage_test(column: Column[Any]) -> str:
    name = column.name
    allowed = ["typeof({0}) = 'null'"] if column.nullable else []
    if isinstance(column.type, Boolean):
        allowed.append("(typeof({0}) = 'integer' AND {0} IN (0, 1))")
    elif isinstance(column.type, Integer):
        allowed.append("typeof({0}) = 'integer'")
    else:  # text, dates and times (ISO text), canonical JSON text
        allowed.append("typeof({0}) = 'text'")
    return " OR ".join(allowed).format(name)
