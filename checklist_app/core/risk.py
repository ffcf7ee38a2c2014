"""Scoring a CSE risk assessment with the procedure's risk tool. The arithmetic is shown, not hidden:
each section's points are returned so the screen and reports can show how the score was reached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from checklist_app.core.procedure.risk_model import RiskBand, RiskTool, ScoringMethod


class Recency(StrEnum):
    """For indicators in a recency section: when the indicator was last seen."""

    ABSENT = "absent"
    CURRENT = "current"  # now or within the section's window
    PAST = "past"  # only before the window
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class SectionScore:
    section_id: str
    title: str
    points: int
    present: int


@dataclass(frozen=True, slots=True)
class RiskScore:
    score: int
    calculated_category: int
    band: RiskBand
    sections: tuple[SectionScore, ...]
    triggered_by: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"Category {self.band.category}: {self.band.label}"


class RiskAnswerError(ValueError):
    pass


def normalise_answers(tool: RiskTool, answers: Mapping[str, object]) -> dict[str, str]:
    """Answers keyed by indicator id: `yes`/`no` for count sections, a Recency value for recency ones.
    Missing indicators are absent. Unknown ids and impossible values are errors."""
    out: dict[str, str] = {}
    known = tool.indicator_ids()
    for key in answers:
        if key not in known:
            raise RiskAnswerError(f"{key!r} is not an indicator of {tool.id} v{tool.version}")
    for section in tool.sections:
        for indicator in section.indicators:
            raw = answers.get(indicator.id)
            if section.scoring is ScoringMethod.COUNT:
                present = raw is True or str(raw).lower() in ("yes", "true", "1")
                if raw not in (None, True, False) and str(raw).lower() not in ("yes", "no", "true", "false", "1", "0"):
                    raise RiskAnswerError(f"{indicator.label}: answer yes or no")
                out[indicator.id] = "yes" if present else "no"
            else:
                value = Recency.ABSENT.value if raw in (None, "", False) else str(raw).lower()
                if value not in {r.value for r in Recency}:
                    raise RiskAnswerError(f"{indicator.label}: answer absent, current, past or both")
                out[indicator.id] = value
    return out


def band_for(tool: RiskTool, score: int) -> RiskBand:
    for band in tool.bands:
        if score >= band.min_score and (band.max_score is None or score <= band.max_score):
            return band
    return tool.bands[-1]


def band_by_category(tool: RiskTool, category: int) -> RiskBand:
    for band in tool.bands:
        if band.category == category:
            return band
    raise RiskAnswerError(f"there is no category {category} in {tool.id}")


def score(tool: RiskTool, answers: Mapping[str, object], triggers: Iterable[str] = ()) -> RiskScore:
    normal = normalise_answers(tool, answers)
    sections = []
    total = 0
    for section in tool.sections:
        points = present = 0
        for indicator in section.indicators:
            value = normal[indicator.id]
            if section.scoring is ScoringMethod.COUNT:
                if value == "yes":
                    points += indicator.points
                    present += 1
            elif value != Recency.ABSENT.value:
                points += section.recency_points.get(value, 0)
                present += 1
        sections.append(SectionScore(section.id, section.title, points, present))
        total += points
    band = band_for(tool, total)
    fired = tuple(sorted(set(triggers)))
    known_triggers = {t.id: t for t in tool.triggers}
    for trigger_id in fired:
        if trigger_id not in known_triggers:
            raise RiskAnswerError(f"{trigger_id!r} is not a trigger of {tool.id}")
    floor = max((known_triggers[t].min_category for t in fired), default=band.category)
    if floor > band.category:
        band = band_by_category(tool, floor)
    return RiskScore(total, band.category, band, tuple(sections), fired)
