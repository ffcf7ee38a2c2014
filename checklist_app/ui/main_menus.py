"""The main window's menus, toolbar and keyboard actions: what each role may do, shown or greyed with the
reason, every action with its shortcut in its tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolBar

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.ui.widgets.actions import add_action

if TYPE_CHECKING:
    from checklist_app.ui.main_window import MainWindow


def build_actions(window: MainWindow) -> None:
    """The menus, their actions (each with its shortcut and tooltip, kept as attributes of the window: tests
    and other screens use them) and the toolbar, as the signed-in user's role allows."""
    may_open = window.session.may(Action.CASE_OPEN)
    window.new_case_action = add_action(
        window, "&New case…", window.new_case, "Ctrl+N", "new-case", "Open a new case from a referral"
    )
    window.new_case_action.setEnabled(may_open)
    if not may_open:  # shown greyed to roles that read cases: say why, or it looks broken
        role = wording.ROLE_LABELS.get(window.session.actor.role.value, window.session.actor.role.value)
        window.new_case_action.setToolTip(
            f"Your role ({role}) does not open a new case: investigators and supervisors open cases from a referral."
        )
    window.new_case_action.setVisible(may_open or window.session.may(Action.CASE_LIST))  # not for administrators
    window.new_case_action.setIconText("New case")  # toolbar buttons go without the dialog ellipsis
    window.refresh_action = add_action(
        window,
        "&Refresh",
        window.refresh,
        "F5",
        "refresh",
        "Reload the page shown (case list, case, dashboard or desk)",
    )
    window.close_tab_action = add_action(
        window, "&Close case tab", lambda: window.close_tab(window.ui.caseTabs.currentIndex()), "Ctrl+W"
    )
    window.lock_action = add_action(
        window, "&Lock screen", window.lock, "Ctrl+L", "lock", "Hide case content until you enter your password"
    )
    window.log_off_action = add_action(window, "Log &off", window._log_off, None, "log-off")
    window.quit_action = add_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit)
    window.list_action = add_action(
        window, "&Case list", lambda: window.ui.caseTabs.setCurrentWidget(window.case_list), "Ctrl+1", "case"
    )
    window.dashboard_action = add_action(
        window, "Team &dashboard", window.show_dashboard, "Ctrl+D", "steps", "The team dashboard (supervisors)"
    )
    window.dashboard_action.setVisible(window.dashboard is not None)
    window.next_tab_action = add_action(window, "&Next tab", lambda: window._cycle(1), "Ctrl+Tab")
    window.prev_tab_action = add_action(window, "&Previous tab", lambda: window._cycle(-1), "Ctrl+Shift+Tab")
    window.prefs_action = add_action(window, "&Preferences…", window.preferences, None, "settings")
    window.password_action = add_action(window, "Change &password…", window.change_password, None, "user")
    window.shortcuts_action = add_action(window, "&Keyboard shortcuts", window.show_shortcuts, "F1")
    window.about_action = add_action(window, "&About", window.about)
    window.casework_report_action = add_action(
        window,
        "&Casework audit report…",
        lambda: window.casework_report(),
        None,
        None,
        "A case's procedure, signatures and audit, as PDF",
    )
    window.compliance_report_action = add_action(
        window, "C&ompliance report…", window.compliance_report, None, None, "Compliance by district and month, as PDF"
    )

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for action in (window.new_case_action, window.refresh_action, window.close_tab_action):
        file_menu.addAction(action)
    file_menu.addSeparator()
    for action in (window.lock_action, window.log_off_action, window.quit_action):
        file_menu.addAction(action)
    view_menu = bar.addMenu("&View")
    for action in (window.list_action, window.dashboard_action, window.next_tab_action, window.prev_tab_action):
        view_menu.addAction(action)
    may_casework, may_compliance = (
        window.session.may(Action.REPORT_CASEWORK),
        window.session.may(Action.REPORT_COMPLIANCE),
    )
    window.casework_report_action.setVisible(may_casework)
    window.compliance_report_action.setVisible(may_compliance)
    window.reports_menu = None
    if may_casework or may_compliance:  # investigators and administrators do not see the menu at all
        window.reports_menu = bar.addMenu("&Reports")
        window.reports_menu.addAction(window.casework_report_action)
        window.reports_menu.addAction(window.compliance_report_action)
    tools = bar.addMenu("&Tools")
    tools.addAction(window.prefs_action)
    tools.addAction(window.password_action)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(window.shortcuts_action)
    help_menu.addAction(window.about_action)

    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (window.new_case_action, window.refresh_action, window.lock_action):
        toolbar.addAction(action)
    window.addToolBar(toolbar)
    window.toolbar = toolbar
