"""Reading a password (or an answer) from standard input, whatever standard input is.

A command run with standard input closed (`<&-`, a service manager, the frozen Windows build) has no
`sys.stdin` at all; a pipe may carry bytes that are not UTF-8 or a page with no line break. Each of these
was an "unexpected failure" (AttributeError, UnicodeEncodeError) in one command or another; here each
is a sentence."""

from __future__ import annotations

import sys

from checklist_app.services.errors import InvalidInput

# Longer than any password the accounts take (256), short enough that a stream without line breaks is
# not read into memory whole.
LINE_LIMIT = 4096


def stdin_is_terminal() -> bool:
    stream = sys.stdin
    try:
        return stream is not None and not stream.closed and stream.isatty()
    except (OSError, ValueError):
        return False


def read_stdin_line(what: str) -> str:
    """The first line of standard input, without its line break: `what` names it in messages."""
    stream = sys.stdin
    if stream is None or stream.closed:
        raise InvalidInput(f"No {what}: standard input is closed. Pipe the {what} in, or run from a terminal.")
    try:
        line = stream.readline(LINE_LIMIT)
        line.encode("utf-8")  # a C locale decodes bad bytes to lone surrogates instead of failing
    except UnicodeError:
        raise InvalidInput(f"The {what} on standard input is not valid UTF-8 text.") from None
    except (OSError, ValueError):
        raise InvalidInput(f"No {what}: standard input cannot be read.") from None
    if not line:
        raise InvalidInput(f"No {what} on standard input.")
    if len(line) >= LINE_LIMIT and not line.endswith("\n"):
        raise InvalidInput(f"The first line of standard input is too long to be a {what}.")
    return line.rstrip("\r\n")
