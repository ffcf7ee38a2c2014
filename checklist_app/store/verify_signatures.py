"""`verify`'s check of every electronic signature's binding to the content it signed.

Each signature's content is built again and hashed. A signature whose content no longer matches is named:
- superseded, when the audit log records a change to the signed records after the signature (a later edit
  through the app; the signature stays on record and shows as superseded, which is how it should be);
- broken, when the content differs but no recorded change explains it (changed outside the app), or the
  signed record is gone. Broken bindings are problems: `verify` fails.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from checklist_app.store.models import AuditEntry, Signature, table_of
from checklist_app.store.signed_content import content_hash, signable_models, signed_parts
from checklist_app.store.verify import Problem
from checklist_app.store.verify_rows import CONVERSION_ERRORS, safe_rows

_CHANGES = ("collection", "alteration", "erasure")


def check_signatures(conn: Connection) -> tuple[list[Problem], list[Problem]]:
    """Return (broken, superseded) signatures, each naming the signature, its meaning and signer."""
    broken: list[Problem] = []
    superseded: list[Problem] = []
    signable = signable_models()
    table = table_of(Signature)
    # Values of the wrong type (signed_at = 'garbage', grades = '{broken') are named, with their column,
    # by the record checks; here they make the binding uncheckable, which is itself a failure, not a crash.
    for key, sig, _raw in safe_rows(conn, table, list(table.c), table.c.id, lambda *_bad: None):
        if sig is None:
            broken.append(
                Problem(
                    "signatures", key, None, "holds a value that cannot be read, so what it signed cannot be checked"
                )
            )
            continue
        try:
            _check_one(conn, sig, signable, broken, superseded)
        except CONVERSION_ERRORS:
            broken.append(
                Problem(
                    "signatures",
                    sig["id"],
                    None,
                    f"{sig['meaning']} ({sig['object_type']} {sig['object_id']}): the signed record holds a value "
                    "that cannot be read, so the binding cannot be checked (changed outside the app?)",
                )
            )
    return broken, superseded


def _check_one(
    conn: Connection, sig: Any, signable: dict[str, Any], broken: list[Problem], superseded: list[Problem]
) -> None:
    label = (
        f"{sig['meaning']} by {sig['signer_name']} on {sig['signed_at']:%Y-%m-%d %H:%M} UTC "
        f"({sig['object_type']} {sig['object_id']})"
    )
    if sig["object_type"] not in signable:
        broken.append(Problem("signatures", sig["id"], None, f"{label}: signs a kind of record that cannot be signed"))
        return
    current = content_hash(conn, sig["object_type"], sig["object_id"])
    if current == sig["content_hash"]:
        return
    if current is None:
        broken.append(Problem("signatures", sig["id"], None, f"{label}: the signed record no longer exists"))
        return
    change = _recorded_change_after(conn, sig["id"], sig["object_type"], sig["object_id"])
    if change is None:
        broken.append(
            Problem(
                "signatures",
                sig["id"],
                None,
                f"{label}: the signed content has changed and no change is recorded after the signature "
                "(changed outside the app?)",
            )
        )
    else:
        superseded.append(Problem("signatures", sig["id"], change, f"{label}: superseded by a later recorded change"))


def _recorded_change_after(conn: Connection, signature_id: int, object_type: str, object_id: int) -> int | None:
    """The first audit entry that changed a signed record after the signature was written, if any."""
    signed_seq = conn.execute(
        select(AuditEntry.seq)
        .where(AuditEntry.object_type == "signatures", AuditEntry.object_id == signature_id)
        .order_by(AuditEntry.seq)
        .limit(1)
    ).scalar()
    if signed_seq is None:
        return None
    for table, record_id in signed_parts(conn, object_type, object_id):
        seq = conn.execute(
            select(AuditEntry.seq)
            .where(
                AuditEntry.object_type == table,
                AuditEntry.object_id == record_id,
                AuditEntry.seq > signed_seq,
                AuditEntry.operation.in_(_CHANGES),
            )
            .order_by(AuditEntry.seq)
            .limit(1)
        ).scalar()
        if seq is not None:
            return int(seq)
    return None
