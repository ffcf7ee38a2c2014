"""Files the program creates hold case data or secrets: owner-only (0600) wherever the OS allows.

On POSIX the mode is set at creation; SQLite gives its -wal, -shm and -journal files the database file's
mode, so creating the database 0600 covers them. Windows ignores these modes: there the folder's access
control list decides (see README, "File permissions").
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600
PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Make every file this process creates from now on owner-only (entry points call this once)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def create_private_file(path: Path) -> None:
    """Create `path` empty and owner-only if it does not exist yet (an empty file is a valid SQLite
    database, so SQLite then opens it without widening the mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, OWNER_ONLY)  # the umask may have removed bits, never added; make it exact


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


NOT_ORDINARY = "not an ordinary file (a pipe, device or folder is in its place)"


def open_ordinary(path: Path, flags: int, mode: int = OWNER_ONLY) -> int:
    """`os.open` for a file the program keeps by a fixed name (the witness, the log): it never waits on a named
    pipe put in the file's place (opening one for writing waited for a reader for ever, after every write
    transaction), and anything but an ordinary file (a pipe, a device, a folder) is an OSError."""
    if path.exists() and not path.is_file():
        raise OSError(errno.EINVAL, NOT_ORDINARY, str(path))
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), mode)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # put in place since the check above
            raise OSError(errno.EINVAL, NOT_ORDINARY, str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd
