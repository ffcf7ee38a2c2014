"""Whether a path may be replaced by a finished file (reports, CSV tables, backups), in words for the user.

Every writer here makes a temporary file beside the target and renames it over the target. A rename over a
device, pipe or socket (say /dev/null or /dev/full) swaps the special file for an ordinary one, which, run
as an administrator, breaks the machine for everyone; so such targets are refused before anything is written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def not_an_ordinary_file(path: Path) -> str | None:
    """Why `path` must not be replaced, or None. Follows symbolic links, as writing through one would."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{path} cannot be examined ({exc.strerror or exc})."
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None  # directories get their own message from the caller
    return f"{path} is not an ordinary file (it is a device, pipe or socket); give the name of a file to write."


def write_failure(path: Path, exc: OSError) -> str:
    """One line for a failed write (disk full, folder gone, no permission), never a traceback."""
    return f"Could not write {path}: {exc.strerror or exc}. Nothing was written."
