"""`checklist-app sop validate FILE...`: check procedure files and report every problem with its line."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from checklist_app.cli.terminal import SafeTerminal, field
from checklist_app.core.procedure.loader import validate_file


def run_validate(paths: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Validate each file; 0 when all are valid, 1 when any is not, 2 when no file was given.

    Problems go to `out` (they are the command's result, and people pipe them into files or editors);
    `err` is only for usage errors."""
    if not paths:
        err.write("usage: checklist-app sop validate FILE [FILE ...]\n")
        return 2
    status = 0
    for path in paths:
        if not _validate_one(path, out):
            status = 1
    return status


def _validate_one(path: str, out: TextIO) -> bool:
    try:
        procedure, problems = validate_file(path)
    except Exception as exc:  # validate_file never raises; this keeps that promise if it ever breaks
        out.write(f"{field(path)}: (file): could not be validated ({type(exc).__name__})\n")
        return False
    if procedure is None:
        for problem in problems:
            out.write(f"{field(problem)}\n")
        return False
    steps = len(procedure.steps)
    label = f"{procedure.id} v{procedure.version}"
    out.write(f"{field(path)}: OK {field(label)}, {len(procedure.phases)} phases, {steps} steps\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    out, err = SafeTerminal(sys.stdout), SafeTerminal(sys.stderr)
    return run_validate(list(sys.argv[1:] if argv is None else argv), out, err)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
