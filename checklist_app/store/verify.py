"""Proving the store has not been changed behind the application's back.

Checks, in order: SQLite's own integrity and foreign-key checks; the audit-log triggers; the hash chain
from the first entry (sequence, links, each entry's own hash); the chain head against the last entry;
and every audited record against the state hash in the last audit entry that describes it.
Every problem names the table, the record id and the audit entry number where they are known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from hashlib import sha256
from typing import Any, Protocol

from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.exc import DBAPIError

from checklist_app.core.canonical import GENESIS_HASH, entry_hash, sha256_hex
from checklist_app.store.audit import hashed_fields
from checklist_app.store.db import Database, translate_error
from checklist_app.store.errors import DatabaseUnreadable
from checklist_app.store.models import (
    AUDITED_MODELS,
    AuditEntry,
    ChainState,
    ProcedureVersion,
    object_type_of,
    table_of,
)
from checklist_app.store.verify_fast import Converter, fast_text, raw_batches
from checklist_app.store.verify_rows import CONVERSION_ERRORS, describe_value, safe_rows
from checklist_app.store.verify_schema import (
    WRONG_TYPES_SHOWN,
    check_storage_types,
    check_triggers,
    storage_faults,
    wrong_type,
)

_BATCH = 5000

# Called with (what is being checked, rows done, rows in all) every few thousand rows; it may raise to stop.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Problem:
    table: str
    record_id: int | None
    entry: int | None
    message: str

    def __str__(self) -> str:
        parts = [self.table]
        if self.record_id is not None:
            parts.append(f"id {self.record_id}")
        if self.entry is not None:
            parts.append(f"audit entry {self.entry}")
        return f"{', '.join(parts)}: {self.message}"


@dataclass
class VerifyReport:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    records_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Not failures: signatures superseded in the app, outside changes an administrator accepted.
    notices: list[Problem] = field(default_factory=list)
    # The witness file whose anchors were held (see store/witness.py), how many, and the last verify it saw.
    witness_file: str | None = None
    witness_anchors: int = 0
    witness_last_verified: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class Anchor:
    """A chain head written down earlier and kept out of the database's reach (printed on paper, sent to a
    supervisor, kept in another system). Anyone with write access can rebuild the whole chain, so only an
    anchor proves that entries up to it were not rewritten or cut off."""

    seq: int
    entry_hash: str

    @classmethod
    def parse(cls, text_value: str) -> Anchor:
        """Parse `SEQ:HASH` as printed by `verify` (`head SEQ HASH`); a space may separate the two too."""
        parts = text_value.replace(":", " ").split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) < 1:
            raise ValueError(f"{text_value!r} is not an anchor: write the entry number and its hash as SEQ:HASH")
        digest = parts[1].lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{text_value!r}: the hash must be 64 hexadecimal characters")
        return cls(int(parts[0]), digest)


class Elsewhere(Protocol):
    """Audited tables checked by `check_table` in another process meanwhile (see services/summary_check.py),
    so that verify keeps two cores busy."""

    @property
    def tables(self) -> frozenset[str]: ...

    def rows_done(self) -> int:
        """Records checked there so far, for the progress count."""
        ...

    def table_result(self, name: str, waiting: Callable[[], None]) -> tuple[int, list[Problem]] | None:
        """The table's check, once done there (`waiting` is called now and then meanwhile); None if it was
        not done there after all (the worker failed or had not started it), so it is checked here."""
        ...


def verify_database(
    db: Database,
    anchors: tuple[Anchor, ...] = (),
    progress: Progress | None = None,
    elsewhere: Elsewhere | None = None,
) -> VerifyReport:
    report = VerifyReport()
    try:
        with db.snapshot() as conn:
            meter = _Meter(progress, _row_total(conn) if progress else 0, elsewhere)
            meter.tick("database file", 0)
            if db.is_sqlite:
                report.problems.extend(_sqlite_checks(conn))
            report.problems.extend(check_triggers(conn))
            report.problems.extend(check_storage_types(conn, leave=frozenset({"audit_log"})))
            # The log's values of the wrong type are found by the chain walk and named where the storage
            # checks would have named them: after the other tables', before the chain's problems.
            wrong_types: list[Problem] = []
            at = len(report.problems)
            published: dict[int, _Publication] = {}
            try:
                anchored = {a.seq: a.entry_hash for a in anchors}
                _check_chain(conn, report, anchored, meter, published, wrong_types=wrong_types)
            finally:
                report.problems[at:at] = wrong_types
            _check_head(conn, report)
            _check_rest(conn, report, meter, published, elsewhere)
            from checklist_app.store.accepted_changes import accepted_changes  # it imports Problem from here

            report.notices.extend(accepted_changes(conn))
            meter.tick("done", 0)
    except DBAPIError as exc:
        # A damaged file can make the checks themselves fail (e.g. integrity_check on a malformed page):
        # that is a verification failure to report, not a crash. Other driver errors become store errors.
        friendly = translate_error(exc, db.url)
        if isinstance(friendly, DatabaseUnreadable):
            report.problems.append(Problem("(database)", None, None, f"cannot be read to the end: {exc.orig}"))
        elif friendly is not None:
            raise friendly from exc
        else:
            raise
    return report


@dataclass(frozen=True, slots=True)
class RecentCheck:
    """The newest audit entries re-hashed: those written since the last full verify that passed, or the
    newest `limit` of them."""

    first_seq: int  # the first entry re-hashed (0: none)
    entries: int  # how many were re-hashed
    not_rehashed: int  # entries since the last full verify left for the next full verify (over the limit)
    problems: tuple[Problem, ...]


def verify_recent(db: Database, after: int, limit: int) -> RecentCheck:
    """Re-hash the entries after entry `after` (the head the last full verify proved; 0 if none did) and check
    each links to the one before: an entry changed in place since then is found in a fraction of a second,
    without reading the records or the rest of the log. Only the newest `limit` are re-hashed, so the check
    stays quick however long ago the last full verify was; `verify` is the whole proof."""
    with db.snapshot() as conn:
        head_seq = int(conn.execute(select(func.max(AuditEntry.seq))).scalar() or 0)
        first = max(after + 1, head_seq - limit + 1, 1)
        if first > head_seq:
            return RecentCheck(0, 0, 0, ())
        before = GENESIS_HASH
        if first > 1:
            stored = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == first - 1)).scalar()
            if not isinstance(stored, str):
                problem = Problem("audit_log", None, first - 1, "is not in the log (deleted?)")
                return RecentCheck(first, 0, first - after - 1, (problem,))
            before = stored
        report = VerifyReport()
        _check_chain(conn, report, {}, _Meter(None, 0), {}, start=(first, before))
        return RecentCheck(first, report.entries, first - after - 1, tuple(report.problems))


class _Meter:
    """Counts rows checked (here, and in another process if some tables are checked there) and tells
    `progress` every batch."""

    def __init__(self, progress: Progress | None, total: int, elsewhere: Elsewhere | None = None) -> None:
        self.progress, self.total, self.done, self.elsewhere = progress, total, 0, elsewhere

    def tick(self, stage: str, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            done = self.done + (self.elsewhere.rows_done() if self.elsewhere is not None else 0)
            self.progress(stage, min(done, self.total), self.total)


def meter(progress: Progress) -> _Meter:
    """A meter for `check_table` run on its own: `progress` hears the records checked so far."""
    return _Meter(progress, 1 << 62)


def _row_total(conn: Connection) -> int:
    """Audit entries plus audited records: what the two long walks will read."""
    existing = set(inspect(conn).get_table_names())
    tables = [table_of(AuditEntry)] + [table_of(m) for m in AUDITED_MODELS if object_type_of(m) in existing]
    return sum(int(conn.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables)


def _sqlite_checks(conn: Connection) -> Iterator[Problem]:
    for (message,) in conn.exec_driver_sql("PRAGMA integrity_check"):
        if message != "ok":
            yield Problem("(database)", None, None, f"integrity check: {message}")
    for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        yield Problem(table, rowid, None, f"refers to a {parent} row that does not exist")


@dataclass(frozen=True, slots=True)
class _Publication:
    seq: int
    occurred_at: object
    username: object


def _check_chain(
    conn: Connection,
    report: VerifyReport,
    anchors: dict[int, str],
    meter: _Meter,
    published: dict[int, _Publication],
    start: tuple[int, str] = (1, GENESIS_HASH),
    wrong_types: list[Problem] | None = None,
) -> None:
    """Walk the chain once, in constant memory (beyond `published`: the entry that created each procedure
    version, which says who published it and when; a handful of rows). `start`: the first entry to walk and
    the hash it must link to (the whole chain unless given). `wrong_types`, on SQLite: where to put the
    entries holding a value of the wrong storage class, as `check_storage_types` names them (it leaves the
    log to this walk, which reads every value anyway)."""
    unmet = dict(anchors)
    expected_seq, running = start
    table = table_of(AuditEntry)

    def bad_value(seq: object, column: str, raw: object) -> None:
        report.problems.append(
            Problem("audit_log", None, _as_int(seq), f"column {column} holds {describe_value(raw)}, not a valid value")
        )

    columns = list(table.c)
    names = [c.name for c in columns]
    position = {name: i for i, name in enumerate(names)}
    at_seq, at_prev, at_hash = position["seq"], position["prev_hash"], position["entry_hash"]
    at_type, at_object = position["object_type"], position["object_id"]
    sqlite = conn.dialect.name == "sqlite"
    # The text the entry's hash covers: the previous hash, a newline and the canonical hashed fields.
    hashed_text = fast_text(columns, [position[name] for name in hashed_fields({})], sqlite, chained=at_prev)
    faults = storage_faults(columns, table.c.seq) if sqlite and wrong_types is not None else None
    convert = Converter(conn, columns)
    since = table.c.seq >= expected_seq if expected_seq > 1 else None
    entries = 0
    try:
        for batch in raw_batches(conn, table, columns, table.c.seq, since):
            for raw in batch:
                seq, stored_hash = raw[at_seq], raw[at_hash]
                text = hashed_text(raw) if hashed_text is not None else None
                if (
                    text is not None
                    and seq == expected_seq
                    and raw[at_prev] == running
                    and seq not in unmet
                    and sha256(text.encode()).hexdigest() == stored_hash
                ):
                    # The usual entry, in place and as the app wrote it: nothing to report, nothing converted;
                    # every value has the storage class its column's text was built from.
                    running, expected_seq = stored_hash, seq + 1
                    entries += 1
                    if raw[at_type] == _VERSIONS and raw[at_object] is not None and raw[at_object] not in published:
                        read = convert(raw, seq, lambda *_: None) or dict(zip(names, raw, strict=True))
                        published[raw[at_object]] = _Publication(seq, read["occurred_at"], read["username"])
                    continue
                if faults is not None and wrong_types is not None and len(wrong_types) < WRONG_TYPES_SHOWN:
                    bad = faults(raw)
                    if bad:
                        wrong_types.append(wrong_type("audit_log", None, seq, bad))
                prev_hash, object_type, object_id = raw[at_prev], raw[at_type], raw[at_object]
                converted: Mapping[str, Any] | None = None
                if text is not None and sha256_hex(text) == stored_hash:
                    hash_ok = True  # the shortcut held: every value is as the app wrote it
                else:
                    converted = convert(raw, seq, bad_value)
                    hash_ok = converted is None or _hash_matches(converted)  # a bad value is reported as such
                    if converted is not None:
                        prev_hash, stored_hash = converted["prev_hash"], converted["entry_hash"]
                        object_type, object_id = converted["object_type"], converted["object_id"]
                if seq != expected_seq:
                    report.problems.append(
                        Problem("audit_log", None, seq, f"entries {expected_seq}..{seq - 1} are missing (deleted?)")
                    )
                if prev_hash != running:
                    report.problems.append(
                        Problem(
                            "audit_log",
                            None,
                            seq,
                            "does not link to the entry before it (entries removed or inserted?)",
                        )
                    )
                if not hash_ok:
                    report.problems.append(
                        Problem(
                            "audit_log",
                            None,
                            seq,
                            "contents do not match the entry's hash (changed outside the app?)",
                        )
                    )
                anchored = unmet.pop(seq, None)
                if anchored is not None and anchored != stored_hash:
                    report.problems.append(
                        Problem(
                            "audit_log",
                            None,
                            seq,
                            f"does not match the anchor kept outside the database ({anchored[:16]}…): "
                            "the chain up to here was rewritten",
                        )
                    )
                # Carry on from the stored hash so later, separate tampering is reported too.
                running, expected_seq = stored_hash, seq + 1
                entries += 1
                if object_type == _VERSIONS and object_id is not None and object_id not in published:
                    # A handful of rows: who published a version and when, as values (raw if they cannot be read).
                    values = converted or convert(raw, seq, lambda *_: None) or dict(zip(names, raw, strict=True))
                    published[object_id] = _Publication(seq, values["occurred_at"], values["username"])
            # Counted per batch: per entry it cost as much as the checks.
            meter.tick("audit chain", len(batch))
    finally:
        # Kept up to date only here, for the same reason (a damaged file stops the walk with an error, and
        # the report then says how far it got).
        report.entries += entries
        if entries:
            report.head_seq, report.head_hash = expected_seq - 1, running
    for seq in sorted(unmet):
        where = (
            f"the log ends at entry {report.head_seq} (entries cut off?)"
            if seq > report.head_seq
            else "it is not in the log (deleted?)"
        )
        report.problems.append(
            Problem("audit_log", None, seq, f"is named by an anchor kept outside the database but {where}")
        )


_VERSIONS = "procedure_versions"


def _check_publications(conn: Connection, published: dict[int, _Publication], problems: list[Problem]) -> None:
    """Who published a procedure version and when are not in its state hash (older databases hashed it
    without them), but the chained entry that created it records both: they must agree."""
    if _VERSIONS not in set(inspect(conn).get_table_names()):
        return
    table = table_of(ProcedureVersion)
    columns = [table.c.id, table.c.published_at, table.c.published_by]
    for record_id, row, _raw in safe_rows(conn, table, columns, table.c.id, lambda *_: None):
        entry = published.get(record_id)
        if row is None or entry is None:
            continue  # a wrong-type value or a missing entry is reported by the record checks
        wrong = []
        if row["published_by"] != entry.username:
            wrong.append(f"published_by says {describe_value(row['published_by'])}")
        if not _same_moment(row["published_at"], entry.occurred_at):
            wrong.append(f"published_at says {describe_value(str(row['published_at']))}")
        if wrong:
            problems.append(
                Problem(
                    _VERSIONS,
                    record_id,
                    entry.seq,
                    f"{' and '.join(wrong)}, but the audit entry that published it says "
                    f"{describe_value(entry.username)} at {entry.occurred_at} (changed outside the app?)",
                )
            )


def _same_moment(a: object, b: object) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return _naive_utc(a) == _naive_utc(b)
    return a == b


def _naive_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _hash_matches(row: Mapping[str, Any]) -> bool:
    try:
        return bool(entry_hash(row["prev_hash"], hashed_fields(dict(row))) == row["entry_hash"])
    except CONVERSION_ERRORS:
        return False  # a value the canonical form cannot hold cannot be what was hashed


def _check_head(conn: Connection, report: VerifyReport) -> None:
    head = conn.execute(select(ChainState.seq, ChainState.head_hash).where(ChainState.id == 1)).one_or_none()
    if head is None:
        report.problems.append(Problem("chain_state", 1, None, "the chain head record is missing"))
    elif (head.seq, head.head_hash) != (report.head_seq, report.head_hash):
        report.problems.append(
            Problem(
                "chain_state",
                1,
                head.seq,
                f"records head entry {head.seq} but the log ends at entry {report.head_seq} "
                "(latest entries deleted, or entries appended outside the app?)",
            )
        )


def _check_rest(
    conn: Connection,
    report: VerifyReport,
    meter: _Meter,
    published: dict[int, _Publication],
    elsewhere: Elsewhere | None,
) -> None:
    """The audited records, the publications and the signatures, reported in that order. The tables checked
    elsewhere are collected last, so that this process is not left waiting for them while it has work."""
    from checklist_app.store.verify_signatures import check_signatures  # it imports Problem from here

    checks = _check_records(conn, meter, elsewhere)
    publications: list[Problem] = []
    try:
        _check_publications(conn, published, publications)
        broken, superseded = check_signatures(conn)
    except DBAPIError:  # a damaged file: what the record checks found is reported first, as ever
        _collect_records(conn, report, checks, meter, elsewhere)
        report.problems.extend(publications)
        raise
    _collect_records(conn, report, checks, meter, elsewhere)
    report.problems.extend(publications)
    report.problems.extend(broken)
    report.notices.extend(superseded)


# An audited table's check: (records checked, problems), or its name while another process checks it.
_TableCheck = tuple[int, list[Problem]] | str


def _check_records(conn: Connection, meter: _Meter, elsewhere: Elsewhere | None) -> list[_TableCheck]:
    """Each audited table's records, in turn, but those checked elsewhere (see `_collect_records`)."""
    from checklist_app.store.verify_records import check_table  # it imports Problem from here

    existing_tables = set(inspect(conn).get_table_names())
    away = elsewhere.tables if elsewhere is not None else frozenset()
    checks: list[_TableCheck] = []
    for model in AUDITED_MODELS:
        name = object_type_of(model)
        if name in existing_tables:
            checks.append(name if name in away else check_table(conn, name, meter))
    return checks


def _collect_records(
    conn: Connection, report: VerifyReport, checks: list[_TableCheck], meter: _Meter, elsewhere: Elsewhere | None
) -> None:
    """The tables' checks into the report, in table order: those checked elsewhere once done there (or
    checked here if they were not), their problems reported in their place, as if checked here."""
    from checklist_app.store.verify_records import check_table

    for check in checks:
        if isinstance(check, str):
            name = check
            done = elsewhere.table_result(name, partial(meter.tick, name, 0)) if elsewhere is not None else None
            check = done if done is not None else check_table(conn, name, meter)
        report.records_checked += check[0]
        report.problems.extend(check[1])
