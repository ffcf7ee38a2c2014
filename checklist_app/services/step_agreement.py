"""Which mandatory steps marked not applicable still await a supervisor's agreement.

An investigator may say a mandatory step does not apply, but it counts as open (for closure, and shown as
awaiting agreement) until a supervisor of the team agrees by signing ("agreed not applicable"). The agreement
is worked out from the signatures, never stored as a flag: the signature binds the step record's status,
reason and last update, so marking the step not applicable again, or any later change to it, leaves the old
agreement superseded and the step awaiting agreement once more.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from checklist_app.core.procedure.model import Procedure, Requirement
from checklist_app.core.schedule import StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import case_state as cs
from checklist_app.services import signatures
from checklist_app.store.models import StepRecord, object_type_of


def awaiting_agreement(session: Session, loaded: cs.LoadedCase) -> frozenset[str]:
    """The ids of the case's mandatory steps marked not applicable without a valid supervisor's agreement."""
    return awaiting_agreement_many(session, [loaded])[loaded.case.id]


def awaiting_agreement_many(session: Session, cases: list[cs.LoadedCase]) -> dict[int, frozenset[str]]:
    """As `awaiting_agreement` for many cases (by case id), reading their signatures in one go: verify's
    summary check asks this of thousands of cases."""
    marked: dict[int, list[StepRecord]] = {}
    not_applicable = StepStatus.NOT_APPLICABLE.value
    for loaded in cases:
        mandatory = _mandatory(loaded.procedure)
        marked[loaded.case.id] = [
            rec
            for step_id, rec in loaded.records.items()
            if rec.status == not_applicable and step_id in mandatory and not rec.retired
        ]
    ids = [rec.id for records in marked.values() for rec in records]
    signed = signatures.signatures_on(session, object_type_of(StepRecord), ids) if ids else {}
    return {
        case_id: frozenset(
            rec.step_id
            for rec in records
            if signatures.latest_valid(signed.get(rec.id, []), Meaning.AGREED_NOT_APPLICABLE) is None
        )
        for case_id, records in marked.items()
    }


def _mandatory(procedure: Procedure) -> frozenset[str]:
    """The ids of the procedure's mandatory steps, worked out once per procedure (asked for every case)."""
    found = _MANDATORY.get(id(procedure))
    if found is None or found[0] is not procedure:
        if len(_MANDATORY) >= 64:
            _MANDATORY.clear()
        steps = frozenset(s.id for s in procedure.steps if s.requirement is Requirement.MANDATORY)
        found = _MANDATORY[id(procedure)] = (procedure, steps)
    return found[1]


# By the procedure object's identity, holding the object so that the id is not reused while it is kept.
_MANDATORY: dict[int, tuple[Procedure, frozenset[str]]] = {}
