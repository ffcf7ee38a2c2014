"""Latency of the busiest use cases on a large demo database, through the real services with real commits.

    python scripts/bench_services.py --db PATH [--create --cases 20000 --seed 2016] [--samples 200] [--in-place]

Measures, each `--samples` times after a short warm-up:
  open case     a new case, with its audit entry and list summary, committed
  record step   completing a step with evidence on an existing demo case, with its audit entry, committed
  case detail   everything about one existing case (the view is audited as a consultation, committed)
and prints the median and 95th percentile in milliseconds, with the database size and case count.

With --create the demo database is made first (`checklist-app demo`) unless it already holds cases. A SQLite
database is measured on a scratch copy made with the backup API (deleted afterwards), so the database named
stays as it was and can be reused; --in-place measures on it directly, as it must for PostgreSQL.
This is a benchmark, not a test: it asserts nothing and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from checklist_app.cli.main import main as cli_main
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import FieldType, Step
from checklist_app.demo.people import DEMO_PASSWORD
from checklist_app.services import accounts, case_opening, cases, steps
from checklist_app.services.context import ServiceContext
from checklist_app.store.backup import sqlite_backup
from checklist_app.store.db import resolve_url, sqlite_path
from checklist_app.store.models import AuditEntry, Case, District, StepRecord, User

WARM_UP = 5
WORKABLE = ("not_started", "in_progress", "blocked")


@dataclass
class Timing:
    name: str
    samples: list[float]

    def row(self) -> str:
        ordered = sorted(self.samples)
        p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94] if len(ordered) > 1 else ordered[0]
        return (
            f"{self.name:<34}{len(ordered):>8}{statistics.median(ordered):>11.1f}{p95:>10.1f}"
            f"{statistics.fmean(ordered):>10.1f}{ordered[-1]:>10.1f}"
        )


def _time(call: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    call(*args)
    return (time.perf_counter() - started) * 1000


def _evidence(step: Step, now: datetime) -> dict[str, object]:
    """Plausible values for every field of a step, as an officer would type them."""
    values: dict[str, object] = {}
    for spec in step.evidence:
        values[spec.id] = {
            FieldType.TEXT: "Recorded for the benchmark",
            FieldType.LONGTEXT: "Line one of the account.\nLine two of the account.",
            FieldType.REFERENCE: "BENCH/2026/0001",
            FieldType.CHOICE: spec.choices[0] if spec.choices else "",
            FieldType.YESNO: "yes",
            FieldType.NUMBER: 1,
            FieldType.DATE: now.date().isoformat(),
            FieldType.DATETIME: (now - timedelta(hours=1)).isoformat(timespec="minutes"),
        }[spec.type]
    return values


class Bench:
    def __init__(self, ctx: ServiceContext, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.actors: dict[int, Actor] = {}

    def actor(self, user_id: int) -> Actor:
        if user_id not in self.actors:
            with self.ctx.db.read() as session:
                username = session.get(User, user_id).username  # type: ignore[union-attr]
            self.actors[user_id] = accounts.log_on(self.ctx, username, DEMO_PASSWORD)
        return self.actors[user_id]

    def open_cases(self, count: int) -> list[tuple[int, int]]:
        """(case id, officer id) of random open cases that have an officer in charge."""
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Case.id, Case.officer_id).where(Case.status == "open", Case.officer_id.is_not(None))
            ).all()
        return [(r.id, r.officer_id) for r in self.rng.sample(rows, min(count, len(rows)))]

    def measure_open_case(self, samples: int) -> Timing:
        officer = self.actor(self.open_cases(1)[0][1])
        with self.ctx.db.read() as session:
            code = session.scalar(select(District.code).where(District.id == officer.district_id))
        assert code is not None

        def once(i: int) -> None:
            form = case_opening.NewCase(
                district_code=code,
                referral_at=self.ctx.now() - timedelta(hours=1),
                referral_source="Education",
                subject_ref=f"SC-9{i:05d}",
                age_band="13-15",
            )
            case_opening.open_case(self.ctx, officer, form)

        for i in range(WARM_UP):
            once(i)
        return Timing("open case", [_time(once, WARM_UP + i) for i in range(samples)])

    def _plan_steps(self, count: int) -> list[tuple[Actor, int, str, dict[str, object]]]:
        """Steps the officer in charge could complete right now on random open cases (found untimed)."""
        plan: list[tuple[Actor, int, str, dict[str, object]]] = []
        for case_id, officer_id in self.open_cases(count * 4):
            officer = self.actor(officer_id)
            detail = cases.case_detail(self.ctx, officer, case_id)
            with self.ctx.db.read() as session:
                procedure = self.ctx.procedure(session, detail.procedure_version_id)
            for view in detail.steps:
                if view.can_work and view.applicable and view.status in WORKABLE and not view.unmet_dependencies:
                    step = procedure.step(view.step_id)
                    plan.append((officer, case_id, step.id, _evidence(step, self.ctx.now())))
                    break
            if len(plan) == count:
                break
        return plan

    def measure_record_step(self, samples: int) -> tuple[Timing, int]:
        plan = self._plan_steps(samples + WARM_UP)
        timings: list[float] = []
        refused = 0
        for n, (actor, case_id, step_id, evidence) in enumerate(plan):
            try:
                elapsed = _time(steps.complete_step, self.ctx, actor, case_id, step_id, evidence)
            except Exception as exc:  # a step whose evidence this script cannot fill in: reported, not timed
                refused += 1
                print(f"  skipped {step_id} on case {case_id}: {exc}", file=sys.stderr)
                continue
            if n >= WARM_UP:
                timings.append(elapsed)
        return Timing("record step (commit + audit)", timings), refused

    def measure_case_detail(self, samples: int) -> Timing:
        picks = self.open_cases(samples + WARM_UP)
        actors = [self.actor(officer_id) for _, officer_id in picks]  # log on first, untimed
        timings = [
            _time(cases.case_detail, self.ctx, actor, case_id)
            for actor, (case_id, _) in zip(actors, picks, strict=True)
        ]
        return Timing("case detail (audited view)", timings[WARM_UP:])


def _database_facts(ctx: ServiceContext) -> str:
    with ctx.db.read() as session:
        case_count = session.scalar(select(func.count()).select_from(Case)) or 0
        step_count = session.scalar(select(func.count()).select_from(StepRecord)) or 0
        audit_count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        if ctx.db.is_sqlite:
            size = sum(p.stat().st_size for p in ctx.db.path.parent.glob(ctx.db.path.name + "*"))  # type: ignore[union-attr]
            engine = f"SQLite {sqlite3.sqlite_version}"
        else:
            size = int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
            engine = str(session.scalar(text("SHOW server_version")))
    return (
        f"{size / 1e6:,.1f} MB, {case_count:,} cases, {step_count:,} step records, {audit_count:,} audit entries "
        f"({engine})"
    )


def _create(location: str, cases_wanted: int, seed: int) -> None:
    path = sqlite_path(resolve_url(location))
    if path is not None and path.exists():
        ctx = ServiceContext.open(location)
        try:
            with ctx.db.read() as session:
                existing = session.scalar(select(func.count()).select_from(Case)) or 0
        finally:
            ctx.close()
        if existing:
            print(f"{location} already holds {existing:,} cases; using it as it is")
            return
    print(f"creating the demo database ({cases_wanted:,} cases, seed {seed}); this takes a few minutes")
    status = cli_main(["--db", location, "demo", "--cases", str(cases_wanted), "--seed", str(seed)])
    if status:
        raise SystemExit(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file or database URL")
    parser.add_argument("--create", action="store_true", help="make the demo database first if it has no cases")
    parser.add_argument("--cases", type=int, default=20000, help="cases for --create (default 20000)")
    parser.add_argument("--seed", type=int, default=2016, help="seed for --create (default 2016)")
    parser.add_argument("--samples", type=int, default=200, help="timed calls per operation (default 200)")
    parser.add_argument("--in-place", action="store_true", help="measure on the database itself, not a copy")
    parser.add_argument("--rng", type=int, default=1, help="seed for choosing cases (default 1)")
    args = parser.parse_args(argv)

    if args.create:
        _create(args.db, args.cases, args.seed)
    location, scratch = args.db, None
    source = sqlite_path(resolve_url(args.db))
    if source is not None and not args.in_place:
        scratch = source.with_name(f"{source.stem}.bench-scratch{source.suffix}")
        scratch.unlink(missing_ok=True)
        started = time.perf_counter()
        sqlite_backup(source, scratch)
        print(f"measuring on a scratch copy {scratch} (copied in {time.perf_counter() - started:.1f} s)")
        location = str(scratch)
    ctx = ServiceContext.open(location)
    try:
        facts = _database_facts(ctx)
        bench = Bench(ctx, random.Random(args.rng))
        opened = bench.measure_open_case(args.samples)
        recorded, refused = bench.measure_record_step(args.samples)
        detail = bench.measure_case_detail(args.samples)
    finally:
        ctx.close()
        if scratch is not None:
            for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
                leftover.unlink(missing_ok=True)

    print()
    print(f"checklist-app service latency, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"database: {args.db}: {facts}")
    print(f"machine: {platform.platform()}, Python {platform.python_version()}")
    print()
    print(f"{'operation':<34}{'samples':>8}{'median ms':>11}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for timing in (opened, recorded, detail):
        print(timing.row())
    if refused:
        print(f"({refused} planned step completions were refused and not timed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
