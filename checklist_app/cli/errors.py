"""One place where command-line failures become words, and unexpected ones a log entry."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable
from typing import TextIO

from checklist_app.cli.stop_signals import Stopped
from checklist_app.cli.terminal import OutputLost, field
from checklist_app.core.permissions import PermissionDenied
from checklist_app.core.procedure.sop_error import SopValidationError
from checklist_app.core.text import shorten
from checklist_app.services.crash_log import log_unexpected
from checklist_app.services.errors import InvalidInput, ServiceError
from checklist_app.store.errors import StoreError
from checklist_app.store.redact import describe

EXIT_PROBLEMS = 1
EXIT_FAILED = 3
EXIT_OK_PIPE = 141  # what a shell reports for a process ended by SIGPIPE
_LONG_WORD = re.compile(r"\S{121,}")


def _brief(message: str) -> str:
    """A message that quotes what was typed (a case reference, a marking, a file name) keeps its words
    around the quote but not a pasted page inside it: the error stays one readable line."""
    return _LONG_WORD.sub(lambda m: shorten(m.group(0), 80), message)


def run_guarded(action: Callable[[], int], err: TextIO) -> int:
    try:
        return action()
    except InvalidInput as exc:
        for problem in exc.problems:
            err.write(f"error: {_brief(str(problem) if problem.label else problem.message)}\n")
        return EXIT_PROBLEMS
    except SopValidationError as exc:
        for problem in exc.problems:
            err.write(f"{field(problem)}\n")
        return EXIT_PROBLEMS
    except (ServiceError, StoreError, PermissionDenied) as exc:
        err.write(f"error: {_brief(str(exc))}\n")
        return EXIT_FAILED
    except OutputLost as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    except EOFError:  # Ctrl-D (Ctrl-Z on Windows) at a prompt, or its input ended
        err.write("error: the input ended before an answer was given; nothing was entered.\n")
        return EXIT_PROBLEMS
    except Stopped as exc:
        err.write(f"stopped ({exc}) before finishing: nothing was half-saved (a change in progress was undone)\n")
        return 128 + exc.signum
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not a failure of ours. Point stdout at devnull so the
        # interpreter's final flush does not raise the same error again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK_PIPE
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        where = log_unexpected(exc)
        err.write(f"error: unexpected failure ({describe(exc)}).")
        err.write(f" Details were written to {where}.\n" if where else "\n")
        return EXIT_FAILED
