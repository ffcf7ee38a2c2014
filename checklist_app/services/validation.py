"""Small input checks shared by several use cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from checklist_app.services.errors import FieldProblem

# Workstation clocks drift: a time a few minutes ahead of the server's is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


def check_moment(moment: datetime, now: datetime, field: str, label: str) -> list[FieldProblem]:
    if moment.tzinfo is None:
        return [FieldProblem(field, label, "must include the time zone")]
    if moment > now + CLOCK_SKEW:
        return [FieldProblem(field, label, "is in the future")]
    return []


def required_text(value: str, field: str, label: str, limit: int = 20000) -> list[FieldProblem]:
    text = value.strip()
    if not text:
        return [FieldProblem(field, label, "is required")]
    if len(text) > limit:
        return [FieldProblem(field, label, f"is too long (at most {limit} characters)")]
    return []
