"""The one log of unexpected failures, shared by the command line and the desktop app: a redacted
traceback (never SQL values, passwords or case text), in an owner-only file in the user's log folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from checklist_app.store.files import OWNER_ONLY, open_ordinary
from checklist_app.store.redact import describe, redacted_traceback

__all__ = ["describe", "log_path", "log_unexpected"]  # describe: a failure in words without its values


def log_path() -> Path:
    folder = Path(platformdirs.user_log_dir("checklist-app", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "checklist-app.log"


def log_unexpected(exc: BaseException) -> Path | None:
    """Append the failure to the log; the path written to, or None when the log cannot be written."""
    try:
        path = log_path()
        # Owner-only: even redacted, the log says what the user was doing.
        fd = open_ordinary(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, OWNER_ONLY)  # never waits on a pipe
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"\n--- {datetime.now(UTC).isoformat()} ---\n")
            handle.write(redacted_traceback(exc))
        return path
    except OSError:
        return None
