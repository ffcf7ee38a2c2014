"""`checklist-app report casework|compliance`: the printed reports from the command line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import InvalidInput


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31") from None


def add_parser(sub: Any) -> None:
    report = sub.add_parser("report", help="casework audit and compliance reports (PDF)")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")
    common.add_argument("--overwrite", action="store_true", help="replace FILE.pdf if it exists")
    common.add_argument(
        "--marking",
        help="protective marking on every page (default $CHECKLIST_APP_REPORT_MARKING or OFFICIAL-SENSITIVE)",
    )
    casework = kinds.add_parser("casework", parents=[common], help="everything done on one case, for audit")
    casework.add_argument("reference", metavar="REF", help="case reference, e.g. CSE-SHF-2026-00012")
    casework.set_defaults(func=cmd_casework)
    compliance = kinds.add_parser("compliance", parents=[common], help="compliance by district and month")
    compliance.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD")
    compliance.add_argument("--to", dest="end", required=True, type=_date, metavar="YYYY-MM-DD")
    compliance.add_argument(
        "--district",
        action="append",
        default=[],
        metavar="NAME",
        help="a district (name or code); repeatable; default all",
    )
    compliance.add_argument("--csv", type=Path, metavar="DIR", help="also write the tables as CSV files into DIR")
    compliance.set_defaults(func=cmd_compliance)


def _done(out: TextIO, result: Any) -> int:
    out.write(f"{result.path}: report {result.report_id}, {result.pages} pages, sha256 {result.sha256}\n")
    out.write(f"chain head printed: {result.chain_head}\n")
    return 0


def _check_names(args: argparse.Namespace) -> None:
    # Path("") is the current folder: an empty --out would otherwise read as "is a folder".
    if not args.out.strip():
        raise InvalidInput("--out is empty; give the name of the PDF file to write.")


def cmd_casework(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.reports.generate import casework_report
    from checklist_app.reports.settings import BadMarking  # report code loads only for reports

    _check_names(args)
    try:
        with ServiceContext.open(args.db) as ctx:
            result = casework_report(
                ctx, system_actor(), args.reference, Path(args.out), overwrite=args.overwrite, marking=args.marking
            )
    except BadMarking as exc:
        raise InvalidInput(str(exc)) from None
    return _done(out, result)


def cmd_compliance(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.reports.generate import compliance_report
    from checklist_app.reports.settings import BadMarking  # report code loads only for reports

    _check_names(args)
    try:
        with ServiceContext.open(args.db) as ctx:
            result = compliance_report(
                ctx,
                system_actor(),
                args.start,
                args.end,
                args.district,
                Path(args.out),
                overwrite=args.overwrite,
                marking=args.marking,
                csv_dir=args.csv,
            )
    except BadMarking as exc:
        raise InvalidInput(str(exc)) from None
    if args.csv:
        out.write(f"CSV tables written to {args.csv.expanduser().resolve()}\n")
    return _done(out, result)
