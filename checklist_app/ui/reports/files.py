"""Copying a generated report out of its private folder: whole files or nothing, never half a file.

The copies are written beside their targets first; `before_rename` (recording the disclosure) runs once
they are all complete, and only then do they take their names. A failure on the way leaves no new file,
and a failure to record leaves no copy that the audit trail does not know about.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from checklist_app.core.file_targets import not_an_ordinary_file
from checklist_app.services.errors import InvalidInput


def copy_atomically(pairs: Sequence[tuple[Path, Path]], before_rename: Callable[[], None] | None = None) -> list[Path]:
    for _source, target in pairs:
        if special := not_an_ordinary_file(target):
            raise InvalidInput(special)  # a rename would replace the device itself
    temps: list[str] = []
    try:
        for source, target in pairs:
            fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            temps.append(temp)
            with os.fdopen(fd, "wb") as out, source.open("rb") as inp:
                shutil.copyfileobj(inp, out)
                out.flush()
                os.fsync(out.fileno())
        if before_rename is not None:
            before_rename()
        for temp, (_source, target) in zip(temps, pairs, strict=True):
            os.replace(temp, target)
    except BaseException:
        for temp in temps:
            Path(temp).unlink(missing_ok=True)
        raise
    return [target for _source, target in pairs]


def with_pdf_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def why_not_writable(folder: Path) -> str | None:
    if not folder.is_dir():
        return f"The folder {folder} does not exist."
    if not os.access(folder, os.W_OK):
        return f"The folder {folder} cannot be written to."
    return None
