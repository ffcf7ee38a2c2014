"""The quick check the app makes at start-up (and `checklist-app verify --recent`): every anchor in the
database's witness file against the stored audit log, in a few indexed reads, and the audit entries written
since the last full verify re-hashed and linked (the newest RECENT_LIMIT of them).

The anchors catch what only an anchor can catch (entries cut off the end with the stored head put back, a log
rewritten and chained again, a database swapped for another); the re-hash catches an entry changed in place
since the last full verify. Both take well under a second on a large database; `checklist-app verify` then
does the full proof. It needs no signed-in user: it reads no case content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from checklist_app.services.context import ServiceContext
from checklist_app.store.audit import head
from checklist_app.store.db import witness_for
from checklist_app.store.models import AuditEntry
from checklist_app.store.witness import WitnessContents, read_witness

if TYPE_CHECKING:
    from checklist_app.store.verify import Anchor, Problem, RecentCheck

_CHUNK = 500  # anchors looked up per query (well under every engine's parameter limit)
# Entries re-hashed at start-up at most: about 0.3 s on the build machine (5-6 microseconds each), so the check
# stays quick however long ago the last full verify was.
RECENT_LIMIT = 50_000
SHOWN = 5  # problems of the re-hash named one by one; the rest counted


@dataclass(frozen=True, slots=True)
class WitnessCheck:
    witness_file: str | None  # None when witnessing is off or the database has none yet
    anchors_checked: int
    last_verified: str | None  # "entry N at TIME", from the last full verify that passed
    problems: tuple[str, ...]
    rehashed: int = 0  # newest entries re-hashed and linked
    not_rehashed: int = 0  # entries since the last full verify beyond RECENT_LIMIT (left to the next verify)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_witness(ctx: ServiceContext, limit: int = RECENT_LIMIT) -> WitnessCheck:
    # The desktop app runs this on its worker: the verifier's code loads there, not before the first screen.
    from checklist_app.store.verify import verify_recent

    witness = witness_for(ctx.db.url)
    if witness is None or not witness.exists():  # a pipe or folder in its place is read, and named
        recent = verify_recent(ctx.db, 0, limit)
        return WitnessCheck(None, 0, None, _recent_problems(recent), recent.entries, 0)
    held = read_witness(witness)
    # The same reading of the file as `verify` (unreadable lines, one entry given two hashes).
    anchors, unsound = witness_anchors(held, witness)
    # A few named, the rest counted: a database made again at the same path gives every entry two hashes,
    # and the start-up warning must still fit on the screen (`verify` lists them all).
    problems: list[str] = [str(p) for p in unsound[:SHOWN]]
    if len(unsound) > SHOWN:
        problems.append(f"… and {len(unsound) - SHOWN} more problem(s) in the witness file.")
    expected = {a.seq: a.entry_hash for a in anchors}
    with ctx.db.read(snapshot=True) as session:
        head_seq, _ = head(session)
        stored: dict[int, str] = {}
        wanted = sorted(seq for seq in expected if seq <= head_seq)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = session.execute(select(AuditEntry.seq, AuditEntry.entry_hash).where(AuditEntry.seq.in_(chunk)))
            stored.update((int(seq), str(digest)) for seq, digest in rows)
    newest = max(expected, default=0)
    if newest > head_seq:
        problems.append(
            f"The audit log ends at entry {head_seq}, but the witness file saw entry {newest}: "
            "entries were removed, or an older copy of the database was put in place without a restore."
        )
    missing = [seq for seq in wanted if seq not in stored]
    if missing:
        problems.append(f"Audit entry {missing[0]} named by the witness file is not in the log (deleted?).")
    rewritten = [seq for seq in wanted if seq in stored and stored[seq] != expected[seq]]
    if rewritten:
        problems.append(
            f"Audit entry {rewritten[0]} differs from the copy in the witness file"
            + (f" (and {len(rewritten) - 1} more)" if len(rewritten) > 1 else "")
            + ": the log was rewritten."
        )
    recent = verify_recent(ctx.db, min(held.last_verified_seq or 0, head_seq), limit)
    problems += _recent_problems(recent)
    return WitnessCheck(
        str(witness), len(expected), held.last_verified, tuple(problems), recent.entries, recent.not_rehashed
    )


def _recent_problems(recent: RecentCheck) -> tuple[str, ...]:
    named = [str(p) for p in recent.problems[:SHOWN]]
    if len(recent.problems) > SHOWN:
        named.append(f"… and {len(recent.problems) - SHOWN} more problem(s) among the newest audit entries.")
    return tuple(named)


def witness_anchors(held: WitnessContents, witness: Path | None) -> tuple[tuple[Anchor, ...], list[Problem]]:
    """The witness's anchors, and problems for lines that cannot be read or that give one entry two
    hashes (the witness itself was edited, or the database was replaced without `restore`)."""
    from checklist_app.store.verify import Anchor, Problem

    problems = [
        Problem("(witness)", None, None, f"line {number} of {witness} cannot be read")
        for number in held.unreadable_lines
    ]
    if held.more_unreadable:
        problems.append(
            Problem("(witness)", None, None, f"{held.more_unreadable:,} more lines of {witness} cannot be read")
        )
    if held.failure is not None:
        problems.append(Problem("(witness)", None, None, f"{witness} cannot be read: {held.failure}"))
    by_seq: dict[int, str] = {}
    for anchor in held.anchors:
        known = by_seq.setdefault(anchor.seq, anchor.head_hash)
        if known != anchor.head_hash:
            problems.append(
                Problem(
                    "(witness)",
                    None,
                    anchor.seq,
                    f"{witness} holds two different hashes for this entry: the database was replaced or rewritten",
                )
            )
    return tuple(Anchor(seq, digest) for seq, digest in sorted(by_seq.items())), problems
