"""The rules tests/ui/conftest.py enforces for GUI tests, checked by running pytest on a throwaway GUI test
module in a subprocess: a skipped GUI test fails the run, a modal dialog left open fails its test, and Qt
runs offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROBE = """
import os

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

pytestmark = pytest.mark.gui


def test_skipped():
    pytest.skip("skipped on purpose")


def test_modal_left_open(qtbot):
    QMessageBox.information(None, "Left open", "nobody answers this")


def test_offscreen():
    assert QApplication.instance().platformName() == "offscreen"
"""


def test_a_skipped_gui_test_and_a_forgotten_dialog_fail_the_run() -> None:
    # Beside the conftest it must obey; its name is not test_*.py, so no other run collects it.
    probe = Path(__file__).parent / f"probe_{uuid.uuid4().hex}.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("QT_QPA_PLATFORM", "PYTEST_XDIST_WORKER")}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA", str(probe)],
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
            cwd=Path(__file__).parents[2],
        )
    finally:
        probe.unlink()
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert f"FAILED tests/ui/{probe.name}::test_skipped" in out, out
    assert "GUI test was skipped, which this suite treats as a failure" in out, out
    assert "a modal dialog was left open and closed by the watchdog: 'Left open': nobody answers this" in out, out
    assert "1 failed, 2 passed, 1 error" in out, out
    assert f"PASSED tests/ui/{probe.name}::test_offscreen" in out, out
