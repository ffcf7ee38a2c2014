"""Time the two reports beside the bare SQL behind them, in the same run.

    python scripts/bench_reports.py --db /tmp/r20k.db [--rounds 3] [--casework-rounds 7]

The one-year compliance report for all districts and one casework report are generated in full (data,
layout, PDF file, disclosure entry). Every SQL statement a report sends is captured with its parameters and
then replayed on a raw DB-API cursor: that replay is the "bare queries" time the report is compared with.
Run it on a copy: each report adds a disclosure entry to the audit log. Figures are medians; the casework
report (a fraction of a second) gets more rounds than the compliance report (tens of seconds on 20,000 cases),
and its processor time is printed too, which a machine busy with other work inflates less than the wall time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, func, select

from checklist_app.reports.generate import casework_report, compliance_report
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store.models import Case, StepRecord


def captured(ctx: ServiceContext, run):  # type: ignore[no-untyped-def]
    statements: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") or statement.lstrip().upper().startswith("WITH"):
            statements.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", listen)
    try:
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listen)
    return elapsed, statements, result


def replay(ctx: ServiceContext, statements: list[tuple[str, object]]) -> float:
    raw = ctx.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        elapsed = time.perf_counter() - start
        raw.rollback()
        return elapsed
    finally:
        raw.close()


def bare_reportlab(pages: int) -> float:
    """A floor for the casework report on this machine, measured in the same run: ReportLab alone making a PDF of
    the same number of A4 pages, each a grid of 40 rows of short plain strings (no data, wording or furniture)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

    story = []
    for page in range(pages):
        rows = [[f"{page}.{r}", "25 Jan 2026 03:38", "DC Tern 42", "Done", "On time", "step.done"] for r in range(40)]
        grid = Table(rows, colWidths=[75] * 6, repeatRows=0)
        grid.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "grey"), ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5, 9)])
        )
        story += [grid, PageBreak()]
    with tempfile.TemporaryFile() as target:
        start = time.perf_counter()
        SimpleDocTemplate(target, pagesize=A4).build(story[:-1])
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the compliance report")
    parser.add_argument("--casework-rounds", type=int, default=7)
    args = parser.parse_args()
    actor = system_actor()
    with ServiceContext.open(args.db) as ctx, tempfile.TemporaryDirectory() as folder:
        end = ctx.now().date().replace(day=1) - timedelta(days=1)
        start = date(end.year - 1, end.month, 1) + timedelta(days=31)
        start = start.replace(day=1)  # twelve whole months ending with the last complete one
        with ctx.db.read() as s:
            # A busy case: the most step records.
            case_id = s.scalar(
                select(StepRecord.case_id).group_by(StepRecord.case_id).order_by(func.count().desc()).limit(1)
            )
            reference = s.scalar(select(Case.reference).where(Case.id == case_id))
        print(f"compliance {start} to {end}, all districts; casework {reference}")
        for name, rounds, make in (
            (
                "compliance (1 year, all districts)",
                args.rounds,
                lambda i: compliance_report(ctx, actor, start, end, [], Path(folder) / f"c{i}.pdf"),
            ),
            (
                "casework (one case)",
                args.casework_rounds,
                lambda i: casework_report(ctx, actor, reference, Path(folder) / f"w{i}.pdf"),
            ),
        ):
            reports, cpu, bare, pages = [], [], [], 0
            for i in range(rounds):
                started = time.process_time()
                elapsed, statements, result = captured(ctx, lambda i=i, make=make: make(i))
                cpu.append(time.process_time() - started)
                reports.append(elapsed)
                bare.append(replay(ctx, statements))
                pages = result.pages
            r, b = statistics.median(reports), statistics.median(bare)
            print(
                f"{name}: report {r:.3f} s, bare queries {b:.3f} s ({len(statements)} statements), ratio {r / b:.2f};"
                f" processor {statistics.median(cpu):.3f} s; {pages} pages; {rounds} rounds"
            )
        floor = statistics.median(bare_reportlab(pages) for _ in range(args.casework_rounds))
        print(
            f"bare ReportLab, {pages} pages of plain tables: {floor:.3f} s;"
            f" casework report / bare ReportLab {r / floor:.2f}"
        )


if __name__ == "__main__":
    main()
