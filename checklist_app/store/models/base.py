"""The declarative base every model maps on (one MetaData, with the constraint naming convention the
migrations use, and the column types for datetimes and JSON), the `Audited` mixin, and the helpers that
name a model's audit object type and table."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData, Table, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped

from checklist_app.store.types import CanonicalJSONList, CanonicalJSONObject, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: CanonicalJSONObject,
        list[Any]: CanonicalJSONList,
    }


class Audited:
    """Mixin for rows whose state the audit chain vouches for."""

    # Set by each model; declared here so code given any audited class may read it.
    __tablename__: Any  # as DeclarativeBase declares it
    AUDIT_FIELDS: ClassVar[tuple[str, ...]] = ()
    # What an electronic signature on this row binds to (store/signed_content.py): these fields, plus the
    # named fields of child rows given as (table, foreign key column, fields). Empty: it cannot be signed.
    SIGNED_FIELDS: ClassVar[tuple[str, ...]] = ()
    SIGNED_CHILDREN: ClassVar[tuple[tuple[str, str, tuple[str, ...]], ...]] = ()
    id: Mapped[int]

    def audit_state(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.AUDIT_FIELDS}


def object_type_of(model: type[Audited] | type[Base] | Audited) -> str:
    cls = model if isinstance(model, type) else type(model)
    return str(cls.__tablename__)


def table_of(model: type[Audited] | type[Base]) -> Table:
    """The model's table. SQLAlchemy types `__table__` as any FromClause (a class may map a join or a
    select); every model here maps one Table, and this says so once instead of at each use."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table
