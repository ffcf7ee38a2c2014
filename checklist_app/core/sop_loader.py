"""Load and validate SOP files (docs/sop-format.md) into the frozen procedure model.

The loader walks PyYAML's node tree (`compose`) rather than loading plain Python objects, so every
problem carries the line it was found on, duplicate keys are caught (plain YAML silently keeps the last
one) and nothing beyond plain scalars is ever constructed. All problems in a file are collected before
anything is reported, and no exception other than `SopValidationError` ever leaves this module: the
people who edit these files are policy owners, not programmers, and must never see a traceback.

Paths in problems use 0-based list indexes, e.g. `phases[2].steps[4].deadline.within`.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checklist_app.core import conditions
from checklist_app.core.sop_model import (
    DERIVED_FACTS,
    SYSTEM_EVENTS,
    Anchor,
    AnchorKind,
    AuditItem,
    AuditTemplate,
    DeadlineRule,
    Duration,
    DurationUnit,
    Event,
    EvidenceField,
    Fact,
    FactSource,
    FactType,
    FieldType,
    IntelligenceTarget,
    ItemGrade,
    OverallGrade,
    Phase,
    Procedure,
    Provenance,
    ProvenanceKind,
    Requirement,
    RiskBand,
    RiskIndicator,
    RiskSection,
    RiskTool,
    RiskTrigger,
    ScoringMethod,
    Settings,
    Step,
    StepRole,
)

SCHEMA_VERSION = 1
MIN_GUIDANCE_CHARS = 80
# A procedure file is tens of kilobytes; the cap stops a wrong path (a disk image, /dev/zero) hanging the app.
MAX_FILE_BYTES = 5 * 1024 * 1024

ID_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ANCHOR_RE = re.compile(r"^(event|step):\s*(\S+)$")

PRIORITIES = ("high", "medium", "low")
WORKLOAD_CATEGORIES = (1, 2, 3, 4)
EVENT_SOURCES = ("system", "manual", "step")
CRITICAL_RULES = ("all_critical_compliant", "no_critical_non_compliant")
# The grade each critical rule looks for among the item grades.
_CRITICAL_RULE_GRADE = {"all_critical_compliant": "compliant", "no_critical_non_compliant": "non_compliant"}

_FILE = "(file)"
_DOCUMENT = "(document)"
_INTERNAL_ERROR = "internal error while reading the procedure"

_ZERO = Duration(0, DurationUnit.HOURS)
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


# --- public API -----------------------------------------------------------------------------------


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


class SopValidationError(Exception):
    """A procedure file that cannot be used; `problems` lists everything found, in file order."""

    def __init__(self, problems: Sequence[SopProblem]) -> None:
        self.problems: list[SopProblem] = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the procedure file")

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(str(p) for p in self.problems)])


def load_procedure_text(text: str, filename: str = "<text>") -> Procedure:
    """Parse and validate a procedure. Raises SopValidationError listing every problem found."""
    procedure, problems = validate_text(text, filename)
    if procedure is None:
        raise SopValidationError(problems)
    return procedure


def load_procedure_bytes(data: bytes, filename: str = "<bytes>") -> Procedure:
    """As `load_procedure_text`, for the raw bytes of a file (UTF-8, optionally with a BOM)."""
    procedure, problems = validate_bytes(data, filename)
    if procedure is None:
        raise SopValidationError(problems)
    return procedure


def load_procedure_file(path: str | PathLike[str] | Traversable) -> Procedure:
    """Read, parse and validate a procedure file. Raises SopValidationError for anything wrong,
    including a file that is missing, unreadable or a directory."""
    procedure, problems = validate_file(path)
    if procedure is None:
        raise SopValidationError(problems)
    return procedure


def validate_file(path: str | PathLike[str] | Traversable) -> tuple[Procedure | None, list[SopProblem]]:
    """(procedure, []) for a valid file, (None, problems) otherwise. Never raises."""
    filename = str(path)
    try:
        data = _read_bytes(path)
    except _ReadError as exc:
        return None, [SopProblem(filename, None, _FILE, exc.message)]
    return validate_bytes(data, filename)


def validate_bytes(data: bytes, filename: str = "<bytes>") -> tuple[Procedure | None, list[SopProblem]]:
    """(procedure, []) when valid, (None, problems) otherwise. Never raises."""
    if len(data) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, far too big for a procedure"
        return None, [SopProblem(filename, None, _FILE, message)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; "
            "save the file with UTF-8 encoding"
        )
        return None, [SopProblem(filename, line, _FILE, message)]
    return validate_text(text, filename)


def validate_text(text: str, filename: str = "<text>") -> tuple[Procedure | None, list[SopProblem]]:
    """(procedure, []) when valid, (None, problems) otherwise. Never raises."""
    if isinstance(text, bytes | bytearray):
        return validate_bytes(bytes(text), filename)
    ctx = _Context(filename)
    procedure: Procedure | None = None
    try:
        root = _compose(ctx, text)
        if root is not None:
            procedure = _build(ctx, root)
    except RecursionError:
        ctx.add(_FILE, "the file is nested too deeply to read")
    except Exception as exc:  # the contract is "problems, never a traceback", even for our own bugs
        ctx.add(_FILE, f"{_INTERNAL_ERROR}: {type(exc).__name__}: {exc}")
    problems = ctx.sorted_problems()
    if problems or procedure is None:
        return None, problems or [SopProblem(filename, None, _FILE, "the procedure could not be read")]
    return procedure, []


def canonical_content(procedure_text: str) -> str:
    """Canonical JSON of the parsed document: edits to whitespace, comments, quoting or key order do
    not change it. Raises SopValidationError when the text is not a single readable YAML document."""
    try:
        data = yaml.safe_load(procedure_text)
        return json.dumps(_plain(data, 0), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except RecursionError:
        message = "the document is nested too deeply to read"
    except Exception as exc:  # any failure here means "not a readable document", never a traceback
        message = f"the document cannot be read: {exc}"
    raise SopValidationError([SopProblem("<text>", None, _FILE, message)])


def content_hash(procedure_text: str) -> str:
    """SHA-256 (hex) of `canonical_content`: identifies a procedure's content regardless of layout."""
    return hashlib.sha256(canonical_content(procedure_text).encode("utf-8")).hexdigest()


# --- reading files and YAML -----------------------------------------------------------------------


class _ReadError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _read_bytes(path: str | PathLike[str] | Traversable) -> bytes:
    try:
        node: Path | Traversable = Path(path) if isinstance(path, str | PathLike) else path
        if node.is_dir():
            raise _ReadError("this is a directory, not a procedure file")
        with node.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except _ReadError:
        raise
    except FileNotFoundError:
        raise _ReadError("file not found") from None
    except IsADirectoryError:
        raise _ReadError("this is a directory, not a procedure file") from None
    except PermissionError:
        raise _ReadError("permission denied: the file cannot be read") from None
    except OSError as exc:
        raise _ReadError(f"the file cannot be read: {exc.strerror or exc}") from None
    except Exception as exc:  # odd paths (embedded NUL, resource readers) must still give a message
        raise _ReadError(f"the file cannot be read: {exc}") from None


def _compose(ctx: _Context, text: str) -> MappingNode | None:
    if not text.strip():
        # Checked before YAML, which rejects a tab-only line as a syntax error rather than emptiness.
        return _check_root(ctx, None)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        _report_reader_error(ctx, exc, text)
        return None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        _report_yaml_error(ctx, exc, text)
        return None
    except yaml.reader.ReaderError as exc:
        _report_reader_error(ctx, exc, text)
        return None
    finally:
        loader.dispose()
    return _check_root(ctx, root)


def _check_root(ctx: _Context, root: Node | None) -> MappingNode | None:
    if root is None:
        ctx.add(_FILE, "file is empty: expected a procedure starting with 'schema: 1'")
        return None
    if not isinstance(root, MappingNode):
        ctx.add(
            _DOCUMENT,
            f"the top level must be a mapping (schema:, procedure:, settings:, ...) but found {_found(root)}",
            root,
        )
        return None
    return root


def _report_yaml_error(ctx: _Context, exc: yaml.MarkedYAMLError, text: str) -> None:
    # A file cut short fails at the end of the stream, one past its last line; point at the last line.
    last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    mark = exc.problem_mark or exc.context_mark
    line = min(mark.line + 1, last_line) if mark is not None else None
    if "single document" in f"{exc.context} {exc.problem}":
        message = "the file holds more than one YAML document (a second '---'); a procedure is one document"
        ctx.add(_FILE, message, line=line)
        return
    message = f"YAML syntax error: {exc.problem or exc}"
    context_line = min(exc.context_mark.line + 1, last_line) if exc.context_mark is not None else None
    if exc.context and context_line is not None and context_line != line:
        message += f" ({exc.context} started on line {context_line})"
    elif exc.context:
        message += f" ({exc.context})"
    ctx.add(_FILE, message, line=line)


def _report_reader_error(ctx: _Context, exc: yaml.reader.ReaderError, text: str) -> None:
    line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
    char = exc.character
    code = ord(char) if isinstance(char, str) else char
    shown = f"U+{code:04X}" if isinstance(code, int) else repr(char)
    ctx.add(_FILE, f"the file contains a character YAML does not allow ({shown}); remove it", line=line)


def _plain(value: object, depth: int) -> object:
    """JSON-ready copy of a safe_load result, with dates as ISO strings."""
    if depth > 200:
        raise ValueError("nested too deeply (recursive alias?)")
    if isinstance(value, dict):
        return {_plain_key(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(str(_plain(v, depth + 1)) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def _plain_key(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, date):
        return key.isoformat()
    return str(key)


# --- node helpers ---------------------------------------------------------------------------------


@dataclass
class _Context:
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
        self.problems.append(SopProblem(self.filename, line, path or _DOCUMENT, message))

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
        unique = list(dict.fromkeys(self.problems))
        return sorted(unique, key=lambda p: p.line or 0)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "map"
    if isinstance(node, SequenceNode):
        return "list"
    return _TAG_KINDS.get(node.tag, "other")


def _found(node: Node) -> str:
    kind = _kind(node)
    name = _KIND_NAMES[kind]
    if kind in ("map", "list", "null") or not isinstance(node, ScalarNode):
        return name
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"{name} ('{value}')"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _suggest(name: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _construct(node: ScalarNode) -> object:
    """The scalar's value, or None when it cannot be built (a 5000-digit number, 2026-02-30)."""
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError):
        return None


def _pairs(ctx: _Context, node: MappingNode, path: str, depth: int = 0) -> list[tuple[Node, Node, bool]]:
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


def _merged_pairs(ctx: _Context, source: MappingNode, path: str, depth: int) -> list[tuple[Node, Node, bool]]:
    # Cached, and de-duplicated by key in _pairs, so nested merges of merges cannot blow up exponentially.
    cached = ctx.merge_cache.get(id(source))
    if cached is None:
        cached = [(k, v, False) for k, v, _ in _pairs(ctx, source, path, depth + 1)]
        ctx.merge_cache[id(source)] = cached
    return cached


def _key_text(node: Node) -> str | None:
    if isinstance(node, ScalarNode) and _kind(node) not in ("null", "other"):
        return node.value
    return None


def _as_text(ctx: _Context, node: Node, path: str) -> str | None:
    kind = _kind(node)
    if kind in _TEXTUAL_KINDS:
        return node.value.strip()
    hint = _BOOL_HINT if kind == "bool" else ""
    ctx.add(path, f"expected text but found {_found(node)}{hint}", node)
    return None


def _as_int(ctx: _Context, node: Node, path: str) -> int | None:
    value = _construct(node) if _kind(node) == "int" else None
    if not isinstance(value, int) or isinstance(value, bool):
        ctx.add(path, f"expected a whole number but found {_found(node)}", node)
        return None
    return value


def _as_number(ctx: _Context, node: Node, path: str) -> float | None:
    value = _construct(node) if _kind(node) in ("int", "float") else None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        ctx.add(path, f"expected a number but found {_found(node)}", node)
        return None
    return float(value)


def _as_bool(ctx: _Context, node: Node, path: str) -> bool | None:
    value = _construct(node) if _kind(node) == "bool" else None
    if not isinstance(value, bool):
        ctx.add(path, f"expected true or false but found {_found(node)}", node)
        return None
    return value


def _as_duration(ctx: _Context, node: Node, path: str) -> Duration | None:
    if _kind(node) not in _TEXTUAL_KINDS:
        ctx.add(path, f"expected a duration such as 24h, 7d, 5wd or 3mo but found {_found(node)}", node)
        return None
    try:
        return Duration.parse(node.value)
    except ValueError as exc:
        ctx.add(path, str(exc), node)
        return None


def _as_date(ctx: _Context, node: Node, path: str) -> date | None:
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
        return value
    ctx.add(path, f"expected a date written YYYY-MM-DD (e.g. 2026-01-01) but found {_found(node)}", node)
    return None


def _open_mapping(
    ctx: _Context,
    node: Node,
    path: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    free_keys: bool = False,
) -> _Map | None:
    """Check a mapping's keys against the schema: duplicates, unknown keys and missing keys.
    With `free_keys` the keys are data (step ids, categories) and only duplicates are checked."""
    allowed = (*required, *optional)
    if not isinstance(node, MappingNode):
        ctx.add(path, f"expected a mapping with keys {', '.join(allowed)} but found {_found(node)}", node)
        ctx.unreadable.add(path)
        return None
    ctx.lines.setdefault(path, _line(node))
    items: dict[str, Node] = {}
    for key_node, value_node, explicit in _pairs(ctx, node, path):
        key = _key_text(key_node)
        if key is None:
            ctx.add(path, f"keys must be plain names but found {_found(key_node)}", key_node)
            continue
        sub = _join(path, key)
        if key in items:
            if explicit:
                first = ctx.lines.get(sub)
                ctx.add(sub, f"duplicate key '{key}' (first given on line {first}); a key may appear once", key_node)
            continue
        items[key] = value_node
        ctx.lines[sub] = _line(key_node)
        if key not in allowed and not free_keys:
            hint = _suggest(key, allowed)
            ctx.add(sub, f"unknown key '{key}'{hint}; allowed keys here: {', '.join(allowed)}", key_node)
    for key in required:
        if key not in items or _kind(items[key]) == "null":
            ctx.unreadable.add(path if key == "id" else _join(path, key))
        if key not in items:
            ctx.add(path, f"missing required key '{key}'", node)
    return _Map(ctx, path, items, frozenset(required))


@dataclass
class _Map:
    """A mapping whose keys have been checked; accessors report wrong values and return a fallback, so
    one bad value does not hide the problems after it."""

    ctx: _Context
    path: str
    items: dict[str, Node]
    required: frozenset[str]

    def at(self, key: str) -> str:
        return _join(self.path, key)

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

    def text(self, key: str, default: str = "") -> str:
        node = self.node(key, "text")
        value = _as_text(self.ctx, node, self.at(key)) if node is not None else None
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
                f"'{value}' is not a valid id: start with a lower-case letter, then use only lower-case "
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
        value = _as_number(self.ctx, node, self.at(key)) if node is not None else None
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
        return _as_duration(self.ctx, node, self.at(key)) if node is not None else None

    def enum(self, key: str, cls: type[E], default: E) -> E:
        value = self.choice(key, [member.value for member in cls], default.value)
        return cls(value)

    def choice(self, key: str, allowed: Sequence[str], default: str) -> str:
        value = self.text(key)
        if not value:
            return default
        if value not in allowed:
            message = f"'{value}' is not a valid {key}; expected one of: {', '.join(allowed)}"
            self.ctx.add(self.at(key), message, self.items.get(key))
            return default
        return value

    def items_of(self, key: str, min_items: int = 0, what: str = "entry") -> list[tuple[str, Node]]:
        node = self.node(key, "a list")
        if node is None:
            return []
        path = self.at(key)
        if not isinstance(node, SequenceNode):
            self.ctx.add(path, f"expected a list (one '- ' line per entry) but found {_found(node)}", node)
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

    def sub(self, key: str, required: Sequence[str], optional: Sequence[str] = ()) -> _Map:
        """The nested mapping, or an empty stand-in (problems already reported) when it is unusable."""
        node = self.node(key, "a mapping")
        opened = _open_mapping(self.ctx, node, self.at(key), required, optional) if node is not None else None
        return opened or _Map(self.ctx, self.at(key), {}, frozenset())

    def entries(self, key: str) -> list[tuple[str, Node, str]]:
        """(key text, value node, path) of a mapping whose keys are data (ids, categories)."""
        node = self.node(key, "a mapping")
        if node is None:
            return []
        path = self.at(key)
        if not isinstance(node, MappingNode):
            self.ctx.add(path, f"expected a mapping (key: value lines) but found {_found(node)}", node)
            return []
        opened = _open_mapping(self.ctx, node, path, (), (), free_keys=True)
        return [(k, v, _join(path, k)) for k, v in (opened.items.items() if opened else [])]


# --- building the procedure -----------------------------------------------------------------------

# Where an unreadable path means the ids of that kind are not all known.
_EVENTS_AREA = re.compile(r"^events(\[\d+\])?$")
_FACTS_AREA = re.compile(r"^facts(\[\d+\])?$")
_PHASES_AREA = re.compile(r"^phases(\[\d+\])?$")
_STEPS_AREA = re.compile(r"^phases(\[\d+\](\.steps(\[\d+\])?)?)?$")
_AUDIT_ITEMS_AREA = re.compile(r"^audit_template(\.items(\[\d+\])?)?$")

_TOP_REQUIRED = ("schema", "procedure", "settings", "events", "facts", "phases", "risk_tool", "audit_template")


@dataclass
class _Decls:
    """What conditions and references are checked against: the first declaration of each id."""

    events: dict[str, Event] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)

    def fact_specs(self) -> dict[str, conditions.FactSpec]:
        return {f.id: conditions.FactSpec(f.type.value, f.choices) for f in self.facts.values()}


@dataclass
class _Located:
    """Parsed parts with the document paths the cross-reference checks report against."""

    phases: list[tuple[Phase, str]] = field(default_factory=list)
    steps: list[tuple[Step, str]] = field(default_factory=list)
    overrides: list[tuple[str, str]] = field(default_factory=list)
    audit_items: list[tuple[AuditItem, str]] = field(default_factory=list)


def _build(ctx: _Context, root: MappingNode) -> Procedure | None:
    top = _open_mapping(ctx, root, "", _TOP_REQUIRED)
    if top is None:
        return None
    schema = top.integer("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        message = f"unsupported schema {schema}: this application reads schema {SCHEMA_VERSION} files only"
        ctx.add("schema", message)
        return None
    located = _Located()
    head = _parse_head(top)
    decls = _Decls()
    events = _parse_events(ctx, top, decls)
    facts = _parse_facts(ctx, top, decls)
    phases = _parse_phases(ctx, top, decls, located)
    settings = _parse_settings(ctx, top, located)
    risk_tool = _parse_risk_tool(ctx, top)
    audit = _parse_audit_template(ctx, top, located)
    _check_steps(ctx, located, decls)
    _check_cycles(ctx, located)
    _check_overrides(ctx, located, settings)
    _check_audit_references(ctx, located)
    if ctx.problems:
        return None
    return Procedure(
        **head,
        settings=settings,
        events=tuple(events),
        facts=tuple(facts),
        phases=tuple(phases),
        risk_tool=risk_tool,
        audit_template=audit,
    )


def _parse_head(top: _Map) -> dict[str, Any]:
    head = top.sub("procedure", ("id", "title", "version", "effective_date"), ("description",))
    ident = head.ident("id", "procedure id")
    if len(ident) == 1:
        head.ctx.add(head.at("id"), "a procedure id needs at least 2 characters")
    return {
        "id": ident,
        "title": head.text("title"),
        "version": head.text("version"),
        "effective_date": head.date("effective_date"),
        "description": head.text("description"),
    }


def _parse_provenance(parent: _Map, key: str) -> Provenance:
    m = parent.sub(key, ("kind", "source"), ("note",))
    return Provenance(m.enum("kind", ProvenanceKind, ProvenanceKind.LOCAL), m.text("source"), m.text("note"))


def _parse_choices(m: _Map, is_choice: bool, what: str) -> tuple[str, ...]:
    if not m.has("choices"):
        if is_choice:
            m.ctx.add(m.path, f"a choice {what} needs choices: a list of the values to pick from")
        return ()
    values = m.strings("choices")
    if not is_choice:
        m.ctx.add(m.at("choices"), "choices are only allowed when type is choice")
        return ()
    if not values:
        m.ctx.add(m.at("choices"), f"a choice {what} needs at least one choice")
    for value in {v for v in values if values.count(v) > 1}:
        m.ctx.add(m.at("choices"), f"choice '{value}' is listed more than once")
    return values


# --- events and facts -----------------------------------------------------------------------------


def _parse_events(ctx: _Context, top: _Map, decls: _Decls) -> list[Event]:
    events: list[Event] = []
    for path, node in top.items_of("events", min_items=1, what="event"):
        m = _open_mapping(ctx, node, path, ("id", "title", "source"), ("description",))
        if m is None:
            continue
        event = Event(
            id=m.ident("id", "event id"),
            title=m.text("title"),
            source=m.choice("source", EVENT_SOURCES, "manual"),
            description=m.text("description"),
        )
        _check_event_source(m, event)
        decls.events.setdefault(event.id, event)
        events.append(event)
    return events


def _check_event_source(m: _Map, event: Event) -> None:
    if event.source == "system" and event.id and event.id not in SYSTEM_EVENTS:
        m.ctx.add(
            m.at("source"),
            f"'{event.id}' is not an event the application records; system events are: "
            f"{', '.join(sorted(SYSTEM_EVENTS))} (use source: manual or step for others)",
        )
    elif event.id in SYSTEM_EVENTS and event.source != "system":
        m.ctx.add(m.at("source"), f"the application records '{event.id}' itself; declare it with source: system")


def _parse_facts(ctx: _Context, top: _Map, decls: _Decls) -> list[Fact]:
    facts: list[Fact] = []
    for path, node in top.items_of("facts"):
        m = _open_mapping(ctx, node, path, ("id", "title", "type", "source"), ("choices", "description"))
        if m is None:
            continue
        fact_type = m.enum("type", FactType, FactType.YESNO)
        fact = Fact(
            id=m.ident("id", "fact id"),
            title=m.text("title"),
            type=fact_type,
            source=m.enum("source", FactSource, FactSource.CASE),
            choices=_parse_choices(m, fact_type is FactType.CHOICE, "fact"),
            description=m.text("description"),
        )
        _check_derived_fact(m, fact)
        decls.facts.setdefault(fact.id, fact)
        facts.append(fact)
    return facts


def _check_derived_fact(m: _Map, fact: Fact) -> None:
    if fact.source is not FactSource.DERIVED or not fact.id:
        return
    expected = DERIVED_FACTS.get(fact.id)
    if expected is None:
        m.ctx.add(
            m.at("source"),
            f"'{fact.id}' is not a fact the application derives; derived facts are: "
            f"{', '.join(DERIVED_FACTS)} (use source: case for facts users enter)",
        )
    elif fact.type is not expected:
        m.ctx.add(m.at("type"), f"derived fact '{fact.id}' is a {expected.value} fact; declare type: {expected.value}")


# --- phases and steps -----------------------------------------------------------------------------

_STEP_REQUIRED = ("id", "number", "title", "role", "requirement", "purpose", "guidance", "provenance")
_STEP_OPTIONAL = ("condition", "evidence", "deadline", "depends_on", "sign_off", "emits")


def _parse_phases(ctx: _Context, top: _Map, decls: _Decls, located: _Located) -> list[Phase]:
    phases: list[Phase] = []
    previous: int | None = None
    for path, node in top.items_of("phases", min_items=1, what="phase"):
        m = _open_mapping(ctx, node, path, ("id", "number", "title", "steps"), ("description",))
        if m is None:
            continue
        phase_id = m.ident("id", "phase id")
        number = m.integer("number", 0, minimum=1)
        # A missing or invalid number (< 1) is already reported; comparing it would only add noise.
        if number >= 1 and previous is not None and number <= previous:
            ctx.add(m.at("number"), f"phase numbers must be unique and ascending: {number} follows {previous}")
        previous = max(number, previous or 0)
        steps = _parse_steps(ctx, m, phase_id, decls, located)
        phase = Phase(phase_id, number, m.text("title"), m.text("description"), tuple(steps))
        located.phases.append((phase, path))
        phases.append(phase)
    return phases


def _parse_steps(ctx: _Context, phase: _Map, phase_id: str, decls: _Decls, located: _Located) -> list[Step]:
    steps: list[Step] = []
    for path, node in phase.items_of("steps", min_items=1, what="step"):
        m = _open_mapping(ctx, node, path, _STEP_REQUIRED, _STEP_OPTIONAL)
        if m is None:
            continue
        step = _parse_step(m, phase_id, decls)
        located.steps.append((step, path))
        steps.append(step)
    return steps


def _parse_step(m: _Map, phase_id: str, decls: _Decls) -> Step:
    step_id = m.ident("id", "step id")
    number = m.text("number")
    m.ctx.register("step number", number, m.at("number"))
    requirement = m.enum("requirement", Requirement, Requirement.MANDATORY)
    return Step(
        id=step_id,
        number=number,
        title=m.text("title"),
        phase_id=phase_id,
        role=m.enum("role", StepRole, StepRole.EITHER),
        requirement=requirement,
        purpose=m.text("purpose"),
        guidance=_parse_guidance(m),
        provenance=_parse_provenance(m, "provenance"),
        condition=_parse_condition(m, requirement, decls),
        evidence=_parse_evidence(m),
        deadline=_parse_deadline(m) if m.has("deadline") else None,
        depends_on=m.strings("depends_on"),
        sign_off=m.boolean("sign_off"),
        emits=m.strings("emits"),
    )


def _parse_guidance(m: _Map) -> str:
    guidance = m.text("guidance")
    if guidance and len(guidance) < MIN_GUIDANCE_CHARS:
        m.ctx.add(
            m.at("guidance"),
            f"guidance is too short ({len(guidance)} characters): write at least {MIN_GUIDANCE_CHARS} "
            "characters of plain instructions a non-specialist officer can follow",
        )
    return guidance


def _parse_condition(m: _Map, requirement: Requirement, decls: _Decls) -> str | None:
    present = m.has("condition")
    text = m.text("condition") if present else ""
    if requirement is Requirement.CONDITIONAL and not text:
        if not present:
            m.ctx.add(m.path, "a conditional step needs a condition (e.g. condition: looked_after)")
        return None
    if requirement is not Requirement.CONDITIONAL:
        if present:
            m.ctx.add(
                m.at("condition"),
                f"a condition is only allowed when requirement is conditional (this step is {requirement.value})",
            )
        return None
    _check_condition(m.ctx, m.at("condition"), text, decls)
    return text


def _check_condition(ctx: _Context, path: str, text: str, decls: _Decls) -> None:
    try:
        expr = conditions.parse(text)
    except conditions.ConditionError as exc:
        ctx.add(path, f"cannot read condition '{text}': {exc}")
        return
    for error in conditions.check(expr, decls.fact_specs(), decls.events):
        if error.message.startswith("unknown fact"):
            ctx.add_reference(path, f"condition '{text}': {error}", _FACTS_AREA)
        elif error.message.startswith("unknown event"):
            ctx.add_reference(path, f"condition '{text}': {error}", _EVENTS_AREA)
        else:
            ctx.add(path, f"condition '{text}': {error}")


def _parse_evidence(m: _Map) -> tuple[EvidenceField, ...]:
    fields: list[EvidenceField] = []
    for path, node in m.items_of("evidence"):
        f = _open_mapping(m.ctx, node, path, ("id", "label", "type"), ("required", "choices", "help"))
        if f is None:
            continue
        field_type = f.enum("type", FieldType, FieldType.TEXT)
        fields.append(
            EvidenceField(
                id=f.ident("id", "evidence field id", scope=m.path),
                label=f.text("label"),
                type=field_type,
                required=f.boolean("required"),
                choices=_parse_choices(f, field_type is FieldType.CHOICE, "field"),
                help=f.text("help"),
            )
        )
    return tuple(fields)


def _parse_deadline(m: _Map) -> DeadlineRule:
    d = m.sub("deadline", ("from", "within", "basis"), ("recurs_every", "description"))
    return DeadlineRule(
        anchor=_parse_anchor(d),
        offset=d.duration("within") or _ZERO,
        basis=_parse_provenance(d, "basis"),
        recurs_every=d.duration("recurs_every"),
        description=d.text("description"),
    )


def _parse_anchor(d: _Map) -> Anchor:
    text = d.text("from")
    match = _ANCHOR_RE.match(text)
    if match is None:
        if text:
            d.ctx.add(
                d.at("from"),
                f"'{text}' is not a deadline anchor: expected event:<event id> or step:<step id>, "
                "e.g. event:referral_received",
            )
        return Anchor(AnchorKind.EVENT, "")
    return Anchor(AnchorKind(match.group(1)), match.group(2))


# --- settings -------------------------------------------------------------------------------------

_SETTINGS_REQUIRED = (
    "due_soon",
    "supervisory_review_interval",
    "risk_review_interval",
    "intelligence_targets",
    "workload",
    "missing",
    "audit",
)


def _parse_settings(ctx: _Context, top: _Map, located: _Located) -> Settings:
    s = top.sub("settings", _SETTINGS_REQUIRED, ("deadline_overrides",))
    workload = s.sub("workload", ("weights", "complex_multiplier", "threshold"))
    missing = s.sub("missing", ("repeat_threshold", "repeat_window"))
    audit = s.sub("audit", ("sample_size", "moderation_rate", "block_team", "remedial_due"))
    return Settings(
        due_soon=s.duration("due_soon") or _ZERO,
        supervisory_review_interval=s.duration("supervisory_review_interval") or _ZERO,
        risk_review_interval=s.duration("risk_review_interval") or _ZERO,
        intelligence_targets=_parse_targets(s),
        workload_weights=_parse_weights(workload),
        workload_complex_multiplier=workload.number("complex_multiplier", 1.0, low=1.0),
        workload_threshold=workload.number("threshold", 1.0, low=0.0),
        missing_repeat_threshold=missing.integer("repeat_threshold", 1, minimum=1),
        missing_repeat_window=missing.duration("repeat_window") or _ZERO,
        audit_sample_size=audit.integer("sample_size", 0, minimum=0),
        audit_moderation_rate=audit.number("moderation_rate", 0.0, low=0.0, high=1.0),
        audit_block_team=audit.boolean("block_team"),
        remedial_due=_parse_remedial(audit),
        deadline_overrides=_parse_overrides(s, located),
    )


def _parse_targets(s: _Map) -> dict[str, IntelligenceTarget]:
    targets_map = s.sub("intelligence_targets", PRIORITIES)
    targets: dict[str, IntelligenceTarget] = {}
    for priority in PRIORITIES:
        if targets_map.has(priority):
            t = targets_map.sub(priority, ("route", "assess", "action"))
            targets[priority] = IntelligenceTarget(
                t.duration("route") or _ZERO, t.duration("assess") or _ZERO, t.duration("action") or _ZERO
            )
    return targets


def _parse_remedial(audit: _Map) -> dict[str, Duration]:
    remedial = audit.sub("remedial_due", PRIORITIES)
    return {p: remedial.duration(p) or _ZERO for p in PRIORITIES if remedial.has(p)}


def _parse_weights(workload: _Map) -> dict[int, float]:
    weights: dict[int, float] = {}
    allowed = {str(c): c for c in WORKLOAD_CATEGORIES}
    for key, node, path in workload.entries("weights"):
        if key not in allowed:
            workload.ctx.add(path, f"'{key}' is not a risk category; give weights for categories 1 to 4")
            continue
        value = _as_number(workload.ctx, node, path)
        if value is not None and value < 0:
            workload.ctx.add(path, f"a workload weight cannot be negative ({value:g})")
        weights[allowed[key]] = value if value is not None else 0.0
    if workload.has("weights"):
        for category in WORKLOAD_CATEGORIES:
            if category not in weights:
                workload.ctx.add(
                    workload.at("weights"),
                    f"no weight for risk category {category}; every category from 1 to 4 needs a weight",
                )
    return weights


def _parse_overrides(s: _Map, located: _Located) -> dict[str, Duration]:
    overrides: dict[str, Duration] = {}
    for step_id, node, path in s.entries("deadline_overrides"):
        duration = _as_duration(s.ctx, node, path)
        located.overrides.append((step_id, path))
        overrides[step_id] = duration or _ZERO
    return overrides


# --- risk tool ------------------------------------------------------------------------------------


def _parse_risk_tool(ctx: _Context, top: _Map) -> RiskTool:
    r = top.sub("risk_tool", ("id", "version", "title", "provenance", "sections", "bands"), ("description", "triggers"))
    sections = [_parse_section(ctx, path, node) for path, node in r.items_of("sections", 1, "section")]
    bands = _parse_bands(r)
    categories = [b.category for b in bands]
    return RiskTool(
        id=r.ident("id", "risk tool id"),
        version=r.text("version"),
        title=r.text("title"),
        description=r.text("description"),
        sections=tuple(s for s in sections if s is not None),
        bands=tuple(bands),
        triggers=_parse_triggers(r, categories),
        provenance=_parse_provenance(r, "provenance"),
    )


def _parse_section(ctx: _Context, path: str, node: Node) -> RiskSection | None:
    m = _open_mapping(
        ctx, node, path, ("id", "title", "scoring", "indicators"), ("description", "window", "recency_points")
    )
    if m is None:
        return None
    section_id = m.ident("id", "risk section id")
    scoring = m.enum("scoring", ScoringMethod, ScoringMethod.COUNT)
    window, points = _parse_recency(m, scoring)
    indicators = []
    for item_path, item in m.items_of("indicators", 1, "indicator"):
        i = _open_mapping(ctx, item, item_path, ("id", "label"), ("points", "help"))
        if i is not None:
            ident = i.ident("id", "indicator id")
            indicators.append(RiskIndicator(ident, i.text("label"), i.integer("points", 1, 0), i.text("help")))
    return RiskSection(section_id, m.text("title"), scoring, tuple(indicators), m.text("description"), points, window)


def _parse_recency(m: _Map, scoring: ScoringMethod) -> tuple[Duration | None, dict[str, int]]:
    if scoring is not ScoringMethod.RECENCY:
        # A count section may state its look-back window (indicators count if seen within it).
        if "recency_points" in m.items:
            m.ctx.add(m.at("recency_points"), "recency_points only applies to sections with scoring: recency")
        return (m.duration("window") if m.has("window") else None), {}
    if not m.has("window"):
        m.ctx.add(m.path, "a recency section needs a window (e.g. window: 6mo)")
    if not m.has("recency_points"):
        m.ctx.add(m.path, "a recency section needs recency_points with current, past and both")
    p = m.sub("recency_points", ("current", "past", "both"))
    points = {key: p.integer(key, 0, minimum=0) for key in ("current", "past", "both") if p.has(key)}
    return m.duration("window"), points


def _parse_bands(r: _Map) -> list[RiskBand]:
    located: list[tuple[RiskBand, str]] = []
    for path, node in r.items_of("bands", 1, "band"):
        m = _open_mapping(r.ctx, node, path, ("category", "label", "min", "review", "actions"), ("max",))
        if m is None:
            continue
        high = m.integer("max", 0, minimum=0) if m.has("max") else None
        band = RiskBand(
            category=m.integer("category", 0, minimum=1),
            label=m.text("label"),
            min_score=m.integer("min", 0, minimum=0),
            max_score=high,
            actions=m.text("actions"),
            review_interval=m.duration("review") or _ZERO,
        )
        located.append((band, path))
    _check_bands(r.ctx, located)
    return [band for band, _ in located]


def _check_bands(ctx: _Context, located: list[tuple[RiskBand, str]]) -> None:
    previous: RiskBand | None = None
    for band, path in located:
        if band.max_score is not None and band.max_score < band.min_score:
            ctx.add(path, f"band {band.category}: max {band.max_score} is below min {band.min_score}")
        if previous is None:
            if band.min_score != 0:
                ctx.add(_join(path, "min"), f"the first band must start at 0, not {band.min_score}")
        else:
            _check_band_follows(ctx, previous, band, path)
        previous = band
    if previous is not None and previous.max_score is not None:
        ctx.add(
            located[-1][1],
            "the last band must have no max, so that every score falls in a band",
        )


def _check_band_follows(ctx: _Context, previous: RiskBand, band: RiskBand, path: str) -> None:
    if band.category <= previous.category:
        ctx.add(
            _join(path, "category"), f"band categories must be ascending: {band.category} follows {previous.category}"
        )
    if previous.max_score is None:
        ctx.add(path, f"only the last band may leave out max, but band {previous.category} before this one does")
    elif band.min_score != previous.max_score + 1:
        ctx.add(
            _join(path, "min"),
            f"bands must be contiguous: this band starts at {band.min_score} but the band before ends at "
            f"{previous.max_score} (expected min: {previous.max_score + 1})",
        )


def _parse_triggers(r: _Map, categories: list[int]) -> tuple[RiskTrigger, ...]:
    triggers: list[RiskTrigger] = []
    for path, node in r.items_of("triggers"):
        m = _open_mapping(r.ctx, node, path, ("id", "label", "min_category"))
        if m is None:
            continue
        trigger = RiskTrigger(m.ident("id", "trigger id"), m.text("label"), m.integer("min_category", 0))
        if m.has("min_category") and categories and trigger.min_category not in categories:
            m.ctx.add(
                m.at("min_category"),
                f"min_category {trigger.min_category} is not a band category; categories are: "
                f"{', '.join(str(c) for c in categories)}",
            )
        triggers.append(trigger)
    return tuple(triggers)


# --- audit template -------------------------------------------------------------------------------


def _parse_audit_template(ctx: _Context, top: _Map, located: _Located) -> AuditTemplate:
    a = top.sub("audit_template", ("id", "version", "title", "provenance", "item_grades", "overall_grades", "items"))
    item_grades = _parse_item_grades(a)
    overall = _parse_overall_grades(a, {g.id for g in item_grades})
    items = []
    for path, node in a.items_of("items", 1, "item"):
        m = _open_mapping(ctx, node, path, ("id", "phase", "compliance", "quality"), ("steps", "critical"))
        if m is None:
            continue
        item = AuditItem(
            m.ident("id", "audit item id"),
            m.text("phase"),
            m.text("compliance"),
            m.text("quality"),
            m.strings("steps"),
            m.boolean("critical"),
        )
        located.audit_items.append((item, path))
        items.append(item)
    return AuditTemplate(
        id=a.ident("id", "audit template id"),
        version=a.text("version"),
        title=a.text("title"),
        item_grades=tuple(item_grades),
        overall_grades=tuple(overall),
        items=tuple(items),
        provenance=_parse_provenance(a, "provenance"),
    )


def _parse_item_grades(a: _Map) -> list[ItemGrade]:
    grades: list[ItemGrade] = []
    for path, node in a.items_of("item_grades", 1, "grade"):
        m = _open_mapping(a.ctx, node, path, ("id", "label", "weight"), ("excluded", "reason_required"))
        if m is not None:
            grades.append(
                ItemGrade(
                    m.ident("id", "item grade id"),
                    m.text("label"),
                    m.number("weight", 0.0, low=0.0, high=1.0),
                    m.boolean("excluded"),
                    m.boolean("reason_required"),
                )
            )
    return grades


def _parse_overall_grades(a: _Map, item_grade_ids: set[str]) -> list[OverallGrade]:
    grades: list[tuple[OverallGrade, str]] = []
    for path, node in a.items_of("overall_grades", 1, "grade"):
        m = _open_mapping(a.ctx, node, path, ("id", "label", "min_score"), ("critical_rule",))
        if m is None:
            continue
        rule = m.choice("critical_rule", CRITICAL_RULES, "") if m.has("critical_rule") else ""
        if rule and item_grade_ids and _CRITICAL_RULE_GRADE[rule] not in item_grade_ids:
            m.ctx.add(
                m.at("critical_rule"),
                f"critical_rule {rule} needs an item grade with id '{_CRITICAL_RULE_GRADE[rule]}'",
            )
        grade = OverallGrade(
            m.ident("id", "overall grade id"), m.text("label"), m.number("min_score", 0.0, 0.0, 1.0), rule
        )
        grades.append((grade, path))
    _check_overall_order(a.ctx, grades)
    return [g for g, _ in grades]


def _check_overall_order(ctx: _Context, grades: list[tuple[OverallGrade, str]]) -> None:
    for (before, _), (grade, path) in itertools.pairwise(grades):
        if grade.min_score >= before.min_score:
            ctx.add(
                _join(path, "min_score"),
                f"overall grades must be in descending min_score order: {grade.min_score:g} follows "
                f"{before.min_score:g}",
            )
    if grades and grades[-1][0].min_score != 0:
        ctx.add(_join(grades[-1][1], "min_score"), "the last overall grade must have min_score: 0")


# --- cross-reference checks -----------------------------------------------------------------------


def _check_steps(ctx: _Context, located: _Located, decls: _Decls) -> None:
    step_ids = {step.id for step, _ in located.steps}
    for step, path in located.steps:
        _check_depends_on(ctx, step, path, step_ids)
        _check_anchor(ctx, step, path, step_ids, decls)
        for i, event_id in enumerate(step.emits):
            _check_emit(ctx, f"{path}.emits[{i}]", event_id, decls)


def _check_depends_on(ctx: _Context, step: Step, path: str, step_ids: set[str]) -> None:
    for i, dep in enumerate(step.depends_on):
        dep_path = f"{path}.depends_on[{i}]"
        if dep not in step_ids:
            ctx.add_reference(dep_path, f"depends on unknown step '{dep}'{_suggest(dep, step_ids)}", _STEPS_AREA)
        elif dep in step.depends_on[:i]:
            ctx.add(dep_path, f"step '{dep}' is listed twice in depends_on")


def _check_anchor(ctx: _Context, step: Step, path: str, step_ids: set[str], decls: _Decls) -> None:
    if step.deadline is None or not step.deadline.anchor.ref:
        return
    anchor, from_path = step.deadline.anchor, f"{path}.deadline.from"
    if anchor.kind is AnchorKind.EVENT and anchor.ref not in decls.events:
        hint = _suggest(anchor.ref, decls.events)
        message = f"deadline counts from unknown event '{anchor.ref}'{hint}; declare it under events"
        ctx.add_reference(from_path, message, _EVENTS_AREA)
    elif anchor.kind is AnchorKind.STEP and anchor.ref not in step_ids:
        message = f"deadline counts from unknown step '{anchor.ref}'{_suggest(anchor.ref, step_ids)}"
        ctx.add_reference(from_path, message, _STEPS_AREA)
    elif anchor.kind is AnchorKind.STEP and anchor.ref == step.id and step.deadline.recurs_every is None:
        ctx.add(
            from_path,
            "the deadline counts from this step's own completion; only a recurring step (recurs_every) may do that",
        )


def _check_emit(ctx: _Context, path: str, event_id: str, decls: _Decls) -> None:
    event = decls.events.get(event_id)
    if event is None:
        message = f"emits unknown event '{event_id}'{_suggest(event_id, decls.events)}; declare it under events"
        ctx.add_reference(path, message, _EVENTS_AREA)
    elif event.source != "step":
        ctx.add(
            path,
            f"event '{event_id}' has source: {event.source}; a step can only emit events with source: step",
        )


def _step_edges(located: _Located) -> dict[str, list[tuple[str, str]]]:
    """Step -> (step it waits for, path of that reference): depends_on plus `from: step:X` anchors."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for step, path in located.steps:
        if not step.id or step.id in edges:
            continue
        out = [(dep, f"{path}.depends_on[{i}]") for i, dep in enumerate(step.depends_on)]
        deadline = step.deadline
        if deadline is not None and deadline.anchor.kind is AnchorKind.STEP and deadline.anchor.ref != step.id:
            out.append((deadline.anchor.ref, f"{path}.deadline.from"))
        edges[step.id] = out
    return edges


def _check_cycles(ctx: _Context, located: _Located) -> None:
    edges = _step_edges(located)
    for cycle, path in _find_cycles(edges):
        chain = " -> ".join([*cycle, cycle[0]])
        ctx.add(path, f"steps wait for each other in a cycle: {chain}; remove one dependency or step anchor")


def _find_cycles(edges: dict[str, list[tuple[str, str]]]) -> list[tuple[list[str], str]]:
    """Each distinct cycle once, with the path of the reference that closes it. Iterative, so a long
    chain of steps cannot exhaust the stack."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    found: dict[frozenset[str], tuple[list[str], str]] = {}
    for root in edges:
        if root in state:
            continue
        trail = [root]
        stack = [iter(edges[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
                continue
            target, ref_path = nxt
            if target not in edges:
                continue
            if state.get(target) == 1:
                cycle = trail[trail.index(target) :]
                found.setdefault(frozenset(cycle), (cycle, ref_path))
            elif target not in state:
                state[target] = 1
                trail.append(target)
                stack.append(iter(edges[target]))
    return list(found.values())


def _check_overrides(ctx: _Context, located: _Located, settings: Settings) -> None:
    steps = {step.id: step for step, _ in reversed(located.steps)}
    for step_id, path in located.overrides:
        step = steps.get(step_id)
        if step is None:
            message = f"deadline override for unknown step '{step_id}'{_suggest(step_id, steps)}"
            ctx.add_reference(path, message, _STEPS_AREA)
        elif step.deadline is None:
            ctx.add(path, f"step '{step_id}' has no deadline to override")
        elif step.deadline.basis.is_national:
            ctx.add(
                path,
                f"step '{step_id}' has a national deadline ({step.deadline.basis.source}), which cannot be "
                "overridden; only deadlines whose basis is local can",
            )


def _check_audit_references(ctx: _Context, located: _Located) -> None:
    phase_ids = {phase.id for phase, _ in located.phases}
    step_ids = {step.id for step, _ in located.steps}
    for item, path in located.audit_items:
        if item.phase_id and item.phase_id not in phase_ids:
            message = f"unknown phase '{item.phase_id}'{_suggest(item.phase_id, phase_ids)}"
            ctx.add_reference(f"{path}.phase", message, _PHASES_AREA)
        for i, step_id in enumerate(item.steps):
            if step_id not in step_ids:
                message = f"unknown step '{step_id}'{_suggest(step_id, step_ids)}"
                ctx.add_reference(f"{path}.steps[{i}]", message, _STEPS_AREA)
    audited = {item.phase_id for item, _ in located.audit_items}
    for phase, path in located.phases:
        if phase.id and phase.id not in audited:
            message = f"phase '{phase.id}' has no audit item; every phase needs at least one in audit_template.items"
            ctx.add_reference(path, message, _AUDIT_ITEMS_AREA)
