"""Every line the command line prints goes through here: control characters in the text (escape codes,
carriage returns, bidi overrides) are shown escaped, so a name or identifier read from a file or the
database cannot clear the screen, move the cursor or forge a line. The commands' own newlines and tabs
pass; values that might hold newlines are escaped field by field with `field`."""

from __future__ import annotations

from typing import TextIO

from checklist_app.core.text import terminal_safe


def field(value: object) -> str:
    """A value printed inside a line: every control character escaped, newlines and tabs included."""
    return terminal_safe(str(value))


class SafeTerminal:
    """A text stream that escapes control characters other than newline and tab."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text, keep="\n\t"))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
