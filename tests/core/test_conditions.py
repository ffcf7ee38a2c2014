"""The step condition language: parsing (with error columns), checking against declared facts and
events, and evaluating against a case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist_app.core.conditions import (
    BoolOp,
    Compare,
    ConditionError,
    EventRef,
    FactRef,
    FactSpec,
    Not,
    check,
    evaluate,
    parse,
    references,
)

FACTS = {
    "looked_after": FactSpec("yesno"),
    "age_under_16": FactSpec("yesno"),
    "risk_category": FactSpec("number"),
    "placement_type": FactSpec("choice", ("residential", "foster", "kinship")),
}
EVENTS = ["devices_seized", "no_further_action"]


def problems(text: str) -> list[tuple[str, int | None]]:
    return [(e.message, e.column) for e in check(parse(text), FACTS, EVENTS)]


def holds(text: str, facts: dict[str, object] | None = None, events: list[str] | None = None) -> bool:
    return evaluate(parse(text), facts or {}, events or [])


# --- parsing --------------------------------------------------------------------------------------


def test_parse_builds_the_expected_tree() -> None:
    expr = parse("looked_after or age_under_16 and not event.devices_seized")
    assert expr == BoolOp(
        "or",
        (
            FactRef("looked_after", 1),
            BoolOp("and", (FactRef("age_under_16", 17), Not(EventRef("devices_seized", 38)))),
        ),
    )


def test_parse_comparisons_and_literals() -> None:
    assert parse("risk_category >= 3") == Compare(FactRef("risk_category", 1), ">=", (3,))
    assert parse("risk_category < 2.5").values == (2.5,)  # type: ignore[union-attr]
    assert parse("risk_category == -1").values == (-1,)  # type: ignore[union-attr]
    assert parse("looked_after == true").values == (True,)  # type: ignore[union-attr]
    assert parse('placement_type != "foster"').values == ("foster",)  # type: ignore[union-attr]
    assert parse("placement_type in ['residential', 'foster']") == Compare(
        FactRef("placement_type", 1), "in", ("residential", "foster")
    )


def test_parentheses_override_precedence() -> None:
    expr = parse("(looked_after or age_under_16) and event.devices_seized")
    assert isinstance(expr, BoolOp) and expr.op == "and"
    assert isinstance(expr.operands[0], BoolOp) and expr.operands[0].op == "or"


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "condition is empty", None),
        ("   ", "condition is empty", None),
        ("looked_after and", "condition ends too early", 17),
        ("risk_category >=", "condition ends too early", 17),
        ("risk_category >= or", "expected a number, 'text', true or false but found 'or'", 18),
        ("(looked_after", "condition ends too early", 14),
        ("(looked_after age_under_16)", "expected ')' but found 'age_under_16'", 15),
        ("looked_after age_under_16", "unexpected 'age_under_16'", 14),
        ("looked_after && age_under_16", "unexpected character '&'", 14),
        ("risk_category = 3", "unexpected character '='", 15),
        ("placement_type in 'foster'", "expected '[' but found \"'foster'\"", 19),
        ("placement_type in ['foster' 'kinship']", "expected ']' but found \"'kinship'\"", 29),
        ("and looked_after", "expected a fact or event name but found 'and'", 1),
        ("event.", "'event.' must be followed by an event id", 1),
        ("3 > risk_category", "expected a fact or event name but found '3'", 1),
        ("placement_type == 'unterminated", 'unexpected character "\'"', 19),
    ],
)
def test_parse_errors_carry_columns(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ConditionError) as raised:
        parse(text)
    assert raised.value.message == message
    assert raised.value.column == column
    assert str(raised.value) == (message if column is None else f"{message} (at column {column})")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(ConditionError, match="condition must be text"):
        parse(3)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=1000)
@given(st.text(max_size=60))
def test_parse_raises_only_condition_errors(text: str) -> None:
    try:
        expr = parse(text)
    except ConditionError as exc:
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
        return
    check(expr, FACTS, EVENTS)
    evaluate(expr, {"risk_category": 2, "looked_after": True}, EVENTS)


# --- checking against the procedure ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "looked_after",
        "looked_after == false",
        "risk_category >= 3 and not age_under_16",
        "placement_type in ['residential', 'foster']",
        "placement_type != 'kinship'",
        "event.devices_seized and not event.no_further_action",
    ],
)
def test_valid_conditions_have_no_problems(text: str) -> None:
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("looked_afterr", [("unknown fact 'looked_afterr'", 1)]),
        ("looked_after and event.arrest", [("unknown event 'arrest'", 18)]),
        ("unknown_fact > 3", [("unknown fact 'unknown_fact'", 1)]),
        (
            "risk_category",
            [("fact 'risk_category' is a number; compare it with a value (e.g. risk_category == ...)", 1)],
        ),
        ("risk_category == 'high'", [("fact 'risk_category' is a number; 'high' is not", 1)]),
        ("risk_category == true", [("fact 'risk_category' is a number; True is not", 1)]),
        ("looked_after == 1", [("fact 'looked_after' is yes/no; compare with true or false", 1)]),
        ("looked_after < true", [("fact 'looked_after' is yes/no; only == and != apply", 1)]),
        (
            "placement_type == 'hotel'",
            [("'hotel' is not a choice of fact 'placement_type' (choices: residential, foster, kinship)", 1)],
        ),
        ("placement_type > 'foster'", [("fact 'placement_type' is a choice; only ==, != and in apply", 1)]),
        ("x or event.y", [("unknown fact 'x'", 1), ("unknown event 'y'", 6)]),
    ],
)
def test_check_reports_names_and_types(text: str, expected: list[tuple[str, int]]) -> None:
    assert problems(text) == expected


def test_references() -> None:
    facts, events = references(parse("(looked_after or risk_category > 2) and not event.devices_seized"))
    assert facts == {"looked_after", "risk_category"}
    assert events == {"devices_seized"}


# --- evaluating -----------------------------------------------------------------------------------


def test_bare_fact_is_true_only_when_true() -> None:
    assert holds("looked_after", {"looked_after": True})
    assert not holds("looked_after", {"looked_after": False})
    assert not holds("looked_after", {})  # unknown counts as false
    assert not holds("looked_after", {"looked_after": "yes"})


def test_and_or_not() -> None:
    case = {"looked_after": True, "age_under_16": False}
    assert holds("looked_after or age_under_16", case)
    assert not holds("looked_after and age_under_16", case)
    assert holds("looked_after and not age_under_16", case)
    assert holds("not not looked_after", case)
    assert holds("age_under_16 or looked_after and not age_under_16", case)


def test_comparisons() -> None:
    case = {"risk_category": 3, "placement_type": "foster"}
    assert holds("risk_category >= 3", case)
    assert holds("risk_category > 2.5", case)
    assert not holds("risk_category < 3", case)
    assert holds("risk_category <= 3", case)
    assert holds("risk_category != 4", case)
    assert holds("placement_type == 'foster'", case)
    assert holds("placement_type in ['residential', 'foster']", case)
    assert not holds("placement_type in ['kinship']", case)


def test_comparison_with_unknown_fact_is_false() -> None:
    assert not holds("risk_category >= 0", {})
    assert not holds("risk_category != 4", {})  # even !=: no value means the step is not triggered


def test_comparison_of_mismatched_types_is_false_not_an_error() -> None:
    assert not holds("risk_category > 2", {"risk_category": "high"})


def test_events() -> None:
    assert holds("event.devices_seized", events=["devices_seized"])
    assert not holds("event.devices_seized", events=[])
    assert holds("event.devices_seized and not event.no_further_action", events=["devices_seized", "unrelated"])
    assert evaluate(parse("event.a"), {}, {"a"})
