"""The database's tables, columns, indexes, constraints and views, compared with the ones the program's
migrations create (its models; a test holds the two equal). The hash chain covers rows, not the schema:
a dropped unique index lets duplicates in, a dropped index slows every screen, an added column, table or
view can carry data the audit log never sees. Each difference is named for `verify`."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from checklist_app.store.redact import describe

if TYPE_CHECKING:
    from checklist_app.store.verify import Problem

_MISSING = "is missing (dropped?)"
_ADDED = "was not created by the program (added?)"


def schema_problems(conn: Connection) -> list[Problem]:
    from alembic.autogenerate import compare_metadata  # Alembic: loaded for the full verify only
    from alembic.migration import MigrationContext

    from checklist_app.store.models import Base
    from checklist_app.store.verify import Problem

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reflection warns about types it does not know: named below
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    except Exception as exc:  # a schema so altered that it cannot be read back is itself the finding
        return [Problem("(schema)", None, None, f"could not be compared with the program's ({describe(exc)})")]
    problems = [problem for item in differences for problem in _described(item)]
    problems.extend(Problem(name, None, None, f"view {name} {_ADDED}") for name in _views(conn))
    return problems


def _described(item: Any) -> list[Problem]:
    from checklist_app.store.verify import Problem

    if isinstance(item, list):  # alterations of one column come grouped
        return [problem for change in item for problem in _described(change)]
    kind = item[0]
    if kind in ("add_table", "remove_table"):
        table = item[1]
        return [Problem(str(table.name), None, None, f"table {table.name} {_tense(kind)}")]
    if kind in ("add_column", "remove_column"):
        return [Problem(str(item[2]), None, None, f"column {item[3].name} {_tense(kind)}")]
    if kind in ("add_index", "remove_index"):
        index = item[1]
        what = "unique index" if index.unique else "index"
        columns = ", ".join(str(c.name) for c in index.columns)
        return [Problem(str(index.table.name), None, None, f"{what} {index.name} ({columns}) {_tense(kind)}")]
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = item[1]
        columns = ", ".join(str(c.name) for c in constraint.columns)
        what = "foreign key" if kind.endswith("_fk") else "unique constraint"
        name = f" {constraint.name}" if constraint.name else ""
        return [Problem(str(constraint.table.name), None, None, f"{what}{name} ({columns}) {_tense(kind)}")]
    if kind.startswith("modify_"):
        _kind, _schema, table, column, _existing, found, expected = item
        if kind == "modify_nullable":
            change = (
                "allows empty values (NULL); the program's column does not"
                if found
                else "refuses empty values (NOT NULL); the program's column allows them"
            )
        else:
            what = kind.removeprefix("modify_").replace("_", " ")
            change = f"its {what} is {found!s}, not the program's {expected!s}"
        return [Problem(str(table), None, None, f"column {column} {change} (changed?)")]
    return [Problem("(schema)", None, None, f"differs from the program's ({kind})")]


def _tense(kind: str) -> str:
    # Alembic speaks from the models' side: "add" is what the database lacks, "remove" what it has extra.
    return _MISSING if kind.startswith("add") else _ADDED


def _views(conn: Connection) -> list[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
    else:
        query = "SELECT table_name FROM information_schema.views WHERE table_schema = current_schema() ORDER BY 1"
    return [str(name) for name in conn.execute(text(query)).scalars()]
