"""The witness file: chain heads written outside the database after every write transaction.

Anyone who can write the database can rebuild the whole audit chain, or cut its end and put the stored
head back; only a head kept elsewhere shows it (an anchor). The witness keeps anchors without asking
anyone: one line `SEQ HASH WRITTEN_AT` per write transaction, in a file of its own per database, and
`verify` checks every anchor in it. The file lives in the user's data folder by default; a force points
$CHECKLIST_APP_WITNESS at a folder the database's users cannot rewrite (another machine's share), or sets
it to `off`. A witness in the same account's reach proves less: say so when reading a verify result.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from checklist_app.store.files import create_private_file

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


def read_witness(path: Path) -> WitnessContents:
    contents = WitnessContents([], [], None)
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            parts = line.split()
            if not parts:
                continue
            if line.startswith(_VERIFIED) and len(parts) >= 4:
                contents.last_verified = f"entry {parts[2]} at {parts[3]}"
                contents.last_verified_seq = int(parts[2]) if parts[2].isdigit() else None
                continue
            if len(parts) == 3 and parts[0].isdigit() and _is_hash(parts[1]):
                contents.anchors.append(WitnessAnchor(int(parts[0]), parts[1], parts[2]))
            else:
                contents.unreadable_lines.append(number)
    return contents


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        create_private_file(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
