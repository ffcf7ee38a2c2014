"""Which audit pages the signed-in user gets as fixed tabs beside the case list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

from checklist_app.core.permissions import Action
from checklist_app.ui.session import AppSession


class Page(Protocol):
    def refresh(self) -> None: ...


def audit_pages(session: AppSession) -> list[tuple[Callable[[], QWidget], str]]:
    """(make the page, its tab title) for each page the user gets: the main window makes a page when its tab
    is first shown, so start-up neither imports nor builds pages the list does not need."""
    pages: list[tuple[Callable[[], QWidget], str]] = []
    if session.may(Action.AUDIT_ROUND_VIEW):
        pages.append((lambda: _audit_desk(session), "Audit rounds"))
    if session.may(Action.REMEDIAL_COMPLETE):
        pages.append((lambda: _remedial_actions(session), "Remedial actions"))
    return pages


def _audit_desk(session: AppSession) -> QWidget:
    from checklist_app.ui.audit.desk import AuditDesk

    return AuditDesk(session)


def _remedial_actions(session: AppSession) -> QWidget:
    from checklist_app.ui.audit.remedial import RemedialActionsPage

    return RemedialActionsPage(session)
