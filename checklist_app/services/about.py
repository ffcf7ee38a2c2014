"""What Help > About shows: the application's version, the database it is using, the procedure versions in
it with their case counts, and the audit chain's head (to write down as an anchor)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from checklist_app import __version__
from checklist_app.core.permissions import Actor
from checklist_app.services.context import ServiceContext
from checklist_app.store.audit import head
from checklist_app.store.models import Case, ProcedureVersion


@dataclass(frozen=True)
class ProcedureInUse:
    label: str
    cases: int


@dataclass(frozen=True)
class InstallationInfo:
    app_version: str
    database: str
    engine: str
    schema: str
    procedures: tuple[ProcedureInUse, ...]
    chain_seq: int
    chain_hash: str

    @property
    def anchor(self) -> str:
        return f"{self.chain_seq}:{self.chain_hash}"


def installation_info(ctx: ServiceContext, actor: Actor) -> InstallationInfo:
    """For any signed-in user (`actor`): nothing here is case content, so no permission and no audit entry."""
    del actor
    db = ctx.db
    with db.read() as session:
        if db.is_sqlite:
            engine = f"SQLite {session.execute(text('SELECT sqlite_version()')).scalar_one()}"
        else:
            info = db.engine.dialect.server_version_info or ()
            engine = f"{db.engine.dialect.name} {'.'.join(str(part) for part in info)}".strip()
        schema = str(session.execute(text("SELECT version_num FROM alembic_version")).scalars().first() or "?")
        counts = dict(
            session.execute(select(Case.procedure_version_id, func.count()).group_by(Case.procedure_version_id)).all()
        )
        versions = session.execute(
            select(ProcedureVersion.id, ProcedureVersion.procedure_id, ProcedureVersion.version).order_by(
                ProcedureVersion.procedure_id, ProcedureVersion.id
            )
        ).all()
        seq, digest = head(session)
    procedures = tuple(ProcedureInUse(f"{pid} v{ver}", int(counts.get(vid, 0))) for vid, pid, ver in versions)
    return InstallationInfo(__version__, db.describe(), engine, schema, procedures, seq, digest)
