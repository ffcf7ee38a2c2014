"""Two more kinds of dashboard line: remedial actions from casework audits still open on the team's cases,
and mandatory steps marked not applicable that wait for a supervisor's agreement.

Kept apart from dashboard.py so each query can be read on its own; both take the team's open cases as the
subquery dashboard.py builds, and return DashboardLine values made by its `line` helper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.procedure.model import Requirement
from checklist_app.core.schedule import StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import signatures
from checklist_app.services.context import ServiceContext
from checklist_app.store.models import Case, CaseAudit, RemedialAction, StepRecord, User, object_type_of

LineMaker = Callable[[int, str, datetime | None, str], Any]


def remedial_lines(session: Session, open_cases: Any, line: LineMaker) -> list[Any]:
    """Open remedial actions (from signed audits) on the team's open cases, oldest due first; each opens the
    case at the action in its remedial box."""
    rows = session.execute(
        select(
            RemedialAction.id,
            RemedialAction.case_id,
            RemedialAction.description,
            RemedialAction.priority,
            RemedialAction.due_at,
            User.display_name,
        )
        .join(open_cases, open_cases.c.id == RemedialAction.case_id)
        .join(CaseAudit, CaseAudit.id == RemedialAction.audit_id)
        .join(User, User.id == RemedialAction.owner_id)
        .where(CaseAudit.status == "signed", RemedialAction.status == "open")
        .order_by(RemedialAction.due_at, RemedialAction.id)
    )
    return [
        line(case_id, f"Remedial action ({priority}, for {owner}): {text[:80]}", due, f"remedial:{action_id}")
        for action_id, case_id, text, priority, due, owner in rows
    ]


def agreement_lines(session: Session, ctx: ServiceContext, open_cases: Any, line: LineMaker) -> list[Any]:
    """Mandatory steps of the team's open cases marked not applicable without a valid agreement, longest
    waiting first; each opens the case at the step, where the supervisor agrees or refuses."""
    rows = session.execute(
        select(StepRecord.id, StepRecord.case_id, StepRecord.step_id, StepRecord.updated_at, Case.procedure_version_id)
        .join(open_cases, open_cases.c.id == StepRecord.case_id)
        .join(Case, Case.id == StepRecord.case_id)
        .where(StepRecord.status == StepStatus.NOT_APPLICABLE.value, StepRecord.retired.is_(False))
        .order_by(StepRecord.updated_at, StepRecord.id)
    ).all()
    mandatory: dict[int, dict[str, str]] = {}
    marked = []
    for record_id, case_id, step_id, marked_at, version_id in rows:
        if version_id not in mandatory:
            procedure = ctx.procedure(session, version_id)
            mandatory[version_id] = {
                s.id: f"{s.number} {s.title}" for s in procedure.steps if s.requirement is Requirement.MANDATORY
            }
        if step_id in mandatory[version_id]:
            marked.append((record_id, case_id, step_id, marked_at, mandatory[version_id][step_id]))
    if not marked:
        return []
    signed = signatures.signatures_on(session, object_type_of(StepRecord), [m[0] for m in marked])
    return [
        line(case_id, f"Not applicable, awaiting your agreement: step {title[:80]}", None, f"step:{step_id}")
        for record_id, case_id, step_id, _at, title in marked
        if signatures.latest_valid(signed.get(record_id, []), Meaning.AGREED_NOT_APPLICABLE) is None
    ]
