"""Load and validate SOP files (docs/sop-format.md) into the frozen procedure model.

The loader walks PyYAML's node tree (`compose`) rather than loading plain Python objects, so every
problem carries the line it was found on, duplicate keys are caught (plain YAML silently keeps the last
one) and nothing beyond plain scalars is ever constructed. All problems in a file are collected before
anything is reported, and no exception other than `SopValidationError` ever leaves this module: the
people who edit these files are policy owners, not programmers, and must never see a traceback.

Paths in problems use 0-based list indexes, e.g. `phases[2].steps[4].deadline.within`.

Each section of the file has its own module beside this one (see the package docstring).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import stat
from datetime import date
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node

from checklist_app.core.procedure.audit_template import parse_audit_template
from checklist_app.core.procedure.bounded_yaml import BoundedLoader, check_expansion
from checklist_app.core.procedure.checks import check_audit_references, check_cycles, check_overrides, check_steps
from checklist_app.core.procedure.declarations import Declarations, Located, parse_events, parse_facts, parse_head
from checklist_app.core.procedure.limits import TooBig, check_lines
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.procedure.nodes import (
    WHOLE_DOCUMENT,
    WHOLE_FILE,
    ParseContext,
    SopProblem,
    describe_node,
    open_mapping,
)
from checklist_app.core.procedure.risk_tool import parse_risk_tool
from checklist_app.core.procedure.settings import parse_settings
from checklist_app.core.procedure.sop_error import SopValidationError as SopValidationError  # re-exported
from checklist_app.core.procedure.steps import parse_phases
from checklist_app.core.procedure.supervision import (
    check_supervision_references,
    parse_supervisory_review,
    parse_team_duties,
)

SCHEMA_VERSION = 1
# A procedure file is tens of kilobytes; the cap stops a wrong path (a disk image, /dev/zero) hanging the app.
MAX_FILE_BYTES = 5 * 1024 * 1024

_INTERNAL_ERROR = "internal error while reading the procedure"

_TOP_OPTIONAL = ("supervisory_review", "team_duties")
_TOP_REQUIRED = ("schema", "procedure", "settings", "events", "facts", "phases", "risk_tool", "audit_template")


# --- public API -----------------------------------------------------------------------------------


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
        return None, [SopProblem(filename, None, WHOLE_FILE, exc.message)]
    return validate_bytes(data, filename)


def validate_bytes(data: bytes, filename: str = "<bytes>") -> tuple[Procedure | None, list[SopProblem]]:
    """(procedure, []) when valid, (None, problems) otherwise. Never raises."""
    if len(data) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, far too big for a procedure"
        return None, [SopProblem(filename, None, WHOLE_FILE, message)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; "
            "save the file with UTF-8 encoding"
        )
        return None, [SopProblem(filename, line, WHOLE_FILE, message)]
    return validate_text(text, filename)


def validate_text(text: str, filename: str = "<text>") -> tuple[Procedure | None, list[SopProblem]]:
    """(procedure, []) when valid, (None, problems) otherwise. Never raises."""
    if isinstance(text, bytes | bytearray):
        return validate_bytes(bytes(text), filename)
    ctx = ParseContext(filename)
    procedure: Procedure | None = None
    try:
        root = _compose(ctx, text)
        if root is not None:
            procedure = _build(ctx, root)
    except RecursionError:
        ctx.add(WHOLE_FILE, "the file is nested too deeply to read")
    except Exception as exc:  # the contract is "problems, never a traceback", even for our own bugs
        ctx.add(WHOLE_FILE, f"{_INTERNAL_ERROR}: {type(exc).__name__}: {exc}")
    problems = ctx.sorted_problems()
    if problems or procedure is None:
        return None, problems or [SopProblem(filename, None, WHOLE_FILE, "the procedure could not be read")]
    return procedure, []


def canonical_content(procedure_text: str) -> str:
    """Canonical JSON of the parsed document: edits to whitespace, comments, quoting or key order do
    not change it. Raises SopValidationError when the text is not a single readable YAML document."""
    try:
        data = _bounded_load(procedure_text)
        return json.dumps(_plain(data, 0), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except RecursionError:
        message = "the document is nested too deeply to read"
    except TooBig as exc:
        message = exc.message
    except Exception as exc:  # any failure here means "not a readable document", never a traceback
        message = f"the document cannot be read: {exc}"
    raise SopValidationError([SopProblem("<text>", None, WHOLE_FILE, message)])


def content_hash(procedure_text: str) -> str:
    """SHA-256 (hex) of `canonical_content`: identifies a procedure's content regardless of layout."""
    return hashlib.sha256(canonical_content(procedure_text).encode("utf-8")).hexdigest()


# --- reading files and YAML -----------------------------------------------------------------------


def _bounded_load(text: str) -> object:
    check_lines(text)
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


class _ReadError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_procedure_file(path: str | PathLike[str]) -> str:
    """The text of a procedure file, read as `validate_file` reads it (bounded, UTF-8 with or without a
    byte-order mark, ordinary files only). Raises SopValidationError naming the file when it cannot be."""
    filename = str(path)
    try:
        data = _read_bytes(path)
    except _ReadError as exc:
        raise SopValidationError([SopProblem(filename, None, WHOLE_FILE, exc.message)]) from None
    try:
        if len(data) <= MAX_FILE_BYTES:
            return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    _, problems = validate_bytes(data, filename)  # names the size or the first byte that is not UTF-8
    raise SopValidationError(problems)


def _read_bytes(path: str | PathLike[str] | Traversable) -> bytes:
    try:
        if isinstance(path, str | PathLike):
            return _read_ordinary_file(Path(path))
        if path.is_dir():
            raise _ReadError("this is a directory, not a procedure file")
        with path.open("rb") as handle:
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


def _read_ordinary_file(path: Path) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of an ordinary file. Opened without blocking and examined before
    reading: a named pipe would wait forever for a writer, and a device (/dev/zero) never ends."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _ReadError("this is a directory, not a procedure file")
        if not stat.S_ISREG(mode):
            raise _ReadError("this is a device, pipe or socket, not a procedure file")
        return handle.read(MAX_FILE_BYTES + 1)


def _compose(ctx: ParseContext, text: str) -> MappingNode | None:
    if not text.strip():
        # Checked before YAML, which rejects a tab-only line as a syntax error rather than emptiness.
        return _check_root(ctx, None)
    try:
        check_lines(text)
    except TooBig as exc:
        ctx.add(WHOLE_FILE, exc.message, line=exc.line)
        return None
    try:
        loader = BoundedLoader(text)
    except yaml.reader.ReaderError as exc:
        _report_reader_error(ctx, exc, text)
        return None
    try:
        root = loader.get_single_node()
        if root is not None:
            check_expansion(root)
    except TooBig as exc:
        ctx.add(WHOLE_FILE, exc.message, line=exc.line)
        return None
    except yaml.MarkedYAMLError as exc:
        _report_yaml_error(ctx, exc, text)
        return None
    except yaml.reader.ReaderError as exc:
        _report_reader_error(ctx, exc, text)
        return None
    finally:
        loader.dispose()
    return _check_root(ctx, root)


def _check_root(ctx: ParseContext, root: Node | None) -> MappingNode | None:
    if root is None:
        ctx.add(WHOLE_FILE, "file is empty: expected a procedure starting with 'schema: 1'")
        return None
    if not isinstance(root, MappingNode):
        ctx.add(
            WHOLE_DOCUMENT,
            f"the top level must be a mapping (schema:, procedure:, settings:, ...) but found {describe_node(root)}",
            root,
        )
        return None
    return root


def _report_yaml_error(ctx: ParseContext, exc: yaml.MarkedYAMLError, text: str) -> None:
    # A file cut short fails at the end of the stream, one past its last line; point at the last line.
    last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    mark = exc.problem_mark or exc.context_mark
    line = min(mark.line + 1, last_line) if mark is not None else None
    if "single document" in f"{exc.context} {exc.problem}":
        message = "the file holds more than one YAML document (a second '---'); a procedure is one document"
        ctx.add(WHOLE_FILE, message, line=line)
        return
    message = f"YAML syntax error: {exc.problem or exc}"
    context_line = min(exc.context_mark.line + 1, last_line) if exc.context_mark is not None else None
    if exc.context and context_line is not None and context_line != line:
        message += f" ({exc.context} started on line {context_line})"
    elif exc.context:
        message += f" ({exc.context})"
    ctx.add(WHOLE_FILE, message, line=line)


def _report_reader_error(ctx: ParseContext, exc: yaml.reader.ReaderError, text: str) -> None:
    line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
    char = exc.character
    code = ord(char) if isinstance(char, str) else char
    shown = f"U+{code:04X}" if isinstance(code, int) else repr(char)
    ctx.add(WHOLE_FILE, f"the file contains a character YAML does not allow ({shown}); remove it", line=line)


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


# --- building the procedure -----------------------------------------------------------------------


def _build(ctx: ParseContext, root: MappingNode) -> Procedure | None:
    top = open_mapping(ctx, root, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    if top is None:
        return None
    schema = top.integer("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        message = f"unsupported schema {schema}: this application reads schema {SCHEMA_VERSION} files only"
        ctx.add("schema", message)
        return None
    located = Located()
    head = parse_head(top)
    decls = Declarations()
    events = parse_events(ctx, top, decls)
    facts = parse_facts(ctx, top, decls)
    phases = parse_phases(ctx, top, decls, located)
    settings = parse_settings(ctx, top, located)
    risk_tool = parse_risk_tool(ctx, top)
    audit = parse_audit_template(ctx, top, located)
    review = parse_supervisory_review(ctx, top)
    duties = parse_team_duties(ctx, top)
    check_steps(ctx, located, decls)
    check_cycles(ctx, located)
    check_overrides(ctx, located, settings)
    check_audit_references(ctx, located)
    check_supervision_references(ctx, located, review)
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
        supervisory_review=review,
        team_duties=duties,
    )
