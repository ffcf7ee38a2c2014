"""The case list: its filter, the one query behind it and the audit entry that records what it showed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select

from checklist_app.core.permissions import Action, Actor, Scope, require, scope_for
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import CaseRow
from checklist_app.store.audit import Operation, append
from checklist_app.store.models import (
    Case,
    CaseSummary,
    District,
    User,
)


@dataclass(frozen=True)
class CaseFilter:
    """`mine`: officer in charge or supervisor is the actor. `team`: the actor's team.
    `district`: a district id. `overdue`: at least one required step past due at `now`.
    `risk`: minimum current risk category. `status`: open, closed or all. `search`: reference or
    subject reference contains the text."""

    mine: bool = False
    team: bool = False
    district_id: int | None = None
    overdue: bool = False
    min_risk: int = 0
    status: str = "open"
    search: str = ""


def list_cases(ctx: ServiceContext, actor: Actor, flt: CaseFilter | None = None) -> list[CaseRow]:
    """The case list, newest referral first. Listing is a consultation and is audited once per call."""
    flt = flt or CaseFilter()
    query = _list_query(actor, flt, ctx.now()).order_by(Case.referral_at.desc(), Case.id.desc())
    return _listed(ctx, actor, flt, [query], first=False)


def first_cases(ctx: ServiceContext, actor: Actor, flt: CaseFilter, limit: int) -> list[CaseRow]:
    """The first `limit` rows of the list in the order the desktop list opens with (next due time first,
    none last, then reference), for showing them while the whole list loads. Audited as a consultation of
    those rows (its details say `first`), like any list."""
    base, due = _list_query(actor, flt, ctx.now()), CaseSummary.next_due_at
    # Cases with a due time by the due-time index, which stops after `limit` rows; then, only if they are
    # fewer, those without one (one query with "no due time last" in its order would sort every case).
    dated = base.where(due.is_not(None)).order_by(due, Case.reference).limit(limit)
    undated = base.where(due.is_(None)).order_by(Case.reference)
    return _listed(ctx, actor, flt, [dated, undated], first=True, limit=limit)


def _listed(
    ctx: ServiceContext,
    actor: Actor,
    flt: CaseFilter,
    queries: list[Select[*tuple[Any, ...]]],
    *,
    first: bool,
    limit: int | None = None,
) -> list[CaseRow]:
    """The rows of `queries` in turn (up to `limit` in all), with one audit entry for them all."""
    require(actor, Action.CASE_LIST)
    now = ctx.now()
    with ctx.db.write() as session:
        # Core rows, not ORM loading: the list can be 20,000 rows long.
        rows: list[Any] = []
        for query in queries:
            if limit is not None:
                if len(rows) >= limit:
                    break
                query = query.limit(limit - len(rows))
            rows += session.connection().execute(query).all()
        details: dict[str, Any] = {
            "filter": _filter_text(flt),
            "rows": len(rows),
            "cases": id_ranges(r[0] for r in rows),
        }
        if first:
            details["first"] = True
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="case.list",
            at=now,
            object_type="cases",
            details=details,
        )
        # The query's columns are CaseRow's fields in order, so each row becomes a CaseRow in C.
        return [CaseRow._make(r) for r in rows]


def id_ranges(ids: Iterable[int]) -> str:
    """Which cases a list showed, compactly: '3-7,12,20-21' (20,000 ids fit in a few kilobytes)."""
    ordered = sorted(set(ids))
    parts: list[str] = []
    start = prev = None
    for value in [*ordered, None]:
        if value is not None and prev is not None and value == prev + 1:
            prev = value
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = value
    return ",".join(parts)


def _list_query(actor: Actor, flt: CaseFilter, now: datetime) -> Select[*tuple[Any, ...]]:
    # Columns in CaseRow's field order (rows are built with CaseRow._make); the caller orders them.
    query = (
        select(
            Case.id,
            Case.reference,
            Case.status,
            Case.district_id,
            District.name.label("district_name"),
            Case.team_id,
            Case.officer_id,
            User.display_name.label("officer_name"),
            Case.supervisor_id,
            Case.subject_ref,
            Case.referral_at,
            CaseSummary.phase_number,
            CaseSummary.phase_title,
            CaseSummary.risk_category,
            CaseSummary.next_due_step,
            CaseSummary.next_due_title,
            CaseSummary.next_due_at,
            CaseSummary.open_due,
            CaseSummary.steps_required,
            CaseSummary.steps_done,
        )
        .join(District, District.id == Case.district_id)
        .join(CaseSummary, CaseSummary.case_id == Case.id)
        .outerjoin(User, User.id == Case.officer_id)
    )
    if scope_for(actor.role, Action.CASE_LIST) is Scope.DISTRICT:
        query = query.where(Case.district_id == actor.district_id)
    if flt.mine:
        query = query.where(or_(Case.officer_id == actor.user_id, Case.supervisor_id == actor.user_id))
    if flt.team:
        query = query.where(Case.team_id == actor.team_id)
    if flt.district_id is not None:
        query = query.where(Case.district_id == flt.district_id)
    if flt.status in ("open", "closed"):
        query = query.where(Case.status == flt.status)
    if flt.overdue:
        query = query.where(CaseSummary.next_due_at < now)
    if flt.min_risk:
        query = query.where(CaseSummary.risk_category >= flt.min_risk)
    if flt.search.strip():
        needle = f"%{flt.search.strip().upper()}%"
        query = query.where(or_(func.upper(Case.reference).like(needle), Case.subject_ref.like(needle)))
    return query


def _filter_text(flt: CaseFilter) -> str:
    parts = [f"status={flt.status}"]
    parts += [name for name in ("mine", "team", "overdue") if getattr(flt, name)]
    if flt.district_id is not None:
        parts.append(f"district={flt.district_id}")
    if flt.min_risk:
        parts.append(f"risk>={flt.min_risk}")
    if flt.search:
        parts.append(f"search={flt.search[:32]}")
    return ",".join(parts)
