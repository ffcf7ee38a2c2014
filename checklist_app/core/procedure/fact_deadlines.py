"""Deadlines whose length depends on a case fact: the `by:` form of a step deadline.

A risk review falls due sooner for a higher risk category, an intelligence step sooner for a higher
priority, a missing-person review sooner for a higher risk grade. The rule names one fact and, for some of
its values, another duration; any other value, or no value yet, keeps the deadline's own `within`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checklist_app.core.procedure.model import Duration

FactValue = bool | int | float | str


def same_value(case_value: object, wanted: FactValue) -> bool:
    """Fact equality without Python's `True == 1`: a yes/no fact never matches a number, and numbers
    compare by value (3 matches 3.0)."""
    if isinstance(case_value, bool) or isinstance(wanted, bool):
        return isinstance(case_value, bool) and isinstance(wanted, bool) and case_value is wanted
    if isinstance(case_value, int | float) and isinstance(wanted, int | float):
        return float(case_value) == float(wanted)
    return isinstance(case_value, str) and isinstance(wanted, str) and case_value == wanted


@dataclass(frozen=True, slots=True)
class DeadlineCase:
    """The duration (and, for a recurring step, the interval) when the fact has one of `values`."""

    values: tuple[FactValue, ...]
    offset: Duration
    recurs_every: Duration | None = None

    def matches(self, value: object) -> bool:
        return any(same_value(value, wanted) for wanted in self.values)


@dataclass(frozen=True, slots=True)
class DeadlineBy:
    fact: str
    cases: tuple[DeadlineCase, ...]

    def case_for(self, facts: Mapping[str, object]) -> DeadlineCase | None:
        """The case matching the fact's current value; None when it has no value or no case matches."""
        value = facts.get(self.fact)
        if value is None:
            return None
        return next((case for case in self.cases if case.matches(value)), None)

    def describe(self, fact_title: str, recurring: bool) -> str:
        """'1 month when Current CSE risk category is 3 or 4; ...' (the cases, in file order)."""
        parts = []
        for case in self.cases:
            text = case.offset.describe()
            if recurring and case.recurs_every is not None:
                text += f", then every {case.recurs_every.describe()}"
            parts.append(f"{text} when {fact_title} is {_values_text(case.values)}")
        return "; ".join(parts)


def _values_text(values: tuple[FactValue, ...]) -> str:
    shown = [_value_text(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"


def _value_text(value: FactValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
