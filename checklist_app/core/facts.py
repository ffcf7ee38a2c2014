"""The facts the application derives from case data (procedure.model.DERIVED_FACTS) for step conditions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.deadlines import due_at, require_aware
from checklist_app.core.procedure.model import Duration

AGE_BANDS = ("0-12", "13-15", "16-17", "18-24")

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
) -> dict[str, object]:
    """Values for exactly the keys of DERIVED_FACTS.

    `missing_returns` are the reported times of the case's missing episodes. Age is taken at the referral's
    London date from the date of birth when known, else from the age band; unknown age makes every
    `age_under_*` false (so an unknown age never makes an age-conditional step required).
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
    }


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
