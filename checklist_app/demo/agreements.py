"""Supervisors' agreement signatures on the demo's mandatory steps marked not applicable.

On a closed case every such step was agreed before closure (closure demands it). On an open case about two
in three are agreed and the rest await the supervisor, chosen by a hash of the case and step so the rows
(which reckon the case list's figures before anything is written) and the signing pass agree without
sharing state. The signatures are written after the cases, bound to the stored records' content exactly as
the services' signatures are, with the same audit entries.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from checklist_app.core.canonical import canonical_json, sha256_hex
from checklist_app.core.procedure.model import Procedure, Requirement
from checklist_app.core.schedule import StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services.context import ServiceContext
from checklist_app.store.audit import Who
from checklist_app.store.bulk import BulkWriter
from checklist_app.store.models import Case, Signature, StepRecord, object_type_of, table_of
from checklist_app.store.signed_content import CONTENT_FORMAT

AGREE_AFTER = timedelta(hours=4)  # how long an open case's supervisor takes to agree


def agreed_in_demo(case_id: int, step_id: str, closed: bool) -> bool:
    return closed or zlib.crc32(f"{case_id}:{step_id}".encode()) % 3 != 0


def awaiting_in_demo(
    procedure: Procedure, case_id: int, closed: bool, marked: Iterable[tuple[str, StepStatus]]
) -> frozenset[str]:
    """The mandatory steps (of `marked`: step id and status) the demo leaves awaiting agreement."""
    mandatory = {s.id for s in procedure.steps if s.requirement is Requirement.MANDATORY}
    return frozenset(
        step_id
        for step_id, status in marked
        if status is StepStatus.NOT_APPLICABLE and step_id in mandatory and not agreed_in_demo(case_id, step_id, closed)
    )


def sign_demo_agreements(ctx: ServiceContext, names: dict[int, str], usernames: dict[int, str], as_of: datetime) -> int:
    """Sign the agreements the demo gives (see the module's note); returns how many were signed."""
    table = table_of(StepRecord)
    fields = StepRecord.SIGNED_FIELDS
    object_type = object_type_of(StepRecord)
    with ctx.db.read() as session:
        versions = session.scalars(select(Case.procedure_version_id).distinct()).all()
        mandatory = {
            v: {s.id for s in ctx.procedure(session, v).steps if s.requirement is Requirement.MANDATORY}
            for v in versions
        }
    signed = 0
    with ctx.db.bulk_write() as conn:
        rows = (
            conn.execute(
                select(
                    table.c.id,
                    *(table.c[f] for f in fields),
                    Case.procedure_version_id,
                    Case.status.label("case_status"),
                    Case.closed_at,
                    Case.supervisor_id,
                )
                .join(Case, Case.id == table.c.case_id)
                .where(table.c.status == StepStatus.NOT_APPLICABLE.value, table.c.retired.is_(False))
                .order_by(table.c.id)
            )
            .mappings()
            .all()
        )
        writer = BulkWriter(conn)
        for row in rows:
            closed = row["case_status"] == "closed"
            if row["step_id"] not in mandatory.get(row["procedure_version_id"], ()) or row["supervisor_id"] is None:
                continue
            if not agreed_in_demo(row["case_id"], row["step_id"], closed):
                continue
            marked_at: datetime = row["updated_at"]
            limit = row["closed_at"] if closed and row["closed_at"] is not None else as_of
            signed_at = marked_at + max(timedelta(0), min(AGREE_AFTER, (limit - marked_at) / 2))
            content = {
                "format": CONTENT_FORMAT,
                "object_type": object_type,
                "object_id": row["id"],
                "fields": {f: row[f] for f in fields},
            }
            supervisor = int(row["supervisor_id"])
            writer.add(
                Signature,
                {
                    "object_type": object_type,
                    "object_id": row["id"],
                    "case_id": row["case_id"],
                    "meaning": Meaning.AGREED_NOT_APPLICABLE.value,
                    "content_hash": sha256_hex(canonical_json(content)),
                    "content_format": CONTENT_FORMAT,
                    "signer_id": supervisor,
                    "signer_name": names.get(supervisor, "")[:120],
                    "signer_role": "supervisor",
                    "signed_at": signed_at,
                    "comment": "",
                },
                who=Who(supervisor, usernames.get(supervisor, "system"), "demo"),
                at=signed_at,
                action="signature.sign",
                case_id=row["case_id"],
                details={
                    "meaning": Meaning.AGREED_NOT_APPLICABLE.value,
                    "object_type": object_type,
                    "object_id": row["id"],
                },
            )
            signed += 1
            if signed % 2000 == 0:
                writer.flush()
        writer.flush()
    return signed
