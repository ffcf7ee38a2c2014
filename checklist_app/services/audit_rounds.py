"""Audit rounds: the frame of cases for a period and districts, independence, and the stratified draw.

The frame and the set-aside cases are kept on the round as they stood when it was created, and the draw
(core/audit_sampling.py) is a pure function of that frame, the size and the seed: `sample_round` with the
recorded seed redraws it and checks it still gives the recorded cases.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checklist_app.core import audit_sampling as sampling
from checklist_app.core.audit_independence import Involvement, SkipReason, conflict
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.services.audit_dto import (
    RoundDetail,
    RoundSummary,
    SampleCheck,
    SampledCase,
    SkippedCase,
    StratumView,
)
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.procedures import find_version
from checklist_app.store.audit import Operation, append, record
from checklist_app.store.models import (
    AUDIT_MODELS,
    AuditAddendum,
    AuditEntry,
    AuditModeration,
    AuditRound,
    Case,
    CaseAudit,
    CaseSummary,
    District,
    ProcedureVersion,
    Signature,
    User,
    object_type_of,
)

MAX_SAMPLE = sampling.MAX_SAMPLE_SIZE
_CHUNK = 2000
# Writing an audit record is not a hand in the case: only changes to the case's own records count. A
# signature always comes with the change it signs, which has its own entry, so signatures are left out too
# (else an auditor's own sign-off would make them a writer).
_AUDIT_TABLES = (*(object_type_of(m) for m in AUDIT_MODELS), object_type_of(Signature))


def new_seed() -> int:
    """A fresh seed for a round whose auditor did not choose one; recorded, so it is no less repeatable."""
    return secrets.randbelow(10**9)


def create_round(
    ctx: ServiceContext,
    actor: Actor,
    *,
    period: str,
    districts: Sequence[str] = (),
    sample_size: int | None = None,
    seed: int | None = None,
    procedure_id: str | None = None,
) -> RoundDetail:
    """Record a round for `actor` to audit: its frame (every case open on any day of the period in the
    districts, all districts if none given), the cases set aside for independence with the reason, and,
    if `seed` is given, the draw."""
    require(actor, Action.AUDIT_ROUND_MANAGE)
    now = ctx.now()
    problems: list[FieldProblem] = []
    try:
        parsed = sampling.parse_period(period)
    except sampling.SamplingError as exc:
        problems.append(FieldProblem("period", "Period", str(exc)))
        parsed = None
    if sample_size is not None and not 1 <= sample_size <= MAX_SAMPLE:
        problems.append(FieldProblem("sample_size", "Sample size", f"must be a whole number from 1 to {MAX_SAMPLE}"))
    if seed is not None and not 0 <= seed <= sampling.MAX_SEED:
        problems.append(FieldProblem("seed", "Seed", f"must be a whole number from 0 to {sampling.MAX_SEED}"))
    with ctx.db.write() as session:
        known = {d.code: d for d in session.scalars(select(District))}
        wanted = sorted({d.strip().upper() for d in districts if d.strip()}) or sorted(known)
        unknown = [d for d in wanted if d not in known]
        if unknown:
            problems.append(
                FieldProblem(
                    "districts", "Districts", f"unknown {', '.join(unknown)}; known: {', '.join(sorted(known))}"
                )
            )
        if problems:
            raise InvalidInput(problems)
        assert parsed is not None
        version = _procedure_version(session, procedure_id)
        settings = ctx.procedure(session, version.id).settings
        size = sample_size if sample_size is not None else settings.audit_sample_size
        auditor = session.get(User, actor.user_id)
        team_id = auditor.team_id if auditor else actor.team_id
        eligible, skipped = _frame(
            session, parsed, [known[c].id for c in wanted], actor.user_id, team_id, settings.audit_block_team
        )
        if size > len(eligible):
            raise InvalidInput(
                [
                    FieldProblem(
                        "sample_size",
                        "Sample size",
                        f"{size} is larger than the frame: {len(eligible)} eligible case(s) in {parsed.label} "
                        f"({len(skipped)} set aside for independence)",
                    )
                ]
            )
        row = AuditRound(
            period=parsed.label,
            period_first=parsed.first,
            period_last=parsed.last,
            districts=wanted,
            sample_size=size,
            seed=None,
            auditor_id=actor.user_id,
            procedure_version_id=version.id,
            created_at=now,
            created_by=actor.user_id or None,
            frame=[[c.case_id, c.reference, c.district, c.risk_category] for c in eligible],
            skipped=[[case_id, reference, reason.value] for case_id, reference, reason in skipped],
            allocations=[],
            sampled=[],
            moderation=[],
            drawn_at=None,
        )
        session.add(row)
        record(session, who(actor), row, operation=Operation.COLLECTION, action="audit_round.create", at=now)
        if seed is not None:
            _draw(session, ctx, actor, row, seed, now)
        return _detail(session, ctx, row)


def sample_round(ctx: ServiceContext, actor: Actor, round_id: int, seed: int) -> SampleCheck:
    """Draw the round's sample with `seed`, or, if it is already drawn, redraw it from the kept frame with
    the recorded seed and say whether it gives the recorded cases. A round is drawn once."""
    require(actor, Action.AUDIT_ROUND_MANAGE)
    if not 0 <= seed <= sampling.MAX_SEED:
        raise InvalidInput([FieldProblem("seed", "Seed", f"must be a whole number from 0 to {sampling.MAX_SEED}")])
    now = ctx.now()
    with ctx.db.write() as session:
        row = _round(session, round_id)
        if row.seed is None:
            _draw(session, ctx, actor, row, seed, now)
            return SampleCheck(_detail(session, ctx, row), newly_drawn=True, matches=True)
        if row.seed != seed:
            raise Conflict(
                f"Audit round {round_id} was drawn with seed {row.seed}; a round is drawn once. "
                f"Give --seed {row.seed} to redraw it and check."
            )
        redrawn = sampling.draw(_frame_cases(row), row.sample_size, seed)
        matches = [c.case_id for c in redrawn.sampled] == list(row.sampled)
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="audit_round.redraw",
            at=now,
            object_type=object_type_of(AuditRound),
            object_id=row.id,
            details={"seed": seed, "matches": matches},
        )
        return SampleCheck(_detail(session, ctx, row), newly_drawn=False, matches=matches)


def list_rounds(ctx: ServiceContext, actor: Actor) -> list[RoundSummary]:
    require(actor, Action.AUDIT_ROUND_VIEW)
    now = ctx.now()
    with ctx.db.write() as session:
        rows = list(session.scalars(select(AuditRound).order_by(AuditRound.created_at.desc(), AuditRound.id.desc())))
        signed = _signed_counts(session, [r.id for r in rows])
        names = _names(session, [r.auditor_id for r in rows])
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="audit_round.list",
            at=now,
            object_type=object_type_of(AuditRound),
            details={"count": len(rows)},
        )
        return [_summary(r, names, signed.get(r.id, 0)) for r in rows]


def round_detail(ctx: ServiceContext, actor: Actor, round_id: int) -> RoundDetail:
    require(actor, Action.AUDIT_ROUND_VIEW)
    now = ctx.now()
    with ctx.db.write() as session:
        row = _round(session, round_id)
        record(session, who(actor), row, operation=Operation.CONSULTATION, action="audit_round.view", at=now)
        return _detail(session, ctx, row)


def _procedure_version(session: Session, procedure_id: str | None) -> ProcedureVersion:
    """The named procedure's latest version, or the latest published of any: its template and settings."""
    if procedure_id is not None:
        return find_version(session, procedure_id, None)
    latest = session.scalars(select(ProcedureVersion).order_by(ProcedureVersion.id.desc())).first()
    if latest is None:
        raise NotFound("No procedure is published yet. Publish one with `checklist-app sop publish FILE`.")
    return latest


# --- the frame ----------------------------------------------------------------------------------------


def _frame(
    session: Session,
    period: sampling.Period,
    district_ids: list[int],
    auditor_id: int,
    auditor_team_id: int | None,
    block_team: bool,
) -> tuple[list[sampling.FrameCase], list[tuple[int, str, SkipReason]]]:
    start = datetime.combine(period.first, time(), tzinfo=UTC)
    end = datetime.combine(period.last + timedelta(days=1), time(), tzinfo=UTC)
    rows = session.execute(
        select(
            Case.id,
            Case.reference,
            District.code,
            func.coalesce(CaseSummary.risk_category, 0),
            Case.officer_id,
            Case.supervisor_id,
            Case.team_id,
        )
        .join(District, District.id == Case.district_id)
        .outerjoin(CaseSummary, CaseSummary.case_id == Case.id)
        .where(
            Case.district_id.in_(district_ids),
            Case.opened_at < end,
            (Case.closed_at.is_(None)) | (Case.closed_at >= start),
        )
        .order_by(Case.reference)
    ).all()
    writers = _writers(session, [r[0] for r in rows])
    eligible: list[sampling.FrameCase] = []
    skipped: list[tuple[int, str, SkipReason]] = []
    for case_id, reference, district, risk, officer_id, supervisor_id, team_id in rows:
        involvement = Involvement(officer_id, supervisor_id, team_id, writers.get(case_id, frozenset()))
        reason = conflict(auditor_id, auditor_team_id, involvement, block_team)
        if reason is None:
            eligible.append(sampling.FrameCase(case_id, reference, district, int(risk)))
        else:
            skipped.append((case_id, reference, reason))
    return eligible, skipped


def _writers(session: Session, case_ids: list[int]) -> dict[int, frozenset[int]]:
    """Everyone the audit trail shows changing each case's records (reads are not changes)."""
    found: dict[int, set[int]] = {}
    for i in range(0, len(case_ids), _CHUNK):
        chunk = case_ids[i : i + _CHUNK]
        rows = session.execute(
            select(AuditEntry.case_id, AuditEntry.user_id)
            .where(
                AuditEntry.case_id.in_(chunk),
                AuditEntry.operation != Operation.CONSULTATION.value,
                AuditEntry.user_id.is_not(None),
                AuditEntry.object_type.not_in(_AUDIT_TABLES),
            )
            .distinct()
        )
        for case_id, user_id in rows:
            if case_id is not None and user_id is not None:  # always, given the filter
                found.setdefault(case_id, set()).add(user_id)
    return {k: frozenset(v) for k, v in found.items()}


def case_writers(session: Session, case_id: int) -> frozenset[int]:
    return _writers(session, [case_id]).get(case_id, frozenset())


def _frame_cases(row: AuditRound) -> list[sampling.FrameCase]:
    return [sampling.FrameCase(int(c[0]), str(c[1]), str(c[2]), int(c[3])) for c in row.frame]


def _draw(session: Session, ctx: ServiceContext, actor: Actor, row: AuditRound, seed: int, now: datetime) -> None:
    try:
        result = sampling.draw(_frame_cases(row), row.sample_size, seed)
    except sampling.SamplingError as exc:
        raise InvalidInput([FieldProblem("sample_size", "Sample size", str(exc))]) from None
    settings = ctx.procedure(session, row.procedure_version_id).settings
    sampled = [c.case_id for c in result.sampled]
    row.seed = seed
    row.allocations = [
        [a.stratum.district, a.stratum.risk_category, a.population, a.places] for a in result.allocations
    ]
    row.sampled = sampled
    row.moderation = list(sampling.choose_for_moderation(sampled, settings.audit_moderation_rate, seed))
    row.drawn_at = now
    record(
        session,
        who(actor),
        row,
        operation=Operation.ALTERATION,
        action="audit_round.draw",
        at=now,
        details={"seed": seed},
    )
    template = ctx.procedure(session, row.procedure_version_id).audit_template
    for case_id in sampled:
        audit = CaseAudit(
            round_id=row.id,
            case_id=case_id,
            auditor_id=row.auditor_id,
            template_id=template.id,
            template_version=template.version,
            grades={},
            comments={},
            overall_grade="",
            rationale="",
            score="",
            status="pending",
            updated_at=now,
            signed_at=None,
        )
        session.add(audit)
        record(
            session,
            who(actor),
            audit,
            operation=Operation.COLLECTION,
            action="case_audit.create",
            at=now,
            case_id=case_id,
        )


# --- views --------------------------------------------------------------------------------------------


def _round(session: Session, round_id: int) -> AuditRound:
    row = session.get(AuditRound, round_id)
    if row is None:
        raise NotFound(f"There is no audit round {round_id}.")
    return row


def _names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {r[0]: r[1] for r in session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))}


def _signed_counts(session: Session, round_ids: list[int]) -> dict[int, int]:
    if not round_ids:
        return {}
    rows = session.execute(
        select(CaseAudit.round_id, func.count())
        .where(CaseAudit.round_id.in_(round_ids), CaseAudit.status == "signed")
        .group_by(CaseAudit.round_id)
    )
    return {int(r[0]): int(r[1]) for r in rows}


def _summary(row: AuditRound, names: dict[int, str], signed: int) -> RoundSummary:
    return RoundSummary(
        id=row.id,
        period=row.period,
        districts=tuple(row.districts),
        sample_size=row.sample_size,
        seed=row.seed,
        auditor=names.get(row.auditor_id, ""),
        created_at=row.created_at,
        drawn_at=row.drawn_at,
        frame_size=len(row.frame),
        skipped_count=len(row.skipped),
        signed_count=signed,
    )


def _detail(session: Session, ctx: ServiceContext, row: AuditRound) -> RoundDetail:
    session.flush()
    audits = {a.case_id: a for a in session.scalars(select(CaseAudit).where(CaseAudit.round_id == row.id))}
    moderated = set(
        session.scalars(
            select(CaseAudit.case_id)
            .join(AuditModeration, AuditModeration.audit_id == CaseAudit.id)
            .where(CaseAudit.round_id == row.id)
        )
    )
    # The grade as the latest addendum that revised it leaves it, as the audit form shows it (the table
    # showed the grade first signed beside a form saying "Requires improvement").
    revised = dict(
        session.execute(
            select(AuditAddendum.audit_id, AuditAddendum.revised_grade)
            .join(CaseAudit, CaseAudit.id == AuditAddendum.audit_id)
            .where(CaseAudit.round_id == row.id, AuditAddendum.revised_grade != "")
            .order_by(AuditAddendum.id)
        ).all()
    )
    frame = {int(c[0]): c for c in row.frame}
    template = ctx.procedure(session, row.procedure_version_id).audit_template
    grade_labels = {g.id: g.label for g in template.overall_grades}
    strata = tuple(
        StratumView(
            district=str(a[0]),
            risk_category=int(a[1]),
            label=sampling.Stratum(str(a[0]), int(a[1])).describe(),
            population=int(a[2]),
            share=row.sample_size * int(a[2]) / max(1, len(row.frame)),
            places=int(a[3]),
        )
        for a in row.allocations
    )
    sampled = []
    for case_id in row.sampled:
        entry = frame[int(case_id)]
        audit = audits.get(int(case_id))
        sampled.append(
            SampledCase(
                case_id=int(case_id),
                reference=str(entry[1]),
                district=str(entry[2]),
                risk_category=int(entry[3]),
                stratum=sampling.Stratum(str(entry[2]), int(entry[3])).describe(),
                audit_id=audit.id if audit else None,
                audit_status=audit.status if audit else "pending",
                overall_grade=grade_labels.get(revised.get(audit.id, audit.overall_grade), "")
                if audit and audit.status == "signed"
                else "",
                moderation_due=int(case_id) in row.moderation,
                moderated=int(case_id) in moderated,
            )
        )
    skipped = tuple(SkippedCase(int(s[0]), str(s[1]), str(s[2]), SkipReason(s[2]).describe()) for s in row.skipped)
    names = _names(session, [row.auditor_id])
    signed = sum(1 for a in audits.values() if a.status == "signed")
    return RoundDetail(_summary(row, names, signed), strata, skipped, tuple(sampled))
