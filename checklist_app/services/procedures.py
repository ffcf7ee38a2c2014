"""Publishing procedure versions. A published version is immutable: the same id and version with
different content is refused; the same content again is a no-op."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.loader import content_hash, load_procedure_text
from checklist_app.core.procedure.model import Procedure
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import ProcedureVersionInfo, PublishResult
from checklist_app.services.errors import Conflict, NotFound
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import ProcedureVersion


def _info(row: ProcedureVersion, procedure: Procedure) -> ProcedureVersionInfo:
    return ProcedureVersionInfo(
        row.id,
        row.procedure_id,
        row.version,
        row.title,
        row.effective_date,
        row.content_hash,
        row.published_at,
        row.published_by,
        len(procedure.phases),
        len(procedure.steps),
    )


def publish(ctx: ServiceContext, actor: Actor, text: str, filename: str = "<text>") -> PublishResult:
    """Validate and store a procedure version. Raises SopValidationError for an invalid file."""
    require(actor, Action.SOP_PUBLISH)
    procedure = load_procedure_text(text, filename)
    digest = content_hash(text)
    now = ctx.now()
    with ctx.db.write() as session:
        existing = session.scalar(
            select(ProcedureVersion).where(
                ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.version == procedure.version
            )
        )
        if existing is not None:
            if existing.content_hash != digest:
                raise Conflict(
                    f"{procedure.label} is already published with different content "
                    f"(hash {existing.content_hash[:12]}...). A published version cannot change: "
                    "give the edited procedure a new version number."
                )
            return PublishResult(_info(existing, procedure), created=False)
        row = ProcedureVersion(
            procedure_id=procedure.id,
            version=procedure.version,
            title=procedure.title,
            effective_date=procedure.effective_date,
            content_hash=digest,
            source_text=text,
            published_at=now,
            published_by=actor.username,
        )
        session.add(row)
        record(
            session,
            who(actor),
            row,
            operation=Operation.COLLECTION,
            action="procedure.publish",
            at=now,
            details={"procedure": procedure.id, "version": procedure.version, "hash": digest},
        )
        return PublishResult(_info(row, procedure), created=True)


def list_versions(ctx: ServiceContext) -> list[ProcedureVersionInfo]:
    with ctx.db.read() as session:
        rows = session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.procedure_id, ProcedureVersion.id))
        return [_info(row, ctx.procedure(session, row.id)) for row in rows]


def find_version(session: Session, procedure_id: str, version: str | None = None) -> ProcedureVersion:
    query = select(ProcedureVersion).where(ProcedureVersion.procedure_id == procedure_id)
    if version is not None:
        query = query.where(ProcedureVersion.version == version)
    row = session.scalars(query.order_by(ProcedureVersion.id.desc())).first()
    if row is None:
        wanted = f"{procedure_id} v{version}" if version else procedure_id
        raise NotFound(f"No published procedure {wanted}. Publish it with `checklist-app sop publish FILE`.")
    return row


def latest_version(ctx: ServiceContext, procedure_id: str = "cse-sop") -> ProcedureVersionInfo:
    with ctx.db.read() as session:
        row = find_version(session, procedure_id)
        return _info(row, ctx.procedure(session, row.id))


def load_published(ctx: ServiceContext, procedure_id: str, version: str) -> Procedure:
    with ctx.db.read() as session:
        row = find_version(session, procedure_id, version)
        return ctx.procedure(session, row.id)


def current_procedure(ctx: ServiceContext, procedure_id: str = "cse-sop") -> Procedure:
    """The latest published version of a procedure: what a new case is pinned to."""
    with ctx.db.read() as session:
        row = find_version(session, procedure_id)
        return ctx.procedure(session, row.id)
