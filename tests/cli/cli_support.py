"""Running `checklist-app` in-process (fast, password hashing patched) and as a separate program (proof that
nothing but plain lines reaches a terminal)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from checklist_app.cli.main import main
from checklist_app.services.context import ServiceContext
from checklist_app.store.audit import head


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def cli(*argv: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


def cli_process(*argv: str | Path, cwd: Path, stdin: str = "", timeout: float = 120) -> Run:
    """`python -m checklist_app ARGV` with $CHECKLIST_APP_DB unset, so only --db chooses the database."""
    env = {k: v for k, v in os.environ.items() if k != "CHECKLIST_APP_DB"}
    proc = subprocess.run(
        [sys.executable, "-m", "checklist_app", *map(str, argv)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_refused(run: Run, expected: str, *, code: int | None = None, one_line: bool = True) -> None:
    """A refusal: non-zero exit, the expected words, no traceback, and (usually) exactly one line on stderr."""
    assert run.code != 0, run
    if code is not None:
        assert run.code == code, run
    assert "Traceback" not in run.text, run.text
    assert "unexpected failure" not in run.text, run.text
    assert expected in run.text, run.text
    if one_line:
        assert len(run.err.strip().splitlines()) == 1, run.err


def chain_head(location: str | Path) -> tuple[int, str]:
    ctx = ServiceContext.open(str(location))
    try:
        with ctx.db.read() as session:
            return head(session)
    finally:
        ctx.close()
