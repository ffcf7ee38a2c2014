"""Moving a case to a newer procedure version: what the move changes, shown to the supervisor, and why
they are moving it, asked for the audit log."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.services import case_versions
from checklist_app.ui.dialogs import ReasonDialog


def ask_to_move(parent: QWidget, preview: case_versions.VersionPreview) -> tuple[str, str] | None:
    """The target version and the reason given, or None when the supervisor cancels."""
    prompt = (
        f"Move this case from {preview.current} to {preview.target}?\n\n"
        f"Work on {preview.kept} steps carries over; {preview.retired} records of steps the new version "
        "does not have are kept but no longer shown as due. What changes:"
    )
    reason = ReasonDialog.ask(
        parent,
        "Move to a newer procedure version",
        prompt,
        details="\n".join(preview.changes) or "(no step changes)",
        question="Why is the case being moved? The reason is logged.",
    )
    if not reason:
        return None
    return preview.target.rsplit(" v", 1)[1], reason
