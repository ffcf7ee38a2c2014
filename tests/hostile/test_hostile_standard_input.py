"""Standard input closed, not UTF-8, a page without line breaks, or ended at a prompt: reading a password
failed with "unexpected failure" (AttributeError on a missing sys.stdin, UnicodeEncodeError in the audit
commands' log-on, which skipped the UTF-8 check the other commands made; EOFError at a prompt)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checklist_app.cli import commands
from tests.cli.cli_support import assert_refused, chain_head, cli

ADD = ["user", "add", "new.user", "--name", "New User", "--role", "auditor"]
AUDIT_LOG_ON = ["audit", "round", "list", "--user", "auditor"]


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        (None, "No password: standard input is closed"),
        (io.StringIO("Pass-\udcff\udcfe-word-long\n"), "The password on standard input is not valid UTF-8 text"),
        (io.StringIO("x" * 100_000), "The first line of standard input is too long to be a password"),
        (io.StringIO(""), "No password on standard input"),
    ],
    ids=["closed", "not utf-8", "page", "empty"],
)
@pytest.mark.parametrize("argv", [ADD, [*ADD[:-2], "--role", "auditor", "--password-stdin"], AUDIT_LOG_ON])
def test_a_password_that_cannot_be_read_is_said_in_words(
    db: str, monkeypatch: pytest.MonkeyPatch, stdin: io.StringIO | None, words: str, argv: list[str]
) -> None:
    before = chain_head(db)
    if stdin is not None:
        stdin.seek(0)
    monkeypatch.setattr(sys, "stdin", stdin)
    assert_refused(cli("--db", db, *argv), words, code=1)
    if argv is not AUDIT_LOG_ON:
        assert chain_head(db) == before


def test_input_ended_at_a_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "stdin_is_terminal", lambda: True)

    def ended(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", ended)
    run = cli("--db", tmp_path / "new.db", "init")
    assert_refused(run, "the input ended before an answer was given", code=1)


def test_a_real_process_with_standard_input_closed(db: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CHECKLIST_APP_DB"}
    proc = subprocess.run(
        [sys.executable, "-m", "checklist_app", "--db", db, *ADD],
        preexec_fn=lambda: os.close(0),  # the child's own standard input only
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert (
        proc.stderr == "error: No password: standard input is closed. Pipe the password in, or run from a terminal.\n"
    )
