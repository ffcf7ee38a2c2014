"""What the case workspace's record tabs share: their base class, permissions in words and shortcuts that
stay inside a tab. Their widgets come from `checklist_app.ui.widgets`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action, CaseScope, allowed, describe
from checklist_app.core.procedure.model import Procedure
from checklist_app.services.dto import CaseDetail
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.looks import fit_bold
from checklist_app.ui.widgets.service_dialog import ServiceDialog

# --- permissions ------------------------------------------------------------------------------------------


def case_scope(detail: CaseDetail) -> CaseScope:
    return CaseScope(detail.district_id, detail.team_id, detail.officer_id, detail.supervisor_id)


CLOSED = "The case is closed: a supervisor must reopen it before anything more is recorded."


def refusal(session: AppSession, detail: CaseDetail | None, action: Action, *, needs_open: bool = True) -> str:
    """'' when the viewer may take `action` on this case now, else a sentence saying why not."""
    if not session.may(action):
        role = wording.ROLE_LABELS.get(session.actor.role.value, session.actor.role.value)
        return f"Your role ({role}) does not allow you to {describe(action)}."
    if detail is None:
        return "The case is still loading."
    if not allowed(session.actor, action, case_scope(detail)):
        return f"This case belongs to another team or district: you can read it but not {describe(action)}."
    if needs_open and detail.status != "open":
        return CLOSED
    if needs_open and not detail.viewer_may_edit:
        return "You can read this case but not change it."
    return ""


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], None]) -> QShortcut:
    """A shortcut that fires only while the focus is inside `owner` (so tabs do not fight over keys)."""
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def keys_text(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


# --- the tabs themselves ----------------------------------------------------------------------------------


class CaseTab(QWidget):
    """What every record tab of the case workspace shares: the case and procedure it shows, its Designer
    form with the primary buttons sized for bold text, the one dialog it may have open, and the record to
    select when the workspace hands back the reloaded case. The interface is in the package docstring."""

    icon_name = ""

    def __init__(self, session: AppSession, case_id: int, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.case_id = session, case_id
        self.detail: CaseDetail | None = None
        self.procedure: Procedure | None = None
        self.dialog: ServiceDialog | None = None
        self._select_next: Any = None
        self.ui = load_into(self, form)
        for button in self.findChildren(QPushButton):
            if button.property("primary"):
                fit_bold(button)

    def _open(self, dialog: ServiceDialog) -> ServiceDialog:
        self.dialog = dialog
        dialog.changed_case = self.case_id
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, result: Any) -> None:
        chosen = self._record_saved(result)
        if chosen is not None:
            self._select_next = chosen

    def _record_saved(self, result: Any) -> object | None:
        """The record to select once the workspace has reloaded the case after a dialog saved `result`
        (None: keep the selection as it is)."""
        return None

    def _show_note(self, note: str) -> None:
        """The line under the buttons that says why the user cannot change this section (empty: hidden)."""
        self.ui.readOnlyNote.setText(note)
        self.ui.readOnlyNote.setVisible(bool(note))
