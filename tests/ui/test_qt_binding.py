"""The Qt binding must not leak or drop references to None.

PySide6 6.12.0 on Python 3.11 dropped one reference to None on every call that returns nothing; after a few
thousand calls (one opened case) Python aborted with "none_dealloc". This test fails on such a release."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_void_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        label.setProperty("tone", None)
    assert abs(sys.getrefcount(None) - before) < 50
