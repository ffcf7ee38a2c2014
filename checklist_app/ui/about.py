"""Help > About: version, database and engine, procedure versions in use, the chain head to note down, and the
licences of the bundled components (with how to replace Qt, which the LGPL allows)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app import licences
from checklist_app.services import about
from checklist_app.ui.session import AppSession


class AboutDialog(QDialog):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.info: about.InstallationInfo | None = None
        self.setWindowTitle("About")
        self.setObjectName("aboutDialog")
        layout = QVBoxLayout(self)
        self.summary = QLabel("Reading the installation details…")
        self.summary.setObjectName("aboutSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.copy_anchor = QPushButton("Copy chain head")
        self.copy_anchor.setEnabled(False)
        # Close stays the default (Enter closes): as the default, enabled after the load, this button was drawn
        # in the default buttons' bold in the width measured for plain text, its ends cut off.
        self.copy_anchor.setAutoDefault(False)
        self.copy_anchor.clicked.connect(self._copy_anchor)
        layout.addWidget(self.copy_anchor, alignment=Qt.AlignmentFlag.AlignLeft)

        layout.addWidget(QLabel("<b>Bundled components and their licences</b>"))
        comps = licences.components()
        self.components = QTableWidget(len(comps), 3)
        self.components.setObjectName("aboutComponents")
        self.components.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.components.verticalHeader().hide()
        self.components.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, comp in enumerate(comps):
            for col, value in enumerate((comp.name, comp.version, comp.licence)):
                self.components.setItem(row, col, QTableWidgetItem(value))
        header = self.components.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.components, 1)
        note = QLabel(
            licences.QT_REPLACEMENT_NOTE + f" Full licence texts: {licences.NOTICE_FILE} in the installation folder."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)
        session.run(self, about.installation_info, done=self._show)

    def _show(self, info: about.InstallationInfo) -> None:
        self.info = info
        procedures = "".join(
            f"<li>{escape(p.label)}: {p.cases:,} case{'s' if p.cases != 1 else ''}</li>" for p in info.procedures
        )
        self.summary.setText(
            f"<b>CSE Investigation and Intelligence</b> version {escape(info.app_version)}<br>"
            "Standard operating procedure for child sexual exploitation investigations and intelligence "
            "(Drew Review 2016, recommendation 9).<br><br>"
            f"<b>Database:</b> {escape(info.database)}<br>"
            f"<b>Engine:</b> {escape(info.engine)}, schema {escape(info.schema)}<br>"
            f"<b>Procedure versions:</b><ul style='margin-top:0'>{procedures or '<li>none published</li>'}</ul>"
            f"<b>Audit chain head</b> (note it down; <code>checklist-app verify --anchor</code> checks it later):<br>"
            f"<code>{escape(info.anchor)}</code>"
        )
        self.copy_anchor.setEnabled(True)

    def _copy_anchor(self) -> None:
        if self.info is not None:
            QGuiApplication.clipboard().setText(self.info.anchor)
