"""`checklist-app demo`: a synthetic force with cases at every stage.

Cases are simulated (`simulation`), turned into rows with their state hashes (`rows`, in worker
processes for large runs) and written in batches through the bulk writer, with the same audit entries
the services would write, so `verify` holds on demo data exactly as on real data.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from checklist_app.core.permissions import Action, Actor, require
from checklist_app.demo.agreements import sign_demo_agreements
from checklist_app.demo.people import DISTRICT_WEIGHTS, Staff, ensure_staff
from checklist_app.demo.rows import CasePlan, DemoVersions, DemoWriting, PreparedCase, demo_who, prepare_many
from checklist_app.services import procedures
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import Conflict
from checklist_app.store.bulk import BulkWriter, ReadyRow
from checklist_app.store.models import Case, District, IntelligenceItem, ProcedureVersion

BATCH = 400
# Cases opened in this span before the demo date are on the newest procedure version; older cases stay on
# the version before it, so moving a case to the newer version can be tried.
NEWEST_VERSION_SPAN = timedelta(days=60)
PARALLEL_FROM = 1000  # cases; below this, starting worker processes costs more than it saves


@dataclass
class DemoReport:
    cases: int = 0
    closed: int = 0
    step_records: int = 0
    intelligence: int = 0
    risk_assessments: int = 0
    missing_episodes: int = 0
    agreements: int = 0  # supervisors' agreements that a mandatory step does not apply
    seconds: float = 0.0
    as_of: datetime | None = None

    def describe(self) -> str:
        return (
            f"demo data: {self.cases} cases ({self.closed} closed), {self.step_records} step records, "
            f"{self.intelligence} intelligence items, {self.risk_assessments} risk assessments, "
            f"{self.missing_episodes} missing episodes; as of {self.as_of:%Y-%m-%d %H:%M} UTC; "
            f"{self.seconds:.1f} s"
        )


def default_as_of(now: datetime) -> datetime:
    """Start of the current UTC day: the same seed on the same day gives the same force."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    ctx: ServiceContext,
    actor: Actor,
    *,
    cases: int,
    seed: int,
    as_of: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> DemoReport:
    """Build `cases` synthetic cases. From PARALLEL_FROM cases on, cases are prepared in worker processes
    (`workers`, default: one per core) while this process writes; the data is the same either way."""
    require(actor, Action.USER_MANAGE)
    started = time.monotonic()
    say = progress or (lambda _m: None)
    with ctx.db.read() as session:
        existing = session.scalar(select(func.count()).select_from(Case)) or 0
    if existing:
        raise Conflict(f"The database already holds {existing} cases; demo data goes into a database without cases.")
    staff = ensure_staff(ctx, actor)
    with ctx.db.read() as session:
        rows = session.scalars(
            select(ProcedureVersion)
            .where(ProcedureVersion.procedure_id == "cse-sop")
            .order_by(ProcedureVersion.id.desc())
        ).all()
        if not rows:
            procedures.find_version(session, "cse-sop")  # raises NotFound with the words to publish one
        newest = (rows[0].id, rows[0].source_text)
        older = (rows[1].id, rows[1].source_text) if len(rows) > 1 else None
        districts = {d.code: d.id for d in session.scalars(select(District))}
        first_case_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
    as_of = as_of or default_as_of(ctx.now())
    versions = DemoVersions(newest, older, as_of - NEWEST_VERSION_SPAN)
    writing = DemoWriting(staff.usernames, ctx.db.engine.dialect.name == "sqlite")
    plans = _plans(random.Random(seed), staff, districts, first_case_id, cases)
    batches = [plans[i : i + BATCH] for i in range(0, len(plans), BATCH)]
    report = DemoReport(as_of=as_of)
    references: dict[tuple[str, int], int] = {}
    done = 0
    for prepared_batch in _prepared(batches, versions, as_of, writing, _worker_count(cases, workers)):
        with ctx.db.bulk_write() as conn:
            writer = BulkWriter(conn)
            if writer.next_id("cases") != prepared_batch[0].plan.case_id:
                raise Conflict(_interrupted(done))
            for prepared in prepared_batch:
                _write_case(writer, staff, prepared, references, report)
            writer.flush()
        done += len(prepared_batch)
        say(f"demo: {done}/{cases} cases written")
    report.agreements = sign_demo_agreements(ctx, staff.names, staff.usernames, as_of)
    say(f"demo: {report.agreements} not-applicable agreements signed")
    report.seconds = time.monotonic() - started
    return report


def _interrupted(done: int) -> str:
    """The demo numbers its cases before writing them: a case added meanwhile (another demo, a user)
    takes a number it planned, so it stops, between two whole batches."""
    return (
        "Another program or user added cases to the database while the demo data was being written, so the "
        f"demo stopped after {done} whole case(s). Fill an empty database with demo data while nobody else "
        "uses it."
    )


def _plans(
    rng: random.Random, staff: Staff, districts: dict[str, int], first_case_id: int, cases: int
) -> list[CasePlan]:
    codes, weights = zip(*DISTRICT_WEIGHTS.items(), strict=True)
    plans = []
    for i in range(cases):
        code = rng.choices(codes, weights=weights)[0]
        people = _people(rng, staff, code)
        plans.append(CasePlan(first_case_id + i, rng.getrandbits(63), code, districts[code], people))
    return plans


def _worker_count(cases: int, requested: int | None) -> int:
    if requested is not None:
        return max(0, requested)
    if cases < PARALLEL_FROM:
        return 0
    # One per core, not per spare core: the writer only numbers, chains and inserts what the workers made
    # ready, a fraction of their work per case, so it shares a core with them.
    return max(1, min(4, os.cpu_count() or 1))


def _prepared(
    batches: list[list[CasePlan]], versions: DemoVersions, as_of: datetime, writing: DemoWriting, workers: int
) -> Iterator[list[PreparedCase]]:
    """Prepared batches in order. With workers, a few batches are prepared ahead while one is written;
    spawned (not forked) processes, because a forked copy of a process running Qt is not safe."""
    if workers == 0:
        for batch in batches:
            yield prepare_many(batch, versions, as_of, writing)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[PreparedCase]]] = deque()
        queue = iter(batches)
        for batch in itertools.islice(queue, workers * 2):
            pending.append(pool.submit(prepare_many, batch, versions, as_of, writing))
        while pending:
            result = pending.popleft().result()
            batch = next(queue, None)
            if batch is not None:
                pending.append(pool.submit(prepare_many, batch, versions, as_of, writing))
            yield result


def _people(rng: random.Random, staff: Staff, code: str) -> dict[str, int]:
    team = rng.choice(staff.teams[code])
    supervisors = staff.supervisors[team]
    return {
        "team": team,
        "officer": rng.choice(staff.investigators[team]),
        "supervisor": supervisors[0],
        "supervisor2": supervisors[-1],
        "intel": rng.choice(staff.intel[code]),
    }


def _reference(references: dict[tuple[str, int], int], code: str, when: datetime) -> str:
    key = (code, when.year)
    references[key] = references.get(key, 0) + 1
    return f"CSE-{code}-{when.year}-{references[key]:05d}"


def _write_case(
    writer: BulkWriter,
    staff: Staff,
    prepared: PreparedCase,
    references: dict[tuple[str, int], int],
    report: DemoReport,
) -> None:
    plan, case = prepared.plan, prepared.case
    case.values["reference"] = _reference(references, plan.district, case.values["opened_at"])
    usernames = staff.usernames
    case_id = writer.add(Case, case.values, who=demo_who(usernames, case.actor), at=case.at, action=case.action)
    if case_id != plan.case_id:
        raise RuntimeError(f"demo case numbered {case_id}, planned as {plan.case_id}")
    add_ready = writer.add_ready
    for row in prepared.rows:
        if isinstance(row, ReadyRow):
            add_ready(row)
            continue
        if row.model is IntelligenceItem:
            submitted: datetime = row.values["submitted_at"]
            row.values["reference"] = f"INT-{submitted.year}-{writer.next_id('intelligence_items'):06d}"
        writer.add(
            row.model, row.values, who=demo_who(usernames, row.actor), at=row.at, action=row.action, case_id=case_id
        )
    writer.summary({**prepared.summary, "case_id": case_id})
    report.cases += 1
    report.closed += int(prepared.closed)
    report.step_records += prepared.counts["step_records"]
    report.intelligence += prepared.counts["intelligence"]
    report.risk_assessments += prepared.counts["risk_assessments"]
    report.missing_episodes += prepared.counts["missing_episodes"]
