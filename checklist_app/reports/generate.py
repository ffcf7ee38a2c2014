"""Producing a report file: gather the data, lay it out into a temporary file beside the destination,
record the disclosure, then rename. A failed or cancelled report leaves no file and no disclosure."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checklist_app.core.file_targets import not_an_ordinary_file, remove_stale_temporaries, write_failure
from checklist_app.core.permissions import Actor
from checklist_app.core.wording import PRIORITIES
from checklist_app.reports import casework, compliance
from checklist_app.reports.layout import CancelToken, Progress
from checklist_app.reports.settings import protective_marking
from checklist_app.services import report_data
from checklist_app.services.compliance_figures import (
    ALL_DISTRICTS,
    INTEL_STAGES,
    ComplianceFigures,
    StepCounts,
    Timed,
)
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import InvalidInput


@dataclass(frozen=True)
class ReportResult:
    path: Path
    report_id: str
    pages: int
    sha256: str
    chain_head: str
    stamp: report_data.ReportStamp  # what each page prints; the app records saving and printing against it


def _resolved(path: Path, what: str) -> Path:
    """`path` made absolute. A loop of symbolic links or an unknown `~user` raised RuntimeError here (an
    "unexpected failure"); said in words instead."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
        raise InvalidInput(f"{path} cannot be used {what}: {reason.rstrip('.')}.") from None


def check_destination(path: Path, overwrite: bool) -> Path:
    if "\x00" in str(path):
        raise InvalidInput("The report's file name contains a NUL character; give an ordinary file name.")
    path = _resolved(path, "for the report")
    if special := not_an_ordinary_file(path):
        raise InvalidInput(special)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give the name of the PDF file to write.")
    if path.exists() and not overwrite:
        raise InvalidInput(f"{path} already exists; choose another name or give --overwrite.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist.")
    if not os.access(path.parent, os.W_OK):
        raise InvalidInput(f"The folder {path.parent} cannot be written to.")
    return path


def _write(
    ctx: ServiceContext,
    actor: Actor,
    path: Path,
    stamp: report_data.ReportStamp,
    kind: str,
    scope: dict[str, object],
    render: Callable[[str], int],
    cancel: CancelToken | None,
    record_as: str | None,
) -> ReportResult:
    remove_stale_temporaries(path, ".part")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InvalidInput(write_failure(path, exc)) from None
    os.close(fd)
    try:
        pages = render(temp)
        if cancel is not None:
            cancel.check()
        digest = hashlib.sha256(Path(temp).read_bytes()).hexdigest()
        report_data.record_disclosure(
            ctx, actor, stamp, kind=kind, scope=scope, pages=pages, sha256=digest, destination=record_as or str(path)
        )
        os.replace(temp, path)
    except OSError as exc:
        # Disk full, or the folder went away while writing: no file is left, and one line says why.
        Path(temp).unlink(missing_ok=True)
        raise InvalidInput(write_failure(path, exc)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return ReportResult(path, stamp.report_id, pages, digest, stamp.chain_head, stamp)


def casework_report(
    ctx: ServiceContext,
    actor: Actor,
    reference: str,
    destination: Path,
    *,
    overwrite: bool = False,
    marking: str | None = None,
    cancel: CancelToken | None = None,
    progress: Progress | None = None,
    record_as: str | None = None,
) -> ReportResult:
    """`record_as` is where the disclosure entry says the report went, when not the file written (the app
    writes a private preview file and records saving and printing as they happen)."""
    marking = protective_marking(marking)
    path = check_destination(destination, overwrite)
    if progress:
        progress(5, "Reading the case")
    data = report_data.casework(ctx, actor, reference)
    if cancel:
        cancel.check()
    if progress:
        progress(40, "Laying out pages")
    return _write(
        ctx,
        actor,
        path,
        data.stamp,
        "casework",
        {"case": data.case.reference},
        lambda target: casework.build(data, target, marking, cancel=cancel, progress=progress).page,
        cancel,
        record_as,
    )


def compliance_report(
    ctx: ServiceContext,
    actor: Actor,
    start: date,
    end: date,
    districts: list[str],
    destination: Path,
    *,
    overwrite: bool = False,
    marking: str | None = None,
    csv_dir: Path | None = None,
    cancel: CancelToken | None = None,
    progress: Progress | None = None,
    record_as: str | None = None,
) -> ReportResult:
    """`record_as` is where the disclosure entry says the report went, when not the file written (the app
    writes a private preview file and records saving and printing as they happen)."""
    marking = protective_marking(marking)
    path = check_destination(destination, overwrite)
    if csv_dir is not None:
        csv_dir = _resolved(csv_dir, "for --csv")
        if not csv_dir.is_dir() or not os.access(csv_dir, os.W_OK):
            raise InvalidInput(f"{csv_dir} is not a folder that can be written to (for --csv).")
        check_csv_targets(csv_dir, overwrite)  # before the PDF: a refusal then leaves no half-done report
    if progress:
        progress(5, "Counting in the database")
    data = report_data.compliance(ctx, actor, start, end, districts)
    if cancel:
        cancel.check()
    if progress:
        progress(40, "Laying out pages")
    result = _write(
        ctx,
        actor,
        path,
        data.stamp,
        "compliance",
        {"from": start.isoformat(), "to": end.isoformat(), "districts": list(data.figures.districts)},
        lambda target: compliance.build(data, target, marking, cancel=cancel, progress=progress).page,
        cancel,
        record_as,
    )
    if csv_dir is not None:
        write_csv(data.figures, csv_dir, overwrite=overwrite)
    return result


# Every table of the compliance report as a CSV file: its name and heading row. The names are checked before
# anything is written (check_csv_targets), so a table cannot be written without that check.
CSV_HEADINGS: dict[str, tuple[str, ...]] = {
    "steps.csv": ("district", "month", "on_time", "late", "no_deadline", "not_applicable"),
    "intelligence.csv": ("district", "month", "stage", "within", "late", "overdue", "pending"),
    "intelligence_assessment_times.csv": (
        "district",
        "priority",
        "submitted",
        "assessed",
        "median_hours",
        "p90_hours",
        "within_target",
        "rerouted",
    ),
    "risk_reviews.csv": ("district", "month", "in_date", "late", "overdue", "not_yet_due"),
    "return_interviews.csv": ("district", "month", "within_72h", "late", "overdue", "not_yet_due"),
    "safe_and_well.csv": ("district", "month", "within_24h", "late", "overdue", "not_yet_due"),
    "overdue_now.csv": ("district", "open_cases", "cases_overdue", "steps_overdue"),
    "worst_overdue.csv": ("case", "district", "step", "title", "due_utc", "days_overdue", "officer"),
    "workload.csv": ("district", "officer", "open_cases", "weighted_load", "threshold"),
    "not_applicable_reasons.csv": ("district", "reason", "steps"),
    "not_applicable_awaiting_agreement.csv": ("district", "steps"),
    "audit_grades.csv": ("district", "overall_grade", "case_audits_signed"),
    "audit_grades_not_trusted.csv": ("district", "case_audits_signature_not_matching"),
    "remedial_open.csv": ("district", "open", "overdue"),
    # Reviews falling due in the month (core.review_due): signed by the date, after it, or past it unsigned.
    "supervisory_reviews.csv": ("district", "month", "in_date", "late", "overdue", "not_yet_due"),
}
CSV_NAMES = tuple(CSV_HEADINGS)


def csv_tables(f: ComplianceFigures) -> dict[str, list[list[object]]]:
    """The report's tables as rows (heading row first), one per CSV file."""
    tables: dict[str, list[list[object]]] = {name: [list(heading)] for name, heading in CSV_HEADINGS.items()}

    def times_order(key: tuple[str, str]) -> tuple[bool, str, int]:  # districts, then all; high to low
        district, priority = key
        return district == ALL_DISTRICTS, district, PRIORITIES.index(priority) if priority in PRIORITIES else 9

    for (district, priority), a in sorted(f.intel_times.items(), key=lambda kv: times_order(kv[0])):
        tables["intelligence_assessment_times.csv"].append(
            [
                district or "all districts",
                priority,
                a.submitted,
                a.assessed,
                "" if a.median_hours is None else f"{a.median_hours:.2f}",
                "" if a.p90_hours is None else f"{a.p90_hours:.2f}",
                a.within,
                a.rerouted,
            ]
        )
    for (district, month), t in sorted(f.reviews.items()):
        tables["supervisory_reviews.csv"].append([district, month, t.within, t.late, t.overdue, t.pending])
    for (district, grade), count in sorted(f.audit_grades.items()):
        tables["audit_grades.csv"].append([district, grade, count])
    for district, (open_count, overdue) in sorted(f.remedial_open.items()):
        tables["remedial_open.csv"].append([district, open_count, overdue])
    for n in f.districts:
        for m in f.months:
            s = f.steps.get((n, m), StepCounts())
            tables["steps.csv"].append([n, m, s.on_time, s.late, s.no_deadline, s.not_applicable])
            for stage in INTEL_STAGES:
                t = f.intel.get((n, m, stage), Timed())
                tables["intelligence.csv"].append([n, m, stage, t.within, t.late, t.overdue, t.pending])
            for name, table in (
                ("risk_reviews.csv", f.risk_reviews),
                ("return_interviews.csv", f.return_interviews),
                ("safe_and_well.csv", f.safe_and_well),
            ):
                t = table.get((n, m), Timed())
                tables[name].append([n, m, t.within, t.late, t.overdue, t.pending])
        o = f.overdue_now.get(n)
        if o:
            tables["overdue_now.csv"].append([n, o.open_cases, o.cases_overdue, o.steps_overdue])
        for reason, count in f.na_reasons.get(n, []):
            tables["not_applicable_reasons.csv"].append([n, reason, count])
        tables["not_applicable_awaiting_agreement.csv"].append([n, f.na_awaiting.get(n, 0)])
        tables["audit_grades_not_trusted.csv"].append([n, f.audit_untrusted.get(n, 0)])
    for i in f.worst_overdue:
        tables["worst_overdue.csv"].append(
            [
                i.reference,
                i.district,
                i.step_number,
                i.step_title,
                i.due_at.isoformat(),
                f"{i.days_overdue:.1f}",
                i.officer,
            ]
        )
    for w in f.workload:
        tables["workload.csv"].append([w.district, w.officer, w.cases, f"{w.load:g}", f"{f.workload_threshold:g}"])
    return tables


# A cell a spreadsheet would take for a formula: '=HYPERLINK(...)' typed as a not-applicable reason, or a
# name starting with '+', '-', '@' (or a tab or carriage return before one), ran when the CSV was opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that opens as the text it holds: text a spreadsheet would run as a formula gets a leading
    apostrophe (the OWASP advice); numbers, and text that is just a number, are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def check_csv_targets(folder: Path, overwrite: bool) -> None:
    for name in CSV_NAMES:
        target = folder / name
        if special := not_an_ordinary_file(target):
            raise InvalidInput(special)
        if target.is_dir():
            raise InvalidInput(f"{target} is a folder; the CSV table {name} cannot be written there.")
        if target.exists() and not overwrite:
            raise InvalidInput(f"{target} already exists; choose another folder or give --overwrite.")


def write_csv(f: ComplianceFigures, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """All the tables or none: each is written beside its name first, and only renamed once all are."""
    check_csv_targets(folder, overwrite)
    tables = csv_tables(f)
    temps: list[tuple[str, Path]] = []
    try:
        for name, rows in tables.items():
            remove_stale_temporaries(folder / name, ".part")
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
            temps.append((temp, folder / name))
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows([spreadsheet_safe(v) for v in row] for row in rows)
        for temp, target in temps:
            os.replace(temp, target)
    except OSError as exc:
        for temp, _target in temps:
            Path(temp).unlink(missing_ok=True)
        raise InvalidInput(write_failure(folder, exc)) from None
    except BaseException:
        for temp, _target in temps:
            Path(temp).unlink(missing_ok=True)
        raise
    return [target for _temp, target in temps]
