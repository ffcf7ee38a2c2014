"""The canonical content an electronic signature binds to, and its hash.

A signature stores the SHA-256 of this content at signing. Whether it still holds is decided by building
the content again from the database and comparing hashes, never by a stored flag, so any later change,
through the app or behind its back, shows. The same function serves the services (when signing and when
showing a signature) and `verify`, on a plain connection, so the two can never disagree.

The content of a row is the fields its model lists in SIGNED_FIELDS plus, for each SIGNED_CHILDREN entry,
the named fields of the child rows that point at it, in id order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from checklist_app.core.canonical import canonical_json, sha256_hex
from checklist_app.store.models import AUDITED_MODELS, Audited, Base, object_type_of, table_of

# Bump when the shape of the content changes; old signatures keep the format they were made with.
CONTENT_FORMAT = 1


def signable_models() -> dict[str, type[Audited]]:
    return {object_type_of(m): m for m in AUDITED_MODELS if m.SIGNED_FIELDS}


def signed_content(conn: Connection, object_type: str, object_id: int) -> dict[str, Any] | None:
    """The content a signature on (object_type, object_id) binds to, or None if the record is gone."""
    model = signable_models().get(object_type)
    if model is None:
        raise ValueError(f"records of {object_type!r} cannot be signed")
    table = table_of(model)
    row = conn.execute(select(*(table.c[f] for f in model.SIGNED_FIELDS)).where(table.c.id == object_id)).mappings()
    found = row.one_or_none()
    if found is None:
        return None
    children: dict[str, list[dict[str, Any]]] = {}
    for child_name, foreign_key, fields in model.SIGNED_CHILDREN:
        child = Base.metadata.tables[child_name]
        rows = conn.execute(
            select(child.c.id, *(child.c[f] for f in fields))
            .where(child.c[foreign_key] == object_id)
            .order_by(child.c.id)
        ).mappings()
        children[child_name] = [dict(r) for r in rows]
    return content_of(object_type, object_id, found, children)


def signed_contents(conn: Connection, object_type: str, object_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """`signed_content` of many records of one type, by id, read in a few queries rather than one or more per
    record (verify's summary check works out the agreements of thousands of steps); records that are gone
    are left out. Each content is exactly what `signed_content` builds for that record."""
    model = signable_models().get(object_type)
    if model is None:
        raise ValueError(f"records of {object_type!r} cannot be signed")
    table = table_of(model)
    ids = sorted(set(object_ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _BATCH):
        part = ids[start : start + _BATCH]
        rows = conn.execute(
            select(*(table.c[f] for f in model.SIGNED_FIELDS), table.c.id.label(_OWNER)).where(table.c.id.in_(part))
        ).mappings()
        fields = {row[_OWNER]: {k: v for k, v in row.items() if k != _OWNER} for row in rows}
        children: dict[int, dict[str, list[dict[str, Any]]]] = {i: {} for i in fields}
        for child_name, foreign_key, child_fields in model.SIGNED_CHILDREN:
            child = Base.metadata.tables[child_name]
            for kids in children.values():
                kids[child_name] = []
            for row in conn.execute(
                select(child.c.id, *(child.c[f] for f in child_fields), child.c[foreign_key].label(_OWNER))
                .where(child.c[foreign_key].in_(list(fields)))
                .order_by(child.c.id)
            ).mappings():
                children[row[_OWNER]][child_name].append({k: v for k, v in row.items() if k != _OWNER})
        for object_id, values in fields.items():
            found[object_id] = content_of(object_type, object_id, values, children[object_id])
    return found


# Ids per query in `signed_contents`, and the label its queries give the id of the record a row belongs to.
_BATCH = 500
_OWNER = "signed_content_owner_id"


def content_of(
    object_type: str,
    object_id: int,
    fields: Mapping[Any, Any],
    children: Mapping[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The content from values already read: the signed row's SIGNED_FIELDS and, per SIGNED_CHILDREN table,
    its child rows (id and the named fields) in id order. For callers that read many records in one query
    (the compliance report) and must hash exactly as `signed_content` does."""
    return {
        "format": CONTENT_FORMAT,
        "object_type": object_type,
        "object_id": object_id,
        "fields": dict(fields),
        **children,
    }


def hash_of(content: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(content))


def content_hash(conn: Connection, object_type: str, object_id: int) -> str | None:
    content = signed_content(conn, object_type, object_id)
    return None if content is None else hash_of(content)


def signed_parts(conn: Connection, object_type: str, object_id: int) -> list[tuple[str, int]]:
    """The records whose fields make up the content: the signed row and its signed children."""
    model = signable_models()[object_type]
    parts = [(object_type, object_id)]
    for child_name, foreign_key, _fields in model.SIGNED_CHILDREN:
        child = Base.metadata.tables[child_name]
        ids = conn.execute(select(child.c.id).where(child.c[foreign_key] == object_id)).scalars()
        parts.extend((child_name, int(i)) for i in ids)
    return parts
