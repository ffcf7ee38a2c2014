"""Which audit pages the signed-in user gets as fixed tabs beside the case list."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from checklist_app.core.permissions import Action
from checklist_app.ui.session import AppSession


class Page(Protocol):
    def refresh(self) -> None: ...


def audit_pages(session: AppSession) -> list[tuple[QWidget, str]]:
    from checklist_app.ui.audit.desk import AuditDesk
    from checklist_app.ui.audit.remedial import RemedialActionsPage

    pages: list[tuple[QWidget, str]] = []
    if session.may(Action.AUDIT_ROUND_VIEW):
        pages.append((AuditDesk(session), "Audit rounds"))
    if session.may(Action.REMEDIAL_COMPLETE):
        pages.append((RemedialActionsPage(session), "Remedial actions"))
    return pages
