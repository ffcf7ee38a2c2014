"""The witness file: chain heads written outside the database after every write transaction.

Anyone who can write the database can rebuild the whole audit chain, or cut its end and put the stored
head back; only a head kept elsewhere shows it (an anchor). The witness keeps anchors without asking
anyone: one line `SEQ HASH WRITTEN_AT` per write transaction, in a file of its own per database, and
`verify` checks every anchor in it. The file lives in the user's data folder by default; a force points
$CHECKLIST_APP_WITNESS at a folder the database's users cannot rewrite (another machine's share), or sets
it to `off`. A witness in the same account's reach proves less: say so when reading a verify result.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import platformdirs

from checklist_app.store.files import OWNER_ONLY, open_ordinary

ENV_VAR = "CHECKLIST_APP_WITNESS"
_APP_NAME = "checklist-app"
_VERIFIED = "# verified"

log = logging.getLogger(__name__)


def witness_path(identity: str) -> Path | None:
    """The witness file for the database named by `identity` (its resolved file path, or its URL with
    the password masked), or None when witnessing is switched off."""
    setting = os.environ.get(ENV_VAR, "").strip()
    if setting.lower() in ("off", "none", "no", "0"):
        return None
    if setting:
        folder = Path(setting).expanduser()
    else:
        folder = Path(platformdirs.user_data_dir(_APP_NAME, appauthor=False)) / "witness"
    digest = hashlib.sha256(identity.encode("utf-8", "backslashreplace")).hexdigest()[:16]
    return folder / f"{digest}.witness"


def append_head(path: Path, seq: int, head_hash: str) -> None:
    """Add one anchor. A witness that cannot be written must never fail the user's write: it is logged."""
    try:
        _append(path, f"{seq} {head_hash} {_now()}\n")
    except OSError as exc:
        log.warning("witness file %s could not be written: %s", path, exc.strerror or exc)


def note_verified(path: Path, seq: int) -> None:
    """Record that verify checked the chain up to `seq` with every anchor (read back as `last verified`)."""
    try:
        _append(path, f"{_VERIFIED} {seq} {_now()}\n")
    except OSError as exc:
        log.warning("witness file %s could not be written: %s", path, exc.strerror or exc)


@dataclass(frozen=True)
class WitnessAnchor:
    seq: int
    head_hash: str
    written_at: str


@dataclass
class WitnessContents:
    anchors: list[WitnessAnchor]
    unreadable_lines: list[int]
    last_verified: str | None  # "entry N at TIME"
    last_verified_seq: int | None = None  # N: the head the last full verify that passed proved
    more_unreadable: int = 0  # unreadable lines beyond the first MAX_LISTED, counted only
    failure: str | None = None  # why the file could not be read at all (permissions, a disk error)


# Lines of a damaged witness listed by number; the rest are counted (a file of garbage may have millions).
MAX_LISTED = 100


# A witness line is about 90 bytes; anything far longer was not written by the app, and is not read whole
# (a file of one line of gigabytes must not be loaded into memory).
MAX_LINE_BYTES = 256
# Audit entry numbers are 64-bit integers in the database; a longer "number" is not one of its entries.
_MAX_SEQ_DIGITS = 18


def read_witness(path: Path) -> WitnessContents:
    """The anchors in the witness file. Lines the app did not write (edited, damaged, binary, too long,
    numbers in other scripts or of thousands of digits) are listed by number, never raised."""
    contents = WitnessContents([], [], None)
    try:
        _read_into(path, contents)
    except OSError as exc:
        contents.failure = exc.strerror or str(exc)
    return contents


def _read_into(path: Path, contents: WitnessContents) -> None:
    with os.fdopen(open_ordinary(path, os.O_RDONLY), "rb") as handle:
        for number, raw in enumerate(_lines(handle), 1):
            line = raw.decode("utf-8", "replace") if raw is not None else ""
            parts = line.split()
            if raw is not None and not parts:
                continue
            verified = line.startswith(_VERIFIED) and len(parts) >= 4
            seq = _entry_number(parts[2] if verified else parts[0]) if verified or len(parts) == 3 else None
            if verified and seq is not None:
                contents.last_verified = f"entry {seq} at {parts[3][:40]}"
                contents.last_verified_seq = seq
            elif not verified and seq is not None and _is_hash(parts[1]):
                contents.anchors.append(WitnessAnchor(seq, parts[1], parts[2][:40]))
            elif len(contents.unreadable_lines) < MAX_LISTED:
                contents.unreadable_lines.append(number)
            else:
                contents.more_unreadable += 1


def _lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """Each line's bytes, or None for a line longer than MAX_LINE_BYTES (read past, never held whole)."""
    while raw := handle.readline(MAX_LINE_BYTES):
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield raw


def _entry_number(text: str) -> int | None:
    """`text` as an audit entry number: ASCII digits only ('²' and '٣' are digits to str.isdigit, and int()
    refuses the first), and few enough of them to be one."""
    if text.isascii() and text.isdigit() and len(text) <= _MAX_SEQ_DIGITS:
        return int(text)
    return None


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    with os.fdopen(open_ordinary(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "a", encoding="utf-8") as handle:
        handle.write(line)
    if created:
        with contextlib.suppress(OSError):
            path.chmod(OWNER_ONLY)  # the umask may have removed bits, never added; make it exact


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
