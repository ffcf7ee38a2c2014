"""Bounds on what a procedure file may hold, and the checks that enforce them before the file is read.

A real procedure is about 9,000 YAML values, a hundred steps and 240 KB. Anything far beyond that is a
mistake or an attack: it must be refused with one clear problem in a second or two, not read for minutes.
Text lengths match the database columns the values are stored in (store/models/), so a file that
validates can always be published and used.
"""

from __future__ import annotations

import unicodedata

from checklist_app.core.text import BIDI_CONTROLS

# YAML values (mappings, lists, scalars) in the file as written, and as read with aliases expanded.
MAX_NODES = 50_000
MAX_EXPANDED_NODES = 100_000
MAX_ALIASES = 1_000
MAX_STEPS = 500
# Lines in the file, and characters in one line: the real procedure has 4,844 lines of at most 226
# characters. PyYAML reads about a million lines a second, so these bound the time a file can cost.
MAX_LINES = 30_000
MAX_LINE_CHARS = 20_000
# Problems listed for one file; a summary line says how many more there are.
MAX_PROBLEMS_SHOWN = 100
# Any single text value; guidance is the longest real text, a few thousand characters.
MAX_TEXT_CHARS = 20_000
# Whole numbers and decimals: points, weights and thresholds are small; database integers are 32-bit.
MAX_NUMBER = 1_000_000
# Echoed values and whole messages are cut so one bad value cannot flood the terminal.
MAX_ECHO_CHARS = 60
MAX_MESSAGE_CHARS = 400
# Ten years: the longest deadline or interval a procedure may set (the calendar and dates must hold
# any deadline counted from any date the app handles).
MAX_DURATION = {"h": 87_600, "d": 3_650, "wd": 2_610, "mo": 120}
MAX_DURATION_TEXT = "10 years (87600h, 3650d, 2610wd or 120mo)"
# Dates written in the file (effective dates) must be years the application handles.
MIN_YEAR = 1900
MAX_YEAR = 2200

# Column lengths in store/models/ for values copied from the procedure.
VERSION_CHARS = 32  # procedure_versions.version, risk_assessments.tool_version, case_audits.template_version
TITLE_CHARS = 200  # procedure_versions.title, case_summaries.next_due_title (step titles)
PHASE_TITLE_CHARS = 120  # case_summaries.phase_title
STEP_NUMBER_CHARS = 16  # case_summaries.next_due_step
GRADE_ID_CHARS = 32  # case_audits.overall_grade


class TooBig(Exception):
    """The document exceeds a limit; `message` says which, for one problem on the whole file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def check_lines(text: str) -> None:
    """Raise TooBig for a file with more lines, or a longer line, than any procedure needs; checked
    before YAML reads it, since reading is what costs the time."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise TooBig(f"the file has {lines:,} lines; a procedure needs far fewer (at most {MAX_LINES:,} are read)")
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(text.split("\n"), 1):
            if len(line) > MAX_LINE_CHARS:
                raise TooBig(
                    f"line {number} is {len(line):,} characters long; at most {MAX_LINE_CHARS:,} are allowed "
                    "(break long text over several lines with '>-')",
                    number,
                )


def bad_character(text: str, single_line: bool = False) -> str | None:
    """A description of the first character not allowed in procedure text, or None when all are fine.
    Tabs and line breaks are allowed in running text, never in names, ids, titles or versions; invisible
    format characters (zero-width space, byte order mark) never in those either, and the bidirectional
    overrides nowhere (a title could read differently from what it holds, on screen and in every case)."""
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return f"a lone surrogate (U+{code:04X}), which is not a valid character"
        if char in "\t\n\r":
            if single_line:
                return "a line break or tab; write it on one line"
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return f"a control character (U+{code:04X}); remove it"
        if char in BIDI_CONTROLS:
            return f"a bidirectional override (U+{code:04X}), which makes text read differently; remove it"
        if single_line and category == "Cf":
            return f"an invisible character (U+{code:04X}); remove it"
    return None


def shown(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """Text safe to echo in a message: control characters and lone surrogates escaped, and cut short."""
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return "".join(_escape(c) for c in cut)


def safe_message(message: str) -> str:
    """A message with control characters escaped and its middle cut when it is too long to read."""
    message = "".join(_escape(c) for c in message)
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    head = MAX_MESSAGE_CHARS * 2 // 3
    tail = MAX_MESSAGE_CHARS - head - 30
    return f"{message[:head]} ... [{len(message) - head - tail:,} characters cut] ... {message[-tail:]}"


def _escape(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF or (unicodedata.category(char) == "Cc" and char != " "):
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char
