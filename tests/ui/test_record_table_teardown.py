"""A table model asked for a header or a cell while the garbage collector is clearing the cycle that holds
its columns (a tab's column lambdas hold the tab) answers nothing instead of raising into Qt."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from checklist_app.ui.widgets.record_table import Column, RowsModel

pytestmark = pytest.mark.gui


def test_a_column_emptied_by_the_collector_answers_nothing(qapp):
    model = RowsModel((Column("Reference", lambda r: r.reference), Column("Due", lambda r: r.due, centre=True)))
    model.set_rows([SimpleNamespace(id=1, reference="CSE-SHE-2026-00001", due="today")])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Reference"
    assert model.data(model.index(0, 1)) == "today"
    model.columns[0].__dict__.clear()  # what clearing a reference cycle does to each object in it
    assert model.headerData(0, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.data(model.index(0, 0)) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.AccessibleTextRole) is None
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Due"  # the others still answer
