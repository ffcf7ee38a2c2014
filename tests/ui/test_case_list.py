"""The case list: filters, search, sorting, lazy paging and opening a case, on real widgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from support import open_case

from checklist_app.services.dto import CaseRow
from checklist_app.ui.case_list import (
    COL_DUE,
    COL_REF,
    COL_RISK,
    PAGE,
    CaseFilterState,
    CaseListModel,
    CaseListPage,
)

pytestmark = pytest.mark.gui
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _row(i: int, **overrides) -> CaseRow:  # type: ignore[no-untyped-def]
    values = dict(
        id=i,
        reference=f"CSE-SHE-2026-{i:05d}",
        status="open",
        district_id=1,
        district_name="Sheffield",
        team_id=1,
        officer_id=10 + i % 3,
        officer_name=f"DC {i % 3}",
        supervisor_id=20,
        subject_ref=f"SC-{i}",
        referral_at=NOW - timedelta(days=i),
        phase_number=1 + i % 12,
        phase_title="Phase",
        risk_category=i % 5,
        next_due_step=f"{1 + i % 12}.{1 + i % 7}",
        next_due_title="Step",
        next_due_at=NOW + timedelta(hours=i - 50),
        open_due=((NOW + timedelta(hours=i - 50)).timestamp(),),
        steps_required=10,
        steps_done=3,
    )
    values.update(overrides)
    return CaseRow(**values)  # type: ignore[arg-type]


def test_filters_and_search_in_memory():
    rows = [_row(i) for i in range(100)] + [_row(200, status="closed", team_id=2)]
    model = CaseListModel(user_id=10, team_id=1)
    model.set_rows(rows, NOW)
    assert len(model.visible) == 100  # open only by default
    model.set_filter(CaseFilterState(status="all"))
    assert len(model.visible) == 101
    model.set_filter(CaseFilterState(scope="mine"))
    assert {r.officer_id for r in model.visible} == {10}
    model.set_filter(CaseFilterState(scope="team", status="all"))
    assert all(r.team_id == 1 for r in model.visible)
    model.set_filter(CaseFilterState(overdue_only=True))
    assert len(model.visible) == 50 and all(r.next_due_at < NOW for r in model.visible)
    model.set_filter(CaseFilterState(min_risk=3))
    assert all(r.risk_category >= 3 for r in model.visible)
    model.set_filter(CaseFilterState(search="2026-00042"))
    assert [r.id for r in model.visible] == [42]
    model.set_filter(CaseFilterState(search="sc-4"))
    assert {r.id for r in model.visible} == {4, *range(40, 50)}


def test_sorting_and_lazy_pages():
    rows = [_row(i) for i in range(2 * PAGE + 10)]
    model = CaseListModel(user_id=10, team_id=1)
    model.set_rows(rows, NOW)
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == len(rows) and not model.canFetchMore()
    model.sort(COL_RISK, Qt.SortOrder.DescendingOrder)
    assert model.visible[0].risk_category == 4
    model.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    assert model.visible[0].next_due_at == min(r.next_due_at for r in rows)
    model.sort(COL_REF, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COL_REF)) == "CSE-SHE-2026-00000"


def test_ties_in_a_column_go_by_reference_in_the_same_direction():
    import itertools
    import random

    from checklist_app.ui.case_list import COLUMNS

    rows = [_row(i, district_name=f"D{i % 3}", officer_name=None if i % 4 == 0 else f"DC {i % 2}") for i in range(60)]
    random.Random(7).shuffle(rows)
    model = CaseListModel(user_id=10, team_id=1)
    model.set_filter(CaseFilterState(status="all"))
    model.set_rows(rows, NOW)
    for column in range(len(COLUMNS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            shown = [model.data(model.index(i, column)) for i in range(len(rows))]
            keys = list(zip([str(v) for v in shown], [r.reference for r in model.visible], strict=True))
            # Rows showing the same value in the sorted column are ordered by reference, same direction.
            for (a_value, a_ref), (b_value, b_ref) in itertools.pairwise(keys):
                if a_value == b_value:
                    assert (a_ref < b_ref) == (order == Qt.SortOrder.AscendingOrder), (column, order, a_ref, b_ref)


def test_overdue_count_and_colour_follow_time():
    model = CaseListModel(user_id=10, team_id=1)
    model.set_rows(
        [_row(1, open_due=((NOW - timedelta(hours=1)).timestamp(), (NOW + timedelta(hours=5)).timestamp()))], NOW
    )
    from checklist_app.ui.case_list import COL_OVERDUE

    assert model.data(model.index(0, COL_OVERDUE)) == "1"
    model.tick(NOW + timedelta(hours=6))
    assert model.data(model.index(0, COL_OVERDUE)) == "2"


def test_page_lists_cases_from_the_services_and_opens_on_enter(qtbot, world, make_session, idle):
    mine = open_case(world, subject_ref="SC-777")
    open_case(world, world.investigator2, subject_ref="SC-888")
    page = CaseListPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    assert [r.id for r in page.model.visible] == [mine.id]  # investigators start on "My cases"
    page.ui.scope.setCurrentIndex(page.ui.scope.findData("district"))
    assert len(page.model.visible) == 2
    assert page.ui.countLabel.text() == "2 of 2 cases"
    qtbot.keyClicks(page.ui.search, "SC-888")
    assert [r.subject_ref for r in page.model.visible] == ["SC-888"]
    page.ui.search.clear()
    table = page.ui.table
    table.setFocus()
    table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.open_case, timeout=3000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args[0] == page.model.visible[0].id


def test_auditor_sees_every_district_and_can_filter_by_district(qtbot, world, make_session, idle):
    open_case(world, subject_ref="SC-101")
    open_case(world, world.other_district_investigator, district_code="DON", subject_ref="SC-202")
    page = CaseListPage(make_session(world.auditor))
    qtbot.addWidget(page)
    page.refresh()
    idle()
    assert len(page.model.visible) == 2
    page.ui.district.setCurrentIndex(page.ui.district.findText("Doncaster"))
    assert [r.district_name for r in page.model.visible] == ["Doncaster"]


def test_search_says_why_a_case_matched_and_says_when_none_do(qtbot, world, make_session, idle):
    by_subject = open_case(world, subject_ref="SC-100104")
    page = CaseListPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    qtbot.keyClicks(page.ui.search, "0010")
    assert [r.id for r in page.model.visible] == [by_subject.id]
    shown = page.model.index(0, 0).data()
    assert shown.endswith("(subject SC-100104)")  # it matched on the subject reference, not the case's
    assert not page.empty_label.isVisible()
    page.ui.search.clear()
    assert page.model.index(0, 0).data() == by_subject.reference
    qtbot.keyClicks(page.ui.search, "ZZZ-NOTHING")
    assert page.model.rowCount() == 0
    assert page.empty_label.isVisible() and page.empty_label.text().startswith("No cases match")
    assert "ZZZ-NOTHING" in page.empty_label.text()


def test_when_the_filters_hide_every_case_the_list_says_which_to_change(qtbot, world, make_session, idle):
    """An investigator with no open cases of their own saw only "No cases match" under "My cases"."""
    open_case(world, actor=world.investigator2)
    open_case(world, actor=world.investigator2, subject_ref="SC-100200")
    page = CaseListPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    assert page.ui.scope.currentData() == "mine" and page.model.rowCount() == 0
    text = page.empty_label.text()
    assert page.empty_label.isVisible()
    assert text == "No cases match the filters. To see more, choose “All I can see” in Show (2 cases)."
    qtbot.keyClicks(page.ui.search, "SC-100200")  # the search does not hide them: the filters still do
    assert "the filters and the search “SC-100200”" in page.empty_label.text()
    assert "choose “All I can see” in Show (1 case)" in page.empty_label.text()
    page.ui.scope.setCurrentIndex(page.ui.scope.findData("district"))
    assert page.model.rowCount() == 1 and not page.empty_label.isVisible()
    qtbot.keyClicks(page.ui.search, "9")  # now the search alone hides it
    assert page.empty_label.text().startswith("No cases match “SC-1002009” (searched in")


def test_scopes_offered_follow_the_role(qtbot, world, make_session, idle):
    def scopes(actor):  # type: ignore[no-untyped-def]
        page = CaseListPage(make_session(actor))
        qtbot.addWidget(page)
        return [page.ui.scope.itemData(i) for i in range(page.ui.scope.count())], page.ui.scope.currentData()

    assert scopes(world.investigator) == (["district", "mine", "team"], "mine")
    assert scopes(world.supervisor) == (["district", "team"], "team")  # "My cases" would repeat "My team"
    assert scopes(world.auditor) == (["district"], "district")  # an auditor has no cases of their own
    assert scopes(world.intel) == (["district"], "district")


def test_the_filter_bar_wraps_so_the_case_list_never_sets_the_window_width(qtbot, make_session, world, idle):
    """The filters sat on one line: the list needed 1,169 px, and as a tab of the window it made every open
    case scroll sideways in a window narrower than that (1366x768 at 125 %, half a 1920 screen). They now
    wrap, each label with its box, and share one line when there is room."""
    from PySide6.QtCore import QPoint, QRect

    from checklist_app.ui.case_list import CaseListPage

    page = CaseListPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    idle()
    assert page.minimumSizeHint().width() <= 700, page.minimumSizeHint()
    ui = page.ui
    controls = [ui.search, ui.scope, ui.district, ui.status, ui.risk, ui.overdueOnly]

    def at(widget) -> QRect:  # type: ignore[no-untyped-def]
        return QRect(widget.mapTo(page, QPoint(0, 0)), widget.size())

    for width, one_line in ((1260, True), (760, False)):
        page.resize(width, 600)
        qtbot.wait(20)
        rects = [at(c) for c in controls]
        assert all(page.rect().contains(r) for r in rects), (width, rects)
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :]), (width, rects)
        assert (len({r.center().y() for r in rects}) == 1) is one_line, (width, rects)
        assert page.rect().contains(at(ui.countLabel)), (width, at(ui.countLabel))
        assert at(ui.table).top() > max(r.bottom() for r in rects)
        for label, box in ((ui.scopeLabel, ui.scope), (ui.statusLabel, ui.status), (ui.riskLabel, ui.risk)):
            assert at(label).right() < at(box).left() and at(label).center().y() == at(box).center().y()
