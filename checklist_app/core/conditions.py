"""Step conditions: a tiny, safe expression language over case facts and events.

Grammar (docs/sop-format.md):
    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | atom
    atom       := "(" condition ")" | "event." EVENT | FACT [comparison]
    comparison := ("==" | "!=" | "<" | "<=" | ">" | ">=") literal | "in" "[" literal ("," literal)* "]"

Nothing is ever passed to `eval`. Parsing is separate from checking against a procedure's declared
facts (`check`), so the loader can report unknown names with the condition's location.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

Literal = bool | int | float | str


class ConditionError(ValueError):
    """A condition that cannot be parsed. `column` is 1-based within the condition text."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message if self.column is None else f"{self.message} (at column {self.column})"


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|==|!=|<|>)
  | (?P<punct>[()\[\],])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
    """,
    re.VERBOSE,
)

_MAX_NUMBER_CHARS = 15
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    column: int


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match:
            raise ConditionError(f"unexpected character {text[pos]!r}", pos + 1)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(_Token(kind, match.group(), pos + 1))
        pos = match.end()
    return tokens


# --- expression tree ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactRef:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class EventRef:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Compare:
    fact: FactRef
    op: str  # one of == != < <= > >= in
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


Expr = FactRef | EventRef | Compare | Not | BoolOp


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenise(text)
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.peek()
        if tok is None:
            raise ConditionError("condition ends too early", len(self.text) + 1)
        self.pos += 1
        return tok

    def expect(self, text: str) -> _Token:
        tok = self.take()
        if tok.text != text:
            raise ConditionError(f"expected {text!r} but found {tok.text!r}", tok.column)
        return tok

    def at_keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "name" and tok.text == word

    def parse(self) -> Expr:
        if not self.tokens:
            raise ConditionError("condition is empty")
        expr = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise ConditionError(f"unexpected {tok.text!r}", tok.column)
        return expr

    def parse_or(self) -> Expr:
        operands = [self.parse_and()]
        while self.at_keyword("or"):
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Expr:
        operands = [self.parse_not()]
        while self.at_keyword("and"):
            self.take()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_not(self) -> Expr:
        if self.at_keyword("not"):
            self.take()
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> Expr:
        tok = self.take()
        if tok.text == "(":
            expr = self.parse_or()
            self.expect(")")
            return expr
        if tok.kind != "name" or tok.text in _KEYWORDS:
            raise ConditionError(f"expected a fact or event name but found {tok.text!r}", tok.column)
        if tok.text.startswith("event."):
            name = tok.text[len("event.") :]
            if not name:
                raise ConditionError("'event.' must be followed by an event id", tok.column)
            return EventRef(name, tok.column)
        fact = FactRef(tok.text, tok.column)
        nxt = self.peek()
        if nxt is not None and nxt.kind == "op":
            self.take()
            return Compare(fact, nxt.text, (self.parse_literal(),))
        if nxt is not None and nxt.kind == "name" and nxt.text == "in":
            self.take()
            self.expect("[")
            values = [self.parse_literal()]
            while (more := self.peek()) is not None and more.text == ",":
                self.take()
                values.append(self.parse_literal())
            self.expect("]")
            return Compare(fact, "in", tuple(values))
        return fact

    def parse_literal(self) -> Literal:
        tok = self.take()
        if tok.kind == "number":
            # Python refuses to read ints of over 4,300 digits; no fact needs more than a few.
            if len(tok.text) > _MAX_NUMBER_CHARS:
                raise ConditionError(f"number too long: at most {_MAX_NUMBER_CHARS} digits", tok.column)
            return float(tok.text) if "." in tok.text else int(tok.text)
        if tok.kind == "string":
            return tok.text[1:-1]
        if tok.kind == "name" and tok.text in ("true", "false"):
            return tok.text == "true"
        raise ConditionError(f"expected a number, 'text', true or false but found {tok.text!r}", tok.column)


def parse(text: str) -> Expr:
    """Parse a condition. Raises ConditionError with a column on bad syntax."""
    if not isinstance(text, str):
        raise ConditionError("condition must be text")
    return _Parser(text).parse()


def _walk(expr: Expr) -> Iterable[Expr]:
    yield expr
    if isinstance(expr, Not):
        yield from _walk(expr.operand)
    elif isinstance(expr, BoolOp):
        for operand in expr.operands:
            yield from _walk(operand)


@dataclass(frozen=True, slots=True)
class FactSpec:
    """What `check` needs to know about a declared fact."""

    type: str  # "yesno" | "choice" | "number"
    choices: tuple[str, ...] = ()


def check(expr: Expr, facts: Mapping[str, FactSpec], events: Iterable[str]) -> list[ConditionError]:
    """Problems with names and types in a parsed condition, against the procedure's declarations."""
    known_events = set(events)
    problems: list[ConditionError] = []
    for node in _walk(expr):
        if isinstance(node, EventRef):
            if node.name not in known_events:
                problems.append(ConditionError(f"unknown event {node.name!r}", node.column))
        elif isinstance(node, FactRef):
            spec = facts.get(node.name)
            if spec is None:
                problems.append(ConditionError(f"unknown fact {node.name!r}", node.column))
            elif spec.type != "yesno":
                problems.append(
                    ConditionError(
                        f"fact {node.name!r} is a {spec.type}; compare it with a value (e.g. {node.name} == ...)",
                        node.column,
                    )
                )
        elif isinstance(node, Compare):
            problems.extend(_check_compare(node, facts))
    # _walk yields the FactRef inside a Compare only via the Compare, so no double report.
    return problems


def _check_compare(node: Compare, facts: Mapping[str, FactSpec]) -> list[ConditionError]:
    name, column = node.fact.name, node.fact.column
    spec = facts.get(name)
    if spec is None:
        return [ConditionError(f"unknown fact {name!r}", column)]
    problems: list[ConditionError] = []
    for value in node.values:
        if spec.type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(ConditionError(f"fact {name!r} is a number; {value!r} is not", column))
        elif spec.type == "yesno":
            if not isinstance(value, bool):
                problems.append(ConditionError(f"fact {name!r} is yes/no; compare with true or false", column))
            elif node.op not in ("==", "!="):
                problems.append(ConditionError(f"fact {name!r} is yes/no; only == and != apply", column))
        else:  # choice
            if not isinstance(value, str) or value not in spec.choices:
                problems.append(
                    ConditionError(
                        f"{value!r} is not a choice of fact {name!r} (choices: {', '.join(spec.choices)})",
                        column,
                    )
                )
            elif node.op not in ("==", "!=", "in"):
                problems.append(ConditionError(f"fact {name!r} is a choice; only ==, != and in apply", column))
    return problems


def evaluate(expr: Expr, facts: Mapping[str, object], events_occurred: Iterable[str] | set[str]) -> bool:
    """Evaluate against a case. Missing facts are false, and comparisons with them fail."""
    occurred = events_occurred if isinstance(events_occurred, set) else set(events_occurred)
    return _eval(expr, facts, occurred)


# A compiled condition: (facts, events occurred) -> whether it holds.
Test = Callable[[Mapping[str, object], AbstractSet[str]], bool]

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compile_condition(expr: Expr) -> Test:
    """`expr` as a function that answers exactly as `evaluate` does, without walking the tree each time: a
    procedure's conditions are compiled once and evaluated for every case."""
    if isinstance(expr, FactRef):
        name = expr.name
        return lambda facts, occurred: facts.get(name) is True
    if isinstance(expr, EventRef):
        event = expr.name
        return lambda facts, occurred: event in occurred
    if isinstance(expr, Not):
        inner = compile_condition(expr.operand)
        return lambda facts, occurred: not inner(facts, occurred)
    if isinstance(expr, BoolOp):
        return _compile_bool(expr.op, tuple(compile_condition(e) for e in expr.operands))
    return _compile_compare(expr)


def _compile_bool(op: str, parts: tuple[Test, ...]) -> Test:
    # Two operands (most conditions) without a generator; each part answers a bool, so `and` / `or` do too.
    if len(parts) == 2:
        first, second = parts
        if op == "and":
            return lambda facts, occurred: first(facts, occurred) and second(facts, occurred)
        return lambda facts, occurred: first(facts, occurred) or second(facts, occurred)
    if op == "and":
        return lambda facts, occurred: all(part(facts, occurred) for part in parts)
    return lambda facts, occurred: any(part(facts, occurred) for part in parts)


def _compile_compare(expr: Compare) -> Test:
    name = expr.fact.name
    values = expr.values
    if expr.op == "in":

        def within(facts: Mapping[str, object], occurred: AbstractSet[str]) -> bool:
            value = facts.get(name)
            return value is not None and value in values

        return within
    compare, target = _COMPARISONS[expr.op], values[0]

    def compared(facts: Mapping[str, object], occurred: AbstractSet[str]) -> bool:
        value = facts.get(name)
        if value is None:
            return False
        try:
            return compare(value, target)
        except TypeError:  # a fact and a literal of different kinds: "false", as in _eval
            return False

    return compared


def _eval(expr: Expr, facts: Mapping[str, object], occurred: set[str]) -> bool:
    if isinstance(expr, FactRef):
        return facts.get(expr.name) is True
    if isinstance(expr, EventRef):
        return expr.name in occurred
    if isinstance(expr, Not):
        return not _eval(expr.operand, facts, occurred)
    if isinstance(expr, BoolOp):
        if expr.op == "and":
            return all(_eval(e, facts, occurred) for e in expr.operands)
        return any(_eval(e, facts, occurred) for e in expr.operands)
    value = facts.get(expr.fact.name)
    if value is None:
        return False
    target = expr.values[0]
    # The ordering ignores below are deliberate: a fact and a literal of different kinds (text and a
    # number) raise TypeError, which means "false" here.
    try:
        if expr.op == "in":
            return value in expr.values
        if expr.op == "==":
            return value == target
        if expr.op == "!=":
            return value != target
        if expr.op == "<":
            return value < target  # type: ignore[operator]
        if expr.op == "<=":
            return value <= target  # type: ignore[operator]
        if expr.op == ">":
            return value > target  # type: ignore[operator]
        return value >= target  # type: ignore[operator]
    except TypeError:
        return False


def references(expr: Expr) -> tuple[set[str], set[str]]:
    """(fact names, event names) a condition mentions."""
    facts: set[str] = set()
    events: set[str] = set()
    for node in _walk(expr):
        if isinstance(node, FactRef):
            facts.add(node.name)
        elif isinstance(node, Compare):
            facts.add(node.fact.name)
        elif isinstance(node, EventRef):
            events.add(node.name)
    return facts, events
