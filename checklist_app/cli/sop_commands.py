"""`checklist-app sop validate|publish|diff|list`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from checklist_app.core.procedure.sop_error import SopValidationError
from checklist_app.services.context import ServiceContext, system_actor

if TYPE_CHECKING:  # the model loads with the parser, when a command reads a procedure
    from checklist_app.core.procedure.model import Procedure


def add_parser(sub: Any) -> None:
    sop = sub.add_parser("sop", help="validate, publish and compare procedure files")
    sop_sub = sop.add_subparsers(dest="sop_command", metavar="ACTION", required=True)

    validate = sop_sub.add_parser("validate", help="check procedure files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)

    publish = sop_sub.add_parser("publish", help="store a procedure file as an immutable version")
    publish.add_argument("file", metavar="FILE")
    publish.set_defaults(func=cmd_publish)

    diff = sop_sub.add_parser("diff", help="show what changed between two versions (files or ID@VERSION)")
    diff.add_argument("old", metavar="A")
    diff.add_argument("new", metavar="B")
    diff.set_defaults(func=cmd_diff)

    listing = sop_sub.add_parser("list", help="list published versions")
    listing.set_defaults(func=cmd_list)


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.cli.sop_validate import run_validate

    return run_validate(args.files, out, err)


def cmd_publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.core.procedure.loader import load_procedure_text, read_procedure_file  # these commands only
    from checklist_app.services import procedures  # with the parser: the sop commands only

    path = Path(args.file)
    # Read once: the text validated is the text published, even if the file changes in between.
    text = read_procedure_file(path)
    load_procedure_text(text, str(path))  # reports every problem with line numbers before touching the database
    with ServiceContext.open(args.db) as ctx:
        result = procedures.publish(ctx, system_actor(), text, str(path))
    info = result.version
    if result.created:
        out.write(f"published {info.label}: {info.phases} phases, {info.steps} steps, hash {info.content_hash}\n")
    else:
        out.write(f"{info.label} is already published with this content (hash {info.content_hash}); nothing to do\n")
    return 0


def _load(ref: str, args: argparse.Namespace) -> Procedure:
    from checklist_app.core.procedure.loader import load_procedure_file
    from checklist_app.services import procedures  # with the parser: the sop commands only

    path = Path(ref)
    if path.exists() or "@" not in ref:
        return load_procedure_file(path)
    procedure_id, _, version = ref.partition("@")
    with ServiceContext.open(args.db) as ctx:
        return procedures.load_published(ctx, procedure_id, version)


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        old, new = _load(args.old, args), _load(args.new, args)
    except SopValidationError as exc:
        for problem in exc.problems:
            err.write(f"{problem}\n")
        return 1
    from checklist_app.core.procedure.diff import diff_procedures  # only `sop diff` needs it

    diff = diff_procedures(old, new)
    out.write(f"--- {old.label}\n")
    out.write(f"+++ {new.label}\n")
    lines = diff.lines()
    for line in lines:
        out.write(line + "\n")
    if not lines:
        out.write("no differences\n")
    return 0


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from checklist_app.services import procedures  # with the parser: the sop commands only

    with ServiceContext.open(args.db) as ctx:
        versions = procedures.list_versions(ctx)
    if not versions:
        out.write("no published procedures (run `checklist-app init`)\n")
    for v in versions:
        out.write(
            f"{v.label}\t{v.title}\teffective {v.effective_date}\t{v.phases} phases, {v.steps} steps\t"
            f"published {v.published_at:%Y-%m-%d %H:%M} UTC by {v.published_by}\t{v.content_hash[:12]}\n"
        )
    return 0
