"""The CSE risk assessment tool as data: sections of indicators with their scoring, the bands a score falls
in, and the facts that force a minimum category. Parsed from the SOP file by `risk_tool`, scored by
`core.risk`; a `Procedure` carries one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from checklist_app.core.procedure.model import Duration, Provenance


class ScoringMethod(StrEnum):
    COUNT = "count"  # each indicator present scores its points
    RECENCY = "recency"  # each indicator scores by when it was last seen (current / past / both)


@dataclass(frozen=True, slots=True)
class RiskIndicator:
    id: str
    label: str
    points: int = 1
    help: str = ""


@dataclass(frozen=True, slots=True)
class RiskSection:
    id: str
    title: str
    scoring: ScoringMethod
    indicators: tuple[RiskIndicator, ...]
    description: str = ""
    # For `recency` sections: points for an indicator seen now/within the window, only earlier, or both.
    recency_points: dict[str, int] = field(default_factory=dict)
    window: Duration | None = None


@dataclass(frozen=True, slots=True)
class RiskBand:
    category: int
    label: str
    min_score: int
    max_score: int | None
    actions: str
    review_interval: Duration


@dataclass(frozen=True, slots=True)
class RiskTrigger:
    """A fact that forces at least `min_category` whatever the score."""

    id: str
    label: str
    min_category: int


@dataclass(frozen=True, slots=True)
class RiskTool:
    id: str
    version: str
    title: str
    description: str
    sections: tuple[RiskSection, ...]
    bands: tuple[RiskBand, ...]
    triggers: tuple[RiskTrigger, ...]
    provenance: Provenance

    def indicator_ids(self) -> set[str]:
        return {i.id for s in self.sections for i in s.indicators}
