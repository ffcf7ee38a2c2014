"""Text that reaches a terminal or a record: control characters are refused in names and identifiers,
and escaped wherever text is printed, so a value can never move the cursor, clear the screen or fake a
line of output."""

from __future__ import annotations

import unicodedata

# Categories Cc (C0, DEL, C1), Cf (format: bidi overrides, zero-width), Cs (lone surrogates), Co, Cn.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def unsafe_characters(value: str) -> list[str]:
    """The control or invisible characters in `value`, as escapes (e.g. ['\\x1b', '\\u202e'])."""
    found: list[str] = []
    for char in value:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            escaped = escape_char(char)
            if escaped not in found:
                found.append(escaped)
    return found


def escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def control_problem(value: str) -> str | None:
    """A message when `value` holds control or invisible characters, else None."""
    found = unsafe_characters(value)
    if not found:
        return None
    return f"must not contain control or invisible characters (found {', '.join(found[:5])})"


def terminal_safe(value: str, *, keep: str = "") -> str:
    """`value` with every control or invisible character escaped, except those in `keep` (e.g. the
    newline and tab a command writes itself)."""
    if all(unicodedata.category(c) not in _UNSAFE_CATEGORIES or c in keep for c in value):
        return value
    return "".join(
        c if c in keep or unicodedata.category(c) not in _UNSAFE_CATEGORIES else escape_char(c) for c in value
    )


def shorten(value: str, limit: int = 80) -> str:
    """`value` cut to `limit` characters for a message, saying how long it really was."""
    if len(value) <= limit:
        return value
    return f"{value[: limit - 1]}… ({len(value):,} characters)"
