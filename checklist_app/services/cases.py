"""Case use cases: open, view, list, change facts and people, record events, and move to another procedure
version. Closing, reopening and reassigning with a reason are in services/closure.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from checklist_app.core.facts import AGE_BANDS
from checklist_app.core.permissions import Action, Actor, CaseScope, Scope, require, scope_for
from checklist_app.core.procedure.diff import diff_procedures
from checklist_app.core.procedure.model import FactSource, FactType, Procedure, Role
from checklist_app.core.readable import readable_procedure
from checklist_app.core.subjects import normalise_subject_ref, subject_ref_problem
from checklist_app.core.wording import PRIORITIES, REFERRAL_SOURCES
from checklist_app.services import case_state as cs
from checklist_app.services import risk as risk_service
from checklist_app.services import signatures, views
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import CaseDetail, CaseRow, VersionMove
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.procedures import find_version
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.audit import Operation, append, record
from checklist_app.store.models import (
    Case,
    CaseEvent,
    CaseSummary,
    Decision,
    District,
    IntelligenceItem,
    ProcedureVersion,
    RiskAssessment,
    StepRecord,
    Team,
    User,
    object_type_of,
)


@dataclass
class NewCase:
    district_code: str
    referral_at: datetime
    referral_source: str
    subject_ref: str
    age_band: str | None = None
    date_of_birth: date | None = None
    circumstances: str = ""
    priority: str = "medium"
    facts: dict[str, object] = field(default_factory=dict)
    officer_id: int | None = None  # default: the actor if an investigator
    supervisor_id: int | None = None  # default: the actor if a supervisor
    procedure_id: str = "cse-sop"
    procedure_version: str | None = None  # default: the latest published


# --- opening ----------------------------------------------------------------------------------------


def open_case(ctx: ServiceContext, actor: Actor, form: NewCase) -> CaseDetail:
    now = ctx.now()
    with ctx.db.write() as session:
        district = session.scalar(select(District).where(District.code == form.district_code.upper()))
        version = find_version(session, form.procedure_id, form.procedure_version)
        procedure = ctx.procedure(session, version.id)
        problems = _new_case_problems(form, procedure, now, district)
        if problems:
            raise InvalidInput(problems)
        assert district is not None
        officer_id, supervisor_id = _people(session, actor, form, district.id)
        scope = CaseScope(district.id, actor.team_id, officer_id, supervisor_id)
        require(actor, Action.CASE_OPEN, scope)
        if actor.district_id is not None and district.id != actor.district_id:
            raise InvalidInput([FieldProblem("district", "District", "you can open cases only in your own district")])
        case = Case(
            reference=_next_reference(session, district, now),
            district_id=district.id,
            team_id=actor.team_id,
            procedure_version_id=version.id,
            referral_at=form.referral_at,
            referral_source=form.referral_source,
            subject_ref=normalise_subject_ref(form.subject_ref),
            date_of_birth=form.date_of_birth,
            age_band=form.age_band or None,
            circumstances=form.circumstances.strip(),
            facts=_clean_facts(procedure, form.facts),
            priority=form.priority,
            officer_id=officer_id,
            supervisor_id=supervisor_id,
            status="open",
            opened_at=now,
            opened_by=actor.user_id or None,
            closed_at=None,
            closure_reason="",
        )
        session.add(case)
        session.flush()
        record(
            session,
            who(actor),
            case,
            operation=Operation.COLLECTION,
            action="case.open",
            at=now,
            case_id=case.id,
            details={"procedure": procedure.label},
        )
        loaded = cs.load_for(session, ctx, case)
        cs.refresh_summary(session, ctx, loaded, now)
        return _detail(session, ctx, loaded, actor, now)


def _new_case_problems(
    form: NewCase, procedure: Procedure, now: datetime, district: District | None
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if district is None:
        problems.append(FieldProblem("district", "District", f"{form.district_code!r} is not a district"))
    if form.referral_at.tzinfo is None:
        problems.append(FieldProblem("referral_at", "Referral date and time", "must include the time zone"))
    elif form.referral_at > now:
        problems.append(FieldProblem("referral_at", "Referral date and time", "is in the future"))
    if form.referral_source not in REFERRAL_SOURCES:
        problems.append(
            FieldProblem("referral_source", "Referral source", f"must be one of: {', '.join(REFERRAL_SOURCES)}")
        )
    ref_problem = subject_ref_problem(form.subject_ref)
    if ref_problem is not None:  # the same rule, and words, as the new-case wizard
        problems.append(FieldProblem("subject_ref", "Subject reference", ref_problem))
    if form.age_band and form.age_band not in AGE_BANDS:
        problems.append(FieldProblem("age_band", "Age band", f"must be one of: {', '.join(AGE_BANDS)}"))
    if (
        form.date_of_birth is not None
        and form.referral_at.tzinfo is not None
        and form.date_of_birth > form.referral_at.date()
    ):
        problems.append(FieldProblem("date_of_birth", "Date of birth", "is after the referral"))
    if not form.age_band and form.date_of_birth is None:
        problems.append(FieldProblem("age_band", "Age band", "give an age band or a date of birth"))
    if form.priority not in PRIORITIES:
        problems.append(FieldProblem("priority", "Priority", "must be high, medium or low"))
    problems.extend(_fact_problems(procedure, form.facts))
    return problems


def _fact_problems(procedure: Procedure, facts: dict[str, object]) -> list[FieldProblem]:
    problems = []
    declared = procedure.fact_map()
    for key, value in facts.items():
        fact = declared.get(key)
        if fact is None or fact.source is not FactSource.CASE:
            problems.append(FieldProblem(key, key, "is not a fact users record in this procedure"))
        elif value is None:
            continue
        elif fact.type is FactType.YESNO and not isinstance(value, bool):
            problems.append(FieldProblem(key, fact.title, "must be yes or no"))
        elif fact.type is FactType.CHOICE and value not in fact.choices:
            problems.append(FieldProblem(key, fact.title, f"must be one of: {', '.join(fact.choices)}"))
        elif fact.type is FactType.NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(FieldProblem(key, fact.title, "must be a number"))
    return problems


def _clean_facts(procedure: Procedure, facts: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in facts.items() if v is not None and k in procedure.fact_map()}


def _people(session: Session, actor: Actor, form: NewCase, district_id: int) -> tuple[int | None, int | None]:
    officer_id = form.officer_id
    supervisor_id = form.supervisor_id
    if officer_id is None and actor.role is Role.INVESTIGATOR:
        officer_id = actor.user_id
    if supervisor_id is None and actor.role is Role.SUPERVISOR:
        supervisor_id = actor.user_id
    if supervisor_id is None and actor.team_id is not None:
        supervisor_id = session.scalar(
            select(User.id)
            .where(User.team_id == actor.team_id, User.role == Role.SUPERVISOR.value, User.active)
            .order_by(User.id)
        )
    for user_id, role, label in (
        (officer_id, Role.INVESTIGATOR, "Officer in charge"),
        (supervisor_id, Role.SUPERVISOR, "Supervisor"),
    ):
        if user_id is None:
            continue
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise InvalidInput([FieldProblem("officer", label, "is not an active user")])
        if user.role not in (role.value, Role.SUPERVISOR.value):
            raise InvalidInput([FieldProblem("officer", label, f"must be a {role.value}")])
    return officer_id, supervisor_id


def _next_reference(session: Session, district: District, now: datetime) -> str:
    prefix = f"CSE-{district.code}-{now.year}-"
    last = session.scalar(select(func.max(Case.reference)).where(Case.reference.like(prefix + "%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


# --- reading ----------------------------------------------------------------------------------------


def case_detail(ctx: ServiceContext, actor: Actor, case_id: int, *, reason: str = "") -> CaseDetail:
    """Everything about one case. Viewing is a consultation and is audited (DPA 2018 s.62)."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_VIEW)
        details = {"reason": reason} if reason else None
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.CONSULTATION,
            action="case.view",
            at=now,
            case_id=case_id,
            details=details,
        )
        return _detail(session, ctx, loaded, actor, now)


def _detail(session: Session, ctx: ServiceContext, loaded: cs.LoadedCase, actor: Actor, now: datetime) -> CaseDetail:
    case, procedure = loaded.case, loaded.procedure
    schedule = cs.schedule_of(ctx, loaded, now)
    decisions = list(
        session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.decided_at.desc()))
    )
    intel = list(
        session.scalars(
            select(IntelligenceItem)
            .where(IntelligenceItem.case_id == case.id)
            .order_by(IntelligenceItem.submitted_at.desc())
        )
    )
    ids = [
        case.officer_id,
        case.supervisor_id,
        *(r.completed_by for r in loaded.records.values()),
        *(e.recorded_by for e in loaded.events),
        *(d.author_id for d in decisions),
        *(x for i in intel for x in (i.submitted_by, i.routed_to, i.assessed_by, i.actioned_by)),
        *(x for a in loaded.risk for x in (a.assessor_id, a.countersigned_by)),
        *(m.recorded_by for m in loaded.missing),
    ]
    names = views.user_names(session, ids)
    district = session.get(District, case.district_id)
    team = session.get(Team, case.team_id) if case.team_id else None
    version = session.get(ProcedureVersion, case.procedure_version_id)
    facts, derived = views.facts_for_view(loaded)
    signed = signatures.signatures_on(session, object_type_of(RiskAssessment), [a.id for a in loaded.risk])
    risk = tuple(views.risk_view(procedure, a, names, signed.get(a.id, [])) for a in loaded.risk)
    review_due, review_waiting = risk_service.next_review_due(schedule, loaded.risk[0] if loaded.risk else None)
    awaiting = awaiting_agreement(session, loaded)
    return CaseDetail(
        id=case.id,
        reference=case.reference,
        status=case.status,
        district_id=case.district_id,
        district_name=district.name if district else "",
        team_id=case.team_id,
        team_name=team.name if team else "",
        officer_id=case.officer_id,
        officer_name=names.get(case.officer_id or 0, ""),
        supervisor_id=case.supervisor_id,
        supervisor_name=names.get(case.supervisor_id or 0, ""),
        referral_at=case.referral_at,
        referral_source=case.referral_source,
        subject_ref=case.subject_ref,
        date_of_birth=case.date_of_birth,
        age_band=case.age_band or "",
        circumstances=case.circumstances,
        priority=case.priority,
        facts=facts,
        derived_facts=derived,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        closure_reason=case.closure_reason,
        procedure_version_id=case.procedure_version_id,
        procedure_label=f"{version.procedure_id} v{version.version}" if version else "",
        phases=views.phase_views(procedure, schedule, awaiting),
        steps=views.step_views(loaded, schedule, names, actor, awaiting),
        events=views.event_views(loaded, names),
        decisions=tuple(views.decision_view(d, names) for d in decisions),
        intelligence=tuple(views.intelligence_view(ctx, procedure, i, names, now) for i in intel),
        risk_assessments=risk,
        missing_episodes=tuple(views.missing_view(m, names, now) for m in loaded.missing),
        as_of=now,
        viewer_may_edit=_may_edit(actor, case),
        viewer_role=actor.role.value,
        risk_review_due=review_due,
        risk_review_waiting=review_waiting,
        manual_events=tuple((e.id, e.title) for e in procedure.events if e.source == "manual"),
        newer_version=_newer_version(session, version),
    )


def _newer_version(session: Session, current: ProcedureVersion | None) -> str:
    if current is None:
        return ""
    latest = find_version(session, current.procedure_id)
    return latest.version if latest.id > current.id else ""


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


def _may_edit(actor: Actor, case: Case) -> bool:
    from checklist_app.core.permissions import allowed

    return case.status == "open" and allowed(actor, Action.STEP_RECORD, cs.scope_of(case))


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
    require(actor, Action.CASE_LIST)
    now = ctx.now()
    with ctx.db.write() as session:
        query = _list_query(actor, flt, now)
        # Core rows, not ORM loading: the list can be 20,000 rows long.
        rows = session.connection().execute(query).all()
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="case.list",
            at=now,
            object_type="cases",
            details={"filter": _filter_text(flt), "rows": len(rows), "cases": id_ranges(r[0] for r in rows)},
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


def _list_query(actor: Actor, flt: CaseFilter, now: datetime) -> Select:
    # Columns in CaseRow's field order (list_cases builds rows with CaseRow._make).
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
        .order_by(Case.referral_at.desc(), Case.id.desc())
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


# --- changing ---------------------------------------------------------------------------------------


def update_facts(ctx: ServiceContext, actor: Actor, case_id: int, facts: dict[str, object]) -> None:
    """Set case facts (the answers step conditions test). A value of None clears a fact."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.CASE_EDIT)
        cs.require_open(loaded.case)
        problems = _fact_problems(loaded.procedure, facts)
        if problems:
            raise InvalidInput(problems)
        merged = {**loaded.case.facts, **facts}
        loaded.case.facts = {k: v for k, v in merged.items() if v is not None}
        record(
            session,
            who(actor),
            loaded.case,
            operation=Operation.ALTERATION,
            action="case.facts",
            at=now,
            case_id=case_id,
            details={"changed": sorted(facts)},
        )
        cs.refresh_summary(session, ctx, loaded, now)


def reassign(
    ctx: ServiceContext,
    actor: Actor,
    case_id: int,
    *,
    officer_id: int | None = None,
    supervisor_id: int | None = None,
    reason: str,
) -> None:
    now = ctx.now()
    if not reason.strip():
        raise InvalidInput([FieldProblem("reason", "Reason", "is required to reassign a case")])
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id)
        require(actor, Action.CASE_REASSIGN, cs.scope_of(case))
        cs.require_open(case)
        for user_id, role in ((officer_id, Role.INVESTIGATOR), (supervisor_id, Role.SUPERVISOR)):
            if user_id is None:
                continue
            user = session.get(User, user_id)
            if user is None or not user.active or user.role not in (role.value, Role.SUPERVISOR.value):
                raise InvalidInput([FieldProblem("officer", "Officer", f"user {user_id} cannot take this role")])
        if officer_id is not None:
            case.officer_id = officer_id
        if supervisor_id is not None:
            case.supervisor_id = supervisor_id
        record(
            session,
            who(actor),
            case,
            operation=Operation.ALTERATION,
            action="case.reassign",
            at=now,
            case_id=case_id,
            details={"reason": reason.strip()},
        )


def record_event(
    ctx: ServiceContext, actor: Actor, case_id: int, event_type: str, occurred_at: datetime, note: str = ""
) -> None:
    """Record a manual case event (e.g. trial date fixed); deadlines anchored on it start counting."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.EVENT_RECORD)
        cs.require_open(loaded.case)
        event = loaded.procedure.event_map().get(event_type)
        if event is None or event.source != "manual":
            choices = ", ".join(e.id for e in loaded.procedure.events if e.source == "manual")
            raise InvalidInput(
                [FieldProblem("event", "Event", f"{event_type!r} cannot be recorded by hand; choose one of: {choices}")]
            )
        _check_time(occurred_at, now, loaded.case.referral_at, "Event time")
        row = CaseEvent(
            case_id=case_id,
            event_type=event_type,
            occurred_at=occurred_at,
            recorded_at=now,
            recorded_by=actor.user_id or None,
            source="manual",
            note=note.strip(),
        )
        session.add(row)
        record(session, who(actor), row, operation=Operation.COLLECTION, action="event.record", at=now, case_id=case_id)
        loaded.events.append(row)
        cs.refresh_summary(session, ctx, loaded, now)


def _check_time(moment: datetime, now: datetime, referral_at: datetime, label: str) -> None:
    if moment.tzinfo is None:
        raise InvalidInput([FieldProblem("time", label, "must include the time zone")])
    if moment > now:
        raise InvalidInput([FieldProblem("time", label, "is in the future")])


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
        cs.refresh_summary(session, ctx, loaded, now)
        return move


def case_id_by_reference(ctx: ServiceContext, actor: Actor, reference: str) -> int:
    """The id of the case with this reference, if the signed-in actor may see it (audited)."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
        if case is None:
            raise NotFound(f"No case {reference.strip()[:40]!r}.")
        cs.authorise(session, ctx, actor, Action.CASE_VIEW, case)
        record(
            session, who(actor), case, operation=Operation.CONSULTATION, action="case.lookup", at=now, case_id=case.id
        )
        return int(case.id)


def step_record_count(ctx: ServiceContext, case_id: int) -> int:
    with ctx.db.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(StepRecord).where(StepRecord.case_id == case_id)) or 0
        )


def case_procedure(ctx: ServiceContext, actor: Actor, case_id: int) -> Procedure:
    """The procedure version a case is pinned to (plain, immutable data: steps, risk tool, facts), worded
    for display: its texts name events, facts and settings by title, never by internal id."""
    with ctx.db.read() as session:
        case = cs.get_case(session, case_id)
        cs.authorise(session, ctx, actor, Action.CASE_VIEW, case)
        return readable_procedure(ctx.procedure(session, case.procedure_version_id))
