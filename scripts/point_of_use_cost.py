"""CPU cost of the point-of-use check (services/tamper_check.py) on opening a case and recording a step.

    python scripts/point_of_use_cost.py [--db URL-or-PATH] [--cases 200] [--rounds 8] [--calls 50]

Builds a demo database (in a temporary folder unless --db names one, which must be empty or a demo), then
alternates, round by round in the same process, the real services with the check and with it switched off
(its query and hash replaced by "matches"): `cases.case_detail` (opening a case: load, audit entry, commit)
and `steps.save_progress` (recording a step's evidence: audit entry, summary, commit). Prints the CPU time
per call (`time.process_time`, this process: SQLite's work included, a server's not) and the wall time.
A measurement, not a test: it asserts nothing and its figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from checklist_app.core.permissions import Actor
from checklist_app.demo.generator import generate
from checklist_app.demo.people import DEMO_PASSWORD
from checklist_app.services import accounts, admin, cases, steps, tamper_check
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store.models import Case, User

WORKABLE = ("not_started", "in_progress", "blocked")


def _target(ctx: ServiceContext) -> tuple[Actor, int, str]:
    """An open case, its officer signed in, and a step the officer can record on it now."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(Case.id, User.username)
            .join(User, User.id == Case.officer_id)
            .where(Case.status == "open")
            .order_by(Case.id)
        ).all()
    for case_id, username in rows:
        officer = accounts.log_on(ctx, username, DEMO_PASSWORD)
        for view in cases.case_detail(ctx, officer, case_id).steps:
            if view.can_work and view.applicable and view.status in WORKABLE and not view.unmet_dependencies:
                return officer, case_id, view.step_id
    raise SystemExit("no open case with a step its officer can record")


def _cpu_and_wall(calls: int, once: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        once()
    return (time.process_time() - cpu) / calls * 1000, (time.perf_counter() - wall) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    location = args.db or str(Path(folder.name) / "cost.db")
    actor = system_actor()
    ctx, _ = admin.initialise(location, actor)
    with ctx:
        with ctx.db.read() as session:
            existing = session.scalar(select(func.count()).select_from(Case)) or 0
        if not existing:
            generate(ctx, actor, cases=args.cases, seed=7, workers=0)
        officer, case_id, step_id = _target(ctx)
        real = tamper_check.matches_last_entry
        work = {
            "open case (case_detail)": lambda: cases.case_detail(ctx, officer, case_id),
            "record step (save_progress)": lambda: steps.save_progress(ctx, officer, case_id, step_id, {}),
        }
        figures: dict[tuple[str, bool], list[tuple[float, float]]] = {}
        for round_no in range(args.rounds):
            for checked in (round_no % 2 == 0, round_no % 2 != 0):  # alternate which goes first
                tamper_check.matches_last_entry = real if checked else (lambda _session, _obj: True)
                for name, once in work.items():
                    figures.setdefault((name, checked), []).append(_cpu_and_wall(args.calls, once))
        tamper_check.matches_last_entry = real
    print(f"{ctx.db.describe()}: case {case_id}, {args.rounds} rounds of {args.calls} calls each way")
    print(f"{'use case':<30}{'check':>7}{'CPU ms/call':>13}{'wall ms/call':>14}")
    for name in work:
        for checked in (False, True):
            cpu = statistics.median(c for c, _ in figures[(name, checked)])
            wall = statistics.median(w for _, w in figures[(name, checked)])
            print(f"{name:<30}{'on' if checked else 'off':>7}{cpu:>13.2f}{wall:>14.2f}")
    folder.cleanup()


if __name__ == "__main__":
    main()
