"""The garbage collector paused while the command starts (checklist_app/gc_pause.py)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from checklist_app import gc_pause
from checklist_app.cli import commands
from checklist_app.cli.main import main

# Records whether collection was on when the command line and SQLAlchemy were first imported, runs the
# command (`--version`) as the installed `checklist-app` or `python -m checklist_app` does, then reports the
# collector's state after it.
PROBE = """
import gc, runpy, sys
seen = {}
def hook(event, args):
    if event == "import" and args[0] in ("checklist_app.cli.main", "sqlalchemy") and args[0] not in seen:
        seen[args[0]] = gc.isenabled()
sys.addaudithook(hook)
sys.argv = ["checklist-app", "--version"]
try:
    RUN
except SystemExit:
    pass
print(seen["checklist_app.cli.main"], seen["sqlalchemy"], gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    "run",
    ["from checklist_app.launch import main; main()", "runpy.run_module('checklist_app', run_name='__main__')"],
    ids=["entry point", "python -m"],
)
def test_the_command_imports_with_collection_paused_and_turns_it_on_again(run):
    code = PROBE.replace("RUN", run)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split()[-4:] == ["False", "False", "True", "True"]


@pytest.fixture
def paused():
    was_enabled = gc.isenabled()
    gc_pause.pause()
    yield
    gc_pause.end()
    gc.unfreeze()  # this test process's objects are not start-up's: let them be collected again
    if was_enabled:
        gc.enable()


def test_a_command_other_than_the_desktop_app_runs_with_collection_on(paused, monkeypatch, tmp_path):
    states: list[bool] = []
    monkeypatch.setattr(commands, "cmd_init", lambda args, out, err: states.append(gc.isenabled()) or 0)
    assert gc_pause.paused() and not gc.isenabled()
    assert main(["--db", str(tmp_path / "x.db"), "init", "--no-admin"]) == 0
    assert states == [True] and not gc_pause.paused()


def test_the_desktop_app_command_leaves_the_pause_to_the_app(paused, monkeypatch):
    states: list[bool] = []
    monkeypatch.setattr(commands, "cmd_gui", lambda args, out, err: states.append(gc.isenabled()) or 0)
    assert main(["gui"]) == 0
    assert states == [False] and gc_pause.paused()


def test_ending_without_a_pause_changes_nothing():
    freezes = gc.get_freeze_count()
    gc_pause.end()
    assert gc.isenabled() and gc.get_freeze_count() == freezes and not gc_pause.paused()
