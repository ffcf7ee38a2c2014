"""YAML nodes with their locations: the problem list, the parse context and checked mappings.

Every accessor reports a wrong value against its document path and line and returns a fallback, so one
bad value does not hide the problems after it. Paths use 0-based list indexes, e.g.
`phases[2].steps[4].deadline.within`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checklist_app.core.procedure.limits import (
    MAX_NUMBER,
    MAX_PROBLEMS_SHOWN,
    MAX_TEXT_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    bad_character,
    safe_message,
    shown,
)
from checklist_app.core.procedure.model import Duration, DurationUnit

ID_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Paths that problems about the whole file or the whole document report against.
WHOLE_FILE = "(file)"
WHOLE_DOCUMENT = "(document)"

# Deadlines and intervals that are missing or unreadable (already reported) fall back to this.
ZERO = Duration(0, DurationUnit.HOURS)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_TAG_KINDS = {
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date",
}
_KIND_NAMES = {
    "map": "a mapping (key: value lines)",
    "list": "a list",
    "text": "text",
    "int": "a whole number",
    "float": "a decimal number",
    "bool": "a yes/no value",
    "null": "nothing",
    "date": "a date",
    "other": "a value with an unsupported YAML tag",
}
# Numbers and dates written where text is expected are taken exactly as written ("1.10" stays "1.10").
_TEXTUAL_KINDS = frozenset({"text", "int", "float", "date"})
_BOOL_HINT = "; YAML reads unquoted yes, no, on, off, true and false as yes/no values, so put the text in quotes"

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class SopProblem:
    """One thing wrong with a procedure file, located by line (1-based) and document path."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}"


@dataclass
class ParseContext:
    filename: str
    problems: list[SopProblem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    first_use: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    # Paths of lists, entries and ids that could not be read: references into them are not reported as
    # unknown, since the real problem is already reported and the rest would only bury it.
    unreadable: set[str] = field(default_factory=set)
    # An aliased node (`*name`) is the same node everywhere it is used; report its problems once.
    reported_nodes: set[tuple[int, str]] = field(default_factory=set)
    merge_cache: dict[int, list[tuple[Node, Node, bool]]] = field(default_factory=dict)

    def add(self, path: str, message: str, node: Node | None = None, line: int | None = None) -> None:
        if node is not None:
            if (id(node), message) in self.reported_nodes:
                return
            self.reported_nodes.add((id(node), message))
            line = _line(node)
        elif line is None:
            line = self.line_for(path)
        # Every message passes here: escape what a terminal would obey and cut what would flood it.
        where = safe_message(path) or WHOLE_DOCUMENT
        self.problems.append(SopProblem(self.filename, line, where, safe_message(message)))

    def line_for(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def register(self, kind: str, ident: str, path: str, scope: str = "") -> None:
        """Report a second use of an id within its kind (and scope)."""
        if not ident:
            return
        key = (f"{kind}@{scope}", ident)
        first = self.first_use.get(key)
        if first is None:
            self.first_use[key] = (path, self.line_for(path))
            return
        where = f"line {first[1]}" if first[1] is not None else first[0]
        self.add(path, f"duplicate {kind} '{ident}': already used at {where}; {kind}s must be unique")

    def damaged(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.match(path) for path in self.unreadable)

    def add_reference(self, path: str, message: str, area: re.Pattern[str]) -> None:
        """Report an unknown reference, unless the ids it could refer to were not all readable."""
        if not self.damaged(area):
            self.add(path, message)

    def sorted_problems(self) -> list[SopProblem]:
        unique = sorted(dict.fromkeys(self.problems), key=lambda p: p.line or 0)
        if len(unique) <= MAX_PROBLEMS_SHOWN:
            return unique
        more = len(unique) - MAX_PROBLEMS_SHOWN
        summary = f"{more:,} more problem{'s' if more != 1 else ''} not shown; fix those above and validate again"
        return [*unique[:MAX_PROBLEMS_SHOWN], SopProblem(self.filename, None, WHOLE_FILE, summary)]


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "map"
    if isinstance(node, SequenceNode):
        return "list"
    return _TAG_KINDS.get(node.tag, "other")


def describe_node(node: Node) -> str:
    kind = _kind(node)
    name = _KIND_NAMES[kind]
    if kind in ("map", "list", "null") or not isinstance(node, ScalarNode):
        return name
    return f"{name} ('{shown(node.value, 40)}')"


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def scalar_value(node: Node) -> object:
    """A scalar node's value (None for a mapping, a list or a value that cannot be built)."""
    return _construct(node) if isinstance(node, ScalarNode) else None


def _construct(node: Node) -> object:
    """The scalar's value, or None when it cannot be built (a 5000-digit number, 2026-02-30)."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):
        return None


def _pairs(ctx: ParseContext, node: MappingNode, path: str, depth: int = 0) -> list[tuple[Node, Node, bool]]:
    """(key, value, explicit) pairs with YAML merge keys (`<<: *base`) expanded; explicit keys first so
    they win over merged ones, as in YAML."""
    explicit = [(k, v, True) for k, v in node.value if k.tag != _MERGE_TAG]
    merged: dict[str, tuple[Node, Node, bool]] = {}
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE_TAG:
            continue
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode) or depth > 20:
                ctx.add(path, "'<<' (merge) needs a mapping or a list of mappings", key_node)
                continue
            for pair in _merged_pairs(ctx, source, path, depth):
                merged.setdefault(_key_text(pair[0]) or "", pair)
    return explicit + list(merged.values())


def _merged_pairs(ctx: ParseContext, source: MappingNode, path: str, depth: int) -> list[tuple[Node, Node, bool]]:
    # Cached, and de-duplicated by key in _pairs, so nested merges of merges cannot blow up exponentially.
    cached = ctx.merge_cache.get(id(source))
    if cached is None:
        cached = [(k, v, False) for k, v, _ in _pairs(ctx, source, path, depth + 1)]
        ctx.merge_cache[id(source)] = cached
    return cached


def _key_text(node: Node) -> str | None:
    if isinstance(node, ScalarNode) and _kind(node) not in ("null", "other"):
        return str(node.value)
    return None


def _as_text(ctx: ParseContext, node: Node, path: str, max_chars: int | None = None) -> str | None:
    """The text, or None (reported) when it is not text, too long or holds characters not allowed.
    With `max_chars` the value is a one-line name stored in a database column of that length."""
    kind = _kind(node)
    if kind in _TEXTUAL_KINDS:
        value = str(node.value).strip()
        limit = max_chars or MAX_TEXT_CHARS
        if len(value) > limit:
            what = "database" if max_chars else "procedure"
            ctx.add(path, f"text is too long: {len(value):,} characters, at most {limit:,} fit the {what}", node)
            return None
        bad = bad_character(value, single_line=max_chars is not None)
        if bad is not None:
            ctx.add(path, f"the text contains {bad}", node)
            return None
        return value
    hint = _BOOL_HINT if kind == "bool" else ""
    ctx.add(path, f"expected text but found {describe_node(node)}{hint}", node)
    return None


def _as_int(ctx: ParseContext, node: Node, path: str) -> int | None:
    value = _construct(node) if _kind(node) == "int" else None
    if (_kind(node) == "int" and value is None) or _too_big(value):
        ctx.add(path, f"the number is too large: at most {MAX_NUMBER:,} is allowed here", node)
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        ctx.add(path, f"expected a whole number but found {describe_node(node)}", node)
        return None
    return value


def as_number(ctx: ParseContext, node: Node, path: str) -> float | None:
    kind = _kind(node)
    value = _construct(node) if kind in ("int", "float") else None
    if isinstance(value, float) and not math.isfinite(value):
        what = "not a number (NaN)" if math.isnan(value) else "infinite"
        ctx.add(path, f"'{shown(node.value)}' is {what}; write an ordinary number such as 0.5", node)
        return None
    if (kind in ("int", "float") and value is None) or _too_big(value):
        ctx.add(path, f"the number is too large: at most {MAX_NUMBER:,} is allowed here", node)
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        ctx.add(path, f"expected a number but found {describe_node(node)}", node)
        return None
    return float(value)


def _too_big(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER


def _as_bool(ctx: ParseContext, node: Node, path: str) -> bool | None:
    value = _construct(node) if _kind(node) == "bool" else None
    if not isinstance(value, bool):
        ctx.add(path, f"expected true or false but found {describe_node(node)}", node)
        return None
    return value


def as_duration(ctx: ParseContext, node: Node, path: str) -> Duration | None:
    if _kind(node) not in _TEXTUAL_KINDS:
        ctx.add(path, f"expected a duration such as 24h, 7d, 5wd or 3mo but found {describe_node(node)}", node)
        return None
    try:
        return Duration.parse(node.value)
    except ValueError as exc:
        ctx.add(path, str(exc), node)
        return None


def _as_date(ctx: ParseContext, node: Node, path: str) -> date | None:
    kind = _kind(node)
    value: object = None
    if kind == "date":
        value = _construct(node)
    elif kind == "text" and _DATE_RE.match(node.value.strip()):
        try:
            value = date.fromisoformat(node.value.strip())
        except ValueError:
            value = None
    if isinstance(value, date) and not isinstance(value, datetime):
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return value
        years = f"{MIN_YEAR}-{MAX_YEAR}"
        ctx.add(path, f"{value.isoformat()} is outside the years this application handles ({years})", node)
        return None
    if isinstance(value, datetime):
        message = f"'{shown(node.value.strip())}' is a date and time; write the date only, as YYYY-MM-DD"
        ctx.add(path, message, node)
        return None
    if value is None and (kind == "date" or (kind == "text" and _DATE_RE.match(node.value.strip()))):
        shown_date = shown(node.value.strip())
        ctx.add(path, f"'{shown_date}' is not a real calendar date (check the year, month and day)", node)
        return None
    ctx.add(path, f"expected a date written YYYY-MM-DD (e.g. 2026-01-01) but found {describe_node(node)}", node)
    return None


def open_mapping(
    ctx: ParseContext,
    node: Node,
    path: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    free_keys: bool = False,
) -> CheckedMap | None:
    """Check a mapping's keys against the schema: duplicates, unknown keys and missing keys.
    With `free_keys` the keys are data (step ids, categories) and only duplicates are checked."""
    allowed = (*required, *optional)
    if not isinstance(node, MappingNode):
        ctx.add(path, f"expected a mapping with keys {', '.join(allowed)} but found {describe_node(node)}", node)
        ctx.unreadable.add(path)
        return None
    ctx.lines.setdefault(path, _line(node))
    items: dict[str, Node] = {}
    for key_node, value_node, explicit in _pairs(ctx, node, path):
        key = _key_text(key_node)
        if key is None:
            ctx.add(path, f"keys must be plain names but found {describe_node(key_node)}", key_node)
            continue
        sub = join_path(path, key)
        if key in items:
            if explicit:
                first = ctx.lines.get(sub)
                ctx.add(sub, f"duplicate key '{key}' (first given on line {first}); a key may appear once", key_node)
            continue
        items[key] = value_node
        ctx.lines[sub] = _line(key_node)
        if key not in allowed and not free_keys:
            hint = did_you_mean(key, allowed)
            ctx.add(sub, f"unknown key '{key}'{hint}; allowed keys here: {', '.join(allowed)}", key_node)
    for key in required:
        if key not in items or _kind(items[key]) == "null":
            ctx.unreadable.add(path if key == "id" else join_path(path, key))
        if key not in items:
            ctx.add(path, f"missing required key '{key}'", node)
    return CheckedMap(ctx, path, items, frozenset(required))


@dataclass
class CheckedMap:
    """A mapping whose keys have been checked; accessors report wrong values and return a fallback, so
    one bad value does not hide the problems after it."""

    ctx: ParseContext
    path: str
    items: dict[str, Node]
    required: frozenset[str]

    def at(self, key: str) -> str:
        return join_path(self.path, key)

    def has(self, key: str) -> bool:
        node = self.items.get(key)
        return node is not None and _kind(node) != "null"

    def node(self, key: str, expected: str) -> Node | None:
        node = self.items.get(key)
        if node is None:
            return None
        if _kind(node) == "null":
            if key in self.required:
                self.ctx.add(self.at(key), f"no value given; expected {expected}", node)
            return None
        return node

    def text(self, key: str, default: str = "", max_chars: int | None = None) -> str:
        """Running text, or with `max_chars` a one-line value stored in a column of that length."""
        node = self.node(key, "text")
        value = _as_text(self.ctx, node, self.at(key), max_chars) if node is not None else None
        if value is None:
            return default
        if not value and key in self.required:
            self.ctx.add(self.at(key), f"{key} must not be empty", node)
        return value

    def ident(self, key: str, kind: str, scope: str = "") -> str:
        value = self.text(key)
        if not value:
            self.ctx.unreadable.add(self.path)
        if value and not ID_RE.match(value):
            self.ctx.add(
                self.at(key),
                f"'{shown(value)}' is not a valid id: start with a lower-case letter, then use only lower-case "
                "letters, digits, '-', '_' and '.' (at most 64 characters)",
                self.items.get(key),
            )
        self.ctx.register(kind, value, self.at(key), scope)
        return value

    def integer(self, key: str, default: int = 0, minimum: int | None = None) -> int:
        node = self.node(key, "a whole number")
        value = _as_int(self.ctx, node, self.at(key)) if node is not None else None
        if value is None:
            return default
        if minimum is not None and value < minimum:
            self.ctx.add(self.at(key), f"{key} must be at least {minimum}, not {value}", node)
        return value

    def number(self, key: str, default: float = 0.0, low: float | None = None, high: float | None = None) -> float:
        node = self.node(key, "a number")
        value = as_number(self.ctx, node, self.at(key)) if node is not None else None
        if value is None:
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            limits = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.ctx.add(self.at(key), f"{key} must be {limits}, not {value:g}", node)
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        node = self.node(key, "true or false")
        value = _as_bool(self.ctx, node, self.at(key)) if node is not None else None
        return default if value is None else value

    def date(self, key: str) -> date:
        node = self.node(key, "a date (YYYY-MM-DD)")
        value = _as_date(self.ctx, node, self.at(key)) if node is not None else None
        return value or date(1970, 1, 1)

    def duration(self, key: str) -> Duration | None:
        node = self.node(key, "a duration such as 24h, 7d, 5wd or 3mo")
        return as_duration(self.ctx, node, self.at(key)) if node is not None else None

    def enum(self, key: str, cls: type[E], default: E) -> E:
        value = self.choice(key, [member.value for member in cls], default.value)
        return cls(value)

    def choice(self, key: str, allowed: Sequence[str], default: str) -> str:
        value = self.text(key)
        if not value:
            return default
        if value not in allowed:
            message = f"'{shown(value)}' is not a valid {key}; expected one of: {', '.join(allowed)}"
            self.ctx.add(self.at(key), message, self.items.get(key))
            return default
        return value

    def items_of(self, key: str, min_items: int = 0, what: str = "entry") -> list[tuple[str, Node]]:
        node = self.node(key, "a list")
        if node is None:
            return []
        path = self.at(key)
        if not isinstance(node, SequenceNode):
            self.ctx.add(path, f"expected a list (one '- ' line per entry) but found {describe_node(node)}", node)
            self.ctx.unreadable.add(path)
            return []
        if len(node.value) < min_items:
            self.ctx.add(path, f"{key} needs at least {min_items} {what}", node)
        located = [(f"{path}[{i}]", item) for i, item in enumerate(node.value)]
        for item_path, item in located:
            self.ctx.lines[item_path] = _line(item)
        return located

    def strings(self, key: str) -> tuple[str, ...]:
        values = (_as_text(self.ctx, node, path) for path, node in self.items_of(key))
        return tuple(v for v in values if v)

    def sub(self, key: str, required: Sequence[str], optional: Sequence[str] = ()) -> CheckedMap:
        """The nested mapping, or an empty stand-in (problems already reported) when it is unusable."""
        node = self.node(key, "a mapping")
        opened = open_mapping(self.ctx, node, self.at(key), required, optional) if node is not None else None
        return opened or CheckedMap(self.ctx, self.at(key), {}, frozenset())

    def entries(self, key: str) -> list[tuple[str, Node, str]]:
        """(key text, value node, path) of a mapping whose keys are data (ids, categories)."""
        node = self.node(key, "a mapping")
        if node is None:
            return []
        path = self.at(key)
        if not isinstance(node, MappingNode):
            self.ctx.add(path, f"expected a mapping (key: value lines) but found {describe_node(node)}", node)
            return []
        opened = open_mapping(self.ctx, node, path, (), (), free_keys=True)
        return [(k, v, join_path(path, k)) for k, v in (opened.items.items() if opened else [])]
