"""The keyboard shortcuts (F1): every key the app answers to, grouped by where it works, in two columns inside
a scroll area, so the list fits a 1280x720 screen (1920x1080 at 150 %) and still fits when it grows. As one
message box it was 638 of 720 px tall and left out Ctrl+Enter on the Decisions and Risk tabs."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

# (where, ((keys, what), ...)), in the order shown: the first groups fill the left column.
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("Ctrl+N", "New case"),
            ("F5", "Refresh the page shown"),
            ("Ctrl+1", "Case list"),
            ("Ctrl+D", "Team dashboard (supervisors)"),
            ("Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous tab"),
            ("Ctrl+W", "Close the current case tab"),
            ("Ctrl+L", "Lock the screen"),
            ("Ctrl+Q", "Quit"),
            ("F1", "This list"),
        ),
    ),
    (
        "Case list",
        (
            ("Ctrl+F", "Search the case list"),
            ("Enter", "Open the selected case"),
        ),
    ),
    ("Intelligence desk", (("Enter", "Open the case at the selected item"),)),
    (
        "Report preview",
        (
            ("Ctrl+S", "Save the report as PDF"),
            ("Ctrl+P", "Print"),
            ("Ctrl+E", "Export CSV (where offered)"),
            ("Ctrl++ / Ctrl+-", "Zoom in / out"),
        ),
    ),
    (
        "An open case",
        (
            ("Alt+1 … Alt+7", "Tabs: steps, decisions, intelligence, risk, missing, events, supervision"),
            ("Ctrl+Enter", "Decisions: add the entry typed"),
            ("Ctrl+Enter", "Risk: record the assessment"),
            ("Ins", "Intelligence: submit a new report"),
            ("Ins", "Missing: record a missing episode"),
            ("Ins", "Events: record an event"),
        ),
    ),
    (
        "Steps",
        (
            ("Up / Down", "Move between steps"),
            ("Ctrl+Up / Ctrl+Down", "Previous / next phase"),
            ("Enter", "From a step, go to its evidence form"),
            ("Esc", "From the evidence form, back to the step list"),
            ("Space", "Complete the step (to its evidence when some is missing)"),
            ("Ctrl+Enter", "Complete the step from its evidence form"),
            ("Ctrl+S", "Save the evidence as work in progress"),
            ("Ctrl+Shift+N", "Mark the step not applicable (with a reason)"),
            ("Ctrl+B", "Mark the step blocked (with a reason)"),
            ("Ctrl+Shift+R", "Reopen a done or not-applicable step (supervisors)"),
        ),
    ),
)
LEFT_GROUPS = 4  # Anywhere … Report preview on the left; the case's keys on the right


def _column(groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> QLabel:
    rows = []
    for title, keys in groups:
        rows.append(f"<tr><td colspan='2' style='padding-top:8px'><b>{escape(title)}</b></td></tr>")
        rows += [
            f"<tr><td style='padding-left:8px'><b>{escape(k)}</b></td>"
            f"<td style='padding-left:14px'>{escape(v)}</td></tr>"
            for k, v in keys
        ]
    label = QLabel(f"<table cellspacing='0' cellpadding='1'>{''.join(rows)}</table>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setSpacing(32)
        self.columns = (_column(GROUPS[:LEFT_GROUPS]), _column(GROUPS[LEFT_GROUPS:]))
        for label in self.columns:
            columns.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("shortcutsScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        body.setAutoFillBackground(False)  # setWidget turns it on: the list would sit on a grey panel
        self.scroll.viewport().setAutoFillBackground(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(buttons)
        self._fit(body, buttons)

    def _fit(self, body: QWidget, buttons: QDialogButtonBox) -> None:
        """As large as the two columns, but never larger than the screen: the rest scrolls."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        wanted = body.sizeHint()
        margins = self.layout().contentsMargins()
        width = wanted.width() + margins.left() + margins.right() + self.scroll.verticalScrollBar().sizeHint().width()
        height = wanted.height() + buttons.sizeHint().height() + margins.top() + margins.bottom() + 12
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    def text(self) -> str:
        return "\n".join(label.text() for label in self.columns)
