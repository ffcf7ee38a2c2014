"""Showing times and states the way officers read them: UK local time, day names, plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checklist_app.core.calendar import LOCAL_TZ

STATE_LABELS = {
    "no_deadline": "No deadline",
    "awaiting": "Waiting",
    "on_track": "On track",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "done_on_time": "Done on time",
    "done_late": "Done late",
    "not_applicable": "Not applicable",
}
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "not_applicable": "Not applicable",
    "blocked": "Blocked",
}
ROLE_LABELS = {
    "investigator": "Investigator",
    "supervisor": "Supervisor",
    "intelligence_officer": "Intelligence officer",
    "either": "Investigator or supervisor",
    "auditor": "Auditor",
    "administrator": "Administrator",
}
RISK_LABELS = {0: "Not assessed", 1: "1 Not at risk", 2: "2 Mild", 3: "3 Moderate", 4: "4 Significant"}


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(LOCAL_TZ) if moment is not None else None


def when(moment: datetime | None, *, with_day: bool = True) -> str:
    if moment is None:
        return ""
    value = moment.astimezone(LOCAL_TZ)
    return value.strftime("%a %d/%m/%Y %H:%M" if with_day else "%d/%m/%Y %H:%M")


def day(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y") if moment is not None else ""


def span(delta: timedelta) -> str:
    """'3 days', '5 hours', '20 minutes' (rounded down, at least a minute)."""
    seconds = abs(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{int(seconds // 86400)} days"
    if seconds >= 7200:
        return f"{int(seconds // 3600)} hours"
    if seconds >= 3600:
        return "1 hour"
    minutes = max(1, int(seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def relative(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    delta = moment - now
    return f"in {span(delta)}" if delta.total_seconds() >= 0 else f"{span(delta)} ago"


def utcnow() -> datetime:
    return datetime.now(UTC)
