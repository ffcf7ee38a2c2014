"""What a case's schedule reads of its intelligence items: each item's priority (fact
`intelligence_priority`) and stage times (the events procedure 1.2 on counts 5.4, 5.5 and 5.7 from).
Shared by the case loaders in case_state; not a use case itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.intelligence import STAGE_EVENTS, ItemTimes, stage_events
from checklist_app.core.procedure.model import Procedure
from checklist_app.store.models import IntelligenceItem

_COLUMNS = (
    IntelligenceItem.case_id,
    IntelligenceItem.priority,
    IntelligenceItem.submitted_at,
    IntelligenceItem.routed_at,
    IntelligenceItem.assessed_at,
    IntelligenceItem.actioned_at,
)


def items_of(session: Session, case_ids: list[int]) -> dict[int, tuple[list[str], list[ItemTimes]]]:
    """Per case: its items' priorities and their stage times, in the same order (one query)."""
    found: dict[int, tuple[list[str], list[ItemTimes]]] = defaultdict(lambda: ([], []))
    for row in session.execute(select(*_COLUMNS).where(IntelligenceItem.case_id.in_(case_ids))):
        if row.case_id is not None:  # always, given the filter; says so to the type checker
            priorities, times = found[row.case_id]
            priorities.append(row.priority)
            times.append(ItemTimes(row.submitted_at, row.routed_at, row.assessed_at, row.actioned_at))
    return found


def uses_stage_events(procedure: Procedure) -> bool:
    """Whether the procedure declares the events derived from intelligence items (1.2 on): only then do
    they count, so cases on older versions keep their schedules exactly."""
    declared = procedure.event_map()
    return any(event_id in declared for event_id in STAGE_EVENTS.values())


def stage_event_times(procedure: Procedure, items: Sequence[ItemTimes]) -> dict[str, tuple[datetime, ...]]:
    """The stage events of a case on `procedure`: none unless the procedure declares them."""
    return stage_events(items) if items and uses_stage_events(procedure) else {}
