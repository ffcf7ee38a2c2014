"""Constants and small helpers shared by the steps panel's parts."""

from __future__ import annotations

from datetime import datetime

import shiboken6
from PySide6.QtCore import (
    QObject,
)
from PySide6.QtWidgets import QWidget

from checklist_app.services.dto import StepView

SPLITTER_KEY = "workspace/steps_splitter"
SUPERVISOR_ONLY = "Only a supervisor can reopen a step."
SUPERVISOR_ACTIONS = ("reopen", "agree", "refuse")
REFUSED_PREFIX = "Not applicable refused:"
OWNER_PHRASES = {
    "supervisor": "a supervisor",
    "intelligence_officer": "an intelligence officer",
    "investigator": "an investigator or a supervisor",
    "either": "an investigator or a supervisor",
}
STATUS_TONES = {"done": "ok", "blocked": "overdue", "in_progress": "info", "not_applicable": "muted"}
STATE_TONES = {
    "overdue": "overdue",
    "due_soon": "soon",
    "on_track": "ok",
    "done_on_time": "ok",
    "done_late": "soon",
    "awaiting": "info",
}

Stamp = tuple[str, datetime | None, int]


def step_stamp(step: StepView) -> Stamp:
    return (step.status, step.updated_at, step.completions)


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_tone(label: QWidget, tone: str) -> None:
    # Never read back: reading an unset property leaks a reference to None in PySide6 6.12. The tone last
    # set is kept on the Python wrapper instead, and an unchanged tone is not re-polished: re-styling a
    # label took about a millisecond, and a step selection sets five tones.
    if getattr(label, "_shown_tone", None) == tone:
        return
    label.setProperty("tone", tone)
    repolish(label)
    label._shown_tone = tone  # type: ignore[attr-defined]


def alive(obj: QObject) -> bool:
    return shiboken6.isValid(obj)
