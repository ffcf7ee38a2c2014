"""Opening a case: the new-case form, its checks, the people it is given to and its reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklist_app.core.facts import AGE_BANDS
from checklist_app.core.permissions import Action, Actor, CaseScope, require
from checklist_app.core.procedure.model import FactSource, FactType, Procedure, Role
from checklist_app.core.subjects import normalise_subject_ref, subject_ref_problem
from checklist_app.core.wording import PRIORITIES, REFERRAL_SOURCES
from checklist_app.services import case_state as cs
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.case_view import detail_of
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.services.procedures import find_version
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import (
    Case,
    District,
    User,
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
        refresh_summary(session, ctx, loaded, now)
        return detail_of(session, ctx, loaded, actor, now)


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
    problems.extend(fact_problems(procedure, form.facts))
    return problems


def fact_problems(procedure: Procedure, facts: dict[str, object]) -> list[FieldProblem]:
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
