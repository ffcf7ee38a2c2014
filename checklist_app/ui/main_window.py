"""The main window: the case list and open cases as tabs, menus with shortcuts, and the screen lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.ui import quiet_tabs, window_fit
from checklist_app.ui.audit.pages import audit_pages
from checklist_app.ui.case_list import CaseListPage
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.forms import load_into
from checklist_app.ui.icons import app_icon, icon
from checklist_app.ui.lock import LockScreen
from checklist_app.ui.main_menus import build_actions
from checklist_app.ui.session import AppSession, IdleWatcher
from checklist_app.ui.supervision.pages import supervision_home

if TYPE_CHECKING:
    from checklist_app.ui.admin.console import AdminConsole
    from checklist_app.ui.intelligence_desk import IntelligenceDeskPage


class _PagePlaceholder(QWidget):
    """Holds a fixed page's tab (and title) until the page is first shown; never drawn (see _build_page)."""

    def __init__(self, make: Callable[[], QWidget]) -> None:
        super().__init__()
        self.make = make


class MainWindow(QMainWindow):
    log_off_requested = Signal()

    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.session = session
        self.quit_on_close = True  # log off closes the window without ending the application
        self._shown_once = False
        self.setObjectName("MainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle("CSE Investigation and Intelligence")
        self.ui = load_into(self, "main_window.ui")
        window_fit.scroll_central(self)  # content scrolls; it never makes the window outgrow the screen
        self.lock_screen = LockScreen(session, self.ui.lockPage)
        self.ui.lockPage.layout().addWidget(self.lock_screen)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.log_off_requested.connect(self.log_off_requested)
        self.lock_screen.log_off_chosen.connect(self._log_off_from_lock)
        tabs = self.ui.caseTabs
        quiet_tabs.quiet(tabs)
        self.case_list: CaseListPage | AdminConsole
        if session.may(Action.CASE_LIST):
            self.case_list = CaseListPage(session)
            self.case_list.open_case.connect(self.open_case)
            tabs.addTab(self.case_list, icon("case"), "Case list")
        else:  # administrators see no case content: their first page is the console
            from checklist_app.ui.admin.console import AdminConsole  # administrators only

            self.case_list = AdminConsole(session)
            tabs.addTab(self.case_list, icon("settings"), "Administration")
        tabs.tabBar().setTabButton(0, tabs.tabBar().ButtonPosition.RightSide, None)  # the list stays
        self.dashboard = supervision_home(session)  # the supervisor's home screen, first and shown first
        self.intelligence_desk = self._intelligence_desk_home(session)  # the intelligence officer's in-tray
        # The screen shown first: the supervisor's dashboard, else the intelligence officer's desk, else the list.
        home: QWidget | None = self.dashboard if self.dashboard is not None else self.intelligence_desk
        if home is None:
            # The list is the first screen: its rows are asked for before the other pages are made, so the
            # worker reads them while this thread builds the window, and ahead of the other pages' loads.
            self.case_list.refresh()
        elif home is self.intelligence_desk:
            self.intelligence_desk.refresh()  # likewise, ahead of the other pages' loads
        # The auditor's desk; remedial actions for their owners: each made when its tab is first shown.
        for make, title in audit_pages(session):
            index = tabs.addTab(_PagePlaceholder(make), icon("case"), title)
            tabs.tabBar().setTabButton(index, tabs.tabBar().ButtonPosition.RightSide, None)
        if self.intelligence_desk is not None:
            index = tabs.addTab(self.intelligence_desk, icon("intelligence"), "Intelligence desk")
            tabs.tabBar().setTabButton(index, tabs.tabBar().ButtonPosition.RightSide, None)
            self.intelligence_desk.open_case.connect(self.open_case)
            if home is self.intelligence_desk:
                tabs.setCurrentWidget(self.intelligence_desk)
            else:
                self.intelligence_desk.refresh()
        self.district_duties = self._district_duties_home(session)  # the intelligence officer's duties
        if self.district_duties is not None:
            index = tabs.addTab(self.district_duties, icon("steps"), "District duties")
            tabs.tabBar().setTabButton(index, tabs.tabBar().ButtonPosition.RightSide, None)
            self.district_duties.refresh()
        if self.dashboard is not None:
            tabs.insertTab(0, self.dashboard, icon("steps"), "Team dashboard")
            tabs.tabBar().setTabButton(0, tabs.tabBar().ButtonPosition.RightSide, None)
            self.dashboard.open_case.connect(self.open_case)
            self.dashboard.open_officer.connect(self.show_officer_cases)
            tabs.setCurrentWidget(self.dashboard)
            self.dashboard.refresh()
        session.case_changed.connect(self._case_changed)
        self.fixed_pages: list[QWidget] = [tabs.widget(i) for i in range(tabs.count())]  # never closed
        tabs.tabCloseRequested.connect(self.close_tab)
        tabs.currentChanged.connect(self._build_page)
        self._hidden_windows: list[QWidget] = []
        build_actions(self)
        self._build_status()
        self.idle = IdleWatcher(session.prefs.lock_minutes, self)
        self.idle.idle.connect(self.lock)
        geometry = session.prefs.geometry("main")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(window_fit.initial_size(self))
        window_fit.fit_to_screen(self)  # saved at another scaling or on another screen
        if home is not None:
            self.case_list.refresh()  # after the home page's own load: that page is shown first

    def _build_page(self, index: int) -> None:
        """A fixed page about to be shown for the first time is made now, in its placeholder's place, within
        the same tab change (so the placeholder is never drawn), and loads its data."""
        tabs = self.ui.caseTabs
        placeholder = tabs.widget(index)
        if not isinstance(placeholder, _PagePlaceholder):
            return
        page = placeholder.make()
        text, tab_icon = tabs.tabText(index), tabs.tabIcon(index)
        tabs.blockSignals(True)  # the swap's transient tab changes are nobody's business
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, page, tab_icon, text)
            tabs.tabBar().setTabButton(index, tabs.tabBar().ButtonPosition.RightSide, None)
            tabs.setCurrentIndex(index)
        finally:
            tabs.blockSignals(False)
        self.fixed_pages = [page if widget is placeholder else widget for widget in self.fixed_pages]
        placeholder.deleteLater()
        page.refresh()  # type: ignore[attr-defined]

    @staticmethod
    def _intelligence_desk_home(session: AppSession) -> IntelligenceDeskPage | None:
        # Only the roles that assess intelligence have the desk: its module (and the case tabs' intelligence
        # wording it uses) loads for them alone.
        if not session.may(Action.INTEL_ASSESS):
            return None
        from checklist_app.ui.intelligence_desk import intelligence_desk_home

        return intelligence_desk_home(session)

    @staticmethod
    def _district_duties_home(session: AppSession) -> QWidget | None:
        # Only the roles that record district duties have the page: its module (and the dashboard's, which it
        # uses) loads for them alone.
        if not session.may(Action.DISTRICT_DUTY_RECORD):
            return None
        from checklist_app.ui.supervision.district_duties_page import district_duties_home

        return district_duties_home(session)

    # --- actions -------------------------------------------------------------------------------------

    def _build_status(self) -> None:
        actor = self.session.actor
        self.user_label = QLabel(
            f"{actor.display_name} · {wording.ROLE_LABELS.get(actor.role.value, actor.role.value)}"
        )
        self.busy_label = QLabel("")
        self.db_label = QLabel(f"Database: {self.session.ctx.db.describe()}")
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.db_label)
        # The worker outlives this window (it serves the next log-on): a bound slot, not a lambda, so Qt drops
        # the connection when the window is destroyed, and close() drops it at once.
        self.session.runner.busy_changed.connect(self._show_busy)
        self._hears_worker = True

    def _show_busy(self, busy: bool) -> None:
        self.busy_label.setText("Working…" if busy else "")

    # --- cases ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.ui.caseTabs.currentWidget()
        if current is self.case_list:
            self.case_list.refresh()
        elif hasattr(current, "refresh"):
            current.refresh()

    def show_dashboard(self) -> None:
        if self.dashboard is not None:
            self.ui.caseTabs.setCurrentWidget(self.dashboard)

    def show_officer_cases(self, officer_id: int, name: str) -> None:
        """The case list, filtered to one officer's open cases (a workload row on the dashboard)."""
        if isinstance(self.case_list, CaseListPage):
            self.case_list.show_officer(officer_id, name)
            self.ui.caseTabs.setCurrentWidget(self.case_list)

    def _case_changed(self, _case_id: int) -> None:
        self.case_list.refresh()
        if self.dashboard is not None:
            self.dashboard.refresh()
        if self.intelligence_desk is not None:
            self.intelligence_desk.refresh()

    def workspace_for(self, case_id: int) -> QWidget | None:
        tabs = self.ui.caseTabs
        for i in range(tabs.count()):
            widget = tabs.widget(i)
            if getattr(widget, "case_id", None) == case_id:
                return widget
        return None

    def open_case(self, case_id: int, place: str = "") -> None:
        """Show the case's tab (opening it if needed); `place` is where in the case (CaseWorkspace.go_to)."""
        from checklist_app.ui.workspace import CaseWorkspace

        tabs = self.ui.caseTabs
        existing = self.workspace_for(case_id)
        if isinstance(existing, CaseWorkspace):
            tabs.setCurrentWidget(existing)
            if place:
                existing.go_to(place)
            return
        workspace = CaseWorkspace(self.session, case_id)
        workspace.title_changed.connect(lambda text, w=workspace: self._retitle(w, text))
        workspace.report_requested.connect(self.casework_report)
        if place:
            workspace.go_to(place)
        index = tabs.addTab(workspace, icon("steps"), "Loading…")
        tabs.setCurrentIndex(index)

    def _retitle(self, widget: QWidget, text: str) -> None:
        index = self.ui.caseTabs.indexOf(widget)
        if index >= 0:
            self.ui.caseTabs.setTabText(index, text)

    def close_tab(self, index: int) -> None:
        widget = self.ui.caseTabs.widget(index)
        if widget is None or any(widget is page for page in self.fixed_pages):
            return
        from checklist_app.ui.workspace import CaseWorkspace

        if isinstance(widget, CaseWorkspace) and not confirm_discard(self, widget.unsaved_work()):
            return
        self.ui.caseTabs.removeTab(index)
        widget.deleteLater()

    def _unsaved_by_case(self) -> list[tuple[str, list[str]]]:
        """(tab title, what is unsaved) of every open case with unsaved work, then ("", …) for work in a
        dialog of no case (the new case wizard). Dialogs count while open or hidden by the lock screen."""
        from checklist_app.ui.workspace import CaseWorkspace

        tabs = self.ui.caseTabs
        by_case: dict[int, list[str]] = {}
        for i in range(tabs.count()):
            widget = tabs.widget(i)
            if isinstance(widget, CaseWorkspace):
                by_case[i] = widget.unsaved_work()
        elsewhere: list[str] = []
        for dialog in self.findChildren(QDialog):
            watch = getattr(dialog, "edits", None)
            if not (isinstance(watch, EditWatch) and watch.edited):
                continue
            if not (dialog.isVisible() or dialog in self._hidden_windows):
                continue
            what = f"what you entered in “{dialog.windowTitle()}”"
            owner = dialog.parentWidget()
            while owner is not None and not isinstance(owner, CaseWorkspace):
                owner = owner.parentWidget()
            index = tabs.indexOf(owner) if owner is not None else -1
            by_case.get(index, elsewhere).append(what)
        found = [(tabs.tabText(i), work) for i, work in by_case.items() if work]
        return found + ([("", elsewhere)] if elsewhere else [])

    def unsaved_work(self) -> list[str]:
        """What logging off now would throw away, case by case."""
        return [f"{title}: {what}" if title else what for title, work in self._unsaved_by_case() for what in work]

    def _log_off(self) -> None:
        if confirm_discard(self, self.unsaved_work()):
            self.log_off_requested.emit()

    def _log_off_from_lock(self) -> None:
        """Log off from the lock screen warns, like File > Log off, that unsaved work on the open cases
        will be lost. Whoever clicked may not be the user who locked, and the lock screen hides case
        content, so the warning says what is unsaved in each open case without naming the cases."""
        found = self._unsaved_by_case()
        cases = [what for title, what in found if title]
        work = [f"Open case {n} of {len(cases)}: {', '.join(what)}" for n, what in enumerate(cases, 1)]
        work += [item for title, what in found if not title for item in what]
        if confirm_discard(
            self,
            work,
            question="Log off and lose unsaved work?",
            consequence="Logging off closes the open cases and this work is lost. To keep it, enter your "
            "password to unlock, then save it.",
            discard_text="&Log off",
        ):
            self.log_off_requested.emit()

    def _cycle(self, step: int) -> None:
        tabs = self.ui.caseTabs
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())

    def new_case(self) -> None:
        if not self.session.may(Action.CASE_OPEN):
            return
        from checklist_app.ui.new_case.wizard import NewCaseWizard

        wizard = NewCaseWizard(self.session, self)
        wizard.created.connect(self._case_created)
        wizard.open()

    def _case_created(self, case_id: int) -> None:
        self.case_list.refresh()
        self.open_case(case_id)

    # --- reports -------------------------------------------------------------------------------------

    def casework_report(self, reference: str = "") -> None:
        if not self.session.may(Action.REPORT_CASEWORK):
            return
        from checklist_app.ui.reports.dialogs import CaseworkReportDialog

        detail = getattr(self.ui.caseTabs.currentWidget(), "detail", None)
        if not reference and detail is not None:  # from an open case's tab: that case, ready to generate
            reference = detail.reference
        CaseworkReportDialog(self.session, self, reference).open()

    def compliance_report(self) -> None:
        if not self.session.may(Action.REPORT_COMPLIANCE):
            return
        from checklist_app.ui.reports.dialogs import ComplianceReportDialog

        ComplianceReportDialog(self.session, self).open()

    # --- lock ----------------------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.ui.pages.currentWidget() is self.ui.lockPage

    def lock(self) -> None:
        if self.is_locked:
            return
        # Dialogs would show case content over the lock screen: hide them until unlock.
        self._hidden_windows = [w for w in QApplication.topLevelWidgets() if w is not self and w.isVisible()]
        for widget in self._hidden_windows:
            widget.hide()
        self.ui.pages.setCurrentWidget(self.ui.lockPage)
        self.menuBar().setVisible(False)
        self.toolbar.setVisible(False)
        for action in self.actions():
            action.setEnabled(False)
        self.setWindowTitle("Locked: CSE Investigation and Intelligence")
        self.idle.stop()
        self.lock_screen.prepare()

    def unlock(self) -> None:
        self.ui.pages.setCurrentWidget(self.ui.workPage)
        self.menuBar().setVisible(True)
        self.toolbar.setVisible(True)
        for action in self.actions():
            action.setEnabled(True)
        self.new_case_action.setEnabled(self.session.may(Action.CASE_OPEN))
        self.setWindowTitle("CSE Investigation and Intelligence")
        for widget in self._hidden_windows:
            widget.show()
        self._hidden_windows = []
        self.idle.restart()

    # --- tools ---------------------------------------------------------------------------------------

    def preferences(self) -> None:
        from checklist_app.ui.dialogs import PreferencesDialog

        dialog = PreferencesDialog(self.session.prefs, self)
        if dialog.exec():
            self.idle.set_minutes(self.session.prefs.lock_minutes)

    def change_password(self) -> None:
        from checklist_app.ui.dialogs import ChangePasswordDialog

        ChangePasswordDialog(self.session, self).exec()

    def show_shortcuts(self) -> None:
        from checklist_app.ui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def about(self) -> None:
        from checklist_app.ui.about import AboutDialog

        AboutDialog(self.session, self).exec()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window_fit.fit_to_screen(self)  # now that the frame (title bar) is known
        if not self._shown_once:
            self._shown_once = True
            self.focus_page()

    def focus_page(self) -> None:
        """Give the keyboard to the page shown: its own focus proxy (a page's table), else its first control."""
        page = self.ui.caseTabs.currentWidget()
        if page is None:
            return
        if page.focusProxy() is not None:
            page.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        widget = page.nextInFocusChain()
        while widget is not page and widget is not None:
            if (
                page.isAncestorOf(widget)
                and widget.isVisibleTo(page)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            widget = widget.nextInFocusChain()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Quitting (File > Quit, the window's close button) asks first; a log-off has asked already.
        if self.quit_on_close and not self.is_locked and not confirm_discard(self, self.unsaved_work()):
            event.ignore()
            return
        from checklist_app.ui.reports.preview import ReportPreview

        for preview in self.findChildren(ReportPreview):  # their private files go with them
            preview.close()
        self.session.prefs.set_geometry("main", QByteArray(self.saveGeometry()))
        self.idle.detach()
        if self._hears_worker:  # close() can come twice (log off, then the app's teardown)
            self.session.runner.busy_changed.disconnect(self._show_busy)
            self._hears_worker = False
        super().closeEvent(event)
        if self.quit_on_close:
            QApplication.quit()
