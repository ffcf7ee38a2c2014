"""Text that reaches a terminal or a record: control characters are refused in names and identifiers,
and escaped wherever text is printed, so a value can never move the cursor, clear the screen or fake a
line of output."""

from __future__ import annotations

import re
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


# Embeddings, overrides and isolates reorder the text around them, so a stored value can read differently from
# what it holds ("Trojan Source": 'pay \u202eTXT.exe' shows as 'pay exe.TXT'). Right-to-left writing never
# needs them: the bidirectional algorithm orders Arabic and Hebrew by itself (marks such as U+200F are allowed).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Text no database can hold or look up: NUL (PostgreSQL refuses it) and lone surrogates (not characters at
# all: no UTF-8 encoder accepts them). Checked on every statement's parameters (store/unstorable.py).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# What the write guard refuses in any text a record holds: the above, other control characters (escape
# codes, DEL, C1) but the white space ones (tab, line breaks; a text pasted from a word processor may hold a
# vertical tab or form feed), and the bidirectional controls.
_UNSAFE_IN_RECORDS = re.compile(f"[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f\\ud800-\\udfff{BIDI_CONTROLS}]")


def record_text_problem(value: str) -> str | None:
    """Why `value` may not be stored in a record (first offending character, escaped), or None."""
    found = _UNSAFE_IN_RECORDS.search(value)
    if found is None:
        return None
    char = found.group()
    shown = escape_char(char)
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"holds a lone surrogate ({shown}), which is not a character; type or paste the text again"
    if char in BIDI_CONTROLS:
        return (
            f"holds a bidirectional override ({shown}), which makes text read differently from what it holds; remove it"
        )
    return f"holds a control character ({shown}); remove it"


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


# Alphabets whose letters look alike ('А' Cyrillic, 'A' Latin, 'Α' Greek): a name mixing them can imitate
# another ('Team А' beside 'Team A'). Scripts written together by design (Japanese kanji and kana) are not here.
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC"})


def name_problem(value: str) -> str | None:
    """A message when a name or identifier people read and match (a team, a person, a reference) holds control
    or invisible characters or a word mixing letters of look-alike alphabets ('СSE' with a Cyrillic 'С'), else
    None. Words wholly in one alphabet may sit side by side ('Équipe Ω')."""
    if (problem := control_problem(value)) is not None:
        return problem
    for word in value.split():
        scripts = {
            script
            for char in word
            if unicodedata.category(char).startswith("L")
            and (script := unicodedata.name(char, "").split(" ")[0]) in _LOOKALIKE_SCRIPTS
        }
        if len(scripts) > 1:
            mixed = " and ".join(sorted(s.capitalize() for s in scripts))
            return (
                f"mixes letters of different alphabets ({mixed}) in '{word[:40]}', which can imitate another name; "
                "write each word in one alphabet"
            )
    return None


def normal_name(value: str) -> str:
    """A name as stored: trimmed, in composed form (so 'e' + combining diaeresis and 'ë' are the same)."""
    return unicodedata.normalize("NFC", value.strip())


# Cyrillic and Greek letters drawn like Latin ones: a name_key compares them as those Latin letters, so a
# team 'Team А' (Cyrillic) is the existing 'Team A'. Lower-case forms follow from casefold().
_LOOKALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеорсухіјѕԁһӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧοντ",
    "ABESIJKMHOPCTXYaeopcyxijsdhlABEZHIKMNOPTYXovt",
)


def name_key(value: str) -> str:
    """What makes two names the same name: letter case, compatibility forms (full-width letters), runs of
    spaces and look-alike Cyrillic or Greek letters aside."""
    return " ".join(unicodedata.normalize("NFKC", value).translate(_LOOKALIKES).casefold().split())


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
