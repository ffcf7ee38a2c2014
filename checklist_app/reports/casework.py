"""The casework audit report: one case, everything done against the procedure and who did it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from checklist_app.reports.layout import (
    DAY_FORMAT,
    MARGIN,
    PORTRAIT,
    Furniture,
    ReportDocument,
    day,
    gap,
    para,
    table,
    when,
)
from checklist_app.reports.wording import Wording
from checklist_app.services.audit_dto import AuditForm
from checklist_app.services.dto import CaseDetail, StepView
from checklist_app.services.report_data import CaseworkData

WIDTH = PORTRAIT[0] - 2 * MARGIN


def _moment_text(kind: str, value: str) -> str:
    """A date or date and time evidence value (stored as ISO 8601) as the rest of the report prints them."""
    try:
        if kind == "datetime":
            moment = datetime.fromisoformat(value)
            return when(moment) if moment.tzinfo is not None else value
        return date.fromisoformat(value).strftime(DAY_FORMAT)
    except ValueError:  # not what the field's type says: printed as it is rather than lost
        return value


def _evidence_text(step: StepView) -> str:
    labels = {f.id: f.label for f in step.fields}
    kinds = {f.id: f.type for f in step.fields}
    parts = []
    for key, value in step.evidence.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, str) and kinds.get(key) in ("datetime", "date"):
            value = _moment_text(kinds[key], value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{labels.get(key, key)}: {value}")
    return "\n".join(parts)


def story(data: CaseworkData) -> list[Flowable]:
    c = data.case
    w = Wording("casework.j2")
    out: list[Flowable] = [para(w("title"), "title"), para(w("subtitle", reference=c.reference), "h2"), gap()]
    out += _cover(w, c)
    out.append(gap())
    out.append(
        para(
            w(
                "cover_note",
                as_of=when(c.as_of),
                chain_head_short=f"{data.stamp.chain_seq}:{data.stamp.chain_hash}",
            ),
            "note",
        )
    )
    out.append(PageBreak())
    out += _checklist(w, c)
    out += _evidence(w, c)
    out += _risk(w, c)
    out += _intelligence(w, c)
    out += _decisions(w, c)
    out += _missing(w, c)
    out += _supervision(w, data)
    out += _audits(w, data)
    out += _trail(w, data)
    return out


def _cover(w: Wording, c: CaseDetail) -> list[Flowable]:
    risk = c.current_risk
    status = w("status", code=c.status)
    if c.closed_at:
        status = w("closed_status", closed=day(c.closed_at), reason=c.closure_reason)
    values = [
        c.reference,
        c.district_name,
        c.team_name,
        c.procedure_label,
        c.officer_name,
        c.supervisor_name,
        when(c.referral_at),
        c.referral_source,
        when(c.opened_at),
        status,
        c.priority.capitalize(),
        c.subject_ref,
        c.age_band,
        f"{risk.effective_category} {risk.band_label}".strip() if risk else "",
        day(c.risk_review_due),
    ]
    rows = list(zip(w.columns("cover_labels"), values, strict=True))
    return [table(w.columns("cover_columns"), rows, (1, 2.2), total_width=WIDTH)]


def _checklist(w: Wording, c: CaseDetail) -> list[Flowable]:
    out: list[Flowable] = [
        para(w("checklist_heading"), "h1"),
        para(w("checklist_intro", procedure=c.procedure_label), "note"),
    ]
    for phase in c.phases:
        steps = [s for s in c.steps if s.phase_id == phase.id]
        rows = [
            (
                s.number,
                s.title,
                w("status", code=s.status) + ("" if s.applicable else " (condition not met)"),
                s.completed_by,
                when(s.completed_at),
                when(s.due_at),
                w("timing", code=s.due_state),
                s.reason,
            )
            for s in steps
        ]
        heading = para(
            w(
                "phase_heading",
                number=phase.number,
                title=phase.title,
                done=phase.done,
                required=phase.required,
                overdue=phase.overdue,
            ),
            "h2",
        )
        grid = table(w.columns("step_columns"), rows, (0.55, 2.6, 1.1, 1.2, 1.1, 1.1, 0.9, 2.0), total_width=WIDTH)
        out += [KeepTogether([heading, grid]) if len(rows) < 12 else heading, *([] if len(rows) < 12 else [grid])]
    return out


def _evidence(w: Wording, c: CaseDetail) -> list[Flowable]:
    rows = [(s.number, s.title, _evidence_text(s)) for s in c.steps if s.evidence and _evidence_text(s)]
    out: list[Flowable] = [para(w("evidence_heading"), "h1"), para(w("evidence_intro"), "note")]
    if not rows:
        return [*out, para(w("evidence_none"))]
    return [*out, table(w.columns("evidence_columns"), rows, (0.6, 2.2, 5.0), total_width=WIDTH)]


def _risk(w: Wording, c: CaseDetail) -> list[Flowable]:
    out: list[Flowable] = [para(w("risk_heading"), "h1")]
    if not c.risk_assessments:
        return [*out, para(w("risk_none"))]
    rows = [
        (
            when(a.assessed_at),
            a.assessor,
            a.tool,
            a.score,
            a.calculated_category,
            f"{a.effective_category} {a.band_label}".strip(),
            a.override_reason,
            f"{a.countersigned_by} {when(a.countersigned_at)}".strip(),
            day(a.next_review_at),
        )
        for a in reversed(c.risk_assessments)
    ]
    return [
        *out,
        table(w.columns("risk_columns"), rows, (1.1, 1.1, 1.0, 0.5, 0.9, 1.2, 1.5, 1.2, 0.9), total_width=WIDTH),
    ]


def _timed(w: Wording, at: Any, state: str, by: str = "") -> str:
    done = f"{when(at)} {by}".strip() if at else ""
    return f"{done}\n{w('timing', code=state)}".strip()


def _intelligence(w: Wording, c: CaseDetail) -> list[Flowable]:
    out: list[Flowable] = [para(w("intel_heading"), "h1"), para(w("intel_intro"), "note")]
    if not c.intelligence:
        return [*out, para(w("intel_none"))]
    rows = [
        (
            i.reference,
            when(i.submitted_at),
            f"{i.grade_code} ({i.scheme})",
            i.priority.capitalize(),
            _timed(w, i.routed_at, i.route_state, i.routed_to),
            _timed(w, i.assessed_at, i.assess_state, i.assessed_by),
            _timed(w, i.actioned_at, i.action_state, i.actioned_by),
            i.summary,
        )
        for i in reversed(c.intelligence)
    ]
    return [*out, table(w.columns("intel_columns"), rows, (1.0, 1.0, 0.7, 0.7, 1.3, 1.3, 1.3, 2.4), total_width=WIDTH)]


def _decisions(w: Wording, c: CaseDetail) -> list[Flowable]:
    out: list[Flowable] = [para(w("decision_heading"), "h1")]
    if not c.decisions:
        return [*out, para(w("decision_none"))]
    rows = [(when(d.decided_at), d.author, d.category, d.decision, d.rationale) for d in reversed(c.decisions)]
    return [*out, table(w.columns("decision_columns"), rows, (1.0, 1.1, 0.9, 2.5, 3.0), total_width=WIDTH)]


def _missing(w: Wording, c: CaseDetail) -> list[Flowable]:
    out: list[Flowable] = [para(w("missing_heading"), "h1"), para(w("missing_intro"), "note")]
    if not c.missing_episodes:
        return [*out, para(w("missing_none"))]
    rows = [
        (
            when(m.reported_at),
            when(m.found_at),
            m.risk_grade,
            _timed(w, m.safe_well_at, m.safe_well_state),
            _timed(w, m.rhi_offered_at, m.rhi_state),
            "declined" if m.rhi_declined else when(m.rhi_held_at),
            m.findings,
        )
        for m in reversed(c.missing_episodes)
    ]
    return [*out, table(w.columns("missing_columns"), rows, (1.0, 1.0, 0.7, 1.2, 1.2, 1.0, 2.6), total_width=WIDTH)]


def _supervision(w: Wording, data: CaseworkData) -> list[Flowable]:
    out: list[Flowable] = [para(w("review_heading"), "h1")]
    if data.reviews:
        rows = [
            (
                when(r.started_at),
                r.kind,
                r.reviewer_name,
                r.status,
                r.findings,
                "\n".join(f"{s.signer_name}, {when(s.signed_at)} [{s.state.value}]" for s in r.signatures),
            )
            for r in reversed(data.reviews)
        ]
        out.append(table(w.columns("review_columns"), rows, (1.0, 0.8, 1.1, 0.7, 3.0, 1.8), total_width=WIDTH))
    else:
        out.append(para(w("review_none")))
    out.append(para(w("action_heading"), "h2"))
    if data.actions:
        rows = [
            (
                when(a.directed_at),
                a.directed_by_name,
                a.description,
                a.owner_name,
                when(a.due_at),
                a.status + (" (overdue)" if a.overdue else ""),
                f"{when(a.completed_at)} {a.completed_by_name}".strip(),
                a.completion_note,
            )
            for a in data.actions
        ]
        widths = (1.0, 1.0, 2.4, 1.0, 1.0, 0.8, 1.2, 1.6)
        out.append(table(w.columns("action_columns"), rows, widths, total_width=WIDTH))
    else:
        out.append(para(w("action_none")))
    out += [para(w("signature_heading"), "h1"), para(w("signature_intro"), "note")]
    if data.signatures:
        rows = [
            (
                f"{s.signed_at:%d %b %Y %H:%M}",
                s.signer_name,
                s.signer_role,
                s.meaning,
                f"{w('record_kind', kind=s.object_type)} #{s.object_id}",  # not the table's name
                s.state.value,
                s.comment,
            )
            for s in data.signatures
        ]
        widths = (1.1, 1.2, 0.9, 1.1, 1.1, 0.8, 2.2)
        out.append(table(w.columns("signature_columns"), rows, widths, total_width=WIDTH))
    else:
        out.append(para(w("signature_none")))
    return out


def _audits(w: Wording, data: CaseworkData) -> list[Flowable]:
    out: list[Flowable] = [para(w("audit_heading"), "h1")]
    if not data.audits:
        return [*out, para(w("audit_none"))]
    for a in data.audits:
        grades = dict(a.overall_grades)
        out.append(
            para(
                w(
                    "audit_summary",
                    period=a.round_period,
                    auditor=a.auditor,
                    status=a.status,
                    signed=when(a.signed_at),
                    # The grade as the latest signed addendum left it, and the one signed when it differs.
                    grade=grades.get(a.effective_grade, a.effective_grade) or "-",
                    signed_grade=(grades.get(a.overall_grade, a.overall_grade) or "-")
                    if a.effective_grade != a.overall_grade
                    else "",
                    score="" if a.score is None else f"{a.score:.0%}",
                    rationale=a.rationale,
                )
            )
        )
        labels = dict(a.item_grades)
        findings = [
            (i.shown, "yes" if i.critical else "", labels.get(i.grade, i.grade), i.comment)
            for i in a.items
            if i.grade or i.comment
        ]
        if findings:
            out.append(table(w.columns("finding_columns"), findings, (2.2, 0.6, 1.2, 3.5), total_width=WIDTH))
        if a.remedial_actions:
            rows = [
                (
                    r.description,
                    r.owner,
                    r.priority,
                    when(r.due_at),
                    r.status + (" (overdue)" if r.overdue else ""),
                    f"{when(r.completed_at)} {r.completion_note}".strip(),
                    f"{r.follow_up} {r.follow_up_note}".strip(),
                )
                for r in a.remedial_actions
            ]
            widths = (2.4, 1.0, 0.7, 1.0, 0.9, 1.4, 1.2)
            out.append(gap(2))
            out.append(table(w.columns("remedial_columns"), rows, widths, total_width=WIDTH))
        out.extend(_addenda_and_moderations(w, a))
        out.append(gap(3))
    return out


def _addenda_and_moderations(w: Wording, a: AuditForm) -> list[Flowable]:
    """The signed corrections to the audit (a revised grade among them) and the second auditors' checks:
    without them a printed audit showed the grade as first signed and no sign of a moderator's disagreement."""
    grades, items = dict(a.overall_grades), dict(a.item_grades)
    shown = {i.item_id: i.shown for i in a.items}
    out: list[Flowable] = []
    if a.addenda:
        rows = [
            (
                d.text,
                d.author,
                when(d.created_at),
                grades.get(d.revised_grade, d.revised_grade) if d.revised_grade else "",
                d.signature,
            )
            for d in a.addenda
        ]
        out += [gap(2), table(w.columns("addendum_columns"), rows, (2.6, 1.0, 1.0, 1.0, 2.2), total_width=WIDTH)]
    if a.moderations:
        rows = [
            (
                m.moderator,
                w("moderation_verdict", agrees=m.agrees),
                grades.get(m.overall_grade, m.overall_grade),
                "; ".join(
                    f"{shown.get(item_id, item_id)}: {items.get(d.get('moderator', ''), d.get('moderator', ''))}"
                    + (f" ({d['comment']})" if d.get("comment") else "")
                    for item_id, d in m.differences.items()
                ),
                m.note,
                m.signature,
            )
            for m in a.moderations
        ]
        widths = (1.0, 0.8, 0.9, 2.0, 1.3, 1.8)
        out += [gap(2), table(w.columns("moderation_columns"), rows, widths, total_width=WIDTH)]
    return out


def _trail(w: Wording, data: CaseworkData) -> list[Flowable]:
    changes = data.trail_total - data.trail_consultations
    out: list[Flowable] = [
        PageBreak(),
        para(w("trail_heading"), "h1"),
        para(
            w(
                "trail_intro",
                shown=len(data.trail),
                omitted=changes - len(data.trail),
                consultations=data.trail_consultations,
            ),
            "note",
        ),
    ]
    rows = [
        (
            e.seq,
            when(e.occurred_at),
            e.username,
            w("operation", code=e.operation),
            e.action + ("" if e.outcome == "success" else f" ({e.outcome})"),
            f"{e.object_type} {e.object_id or ''}".strip(),
        )
        for e in data.trail
    ]
    if rows:
        out.append(table(w.columns("trail_columns"), rows, (0.7, 1.2, 1.5, 0.9, 1.8, 1.2), total_width=WIDTH))
    return out


def build(data: CaseworkData, target: Any, marking: str, **kwargs: Any) -> ReportDocument:
    doc = ReportDocument(target, Furniture(data.stamp, marking, PORTRAIT), title=data.stamp.title, **kwargs)
    doc.build_story(story(data))
    return doc
