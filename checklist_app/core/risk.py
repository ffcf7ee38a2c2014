"""Scoring a CSE risk assessment with the procedure's risk tool. The arithmetic is shown, not hidden:
each section's points are returned so the screen and reports can show how the score was reached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Duration, Procedure
from checklist_app.core.procedure.risk_model import RiskBand, RiskTool, ScoringMethod

# The step that keeps the assessment current (4.6): its due date is the case's next risk review.
REVIEW_STEP = "risk.reassess"


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


def review_interval(
    procedure: Procedure, category: int, when: datetime, calendar: WorkingCalendar | None = None
) -> Duration:
    """How long after an assessment in `category` its review falls due under the case's own procedure. One
    rule for the case header, the live score and the stored date: step 4.6's deadline, as the schedule
    reads it (a per-category case when one matches, else the step's offset after local overrides). In
    version 1.0 that is 3 months for every category, although its risk tool's bands say 1 month for
    Categories 3 and 4; version 1.1 made the step follow the category. Only a procedure without that step
    falls back to the band's period, capped by settings.risk_review_interval."""
    step = procedure.step_map().get(REVIEW_STEP)
    offset = procedure.effective_deadline(step) if step is not None else None
    if step is not None and step.deadline is not None and offset is not None:
        by = step.deadline.by
        case = by.case_for({by.fact: category}) if by is not None and by.fact == "risk_category" else None
        return case.offset if case is not None else offset
    cal = calendar if calendar is not None else WorkingCalendar.default()
    band = band_by_category(procedure.risk_tool, category)
    return min(band.review_interval, procedure.settings.risk_review_interval, key=lambda d: due_at(when, d, cal))
