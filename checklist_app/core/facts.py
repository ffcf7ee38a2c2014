"""The facts the application derives from case data (procedure.model.DERIVED_FACTS) for step conditions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.deadlines import due_at, require_aware
from checklist_app.core.procedure.model import Duration
from checklist_app.core.wording import PRIORITIES

AGE_BANDS = ("0-12", "13-15", "16-17", "18-24")

# Most urgent first: the order in which `intelligence_priority` picks among a case's items.
INTELLIGENCE_PRIORITY_ORDER = PRIORITIES
MISSING_RISK_GRADES = ("low", "medium", "high")

# Every band lies wholly on one side of each threshold (13, 16, 18), so a band answers "under N?" exactly.
_BAND_YOUNGEST = {"0-12": 0, "13-15": 13, "16-17": 16, "18-24": 18}


def age_at(dob: date, on: date) -> int:
    """Age in whole years on `on`. A 29 February birthday falls on 1 March in common years."""
    if on < dob:
        raise ValueError(f"date {on} is before the date of birth {dob}")
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def derive_facts(
    *,
    referral_at: datetime,
    date_of_birth: date | None,
    age_band: str | None,
    missing_returns: Sequence[datetime],
    risk_category: int | None,
    intelligence_count: int,
    repeat_threshold: int,
    repeat_window: Duration,
    intelligence_priorities: Sequence[str] = (),
    latest_missing_grade: str | None = None,
) -> dict[str, object]:
    """Values for exactly the keys of DERIVED_FACTS.

    `missing_returns` are the reported times of the case's missing episodes. Age is taken at the referral's
    London date from the date of birth when known, else from the age band; unknown age makes every
    `age_under_*` false (so an unknown age never makes an age-conditional step required).
    `intelligence_priorities` are the priorities of the case's intelligence items (the most urgent one
    sets `intelligence_priority`); `latest_missing_grade` is the risk grade of the latest missing episode.
    Either is None on the case when there is nothing to derive it from.
    """
    referral_day = require_aware(referral_at, "referral_at").astimezone(LOCAL_TZ).date()
    age = _age(referral_day, date_of_birth, age_band)
    episodes = sorted(require_aware(t, "missing episode time") for t in missing_returns)
    return {
        "age_under_13": age is not None and age < 13,
        "age_under_16": age is not None and age < 16,
        "age_under_18": age is not None and age < 18,
        "missing_episodes_recorded": bool(episodes),
        "repeat_missing_episodes": _has_repeat(episodes, repeat_threshold, repeat_window),
        "risk_category": risk_category if risk_category is not None else 0,
        "intelligence_items_recorded": intelligence_count > 0,
        "intelligence_priority": _most_urgent(intelligence_priorities),
        "missing_risk_grade": _grade(latest_missing_grade),
    }


def _most_urgent(priorities: Sequence[str]) -> str | None:
    unknown = set(priorities) - set(INTELLIGENCE_PRIORITY_ORDER)
    if unknown:
        raise ValueError(f"unknown intelligence priority {sorted(unknown)[0]!r}; expected high, medium or low")
    return next((p for p in INTELLIGENCE_PRIORITY_ORDER if p in priorities), None)


def _grade(grade: str | None) -> str | None:
    if grade is None or grade == "":
        return None
    if grade not in MISSING_RISK_GRADES:
        raise ValueError(f"unknown missing risk grade {grade!r}; expected low, medium or high")
    return grade


def _age(on: date, date_of_birth: date | None, age_band: str | None) -> int | None:
    if date_of_birth is not None:
        return age_at(date_of_birth, on)
    if age_band is None or age_band == "":
        return None
    if age_band not in _BAND_YOUNGEST:
        raise ValueError(f"unknown age band {age_band!r}; expected one of {', '.join(AGE_BANDS)}")
    return _BAND_YOUNGEST[age_band]


def _has_repeat(episodes: Sequence[datetime], threshold: int, window: Duration) -> bool:
    """Whether some `threshold` consecutive episodes (sorted) all fall within `window` of the first."""
    if threshold < 1:
        raise ValueError(f"repeat threshold must be at least 1, got {threshold}")
    last = threshold - 1
    return any(episodes[i + last] <= due_at(episodes[i], window) for i in range(len(episodes) - last))
