"""Failures in words. No traceback ever reaches a user: unexpected errors are logged to a file and the
user is told where, and what they were doing is left as it was."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from checklist_app.core.permissions import PermissionDenied
from checklist_app.core.procedure.sop_error import SopValidationError
from checklist_app.services.crash_log import describe, log_unexpected
from checklist_app.services.errors import DatabaseBusy, InvalidInput, ServiceError, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Explained:
    title: str
    message: str
    retry: bool = False


def explain(exc: BaseException) -> Explained:
    if isinstance(exc, DatabaseBusy):
        return Explained("Database busy", str(exc), retry=True)
    if isinstance(exc, InvalidInput):
        lines = "\n".join(f"• {p}" if p.label else f"• {p.message}" for p in exc.problems)
        return Explained("Please check", f"Nothing was saved.\n\n{lines}")
    if isinstance(exc, PermissionDenied):
        return Explained("Not allowed", str(exc))
    if isinstance(exc, ServiceError | StoreError):
        return Explained("Cannot do that", str(exc))
    if isinstance(exc, SopValidationError):
        shown = "\n".join(str(p) for p in exc.problems[:10])
        return Explained("Procedure file has problems", shown)
    where = log_unexpected(exc)
    log.error("unexpected error: %s", describe(exc))  # never the values a database error quotes
    detail = f"Details were written to {where}." if where else "Details could not be written to the log."
    return Explained("Something went wrong", f"An unexpected error occurred ({type(exc).__name__}). {detail}")


def show_error(parent: QWidget | None, exc: BaseException, retry: Callable[[], None] | None = None) -> None:
    explained = explain(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(explained.title)
    box.setText(explained.message)
    retry_button = None
    if explained.retry and retry is not None:
        retry_button = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
    else:
        box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()
    if retry_button is not None and box.clickedButton() is retry_button and retry is not None:
        retry()


def install_excepthook() -> None:
    """Errors escaping a slot would print a traceback to a terminal nobody reads; show words instead."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        try:
            show_error(None, exc.with_traceback(tb))
        except Exception:  # never let the hook itself fail loudly
            log_unexpected(exc)

    sys.excepthook = hook
