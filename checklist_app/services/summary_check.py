"""Checking the case list's summary table against a recomputation from each case's records.

`case_summaries` is derived data: it is not in the audit chain, so an edit made with another tool (a
high-risk overdue case given risk category 0 and no due date) would hide the case from the list while
every chained record still verifies. `verify` recomputes each row as of the time it was last computed,
from the chained records, and names every row that differs.

A new version of the app may compute the list's figures differently; an upgrade (`init` after a schema
migration) rebuilds the rows that differ, so verify then holds the rows to the current rules. A change
to the rules must therefore ship with a migration, even an empty one.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.agreement import schedule_counting_awaiting
from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.schedule import compute_schedule
from checklist_app.services import case_state as cs
from checklist_app.services import summary_rows
from checklist_app.services.case_summary import expected_summary, open_actions
from checklist_app.services.context import ServiceContext
from checklist_app.services.step_agreement import awaiting_agreement, awaiting_agreement_many
from checklist_app.services.summary_rows import ChunkCase, load_chunk
from checklist_app.store.db import Database
from checklist_app.store.models import Case, CaseSummary
from checklist_app.store.verify import Problem, meter
from checklist_app.store.verify_records import audited_tables, check_table

# What the case list shows, sorts and filters by; computed_at and last_activity_at are bookkeeping.
COMPARED = (
    "phase_number",
    "phase_title",
    "next_due_step",
    "next_due_title",
    "next_due_at",
    "open_due",
    "steps_required",
    "steps_done",
    "risk_category",
    "complex_case",
)
_TABLE = "case_summaries"
_CHUNK = 500
# Cases from which the check runs in a worker process beside verify's store checks (see SummaryCheck);
# below this, starting the process costs more than it saves.
PARALLEL_FROM = 2000

Tick = Callable[[str, int, int], None]


def summary_problems(ctx: ServiceContext, progress: Tick | None = None) -> list[Problem]:
    problems, chunks = _plan(ctx)
    with ctx.db.read(snapshot=True) as session:
        for done, chunk in enumerate(chunks, start=1):
            problems.extend(_check_chunk(session, ctx, chunk))
            if progress is not None:
                progress("case list summaries", done, len(chunks))
    return sorted(problems, key=lambda p: p.record_id or 0)


def _plan(ctx: ServiceContext) -> tuple[list[Problem], list[list[int]]]:
    """Rows without a case and cases without a row, and the cases to recompute in chunks (by id)."""
    problems: list[Problem] = []
    with ctx.db.read(snapshot=True) as session:
        case_ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        summary_ids = set(session.scalars(select(CaseSummary.case_id)))
    for orphan in sorted(summary_ids - set(case_ids)):
        problems.append(Problem(_TABLE, orphan, None, "belongs to no case (case deleted outside the app?)"))
    for missing in [i for i in case_ids if i not in summary_ids]:
        problems.append(Problem(_TABLE, missing, None, "is missing: the case list does not show this case"))
    checked = [i for i in case_ids if i in summary_ids]
    return problems, [checked[start : start + _CHUNK] for start in range(0, len(checked), _CHUNK)]


def _check_chunk(session: Session, ctx: ServiceContext, chunk: list[int]) -> list[Problem]:
    """The problems of a chunk of cases. Cyclic garbage collection waits until the chunk is done: its rows
    and schedules are hundreds of thousands of objects that live until then, which the collector would
    otherwise walk again and again for nothing (a fifth of the time); they are freed when `_check` returns,
    before it is back on, so it then has little to walk."""
    with _collector_paused():
        return _check(session, ctx, chunk)


def _check(session: Session, ctx: ServiceContext, chunk: list[int]) -> list[Problem]:
    problems = []
    expected = _recompute(session, ctx, chunk)
    for case_id in chunk:
        known = expected.get(case_id)
        problem = known if isinstance(known, Problem) else _compare(session, ctx, case_id, known)
        if problem is not None:
            problems.append(problem)
    return problems


class SummaryCheck:
    """The summary check, started before verify's store checks and collected after them. On a large
    database a worker process checks, meanwhile, first the largest audited table's records (the store
    check verify would otherwise do alone: see `tables`), then chunks of cases: independent reads (the
    store checks hash every row; this recomputes every case's schedule). When the store checks are done,
    this process takes back the chunks the worker has not started, from the last one down, and checks
    them while the worker finishes its own, so on two cores both stay busy to the end and verify takes
    about half their sum. Spawned, not forked, as the demo's workers (a forked copy of a process running
    Qt is not safe); a table or chunk the worker cannot check is checked here.

    It is verify's `Elsewhere` (store/verify.py) for the table the worker checks."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._pool: ProcessPoolExecutor | None = None
        self._plan: tuple[list[Problem], list[list[int]]] | None = None
        self._futures: list[Future[list[Problem]]] = []
        self._tables: dict[str, Future[tuple[int, list[Problem]] | None]] = {}
        self._rows: Any = None  # the worker's count of records checked, in shared memory
        try:
            self._plan = _plan(ctx)
            largest = _largest_table(ctx)
        except Exception:  # a damaged file: the store checks report it, and then this check is not run
            return
        chunks = self._plan[1]
        if sum(len(c) for c in chunks) < PARALLEL_FROM:
            return
        try:
            spawn = multiprocessing.get_context("spawn")
            self._rows = spawn.Value("q", 0, lock=False)
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=spawn,
                initializer=_open_worker,
                initargs=(ctx.db.url, ctx.calendar, self._rows),
            )
            if largest is not None:  # first: the longest single piece of work
                self._tables[largest] = self._pool.submit(_worker_table, largest)
            procedures = _procedures(ctx)
            if procedures:  # parsed here (where the chunks taken back need them anyway), not again there
                self._pool.submit(_worker_procedures, procedures)
            self._futures = [self._pool.submit(_worker_chunk, chunk) for chunk in chunks]
        except OSError:  # no process could be started: checked here when collected
            self.close()

    @property
    def tables(self) -> frozenset[str]:
        """The audited tables whose records the worker checks."""
        return frozenset(self._tables)

    def rows_done(self) -> int:
        return int(self._rows.value) if self._rows is not None else 0

    def table_result(self, name: str, waiting: Callable[[], None]) -> tuple[int, list[Problem]] | None:
        future = self._tables.pop(name, None)
        if future is None or future.cancel():  # not started yet: quicker checked here
            return None
        while True:
            try:
                return future.result(timeout=_WAIT)
            except TimeoutError:
                waiting()
            except Exception:  # the worker failed (killed, out of memory): checked here instead
                return None

    @property
    def elsewhere(self) -> SummaryCheck | None:
        """This, if the worker checks a table for verify's store checks."""
        return self if self._tables else None

    def problems(self, progress: Tick | None = None) -> list[Problem]:
        """The summary problems: the worker's chunks and the ones checked here (all of them if there is no
        worker)."""
        try:
            if self._plan is None:
                return summary_problems(self._ctx, progress)
            problems, chunks = self._plan
            problems = list(problems)
            futures: list[Future[list[Problem]] | None] = [*self._futures] or [None] * len(chunks)
            done = 0

            def tick() -> None:
                if progress is not None:
                    progress("case list summaries", done, len(chunks))

            here: list[list[int]] = []
            with self._ctx.db.read(snapshot=True) as session:
                # Take back unstarted chunks from the end while the worker works from the start.
                for chunk, future in zip(reversed(chunks), reversed(futures), strict=True):
                    if future is not None and not future.cancel():
                        break
                    problems.extend(_check_chunk(session, self._ctx, chunk))
                    here.append(chunk)
                    done += 1
                    tick()
                for chunk, future in zip(chunks, futures, strict=True):
                    if future is None or future.cancelled():
                        continue
                    try:
                        found = future.result()
                    except Exception:  # the worker failed (killed, out of memory): check here instead
                        found = _check_chunk(session, self._ctx, chunk)
                    problems.extend(found)
                    done += 1
                    tick()
            return sorted(problems, key=lambda p: p.record_id or 0)
        finally:
            self.close()

    @property
    def in_worker(self) -> bool:
        return bool(self._futures)

    def close(self, wait: bool = True) -> None:
        """Stop the worker once its current table or chunk is done; with `wait`, wait for that."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
        self._pool, self._futures, self._tables = None, [], {}


_WAIT = 0.25  # seconds between progress ticks while waiting for the worker's table


def _largest_table(ctx: ServiceContext) -> str | None:
    with ctx.db.engine.connect() as conn:
        sizes = audited_tables(conn)
    return max(sizes, key=lambda size: size[1])[0] if sizes else None


_worker_ctx: ServiceContext | None = None
_worker_rows: Any = None


def _open_worker(url: str, calendar: WorkingCalendar, rows: Any) -> None:
    """In the worker process: one read-only context for all its chunks (procedures parsed once)."""
    global _worker_ctx, _worker_rows
    _worker_ctx = ServiceContext(Database(url, read_only=True), calendar=calendar)
    _worker_rows = rows


def _procedures(ctx: ServiceContext) -> dict[int, Procedure]:
    """The cases' procedure versions, parsed (and kept in `ctx`); {} if one cannot be read (the worker then
    meets it with its chunks, as it would have)."""
    try:
        with ctx.db.read() as session:
            versions = list(session.scalars(select(Case.procedure_version_id).distinct()))
            return {version: ctx.procedure(session, version) for version in versions}
    except Exception:
        return {}


def _worker_procedures(procedures: dict[int, Procedure]) -> None:
    """In the worker process: the procedures parsed by verify's process (a pickled copy costs a hundredth
    of parsing the text again), before its first chunk."""
    global _worker_ctx
    assert _worker_ctx is not None  # set by the pool's initializer
    ctx = _worker_ctx
    _worker_ctx = ServiceContext(ctx.db, calendar=ctx.calendar, _procedures={**ctx._procedures, **procedures})


def _worker_table(name: str) -> tuple[int, list[Problem]] | None:
    """An audited table's store check, as verify does it; None if it could not be done here (a damaged
    file: verify's own process then checks the table and reports what it finds)."""
    assert _worker_ctx is not None  # set by the pool's initializer

    def count(_stage: str, done: int, _total: int) -> None:
        _worker_rows.value = done

    try:
        with _worker_ctx.db.snapshot() as conn:
            return check_table(conn, name, meter(count))
    except Exception:
        return None


def _worker_chunk(chunk: list[int]) -> list[Problem]:
    assert _worker_ctx is not None  # set by the pool's initializer
    with _worker_ctx.db.read(snapshot=True) as session:
        return _check_chunk(session, _worker_ctx, chunk)


# A case's stored summary row (an ORM object or a plain row with the same attributes) and the values
# recomputed from its records.
_Known = tuple[Any, dict[str, object]]


def _recompute(session: Session, ctx: ServiceContext, case_ids: list[int]) -> dict[int, Problem | _Known]:
    """Expected summary values per case, loading the chunk's records in a few queries as plain rows (see
    `load_chunk`, and `load_rows` when a step record holds a value its type would refuse); {} when the chunk
    cannot be read in one go (a wrong-type value somewhere), so each case is then read alone."""
    try:
        # Every column of the summaries: one of the wrong type is named here, as the ORM would.
        summaries = {
            row.case_id: row
            for row in session.connection().execute(
                select(*CaseSummary.__table__.c).where(CaseSummary.case_id.in_(case_ids))
            )
        }
        fast = load_chunk(session, ctx, case_ids)
        loaded = [one.loaded for one in fast] if fast is not None else cs.load_rows(session, ctx, case_ids)
        actions = open_actions(session, case_ids)
    except Exception:  # a wrong-type value somewhere: read each case alone, which names the row
        # Not a rollback: that would end the read transaction every later case is read in.
        session.expunge_all()
        return {}
    try:
        awaiting: dict[int, frozenset[str]] | None = awaiting_agreement_many(
            session, [one for one in loaded if one.case.status == "open"]
        )
    except Exception:  # a signature that cannot be read: worked out case by case, which names the case
        awaiting = None
    read = {one.loaded.case.id: one for one in fast} if fast is not None else {}
    expected: dict[int, Problem | _Known] = {}
    for one in loaded:
        summary = summaries[one.case.id]
        try:
            moment = _utc(summary.computed_at)
            case_actions = actions.get(one.case.id, [])
            chunk_case = read.get(one.case.id)
            if chunk_case is not None:
                values = _figures(session, ctx, chunk_case, moment, case_actions, awaiting)
            else:
                marked = awaiting.get(one.case.id) if awaiting is not None else None
                values = expected_summary(session, ctx, one, moment, case_actions, awaiting=marked)
        except Exception as exc:  # as in _compare
            expected[one.case.id] = _unreadable(one.case.id, exc)
            continue
        expected[one.case.id] = (summary, values)
    return expected


def _figures(
    session: Session,
    ctx: ServiceContext,
    one: ChunkCase,
    now: datetime,
    actions: list[tuple[datetime, str]],
    awaiting: dict[int, frozenset[str]] | None,
) -> dict[str, object]:
    """`expected_summary` of a case read by `load_chunk`: its schedule from the states read with its records
    (not built again from them), counting the steps awaiting agreement, handed to `expected_summary` whole."""
    loaded = one.loaded
    marked: frozenset[str] = frozenset()
    if loaded.case.status == "open":  # a closed case has none awaiting (see expected_summary)
        found = awaiting.get(loaded.case.id) if awaiting is not None else None
        marked = found if found is not None else awaiting_agreement(session, loaded)
    situation = summary_rows.situation(one)
    if marked:
        schedule = schedule_counting_awaiting(loaded.procedure, situation, now, ctx.calendar, marked, figures_only=True)
    else:
        schedule = compute_schedule(loaded.procedure, situation, now, ctx.calendar, figures_only=True)
    # The schedule already counts the steps awaiting agreement: none are left for expected_summary to count.
    return expected_summary(session, ctx, loaded, now, actions, schedule=schedule, awaiting=frozenset())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection off while the block runs (back on after it, if it was on): what the block
    leaves is collected then, once. Reference counting frees everything else as usual meanwhile."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _compare(session: Session, ctx: ServiceContext, case_id: int, known: _Known | None) -> Problem | None:
    if known is None:
        try:
            summary = session.get_one(CaseSummary, case_id)
            loaded = cs.load_for(session, ctx, session.get_one(Case, case_id))
            known = (summary, expected_summary(session, ctx, loaded, _utc(summary.computed_at)))
        except Exception as exc:  # wrong-type values or a damaged procedure version, which the record
            # checks report already; say why this row could not be checked and go on.
            session.expunge_all()
            return _unreadable(case_id, exc)
    summary, expected = known
    differing = [name for name in COMPARED if not _same(getattr(summary, name), expected[name])]
    if not differing:
        return None
    return Problem(
        _TABLE,
        case_id,
        None,
        f"does not match the case's records ({', '.join(differing)}): the case list misstates this case "
        "(changed outside the app?)",
    )


def _unreadable(case_id: int, exc: Exception) -> Problem:
    # The summary table is not among the records verify's type checks read, so its own bad value is named here.
    table, _, column = str(getattr(exc, "where", "")).partition(".")
    if table == _TABLE:
        return Problem(
            _TABLE, case_id, None, f"column {column} holds a value of the wrong type (written outside the app?)"
        )
    return Problem(_TABLE, case_id, None, f"could not be recomputed ({type(exc).__name__}); see the problems above")


def rebuild_summaries(ctx: ServiceContext) -> int:
    """Recompute every case's summary row as of when it was computed and rewrite the rows that differ;
    the number rewritten. Derived data, so not audited: the chained records it comes from are."""
    with ctx.db.write() as session:
        return rebuild_summaries_in(session, ctx)


def rebuild_summaries_in(session: Session, ctx: ServiceContext) -> int:
    """`rebuild_summaries` inside a transaction the caller owns (an upgrade's, so that a crash leaves either
    the old schema or the new one with its summaries rebuilt, never the new one with stale summaries)."""
    rebuilt = 0
    for case in list(session.scalars(select(Case).order_by(Case.id))):
        summary = session.get(CaseSummary, case.id)
        moment = _utc(summary.computed_at) if summary is not None else ctx.clock()
        loaded = cs.load_for(session, ctx, case)
        expected = expected_summary(session, ctx, loaded, moment)
        if summary is None:
            session.add(CaseSummary(case_id=case.id, last_activity_at=moment, **expected))
        elif all(_same(getattr(summary, name), expected[name]) for name in COMPARED):
            continue
        else:
            for name in COMPARED:
                setattr(summary, name, expected[name])
        rebuilt += 1
    return rebuilt


def _same(stored: object, expected: object) -> bool:
    if isinstance(stored, datetime) and isinstance(expected, datetime):
        return _utc(stored) == _utc(expected)
    if isinstance(stored, list) and isinstance(expected, list):
        pairs = zip(stored, expected, strict=False)
        return len(stored) == len(expected) and all(_close(a, b) for a, b in pairs)
    return stored == expected


def _close(a: object, b: object) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-3  # type: ignore[arg-type]  # any value: not a number is caught
    except (TypeError, ValueError):
        return False


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
