"""Every line the command line prints goes through here: control characters in the text (escape codes,
carriage returns, bidi overrides) are shown escaped, so a name or identifier read from a file or the
database cannot clear the screen, move the cursor or forge a line. The commands' own newlines and tabs
pass, one line per write; `field` escapes a value's tabs too."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from checklist_app.core.text import terminal_safe


def field(value: object) -> str:
    """A value printed inside a line: every control character escaped, newlines and tabs included."""
    return terminal_safe(str(value))


class OutputLost(Exception):
    """Standard output could not be written (a full disk, an I/O error, a closed file): the command's
    results did not reach their reader, so it stops and says so instead of reporting success."""

    def __init__(self, cause: BaseException) -> None:
        reason = (cause.strerror if isinstance(cause, OSError) else None) or str(cause) or type(cause).__name__
        super().__init__(
            f"standard output cannot be written ({reason}); the command stopped there. "
            "Anything it had finished before then is saved."
        )


def _silence(stream: TextIO) -> None:
    """Point a failed standard stream's descriptor at the null device, so the interpreter's own flush at
    exit does not fail again (and turn the exit status into 120)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


class SafeTerminal:
    """A text stream that escapes control characters other than tab and a write's closing newline.

    Each write is at most one line: a newline inside the text (a file name, case reference or database
    location typed with one, quoted in a message) is shown escaped, so it cannot forge a second line such
    as "OK" under an error.

    A stream that cannot be written (`>/dev/full`, an I/O error, a closed descriptor) must not turn into a
    traceback. For standard output that is OutputLost (a broken pipe stays BrokenPipeError: the reader
    chose to stop). Diagnostics (`diagnostics=True`: standard error, progress and warnings) are dropped
    once they fail: a progress line nobody can read must never stop a verify or a backup half-way."""

    def __init__(self, stream: TextIO, *, diagnostics: bool = False) -> None:
        self._stream = stream
        self._diagnostics = diagnostics
        self.failed = False
        encoding = getattr(stream, "encoding", None) or "utf-8"
        # A terminal or file in another encoding (PYTHONIOENCODING=ascii, a C locale, a Windows code
        # page) cannot take every name: such characters are written as escapes, not a UnicodeEncodeError.
        self._narrow = None if encoding.lower().replace("-", "").replace("_", "") == "utf8" else encoding

    def write(self, text: str) -> int:
        body, end = (text[:-1], "\n") if text.endswith("\n") else (text, "")
        line = terminal_safe(body, keep="\t") + end
        if self._narrow is not None:
            with contextlib.suppress(LookupError):  # an encoding Python does not know: the stream copes
                line = line.encode(self._narrow, "backslashreplace").decode(self._narrow)
        if self.failed:
            return len(text)
        try:
            return self._stream.write(line)
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            self._failure(exc)
            return len(text)

    def flush(self) -> None:
        if self.failed:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as exc:
            self._failure(exc)

    def _failure(self, exc: BaseException) -> None:
        if isinstance(exc, BrokenPipeError) and not self._diagnostics:
            raise exc
        self.failed = True
        _silence(self._stream)
        if not self._diagnostics:
            raise OutputLost(exc) from None

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _LineHandler(logging.Handler):
    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self._err = err

    def emit(self, record: logging.LogRecord) -> None:
        # A warning that cannot be shown must not become a traceback (handleError prints one).
        with contextlib.suppress(Exception):
            self._err.write(f"warning: {record.getMessage()}\n")


@contextmanager
def diagnostics_to(err: TextIO) -> Iterator[None]:
    """Log records (warning and above) and library warnings reach the terminal through `err`, one escaped
    line each. Without this Python printed them itself, unescaped: a witness folder named with a newline
    forged a line, and a library warning came with its file, line number and source."""
    handler = _LineHandler(err)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = lambda message, category, *_args, **_kw: err.write(  # type: ignore[assignment]
                f"warning: {message}\n"
            )
            yield
    finally:
        root.removeHandler(handler)
