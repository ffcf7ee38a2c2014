"""Intelligence grading (3x5x2, and legacy 5x5x5 read-only), priorities and timeliness against targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import IntelligenceTarget


class Scheme(StrEnum):
    CURRENT = "3x5x2"
    LEGACY = "5x5x5"


SOURCE_EVALUATION_3x5x2 = {"1": "Reliable", "2": "Untested", "3": "Not reliable"}
INTELLIGENCE_ASSESSMENT_3x5x2 = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
HANDLING_3x5x2 = {"P": "Lawful sharing permitted", "C": "Lawful sharing permitted with conditions"}

SOURCE_EVALUATION_5x5x5 = {
    "A": "Always reliable",
    "B": "Mostly reliable",
    "C": "Sometimes reliable",
    "D": "Unreliable",
    "E": "Untested source",
}
INTELLIGENCE_EVALUATION_5x5x5 = {
    "1": "Known to be true without reservation",
    "2": "Known personally to source but not to officer",
    "3": "Not personally known to source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false or malicious",
}
HANDLING_5x5x5 = {
    "1": "Other UK law enforcement and prosecuting agencies, including EEA",
    "2": "UK non-prosecuting bodies, with authority and records",
    "3": "Law enforcement outside the EEA, with conditions",
    "4": "Originating agency only",
    "5": "No onward sharing; refer to originator",
}

PRIORITY_LABELS = {
    "high": "High: threat to life, serious harm, imminent risk or short-lived opportunity",
    "medium": "Medium: time-critical, not immediate",
    "low": "Low: everything else",
}
PROTECTIVE_MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
ASSESSMENT_OUTCOMES = {
    "develop": "Develop further",
    "disseminate": "Disseminate",
    "task": "Task for action",
    "file": "File (no further action)",
}


@dataclass(frozen=True, slots=True)
class Grade:
    scheme: Scheme
    source: str
    intelligence: str
    handling: str

    def code(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"

    def describe(self) -> str:
        if self.scheme is Scheme.CURRENT:
            return (
                f"{self.source} {SOURCE_EVALUATION_3x5x2[self.source]} / "
                f"{self.intelligence} {INTELLIGENCE_ASSESSMENT_3x5x2[self.intelligence]} / "
                f"{self.handling} {HANDLING_3x5x2[self.handling]}"
            )
        return (
            f"{self.source} {SOURCE_EVALUATION_5x5x5[self.source]} / "
            f"{self.intelligence} {INTELLIGENCE_EVALUATION_5x5x5[self.intelligence]} / "
            f"{self.handling} {HANDLING_5x5x5[self.handling]} (legacy 5x5x5)"
        )


def grade_problems(scheme: str, source: str, intelligence: str, handling: str, conditions: str) -> list[str]:
    """What is wrong with a proposed grade for a NEW report (which must use 3x5x2)."""
    problems: list[str] = []
    if scheme != Scheme.CURRENT:
        problems.append("new reports are graded 3x5x2; 5x5x5 grades are kept only on legacy items")
        return problems
    if source not in SOURCE_EVALUATION_3x5x2:
        problems.append("source evaluation must be 1, 2 or 3")
    if intelligence not in INTELLIGENCE_ASSESSMENT_3x5x2:
        problems.append("intelligence assessment must be A, B, C, D or E")
    if handling not in HANDLING_3x5x2:
        problems.append("handling code must be P or C")
    elif handling == "C" and not conditions.strip():
        problems.append("handling code C needs the sharing conditions recorded")
    return problems


class Timeliness(StrEnum):
    PENDING = "pending"
    WITHIN = "within target"
    LATE = "late"
    OVERDUE = "overdue"


def targets(submitted_at: datetime, target: IntelligenceTarget, calendar: WorkingCalendar) -> dict[str, datetime]:
    """When an item submitted at `submitted_at` should be routed, assessed and actioned."""
    return {
        "route": due_at(submitted_at, target.route, calendar),
        "assess": due_at(submitted_at, target.assess, calendar),
        "action": due_at(submitted_at, target.action, calendar),
    }


def waiting_stage(routed_at: datetime | None, assessed_at: datetime | None) -> str:
    """The stage an item not yet actioned waits at: "route", "assess" or "action" (the names of
    IntelligenceTarget's fields, so `getattr(target, stage)` is that stage's limit)."""
    return "route" if routed_at is None else "assess" if assessed_at is None else "action"


def timeliness(target: datetime, done_at: datetime | None, now: datetime) -> Timeliness:
    if done_at is not None:
        return Timeliness.WITHIN if done_at <= target else Timeliness.LATE
    return Timeliness.OVERDUE if now > target else Timeliness.PENDING


@dataclass(frozen=True, slots=True)
class ItemTimes:
    """When one intelligence item was submitted and passed each stage (None: not yet)."""

    submitted_at: datetime
    routed_at: datetime | None = None
    assessed_at: datetime | None = None
    actioned_at: datetime | None = None


# The events derived from a case's intelligence items, by the stage a step counts from (procedure 1.2 on:
# 5.4, 5.5 and 5.7 count from these instead of from the completion of 5.1). Declared `source: system`.
STAGE_EVENTS: dict[str, str] = {
    "route": "intelligence_to_route",
    "assess": "intelligence_to_assess",
    "action": "intelligence_to_action",
}


def stage_events(items: Iterable[ItemTimes]) -> dict[str, tuple[datetime, ...]]:
    """One occurrence per stage event: the submission of the item that has waited longest at that stage
    (the earliest submitted of those not yet through it), so a step counting from it is late exactly when
    that item is; when every item is through the stage, the latest submission, so a step completed before
    a later item arrived stays on time. No items: no occurrences (the steps wait for an item)."""
    listed = list(items)
    if not listed:
        return {}
    latest = max(i.submitted_at for i in listed)
    events: dict[str, tuple[datetime, ...]] = {}
    for stage, event_id in STAGE_EVENTS.items():
        waiting = [i.submitted_at for i in listed if _stage_time(i, stage) is None]
        events[event_id] = (min(waiting) if waiting else latest,)
    return events


def _stage_time(item: ItemTimes, stage: str) -> datetime | None:
    return item.routed_at if stage == "route" else item.assessed_at if stage == "assess" else item.actioned_at
