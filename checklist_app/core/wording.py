"""Domain words shared by every screen, report and command: times and durations the way officers read them
(UK local time, day names, plain words), the labels of states, roles and risk categories, the closed lists a
case takes its values from, and sentence case for titles used inside a sentence.

Declared once here so the GUI, the PDF reports and the CLI say the same thing; no Qt, no SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checklist_app.core.calendar import LOCAL_TZ

# --- closed lists ----------------------------------------------------------------------------------------

# A case, an intelligence item and a remedial action all take one of these (highest first).
PRIORITIES = ("high", "medium", "low")
REFERRAL_SOURCES = (
    "Children's social care",
    "Education",
    "Health",
    "Police officer",
    "Parent or carer",
    "Child (self-referral)",
    "Voluntary sector",
    "Anonymous",
    "Other agency",
)

# --- labels ----------------------------------------------------------------------------------------------

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
# Timeliness of a record against its target as the services report it (core.intelligence.Timeliness, plus
# "still missing" for a missing episode not yet closed).
TIMELINESS_WORDS = {
    "overdue": "overdue",
    "late": "late",
    "within target": "within target",
    "pending": "not yet due",
    "still missing": "still missing",
}


def live_timeliness(state: str, due: datetime | None, now: datetime) -> str:
    """A stored timeliness brought up to `now`: a pending target that has since passed is overdue."""
    if state == "pending" and due is not None and now > due:
        return "overdue"
    return state


def sentence_case(title: str) -> str:
    """A title used inside a sentence: 'Referral received' -> 'referral received', while 'CSE risk
    assessment' keeps its acronym."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return title
    return title[:1].lower() + title[1:]


# --- moments ---------------------------------------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(LOCAL_TZ) if moment is not None else None


def when(moment: datetime | None, *, with_day: bool = True) -> str:
    """'Mon 02/03/2026 09:00' (or without the day name)."""
    if moment is None:
        return ""
    value = moment.astimezone(LOCAL_TZ)
    return value.strftime("%a %d/%m/%Y %H:%M" if with_day else "%d/%m/%Y %H:%M")


def day(moment: datetime | None) -> str:
    """'02/03/2026'."""
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y") if moment is not None else ""


def short_when(moment: datetime | None) -> str:
    """'Mon 02/03/26 09:00' for tables."""
    if moment is None:
        return ""
    return moment.astimezone(LOCAL_TZ).strftime("%a %d/%m/%y %H:%M")


def compact_when(moment: datetime | None) -> str:
    """'20/11/26 11:47' where a table is narrow."""
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%y %H:%M") if moment is not None else ""


def compact_day(moment: datetime | None) -> str:
    """'20/11/26'."""
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%y") if moment is not None else ""


# --- durations -------------------------------------------------------------------------------------------


def span(delta: timedelta) -> str:
    """A rough duration, largest unit only: '3 days', '5 hours', '20 minutes' (rounded down, at least a
    minute)."""
    seconds = abs(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{int(seconds // 86400)} days"
    if seconds >= 7200:
        return f"{int(seconds // 3600)} hours"
    if seconds >= 3600:
        return "1 hour"
    minutes = max(1, int(seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def elapsed(delta: timedelta) -> str:
    """An exact duration to the minute: '45 min', '3 h 10 min', '2 days 4 h' (rounded down)."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days} day{'s' if days != 1 else ''}"
        return f"{text} {hours} h" if hours else text
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def relative(moment: datetime | None, now: datetime) -> str:
    """'in 3 days' or '5 hours ago' (rough)."""
    if moment is None:
        return ""
    delta = moment - now
    return f"in {span(delta)}" if delta.total_seconds() >= 0 else f"{span(delta)} ago"


def due_words(due: datetime, now: datetime) -> str:
    """'in 20 h 5 min' or '6 h overdue' (exact)."""
    if due >= now:
        return f"in {elapsed(due - now)}"
    return f"{elapsed(now - due)} overdue"
