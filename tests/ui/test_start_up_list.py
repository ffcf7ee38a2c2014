"""Start-up of the case list: the first page shown while the whole list loads, and pages beside the list
made when first shown."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import open_case

from checklist_app.services import case_list
from checklist_app.ui import case_list as case_list_ui
from checklist_app.ui.case_list import CaseListPage
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.session import AppSession

pytestmark = pytest.mark.gui


def test_the_first_page_shows_while_the_whole_list_loads(qtbot, world, make_session, idle, monkeypatch):
    for n in range(5):
        open_case(world, subject_ref=f"SC-70{n}")
    monkeypatch.setattr(case_list_ui, "FIRST_PAGE", 2)
    seen: list[tuple[str, list[int], bool]] = []
    first_loaded = CaseListPage._first_loaded

    def record(page: CaseListPage, result) -> None:  # type: ignore[no-untyped-def]
        first_loaded(page, result)
        seen.append((page.ui.countLabel.text(), [r.id for r in page.model.visible], page.model.complete))

    monkeypatch.setattr(CaseListPage, "_first_loaded", record)
    page = CaseListPage(make_session(world.auditor))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    assert page.model.complete and page.ui.countLabel.text() == "5 of 5 cases"
    # The first page: no count yet, and exactly the first rows the whole list shows in its opening order.
    assert seen == [("Loading…", [r.id for r in page.model.visible[:2]], False)]


def test_a_refresh_keeps_the_whole_list_and_asks_for_no_first_page(qtbot, world, make_session, idle, monkeypatch):
    open_case(world)
    page = CaseListPage(make_session(world.auditor))
    qtbot.addWidget(page)
    page.refresh()
    idle()
    firsts: list[object] = []
    monkeypatch.setattr(CaseListPage, "_first_loaded", lambda page, result: firsts.append(result))
    open_case(world, subject_ref="SC-999")
    page.refresh()
    idle()
    assert firsts == [] and len(page.model.visible) == 2 and page.ui.countLabel.text() == "2 of 2 cases"


def test_while_only_the_first_page_is_in_filters_narrow_it_and_the_count_waits(qtbot, world, make_session, idle):
    page = CaseListPage(make_session(world.auditor))
    qtbot.addWidget(page)
    page.show()
    idle()
    detail = open_case(world, subject_ref="SC-123")
    rows = case_list.first_cases(world.ctx, world.auditor, case_list.CaseFilter(), 10)
    page._first_loaded((rows, world.ctx.now()))
    assert [r.id for r in page.model.visible] == [detail.id] and page.ui.countLabel.text() == "Loading…"
    page.ui.search.setText("NO-SUCH-CASE")
    assert page.model.visible == [] and not page.empty_label.isVisible()  # no "no cases match" until all are in
    assert page.ui.countLabel.text() == "Loading…"


def test_audit_pages_are_made_when_first_shown(qtbot, world, runner, prefs, idle):
    from checklist_app.ui.audit.desk import AuditDesk

    window = MainWindow(AppSession(world.ctx, world.auditor, runner, prefs))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    idle()
    tabs = window.ui.caseTabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Audit rounds")
    assert not isinstance(tabs.widget(index), AuditDesk)
    assert not tabs.findChildren(AuditDesk)
    tabs.setCurrentIndex(index)
    desk = tabs.widget(index)
    assert isinstance(desk, AuditDesk) and tabs.currentWidget() is desk and tabs.tabText(index) == "Audit rounds"
    assert tabs.tabBar().tabButton(index, tabs.tabBar().ButtonPosition.RightSide) is None
    idle()
    window.close_tab(index)  # a fixed page: it stays
    assert tabs.widget(index) is desk


def test_start_up_loads_no_code_the_first_screen_does_not_need():
    """What `checklist-app gui` imports before the case list shows (command line, services, Qt and the
    screens): not the procedure model (permissions need only its roles), parser and PyYAML, the administration
    services, the case tabs, the password hasher (loaded on the worker once the log-on screen is up) or the
    verifier (loaded on the worker by the start-up check)."""
    code = (
        "import sys\n"
        "import checklist_app.cli.main\n"
        "from checklist_app.services import accounts\n"
        "from checklist_app.services.context import ServiceContext\n"
        "from checklist_app.ui.app import configure\n"
        "from checklist_app.ui.main_window import MainWindow\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded = set(done.stdout.split())
    assert "checklist_app.ui.main_window" in loaded  # the probe ran
    unwanted = {
        "yaml",
        "checklist_app.core.procedure.loader",
        "checklist_app.core.procedure.model",
        "checklist_app.services.admin",
        "checklist_app.ui.tabs",
        "checklist_app.ui.audit.desk",
        "checklist_app.ui.dialogs",
        "argon2",
        "checklist_app.store.verify",
        "alembic",
        "reportlab",
        "jinja2",
    }
    assert loaded & unwanted == set()


def test_the_app_ends_the_start_up_pause_of_garbage_collection_and_freezes_what_start_up_made():
    """`checklist-app` pauses the collector before importing (checklist_app/gc_pause.py); the app's own
    collector, installed with the application, ends the pause and keeps collecting from its timer."""
    code = (
        "import gc, sys\n"
        "from checklist_app import gc_pause\n"
        "gc_pause.pause()\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from checklist_app.ui.app import configure\n"
        "configure(QApplication(sys.argv))\n"
        "print(gc_pause.paused(), gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split()[-3:] == ["False", "False", "True"]


def test_a_procedure_file_error_is_still_explained():
    from checklist_app.core.procedure.loader import SopValidationError, load_procedure_text
    from checklist_app.ui.errors import explain

    with pytest.raises(SopValidationError) as raised:
        load_procedure_text("a: [")
    assert explain(raised.value).title == "Procedure file has problems"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process's memory map (/proc)")
def test_loading_a_form_loads_no_designer_plugin_and_icons_still_draw():
    """QUiLoader would load Qt Designer's widget plugins (Qt Quick and WebEngine views); our forms need none.
    Hiding the library paths while it is made must leave the image plugins the SVG icons need in place."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        "from checklist_app.ui.forms import load_into\n"
        "from checklist_app.ui.icons import icon\n"
        "app = QApplication(sys.argv)\n"
        "host = QWidget()\n"
        "form = load_into(host, 'main_window.ui')\n"
        "maps = open('/proc/self/maps').read()\n"
        "print(form.caseTabs.objectName(), 'designer' in maps, 'Quick' in maps,\n"
        "      icon('case').pixmap(16, 16).isNull())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split()[-4:] == ["caseTabs", "False", "False", "False"]
