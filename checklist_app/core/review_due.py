"""When a case's supervisory reviews fall due: one rule for the team dashboard and the compliance report.

A review falls due one review interval after the case's last review, or after its opening if it was never
reviewed. A review is a signed supervisory review or a completion of a step a review completes (11.2 in
procedure 1.0, which has no review record of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, Procedure


def review_steps(procedure: Procedure) -> tuple[str, ...]:
    """The steps a review completes; for a procedure without a supervisory_review section, its recurring
    supervisor steps that recur at the supervisory review interval (11.2 in version 1.0)."""
    if procedure.supervisory_review.completes:
        return procedure.supervisory_review.completes
    interval = procedure.settings.supervisory_review_interval
    return tuple(
        s.id
        for s in procedure.steps
        if s.role.value == "supervisor" and s.deadline is not None and s.deadline.recurs_every == interval
    )


def next_review_due(
    opened_at: datetime, last_reviewed: datetime | None, interval: Duration, calendar: WorkingCalendar | None
) -> datetime:
    """When the case's next supervisory review falls due."""
    return due_at(last_reviewed if last_reviewed is not None else opened_at, interval, calendar)


@dataclass(frozen=True, slots=True)
class ReviewOccasion:
    """A review that fell (or will fall) due, and when the review meeting it was signed (None: not yet)."""

    due: datetime
    done_at: datetime | None


def review_occasions(
    opened_at: datetime,
    signed: Iterable[datetime],
    last_step_done: datetime | None,
    closed_at: datetime | None,
    interval: Duration,
    calendar: WorkingCalendar | None,
) -> list[ReviewOccasion]:
    """Every review a case fell due for: one met by each signed review, then the one still outstanding
    (left out if the case closed before it fell due). Only the latest completion of a review step is kept
    by the database, so it counts as a review only for the signed reviews after it and the outstanding one;
    the outstanding review's date is the dashboard's."""
    occasions: list[ReviewOccasion] = []
    previous: datetime | None = None
    for at in sorted(signed):
        since = previous
        if last_step_done is not None and last_step_done < at and (since is None or last_step_done > since):
            since = last_step_done
        occasions.append(ReviewOccasion(next_review_due(opened_at, since, interval, calendar), at))
        previous = at
    last = max((t for t in (previous, last_step_done) if t is not None), default=None)
    due = next_review_due(opened_at, last, interval, calendar)
    if closed_at is None or closed_at > due:
        occasions.append(ReviewOccasion(due, None))
    return occasions
