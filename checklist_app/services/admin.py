"""Setting up, verifying and backing up the database."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from checklist_app import paths
from checklist_app.core.file_targets import not_an_ordinary_file, write_failure
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.services import accounts, organisation, procedures
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import ProcedureVersionInfo
from checklist_app.services.errors import Conflict, InvalidInput
from checklist_app.services.summary_check import SummaryCheck, rebuild_summaries_in
from checklist_app.services.witness_check import witness_anchors
from checklist_app.store import migrate
from checklist_app.store.audit import head
from checklist_app.store.backup import (
    clash_with_database,
    companions,
    integrity_problems,
    open_elsewhere,
    safe_backup,
    single_file,
)
from checklist_app.store.db import Database, resolve_url, sqlite_path, sqlite_url, witness_for
from checklist_app.store.errors import StoreError
from checklist_app.store.files import create_private_file
from checklist_app.store.schema_drift import schema_problems
from checklist_app.store.verify import Anchor, Progress, VerifyReport, verify_database
from checklist_app.store.witness import note_verified, read_witness


@dataclass(frozen=True)
class InitReport:
    database: str
    schema_before: str | None
    schema_after: str
    backup: Path | None
    published: tuple[ProcedureVersionInfo, ...]
    users: int


def initialise(location: str | None, actor: Actor) -> tuple[ServiceContext, InitReport]:
    """Create or upgrade the database, add the four districts and publish the shipped procedure.
    Idempotent: running it again on a current database changes nothing."""
    url = resolve_url(location)
    ctx = ServiceContext(Database(url, witness=witness_for(url)))
    try:
        result = migrate.upgrade(url, then=lambda conn, before, head: _rebuild_on_upgrade(ctx, conn, before, head))
    except BaseException:
        ctx.close()
        raise
    organisation.ensure_districts(ctx, actor)
    published = []
    for node in paths.shipped_sop_files():
        outcome = procedures.publish(ctx, actor, node.read_text(encoding="utf-8"), node.name)
        if outcome.created:
            published.append(outcome.version)
    report = InitReport(
        ctx.db.describe(), result.before, result.after, result.backup, tuple(published), accounts.user_count(ctx)
    )
    return ctx, report


def _rebuild_on_upgrade(ctx: ServiceContext, conn: Connection, before: str | None, head: str) -> None:
    """The case list's figures may be computed differently by this version: rebuild them, in the upgrade's
    transaction, so verify holds every row to the current rules (see summary_check). Done afterwards, a
    crash in between left the new schema with old figures, which verify then reported as tampering."""
    if before is None or before == head:
        return
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        rebuild_summaries_in(session, ctx)
        session.commit()  # releases the savepoint; the upgrade's transaction commits it all


def verify(
    ctx: ServiceContext, actor: Actor, anchors: tuple[Anchor, ...] = (), progress: Progress | None = None
) -> VerifyReport:
    """Prove the chain and every audited record; each anchor (an earlier head kept elsewhere) must still be
    in the chain with the same hash. `progress(stage, done, total)` hears every few thousand rows."""
    require(actor, Action.SYSTEM_VERIFY)
    witness = witness_for(ctx.db.url)
    held = read_witness(witness) if witness is not None and witness.exists() else None
    from_witness = witness_anchors(held, witness) if held is not None else ((), [])
    # On a large database a worker checks the largest table's records, then case summaries, beside the store
    # checks here.
    summaries = SummaryCheck(ctx)
    try:
        report = verify_database(ctx.db, anchors + from_witness[0], progress, summaries.elsewhere)
        report.problems.extend(from_witness[1])
        if not any(p.table == "(database)" for p in report.problems):
            with ctx.db.engine.connect() as conn:
                report.problems.extend(schema_problems(conn))
            report.problems.extend(summaries.problems(progress))
    except BaseException:
        # Cancelled (the progress callback raised) or failed: do not wait for the worker to finish the table
        # it is checking; it ends on its own.
        summaries.close(wait=False)
        raise
    finally:
        summaries.close()
    if held is not None and witness is not None:
        report.witness_file, report.witness_anchors = str(witness), len(from_witness[0])
        report.witness_last_verified = held.last_verified
        if report.ok:
            note_verified(witness, report.head_seq)
    return report


@dataclass(frozen=True)
class ChainHead:
    seq: int
    entry_hash: str

    @property
    def anchor(self) -> str:
        """As `verify --anchor` takes it back."""
        return f"{self.seq}:{self.entry_hash}"


def chain_head(ctx: ServiceContext, actor: Actor) -> ChainHead:
    """The latest audit entry's number and hash, to be written down outside the database (an anchor)."""
    require(actor, Action.SYSTEM_VERIFY)
    with ctx.db.read() as session:
        seq, digest = head(session)
    return ChainHead(seq, digest)


@dataclass(frozen=True)
class BackupReport:
    target: Path
    size: int
    entries: int
    head_hash: str


def backup(ctx: ServiceContext, actor: Actor, destination: str | Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live SQLite database with the backup API, then prove the copy: integrity check, foreign
    keys and the full audit-chain verification. The copy is made beside `destination` and renamed over it
    only once it passed, so an existing file is never lost to a failed backup; a copy that fails is
    deleted and the error raised."""
    require(actor, Action.SYSTEM_BACKUP)
    source = ctx.db.path
    if source is None:
        raise Conflict("Backups of a PostgreSQL database are made with the server's tools (pg_dump).")
    if not str(destination).strip():
        raise InvalidInput("No file name given for the backup.")
    if "\x00" in str(destination):
        raise InvalidInput("The backup's file name contains a NUL character; give an ordinary file name.")
    target = Path(destination).expanduser().absolute()
    if special := not_an_ordinary_file(target):
        raise InvalidInput(special)
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name for the backup.")
    live = clash_with_database(target, source)
    if live is not None:
        raise InvalidInput(
            f"The backup cannot be written to {target}: that is the live database's file {live.name}. "
            "Nothing was changed; choose a file outside the database's own files."
        )
    if target.exists() and not overwrite:
        raise Conflict(f"{target} already exists. Choose another name, or use --overwrite to replace it.")
    if not target.parent.is_dir():
        raise InvalidInput(f"The folder {target.parent} does not exist.")
    for companion in companions(target)[1:]:
        if companion.exists():
            raise Conflict(
                f"{companion} exists beside {target.name}: that database may be in use or need recovery. "
                "Nothing was changed; choose another name."
            )
    checked: list[VerifyReport] = []

    def check(path: Path) -> list[str]:
        problems, report = check_copy(path)
        checked.append(report)
        return problems

    try:
        safe_backup(source, target, check)
    except StoreError as exc:
        raise Conflict(str(exc)) from None
    except OSError as exc:  # the folder went away, the disk filled, no permission on the way
        raise Conflict(write_failure(target, exc)) from None
    report = checked[-1]
    return BackupReport(target, target.stat().st_size, report.entries, report.head_hash)


def check_copy(path: Path) -> tuple[list[str], VerifyReport]:
    """What is wrong with a database copy: SQLite's integrity and foreign-key checks, then the full chain
    and record verification. Opening it switches it to WAL; callers make it one file again."""
    problems = integrity_problems(path)
    copy = Database(sqlite_url(path))
    try:
        report = verify_database(copy)
    finally:
        copy.dispose()
    return problems + [str(p) for p in report.problems], report


def restore_backup(backup: Path, location: str | None) -> Path:
    """Put a checked copy of `backup` where the database at `location` belongs. The backup file itself is
    not touched; a damaged database already there is kept beside it under a `.damaged-<time>` name."""
    target = sqlite_path(resolve_url(location))
    if target is None:
        raise StoreError("Backups can only be restored into a database file, not a server database.")
    _require_backup_file(backup)
    staging = target.with_name(f"{target.name}.restoring")
    _remove_staging(staging)
    try:
        create_private_file(staging)
        shutil.copyfile(backup, staging)
        problems, _report = check_copy(staging)
    except OSError as exc:  # the disk filled, the file went away, no permission
        _remove_staging(staging)
        raise StoreError(f"Could not copy {backup}: {exc.strerror or exc}. Nothing was restored.") from None
    except BaseException:
        _remove_staging(staging)  # nothing half-restored is left under the database's name or beside it
        raise
    if problems:
        _remove_staging(staging)
        raise StoreError("The backup failed its checks: " + "; ".join(problems[:5]))
    single_file(staging)
    if open_elsewhere(target):
        # Moved aside under it, the other program would go on writing into the file kept as `.damaged`.
        _remove_staging(staging)
        raise StoreError(
            f"{target} is open in another program (another copy of this app, or a newer version using it). "
            "Nothing was restored: close it there, then restore again."
        )
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for name in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            if name.exists():
                name.rename(name.with_name(f"{name.name}.damaged-{stamp}"))
    staging.rename(target)
    _retire_witness(target)
    return target


def _remove_staging(staging: Path) -> None:
    for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm"), Path(f"{staging}-journal")):
        leftover.unlink(missing_ok=True)


def _require_backup_file(backup: Path) -> None:
    """The chosen backup must be an ordinary, whole file: copying /dev/zero never ends (it fills the disk),
    a named pipe waits for a writer, a folder cannot be copied, and a database with a -wal file beside it
    is a live one whose latest changes are in that file, which a plain copy would leave out."""
    try:
        mode = os.stat(backup).st_mode
    except FileNotFoundError:
        raise StoreError(f"There is no backup at {backup}.") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"{backup} cannot be read: {reason}.") from None
    if stat.S_ISDIR(mode):
        raise StoreError(f"{backup} is a folder; choose the backup file.")
    if not stat.S_ISREG(mode):
        raise StoreError(f"{backup} is not an ordinary file (a device, pipe or socket); choose the backup file.")
    wal = Path(f"{backup}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        raise StoreError(
            f"{backup} is a database in use (its latest changes are in {wal.name} beside it), not a backup. "
            "Make a backup of it with `checklist-app backup` and restore that."
        )


def _retire_witness(target: Path) -> None:
    """A restored database is older than its witness: the witness's newer anchors would (rightly) say
    entries were cut off. The restore is deliberate, so the old witness is kept aside, not checked."""
    witness = witness_for(sqlite_url(target))
    if witness is not None and witness.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        witness.rename(witness.with_name(f"{witness.name}.before-restore-{stamp}"))
