"""`verify`'s check of every electronic signature's binding to the content it signed.

Each signature's content is built again and hashed. A signature whose content no longer matches is named:
- superseded, when the audit log records a change to the signed records after the signature (a later edit
  through the app; the signature stays on record and shows as superseded, which is how it should be);
- broken, when the content differs but no recorded change explains it (changed outside the app), or the
  signed record is gone. Broken bindings are problems: `verify` fails.

The contents are read a round of signatures at a time, a few queries per kind of signed record
(`signed_contents`), not a few queries per signature: tens of thousands of signatures took seconds of
query overhead alone. A signature the round cannot answer for (its record's values cannot be read in one
go, or an object id that is not a whole number) is checked on its own, as before, so it is reported
exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from sqlalchemy import Connection, select

from checklist_app.store.models import AuditEntry, Signature, table_of
from checklist_app.store.signed_content import content_hash, hash_of, signable_models, signed_contents, signed_parts
from checklist_app.store.verify import Problem
from checklist_app.store.verify_rows import CONVERSION_ERRORS, RowValues, safe_rows

_CHANGES = ("collection", "alteration", "erasure")
# Signatures per round: their contents are held until the round is checked.
_ROUND = 2000
# A signed record's current content hash, by (object type, object id); None when the record is gone.
_Known = dict[tuple[str, int], str | None]


def check_signatures(conn: Connection) -> tuple[list[Problem], list[Problem]]:
    """Return (broken, superseded) signatures, each naming the signature, its meaning and signer, in
    signature order."""
    broken: list[Problem] = []
    superseded: list[Problem] = []
    signable = signable_models()
    table = table_of(Signature)
    round_: list[tuple[Any, RowValues | None]] = []
    # Values of the wrong type (signed_at = 'garbage', grades = '{broken') are named, with their column,
    # by the record checks; here they make the binding uncheckable, which is itself a failure, not a crash.
    for key, sig, _raw in safe_rows(conn, table, list(table.c), table.c.id, lambda *_bad: None):
        round_.append((key, None if sig is None else dict(sig)))
        if len(round_) >= _ROUND:
            _check_round(conn, round_, signable, broken, superseded)
            round_ = []
    _check_round(conn, round_, signable, broken, superseded)
    return broken, superseded


def _check_round(
    conn: Connection,
    round_: list[tuple[Any, RowValues | None]],
    signable: dict[str, Any],
    broken: list[Problem],
    superseded: list[Problem],
) -> None:
    known = _current_hashes(conn, [sig for _key, sig in round_ if sig is not None], signable)
    for key, sig in round_:
        if sig is None:
            broken.append(
                Problem(
                    "signatures", key, None, "holds a value that cannot be read, so what it signed cannot be checked"
                )
            )
            continue
        try:
            _check_one(conn, sig, signable, known, broken, superseded)
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


def _current_hashes(conn: Connection, sigs: list[RowValues], signable: Mapping[str, Any]) -> _Known:
    """The current content hash of the records the signatures name, a few queries per kind of record. Left
    out (so checked signature by signature): records of a kind whose contents cannot all be read in one go,
    records whose content cannot be hashed, and object ids that are not whole numbers (1.0 or '1' would
    find record 1 in a batch, where the content built for that one signature differs)."""
    wanted: dict[str, set[int]] = {}
    for sig in sigs:
        object_type, object_id = sig["object_type"], sig["object_id"]
        if object_type in signable and type(object_id) is int:
            wanted.setdefault(object_type, set()).add(object_id)
    known: _Known = {}
    for object_type, ids in wanted.items():
        try:
            contents = signed_contents(conn, object_type, ids)
        except CONVERSION_ERRORS:
            continue
        for object_id in ids:
            content = contents.get(object_id)
            if content is None:
                known[object_type, object_id] = None
                continue
            with suppress(*CONVERSION_ERRORS):  # left out: hashed on its own, which names the failure
                known[object_type, object_id] = hash_of(content)
    return known


def _check_one(
    conn: Connection,
    sig: RowValues,
    signable: Mapping[str, Any],
    known: _Known,
    broken: list[Problem],
    superseded: list[Problem],
) -> None:
    label = (
        f"{sig['meaning']} by {sig['signer_name']} on {sig['signed_at']:%Y-%m-%d %H:%M} UTC "
        f"({sig['object_type']} {sig['object_id']})"
    )
    if sig["object_type"] not in signable:
        broken.append(Problem("signatures", sig["id"], None, f"{label}: signs a kind of record that cannot be signed"))
        return
    where = (sig["object_type"], sig["object_id"])
    current = known[where] if where in known else content_hash(conn, sig["object_type"], sig["object_id"])
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
