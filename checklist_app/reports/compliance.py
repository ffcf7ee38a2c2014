"""The periodic compliance report: the procedure's compliance measures by district and month, districts
side by side, a one-page summary first, charts, and the most overdue items."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from checklist_app.core.wording import PRIORITIES, elapsed
from checklist_app.reports import charts
from checklist_app.reports.layout import (
    LANDSCAPE,
    MARGIN,
    Furniture,
    ReportDocument,
    gap,
    para,
    table,
    when,
)
from checklist_app.reports.wording import Wording
from checklist_app.services.compliance_figures import (
    ALL_DISTRICTS,
    INTEL_STAGES,
    ComplianceFigures,
    StepCounts,
    Timed,
)
from checklist_app.services.report_data import ComplianceData

WIDTH = LANDSCAPE[0] - 2 * MARGIN
GRADE_ORDER = ("outstanding", "good", "requires_improvement", "inadequate")  # the shipped template's, best first


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def timed_cell(t: Timed) -> str:
    return f"{pct(t.percent)} ({t.within}/{t.late}/{t.overdue})" if t.due else "-"


def step_cell(s: StepCounts) -> str:
    if not (s.done or s.not_applicable):
        return "-"
    return f"{pct(s.percent_on_time)} ({s.on_time}/{s.late}/{s.no_deadline}/{s.not_applicable})"


def month_label(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%b %Y")


def summary_rows(w: Wording, f: ComplianceFigures) -> list[list[str]]:
    """Measure by district, plus all districts together; the report's first page."""
    names = f.districts

    def across(cell: Any, total: Any) -> list[str]:
        return [cell(n) for n in names] + [total]

    rows: list[list[str]] = []
    all_steps = StepCounts()
    for n in names:
        all_steps.add(f.step_total(n))
    rows.append(
        [
            w("m_steps"),
            *across(
                lambda n: (
                    f"{pct(f.step_total(n).percent_on_time)} ({f.step_total(n).on_time} of "
                    f"{f.step_total(n).on_time + f.step_total(n).late})"
                ),
                f"{pct(all_steps.percent_on_time)} ({all_steps.on_time} of {all_steps.on_time + all_steps.late})",
            ),
        ]
    )
    rows.append([w("m_na"), *across(lambda n: str(f.step_total(n).not_applicable), str(all_steps.not_applicable))])
    awaiting_total = sum(f.na_awaiting.values())
    rows.append([w("m_na_awaiting"), *across(lambda n: str(f.na_awaiting.get(n, 0)), str(awaiting_total))])
    open_total = sum(o.open_cases for o in f.overdue_now.values())
    cases_total = sum(o.cases_overdue for o in f.overdue_now.values())
    rows.append(
        [
            w("m_overdue_cases"),
            *across(
                lambda n: _overdue_cases(f, n),
                f"{cases_total} of {open_total}",
            ),
        ]
    )
    rows.append(
        [
            w("m_overdue_steps"),
            *across(
                lambda n: str(f.overdue_now[n].steps_overdue) if n in f.overdue_now else "0",
                str(sum(o.steps_overdue for o in f.overdue_now.values())),
            ),
        ]
    )
    for label, table_, stage in [
        *((w("m_intel", stage=w("stage", code=s)), f.intel, s) for s in INTEL_STAGES),
        (w("m_risk"), f.risk_reviews, None),
        (w("m_review", interval=f.review_interval), f.reviews, None),
        (w("m_rhi"), f.return_interviews, None),
        (w("m_sw"), f.safe_and_well, None),
    ]:
        total = Timed()
        for n in names:
            total.add(f.timed_total(table_, n, stage))
        rows.append(
            [
                label,
                *across(lambda n, t=table_, s=stage: _of(f.timed_total(t, n, s)), _of(total)),
            ]
        )
    open_all = sum(o for o, _ in f.remedial_open.values())
    overdue_all = sum(d for _, d in f.remedial_open.values())
    rows.append(
        [
            w("m_remedial"),
            *across(
                lambda n: f"{f.remedial_open.get(n, (0, 0))[0]} ({f.remedial_open.get(n, (0, 0))[1]} overdue)",
                f"{open_all} ({overdue_all} overdue)",
            ),
        ]
    )
    grades = sorted({g for _, g in f.audit_grades}, key=lambda g: (GRADE_ORDER.index(g) if g in GRADE_ORDER else 9, g))
    rows.append(
        [
            w("m_audits"),
            *across(
                lambda n: _grades(w, f, n, grades),
                _grades(w, f, None, grades),
            ),
        ]
    )
    rows.append(
        [
            w("m_audits_untrusted"),
            *across(lambda n: str(f.audit_untrusted.get(n, 0)), str(sum(f.audit_untrusted.values()))),
        ]
    )
    over = [o for o in f.workload if o.load > f.workload_threshold]
    rows.append(
        [
            w("m_workload", threshold=f"{f.workload_threshold:g}"),
            *across(
                lambda n: (
                    f"{sum(1 for o in over if o.district == n)} of {sum(1 for o in f.workload if o.district == n)}"
                ),
                f"{len(over)} of {len(f.workload)}",
            ),
        ]
    )
    return rows


def _grades(w: Wording, f: ComplianceFigures, district: str | None, grades: list[str]) -> str:
    """The audits by grade, best first, in words ("Requires improvement: 1", not the grade's id)."""
    counts = {
        g: sum(n for (d, grade), n in f.audit_grades.items() if grade == g and (district is None or d == district))
        for g in grades
    }
    shown = [f"{w('audit_grade', code=g)}: {n}" for g, n in counts.items() if n]
    return ", ".join(shown) if shown else "none signed"


def _overdue_cases(f: ComplianceFigures, n: str) -> str:
    o = f.overdue_now.get(n)
    return f"{o.cases_overdue} of {o.open_cases}" if o else "0 of 0"


def _of(t: Timed) -> str:
    return f"{pct(t.percent)} ({t.within} of {t.due})" if t.due else "n/a (none due)"


def story(data: ComplianceData) -> list[Flowable]:
    f = data.figures
    w = Wording("compliance.j2")
    names = f.districts
    out: list[Flowable] = [
        para(w("title"), "title"),
        para(
            w(
                "subtitle",
                start=f"{f.period.start:%d %B %Y}",
                end=f"{f.period.end:%d %B %Y}",
                districts=", ".join(names),
            ),
            "h2",
        ),
        para(w("summary_heading"), "h1"),
        para(w("summary_intro", procedure=data.procedure_label, as_of=when(f.as_of)), "note"),
        gap(2),
        table(
            [w("measure_column"), *names, w("all_districts")],
            summary_rows(w, f),
            (3.2, *([1.4] * len(names)), 1.6),
            total_width=WIDTH,
        ),
    ]
    if f.intel_unmeasured:
        out.append(para(w("intel_unmeasured", items=", ".join(f.intel_unmeasured)), "note"))
    out += [PageBreak(), para(w("chart_heading"), "h1"), _comparison_chart(w, f), para(w("chart_caption"), "note")]
    out += [gap(4), _trend_chart(w, f), para(w("trend_caption"), "note"), PageBreak()]
    out += _month_table(
        w,
        f,
        w("steps_heading"),
        w("steps_intro"),
        lambda n, m: step_cell(f.steps.get((n, m), StepCounts())),
        lambda n: step_cell(f.step_total(n)),
    )
    out += _na_reasons(w, f)
    out += _overdue(w, f)
    out.append(PageBreak())
    out += [para(w("intel_heading"), "h1"), para(w("intel_intro"), "note")]
    for stage in INTEL_STAGES:
        out += _month_table(
            w,
            f,
            w("intel_stage_heading", stage=w("stage", code=stage)),
            "",
            lambda n, m, s=stage: timed_cell(f.intel.get((n, m, s), Timed())),
            lambda n, s=stage: timed_cell(f.timed_total(f.intel, n, s)),
            level="h2",
        )
    out += _assessment_times(w, f)
    for heading, intro, table_ in (
        (w("risk_heading"), w("risk_intro"), f.risk_reviews),
        (w("review_heading"), w("review_intro", interval=f.review_interval), f.reviews),
        (w("rhi_heading"), w("rhi_intro"), f.return_interviews),
        (w("sw_heading"), "", f.safe_and_well),
    ):
        out += _month_table(
            w,
            f,
            heading,
            intro,
            lambda n, m, t=table_: timed_cell(t.get((n, m), Timed())),
            lambda n, t=table_: timed_cell(f.timed_total(t, n)),
        )
    out += _workload(w, f)
    return out


def hours_text(hours: float | None) -> str:
    return "-" if hours is None else elapsed(timedelta(hours=hours))


def _assessment_times(w: Wording, f: ComplianceFigures) -> list[Flowable]:
    """Time to assessment by priority, each district and all of them pooled (not an average of districts)."""
    rows = []
    for district in (*f.districts, ALL_DISTRICTS):
        for priority in PRIORITIES:
            a = f.intel_times.get((district, priority))
            if a is None:
                continue
            rows.append(
                [
                    district or w("all_districts"),
                    w("priority", code=priority),
                    str(a.submitted),
                    str(a.assessed),
                    hours_text(a.median_hours),
                    hours_text(a.p90_hours),
                    f"{pct(a.percent_within)} ({a.within} of {a.assessed})" if a.assessed else "-",
                    str(a.rerouted),
                ]
            )
    head: list[Flowable] = [para(w("times_heading"), "h2"), para(w("times_intro"), "note")]
    if not rows:
        return [KeepTogether([*head, para(w("times_none"), "note")])]
    grid = table(w("times_columns").split("|"), rows, (1.6, 1.0, 1.0, 1.0, 1.3, 1.3, 1.6, 1.0), total_width=WIDTH)
    return [*head, grid] if len(rows) > 14 else [KeepTogether([*head, grid])]


def _month_table(
    w: Wording, f: ComplianceFigures, heading: str, intro: str, cell: Any, total: Any, level: str = "h1"
) -> list[Flowable]:
    rows = [[month_label(m), *(cell(n, m) for n in f.districts)] for m in f.months]
    rows.append([w("total_row"), *(total(n) for n in f.districts)])
    grid = table(
        [w("month_column"), *f.districts],
        rows,
        (1.0, *([1.6] * len(f.districts))),
        total_width=WIDTH,
        bold_last_row=True,
    )
    head: list[Flowable] = [para(heading, level)]
    if intro:
        head.append(para(intro, "note"))
    return [*head, grid] if len(rows) > 14 else [KeepTogether([*head, grid])]


def _comparison_chart(w: Wording, f: ComplianceFigures) -> Flowable:
    measures: list[tuple[str, Any]] = [
        (w("m_steps"), lambda n: f.step_total(n).percent_on_time),
        *(
            (w("m_intel", stage=w("stage", code=s)), lambda n, s=s: f.timed_total(f.intel, n, s).percent)
            for s in INTEL_STAGES
        ),
        (w("m_risk"), lambda n: f.timed_total(f.risk_reviews, n).percent),
        (w("m_rhi"), lambda n: f.timed_total(f.return_interviews, n).percent),
        (w("m_sw"), lambda n: f.timed_total(f.safe_and_well, n).percent),
    ]
    categories = [_wrap(label) for label, _ in measures]
    series = [(n, [fn(n) for _, fn in measures]) for n in f.districts]
    return charts.district_bars(categories, series, width=WIDTH, height=260, title=w("chart_title"))


def _wrap(label: str, limit: int = 18) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _trend_chart(w: Wording, f: ComplianceFigures) -> Flowable:
    series = [(n, [f.steps.get((n, m), StepCounts()).percent_on_time for m in f.months]) for n in f.districts]
    return charts.trend_lines(f.months, series, width=WIDTH, height=200, title=w("trend_heading"))


def _na_reasons(w: Wording, f: ComplianceFigures) -> list[Flowable]:
    out: list[Flowable] = [para(w("na_heading"), "h1")]
    rows = [(n, reason, count) for n in f.districts for reason, count in f.na_reasons.get(n, [])]
    if not rows:
        return [*out, para(w("na_none"))]
    return [KeepTogether([*out, table(w.columns("na_columns"), rows, (1.2, 6.0, 0.8), total_width=WIDTH)])]


def _overdue(w: Wording, f: ComplianceFigures) -> list[Flowable]:
    rows = [
        (n, o.open_cases, o.cases_overdue, o.steps_overdue)
        for n in f.districts
        for o in [f.overdue_now.get(n)]
        if o is not None
    ]
    out: list[Flowable] = [
        para(w("overdue_heading"), "h1"),
        table(w.columns("overdue_columns"), rows, (2, 1, 1.6, 1.2), total_width=WIDTH * 0.7),
        para(w("worst_heading"), "h2"),
        para(w("worst_intro"), "note"),
    ]
    if not f.worst_overdue:
        return [*out, para(w("worst_none"))]
    worst = [
        (
            i.reference,
            i.district,
            f"{i.step_number} {i.step_title}",
            when(i.due_at),
            f"{i.days_overdue:.0f}",
            i.officer,
            i.open_overdue_steps,
        )
        for i in f.worst_overdue
    ]
    return [*out, table(w.columns("worst_columns"), worst, (1.5, 1.0, 3.6, 1.2, 0.8, 1.3, 1.0), total_width=WIDTH)]


def _workload(w: Wording, f: ComplianceFigures) -> list[Flowable]:
    threshold = f"{f.workload_threshold:g}"
    rows = []
    for n in f.districts:
        loads = [o.load for o in f.workload if o.district == n]
        rows.append(
            (
                n,
                len(loads),
                f"{sum(loads) / len(loads):.1f}" if loads else "-",
                f"{max(loads):g}" if loads else "-",
                sum(1 for x in loads if x > f.workload_threshold),
            )
        )
    over = [(o.officer, o.district, o.cases, f"{o.load:g}") for o in f.workload if o.load > f.workload_threshold]
    out: list[Flowable] = [
        PageBreak(),
        para(w("workload_heading"), "h1"),
        para(w("workload_intro", rule=f.workload_rule, threshold=threshold), "note"),
        table(w.columns("workload_columns"), rows, (1.6, 1.2, 1.4, 1.0, 1.6), total_width=WIDTH * 0.8),
        para(w("workload_over_heading"), "h2"),
    ]
    if not over:
        return [*out, para(w("workload_none"))]
    return [*out, table(w.columns("workload_over_columns"), over, (2, 1.4, 1, 1), total_width=WIDTH * 0.6)]


def build(data: ComplianceData, target: Any, marking: str, **kwargs: Any) -> ReportDocument:
    doc = ReportDocument(target, Furniture(data.stamp, marking, LANDSCAPE), title=data.stamp.title, **kwargs)
    doc.build_story(story(data))
    return doc
