"""The administrator's console: where an administrator lands after log-on (administrators see no case
content). Four pages, each on the same services and audit as the command line."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from checklist_app.ui.admin.accounts_page import AccountsPage
from checklist_app.ui.admin.database_page import DatabasePage
from checklist_app.ui.admin.procedures_page import ProceduresPage
from checklist_app.ui.admin.teams_page import TeamsPage
from checklist_app.ui.icons import icon
from checklist_app.ui.session import AppSession


class AdminConsole(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminConsole")
        self.session = session
        layout = QVBoxLayout(self)
        title = QLabel("Administration")
        title.setObjectName("title")
        layout.addWidget(title)
        self.pages = QTabWidget()
        self.accounts = AccountsPage(session)
        self.teams = TeamsPage(session)
        self.procedures = ProceduresPage(session)
        self.database = DatabasePage(session)
        self.pages.addTab(self.accounts, icon("user"), "&Accounts")
        self.pages.addTab(self.teams, icon("case"), "&Teams and districts")
        self.pages.addTab(self.procedures, icon("steps"), "Procedure &versions")
        self.pages.addTab(self.database, icon("settings"), "&Database")
        layout.addWidget(self.pages, 1)
        self.pages.currentChanged.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        """Reload the page in view (F5, and on switching pages, so what is shown is current)."""
        page = self.pages.currentWidget()
        page.refresh()  # type: ignore[attr-defined]
