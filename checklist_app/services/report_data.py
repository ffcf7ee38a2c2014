"""What the reports print, as plain data, and the audit entry that records each report as a disclosure.

A report is produced in two transactions: a read that gathers the figures together with the audit chain
head they were read at (printed on every page, so a paper copy can later be checked with
`checklist-app verify --anchor SEQ:HASH`), and, once the file is complete, a write that records the
disclosure: which report, its case or period, who, the chain head printed and the file's SHA-256. A report
that fails or is cancelled is therefore never recorded as disclosed, because it never left the program.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.audit_sampling import EARLIEST_YEAR
from checklist_app.core.permissions import Action, Actor, PermissionDenied, Scope, require, scope_for
from checklist_app.core.procedure.model import Role
from checklist_app.services import case_state as cs
from checklist_app.services.audit_dto import AuditForm
from checklist_app.services.case_view import detail_of
from checklist_app.services.compliance import gather
from checklist_app.services.compliance_agreement import hold_back_unagreed
from checklist_app.services.compliance_figures import ComplianceFigures, Period
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import InvalidInput, NotFound
from checklist_app.services.reviews import DirectedActionView, ReviewView
from checklist_app.services.signatures import SignatureView
from checklist_app.store import audit
from checklist_app.store.audit import Operation
from checklist_app.store.models import AuditEntry, Case, District, ProcedureVersion

# The newest entries of a case's audit trail a casework report prints; older ones are counted.
TRAIL_LIMIT = 400


@dataclass(frozen=True, slots=True)
class ReportStamp:
    """Printed on every page of a report."""

    report_id: str
    title: str
    subject: str  # the case reference, or the period and districts
    generated_by: str  # display name and user name
    generated_at: datetime
    chain_seq: int
    chain_hash: str

    @property
    def chain_head(self) -> str:
        return f"{self.chain_seq}:{self.chain_hash}"


@dataclass(frozen=True, slots=True)
class TrailEntry:
    seq: int
    occurred_at: datetime
    username: str
    operation: str
    action: str
    object_type: str
    object_id: int | None
    outcome: str


@dataclass(frozen=True, slots=True)
class CaseworkData:
    stamp: ReportStamp
    case: CaseDetail
    trail: tuple[TrailEntry, ...]  # oldest first, at most TRAIL_LIMIT
    trail_total: int  # every entry about the case, consultations included
    trail_consultations: int  # views and lists, counted, not listed
    reviews: tuple[ReviewView, ...] = ()  # newest first, with their directions
    actions: tuple[DirectedActionView, ...] = ()  # every directed action, open first
    signatures: tuple[SignatureView, ...] = ()  # oldest first, valid or superseded
    audits: tuple[AuditForm, ...] = ()  # case audits begun on the case, with findings and remedial actions


def is_command_line(actor: Actor) -> bool:
    """The operating-system user running the command line (see `context.system_actor`): whoever holds
    the database file or server credentials can read every case anyway, so reports are not refused to
    them; the disclosure entry names them."""
    return actor.user_id == 0 and actor.username.startswith("system:") and actor.role is Role.ADMINISTRATOR


def require_report(actor: Actor, action: Action, district_ids: tuple[int, ...] = ()) -> None:
    """Refuse unless the actor may produce this kind of report on all of these districts."""
    if is_command_line(actor):
        return
    require(actor, action)
    if scope_for(actor.role, action) is Scope.DISTRICT:
        others = [d for d in district_ids if d != actor.district_id]
        if others or not district_ids:
            raise PermissionDenied(actor, action, "supervisors report on their own district only")


def new_report_id(kind: str, now: datetime) -> str:
    return f"{kind[:2].upper()}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3).upper()}"


def generated_by(actor: Actor) -> str:
    return f"{actor.display_name} ({actor.username})"


def casework(ctx: ServiceContext, actor: Actor, reference: str) -> CaseworkData:
    """Everything a casework audit report prints about one case, read in one transaction."""
    now = ctx.now()
    reference = reference.strip().upper()
    with ctx.db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == reference))
        if case_id is None:
            raise NotFound(f"There is no case with reference {reference}.")
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        if not is_command_line(actor):
            require(actor, Action.REPORT_CASEWORK, cs.scope_of(case))
        loaded = cs.load_for(session, ctx, case)
        detail = detail_of(session, ctx, loaded, actor, now)
        trail, total, consultations = _trail(session, case_id)
        reviews, actions, signed = _supervision(session, ctx, case_id, now)
        audits = _audits(session, ctx, case_id, now)
        seq, head_hash = audit.head(session)
    stamp = ReportStamp(
        new_report_id("casework", now),
        "Casework audit report",
        reference,
        generated_by(actor),
        now,
        seq,
        head_hash,
    )
    return CaseworkData(stamp, detail, trail, total, consultations, reviews, actions, signed, audits)


def _audits(session: Session, ctx: ServiceContext, case_id: int, now: datetime) -> tuple[AuditForm, ...]:
    from checklist_app.services.audit_view import form_of
    from checklist_app.store.models import CaseAudit

    rows = session.scalars(
        select(CaseAudit).where(CaseAudit.case_id == case_id, CaseAudit.status != "pending").order_by(CaseAudit.id)
    ).all()
    return tuple(form_of(session, ctx, audit, now) for audit in rows)


def _supervision(
    session: Session, ctx: ServiceContext, case_id: int, now: datetime
) -> tuple[tuple[ReviewView, ...], tuple[DirectedActionView, ...], tuple[SignatureView, ...]]:
    """Reviews, directions and signatures as the supervision screens show them (the report's own
    disclosure entry covers reading them)."""
    from checklist_app.services import reviews as rv
    from checklist_app.services.signatures import _view as signature_view
    from checklist_app.services.signatures import signatures_on
    from checklist_app.store.models import DirectedAction, Signature, SupervisoryReview

    review_rows = session.scalars(
        select(SupervisoryReview)
        .where(SupervisoryReview.case_id == case_id)
        .order_by(SupervisoryReview.started_at.desc(), SupervisoryReview.id.desc())
    ).all()
    action_rows = list(session.scalars(select(DirectedAction).where(DirectedAction.case_id == case_id)))
    action_rows.sort(key=lambda a: (a.status != "open", a.due_at, a.id))
    sig_rows = session.scalars(
        select(Signature).where(Signature.case_id == case_id).order_by(Signature.signed_at, Signature.id)
    ).all()
    by_type: dict[str, set[int]] = {}
    for sig in sig_rows:
        by_type.setdefault(sig.object_type, set()).add(sig.object_id)
    states = {}
    for object_type, ids in by_type.items():
        for views in signatures_on(session, object_type, ids).values():
            states.update({v.id: v.state for v in views})
    return (
        tuple(rv._view(session, ctx, r, now) for r in review_rows),
        tuple(rv._action_views(session, action_rows, now)),
        tuple(signature_view(sig, states[sig.id]) for sig in sig_rows),
    )


def _trail(session: Session, case_id: int) -> tuple[tuple[TrailEntry, ...], int, int]:
    from sqlalchemy import case as sql_case
    from sqlalchemy import func

    total, consultations = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(sql_case((AuditEntry.operation == Operation.CONSULTATION.value, 1), else_=0)), 0),
        ).where(AuditEntry.case_id == case_id)
    ).one()
    rows = session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.occurred_at,
            AuditEntry.username,
            AuditEntry.operation,
            AuditEntry.action,
            AuditEntry.object_type,
            AuditEntry.object_id,
            AuditEntry.outcome,
        )
        .where(AuditEntry.case_id == case_id, AuditEntry.operation != Operation.CONSULTATION.value)
        .order_by(AuditEntry.seq.desc())
        .limit(TRAIL_LIMIT)
    ).all()
    return tuple(TrailEntry(*r) for r in reversed(rows)), int(total), int(consultations)


def record_disclosure(
    ctx: ServiceContext,
    actor: Actor,
    stamp: ReportStamp,
    *,
    kind: str,
    scope: dict[str, object],
    pages: int,
    sha256: str,
    destination: str,
) -> None:
    """Audit a finished report as a disclosure (DPA 2018 s.62): the report, its scope, who, and how to
    match a paper copy to it."""
    with ctx.db.write() as session:
        case_id = None
        if kind == "casework":
            case_id = session.scalar(select(Case.id).where(Case.reference == stamp.subject))
        audit.append(
            session,
            who(actor),
            operation=Operation.DISCLOSURE,
            action=f"report.{kind}",
            at=ctx.now(),
            object_type="cases" if case_id else "reports",
            object_id=case_id,
            case_id=case_id,
            details={
                "report_id": stamp.report_id,
                "report": stamp.title,
                **scope,
                "chain_head_printed": stamp.chain_head,
                "pages": pages,
                "sha256": sha256,
                "destination": destination,
            },
        )


RELEASES = {"saved": "saved as a file", "printed": "sent to a printer", "csv": "tables exported as CSV"}


def record_release(
    ctx: ServiceContext,
    actor: Actor,
    stamp: ReportStamp,
    *,
    kind: str,
    how: str,
    destination: str,
    sha256: str = "",
) -> None:
    """Audit a report generated in the app leaving it afterwards (saved, printed, exported): the generation
    entry says only that it was previewed, and a copy on disk or paper is a further disclosure."""
    if how not in RELEASES:
        raise InvalidInput(f"Unknown way for a report to leave the app: {how!r}.")
    action = Action.REPORT_CASEWORK if kind == "casework" else Action.REPORT_COMPLIANCE
    with ctx.db.write() as session:
        case_id = None
        if kind == "casework":
            case_id = session.scalar(select(Case.id).where(Case.reference == stamp.subject))
            if case_id is None:
                raise NotFound(f"There is no case with reference {stamp.subject}.")
            if not is_command_line(actor):
                require(actor, action, cs.scope_of(cs.get_case(session, case_id, ctx=ctx, actor=actor)))
        elif not is_command_line(actor):
            require(actor, action)
        audit.append(
            session,
            who(actor),
            operation=Operation.DISCLOSURE,
            action=f"report.{kind}.{how}",
            at=ctx.now(),
            object_type="cases" if case_id else "reports",
            object_id=case_id,
            case_id=case_id,
            details={
                "report_id": stamp.report_id,
                "report": stamp.title,
                "subject": stamp.subject,
                "released": RELEASES[how],
                "destination": destination,
                **({"sha256": sha256} if sha256 else {}),
            },
        )


def district_ids_by_name(ctx: ServiceContext, names: list[str]) -> tuple[tuple[int, str], ...]:
    """The districts named (by name or code, any case), in the order given; all districts if none.
    Unknown names are refused with the list of known ones."""
    with ctx.db.read() as session:
        rows = session.execute(select(District.id, District.code, District.name).order_by(District.name)).all()
    if not names:
        return tuple((r.id, r.name) for r in rows)
    known = {**{r.name.lower(): r for r in rows}, **{r.code.lower(): r for r in rows}}
    chosen: list[tuple[int, str]] = []
    unknown = []
    for name in names:
        row = known.get(name.strip().lower())
        if row is None:
            unknown.append(name)
        elif (row.id, row.name) not in chosen:
            chosen.append((row.id, row.name))
    if unknown:
        listed = ", ".join(r.name for r in rows) or "none"
        raise InvalidInput(f"Unknown district {', '.join(repr(u) for u in unknown)}; the districts are: {listed}.")
    return tuple(chosen)


def check_period(start: date, end: date, today: date) -> None:
    if end < start:
        raise InvalidInput(f"The period ends ({end:%d %B %Y}) before it starts ({start:%d %B %Y}).")
    if start > today:
        raise InvalidInput(f"The period starts in the future ({start:%d %B %Y}).")
    if start.year < EARLIEST_YEAR:  # also keeps the day-before arithmetic of the figures inside the calendar
        raise InvalidInput(f"The period starts before {EARLIEST_YEAR}; no case records are that old.")
    if (end - start).days > 366 * 5:
        raise InvalidInput("The period is longer than five years; choose a shorter one.")


@dataclass(frozen=True, slots=True)
class ComplianceData:
    stamp: ReportStamp
    figures: ComplianceFigures
    procedure_label: str  # whose settings (targets, workload weights) the figures use


def compliance(
    ctx: ServiceContext, actor: Actor, start: date, end: date, district_names: list[str] | None = None
) -> ComplianceData:
    """The compliance figures for a period and districts (all if none named), read in one transaction."""
    now = ctx.now()
    check_period(start, end, now.date())
    districts = district_ids_by_name(ctx, list(district_names or []))
    if not district_names and scope_for(actor.role, Action.REPORT_COMPLIANCE) is Scope.DISTRICT:
        districts = tuple(d for d in districts if d[0] == actor.district_id)
    require_report(actor, Action.REPORT_COMPLIANCE, tuple(d for d, _ in districts))
    period = Period(start, end)
    with ctx.db.read() as session:
        # The settings (targets, workload weights) of the most recently published procedure version.
        version_id = session.scalar(select(ProcedureVersion.id).order_by(ProcedureVersion.id.desc()).limit(1))
        if version_id is None:
            raise NotFound("No procedure has been published. Publish one with `checklist-app sop publish FILE`.")
        procedure = ctx.procedure(session, version_id)
        figures = gather(session, procedure, ctx.calendar, period, districts, now)
        hold_back_unagreed(session, ctx, figures, districts)
        seq, head_hash = audit.head(session)
    names = ", ".join(n for _, n in districts)
    stamp = ReportStamp(
        new_report_id("compliance", now),
        "Compliance report",
        f"{start:%d %b %Y} to {end:%d %b %Y}: {names}",
        generated_by(actor),
        now,
        seq,
        head_hash,
    )
    return ComplianceData(stamp, figures, procedure.label)
