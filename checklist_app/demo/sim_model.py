"""A simulated case and its steps, as the simulation builds them (plain data), and the two ways it draws."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from checklist_app.core.schedule import StepStatus

H = timedelta(hours=1)
D = timedelta(days=1)


@dataclass
class SimStep:
    step_id: str
    status: StepStatus
    started_at: datetime
    completed_at: datetime | None = None
    completed_by: int | None = None
    due_at: datetime | None = None
    completions: int = 0
    reason: str = ""
    evidence: dict[str, object] = field(default_factory=dict)
    actor: int | None = None


@dataclass
class SimCase:
    district: str
    team_id: int
    officer_id: int
    supervisor_id: int
    supervisor2_id: int
    intel_id: int
    referral_at: datetime
    opened_at: datetime
    stop: datetime
    closed_at: datetime | None
    age_band: str
    facts: dict[str, object]
    source: str
    circumstances: str
    priority: str
    events: dict[str, list[datetime]] = field(default_factory=dict)
    manual_events: list[tuple[str, datetime]] = field(default_factory=list)
    steps: list[SimStep] = field(default_factory=list)
    missing: list[dict[str, object]] = field(default_factory=list)
    risk: list[dict[str, object]] = field(default_factory=list)
    intel: list[dict[str, object]] = field(default_factory=list)
    decisions: list[dict[str, object]] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p
