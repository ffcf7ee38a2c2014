"""Whether a path may be replaced by a finished file (reports, CSV tables, backups), in words for the user.

Every writer here makes a temporary file beside the target and renames it over the target. A rename over a
device, pipe or socket (say /dev/null or /dev/full) swaps the special file for an ordinary one, which, run
as an administrator, breaks the machine for everyone; so such targets are refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

# A writer killed outright (kill -9, power cut) leaves its temporary copy behind: a hidden file holding case
# data. The next writer of the same name removes copies this old; a younger one may still be being written.
STALE_SECONDS = 15 * 60


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


def remove_stale_temporaries(target: Path, suffix: str, now: float | None = None) -> list[Path]:
    """Delete leftovers of earlier writes of `target` (`.NAME.XXXXXXXX<suffix>`, as tempfile.mkstemp names
    them with prefix `.NAME.`; a database copy's -journal, -wal and -shm too) that are older than
    STALE_SECONDS; return what was removed."""
    pattern = re.compile(
        re.escape(f".{target.name}.") + r"[A-Za-z0-9_]{8}" + re.escape(suffix) + r"(-journal|-wal|-shm)?"
    )
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
