"""Moving a case to another published version of its procedure, and previewing what that would change."""

from __future__ import annotations

from dataclasses import dataclass

from checklist_app.core.permissions import Action, Actor
from checklist_app.core.procedure.diff import diff_procedures
from checklist_app.services import case_state as cs
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import VersionMove
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput
from checklist_app.services.procedures import find_version
from checklist_app.store.audit import Operation, record


@dataclass(frozen=True)
class VersionPreview:
    current: str
    target: str
    changes: tuple[str, ...]
    kept: int  # step records that carry over
    retired: int  # step records of steps the new version does not have


def preview_version_move(ctx: ServiceContext, actor: Actor, case_id: int) -> VersionPreview | None:
    """What moving the case to the latest published version would change, or None if it is current."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_MIGRATE_VERSION)
        target_row = find_version(session, loaded.procedure.id)
        record(  # the preview shows the case's recorded work: a consultation
            session,
            who(actor),
            loaded.case,
            operation=Operation.CONSULTATION,
            action="case.version_preview",
            at=now,
            case_id=case_id,
        )
        if target_row.id == loaded.case.procedure_version_id:
            return None
        new = ctx.procedure(session, target_row.id)
        new_ids = {s.id for s in new.steps}
        retired = sum(1 for step_id in loaded.records if step_id not in new_ids)
        return VersionPreview(
            loaded.procedure.label,
            new.label,
            tuple(diff_procedures(loaded.procedure, new).lines()),
            len(loaded.records) - retired,
            retired,
        )


def move_to_version(ctx: ServiceContext, actor: Actor, case_id: int, version: str, reason: str) -> VersionMove:
    """Move a case to another published version of its procedure. Work on steps whose ids exist in both
    is kept; records of steps the new version lacks are retired (kept, no longer shown as due)."""
    now = ctx.now()
    if not reason.strip():
        raise InvalidInput([FieldProblem("reason", "Reason", "is required to change procedure version")])
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_MIGRATE_VERSION)
        cs.require_open(loaded.case)
        old = loaded.procedure
        target_row = find_version(session, old.id, version)
        if target_row.id == loaded.case.procedure_version_id:
            raise Conflict(f"Case {loaded.case.reference} already follows {old.label}.")
        new = ctx.procedure(session, target_row.id)
        diff = diff_procedures(old, new)
        new_ids = {s.id for s in new.steps}
        kept: list[str] = []
        retired: list[str] = []
        for step_id, rec in sorted(loaded.records.items()):
            should_retire = step_id not in new_ids
            if rec.retired != should_retire:
                rec.retired = should_retire
                rec.updated_at, rec.updated_by = now, actor.user_id or None
                record(
                    session,
                    who(actor),
                    rec,
                    operation=Operation.ALTERATION,
                    action="step.retire" if should_retire else "step.restore",
                    at=now,
                    case_id=case_id,
                )
            (retired if should_retire else kept).append(step_id)
        loaded.case.procedure_version_id = target_row.id
        move = VersionMove(
            case_id,
            old.label,
            new.label,
            tuple(kept),
            tuple(retired),
            tuple(s.id for s in new.steps if s.id not in {x.id for x in old.steps}),
            tuple(diff.lines()),
        )
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.ALTERATION,
            action="case.change_version",
            at=now,
            case_id=case_id,
            details={
                "from": old.label,
                "to": new.label,
                "reason": reason.strip(),
                "kept": len(kept),
                "retired": retired,
            },
        )
        loaded.procedure = new
        refresh_summary(session, ctx, loaded, now)
        return move
