from datetime import UTC, date, datetime, timedelta

import pytest

from checklist_app.core.facts import AGE_BANDS, age_at, derive_facts
from checklist_app.core.procedure.model import DERIVED_FACTS, Duration

REFERRAL = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def facts(**overrides: object) -> dict[str, object]:
    args: dict[str, object] = {
        "referral_at": REFERRAL,
        "date_of_birth": None,
        "age_band": None,
        "missing_returns": (),
        "risk_category": None,
        "intelligence_count": 0,
        "repeat_threshold": 3,
        "repeat_window": Duration.parse("90d"),
    }
    args.update(overrides)
    return derive_facts(**args)  # type: ignore[arg-type]


def ages(result: dict[str, object]) -> tuple[object, object, object]:
    return result["age_under_13"], result["age_under_16"], result["age_under_18"]


def test_age_at() -> None:
    assert age_at(date(2010, 6, 2), date(2026, 6, 1)) == 15
    assert age_at(date(2010, 6, 1), date(2026, 6, 1)) == 16
    assert age_at(date(2026, 6, 1), date(2026, 6, 1)) == 0


def test_age_at_leap_day_birthday() -> None:
    assert age_at(date(2012, 2, 29), date(2025, 2, 28)) == 12
    assert age_at(date(2012, 2, 29), date(2025, 3, 1)) == 13
    assert age_at(date(2012, 2, 29), date(2028, 2, 29)) == 16


def test_age_at_refuses_a_date_before_birth() -> None:
    with pytest.raises(ValueError):
        age_at(date(2026, 6, 2), date(2026, 6, 1))


def test_exactly_the_derived_fact_keys() -> None:
    assert set(facts()) == set(DERIVED_FACTS)


def test_defaults_when_nothing_is_known() -> None:
    assert facts() == {
        "age_under_13": False,
        "age_under_16": False,
        "age_under_18": False,
        "missing_episodes_recorded": False,
        "repeat_missing_episodes": False,
        "risk_category": 0,
        "intelligence_items_recorded": False,
        "intelligence_priority": None,
        "missing_risk_grade": None,
    }


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2014, 1, 1), (True, True, True)),  # 12
        (date(2013, 6, 1), (False, True, True)),  # 13 today
        (date(2010, 6, 2), (False, True, True)),  # 15, 16 tomorrow
        (date(2010, 6, 1), (False, False, True)),  # 16 today
        (date(2008, 6, 1), (False, False, False)),  # 18 today
    ],
)
def test_age_from_date_of_birth(dob: date, expected: tuple[bool, bool, bool]) -> None:
    assert ages(facts(date_of_birth=dob)) == expected


def test_age_is_taken_on_the_london_date_of_referral() -> None:
    # 23:30 UTC on 1 June is 00:30 on 2 June in London: the child has turned 13.
    late_evening = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert ages(facts(referral_at=late_evening, date_of_birth=date(2013, 6, 2))) == (False, True, True)


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("0-12", (True, True, True)),
        ("13-15", (False, True, True)),
        ("16-17", (False, False, True)),
        ("18-24", (False, False, False)),
    ],
)
def test_age_from_band(band: str, expected: tuple[bool, bool, bool]) -> None:
    assert band in AGE_BANDS
    assert ages(facts(age_band=band)) == expected


def test_date_of_birth_wins_over_band() -> None:
    assert ages(facts(date_of_birth=date(2014, 1, 1), age_band="16-17")) == (True, True, True)


def test_unknown_band_is_an_error() -> None:
    with pytest.raises(ValueError, match="age band"):
        facts(age_band="12-14")


def test_missing_episodes() -> None:
    one = facts(missing_returns=[REFERRAL])
    assert one["missing_episodes_recorded"] is True
    assert one["repeat_missing_episodes"] is False


def test_repeat_missing_within_window_in_any_order() -> None:
    times = [REFERRAL + timedelta(days=d) for d in (80, 0, 40)]
    assert facts(missing_returns=times)["repeat_missing_episodes"] is True


def test_repeat_missing_window_is_inclusive() -> None:
    times = [REFERRAL + timedelta(days=d) for d in (0, 45, 90)]
    assert facts(missing_returns=times)["repeat_missing_episodes"] is True
    times[-1] += timedelta(seconds=1)
    assert facts(missing_returns=times)["repeat_missing_episodes"] is False


def test_repeat_missing_needs_threshold_in_one_window() -> None:
    # Four episodes, but never three within 90 days of each other.
    times = [REFERRAL + timedelta(days=d) for d in (0, 60, 160, 300)]
    assert facts(missing_returns=times)["repeat_missing_episodes"] is False
    assert facts(missing_returns=times, repeat_threshold=2)["repeat_missing_episodes"] is True


def test_risk_category_and_intelligence() -> None:
    result = facts(risk_category=3, intelligence_count=2)
    assert result["risk_category"] == 3
    assert result["intelligence_items_recorded"] is True


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        facts(referral_at=datetime(2026, 6, 1, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        facts(missing_returns=[datetime(2026, 6, 1, 10)])


def test_intelligence_priority_is_the_most_urgent_item() -> None:
    assert (
        facts(intelligence_count=3, intelligence_priorities=("low", "high", "medium"))["intelligence_priority"]
        == "high"
    )
    assert facts(intelligence_count=2, intelligence_priorities=("low", "medium"))["intelligence_priority"] == "medium"
    assert facts(intelligence_count=1, intelligence_priorities=("low",))["intelligence_priority"] == "low"
    assert facts()["intelligence_priority"] is None
    with pytest.raises(ValueError, match="unknown intelligence priority 'urgent'"):
        facts(intelligence_priorities=("urgent",))


def test_missing_risk_grade_is_the_latest_episode_grade() -> None:
    assert facts(latest_missing_grade="high")["missing_risk_grade"] == "high"
    assert facts(latest_missing_grade="")["missing_risk_grade"] is None
    with pytest.raises(ValueError, match="unknown missing risk grade 'severe'"):
        facts(latest_missing_grade="severe")
