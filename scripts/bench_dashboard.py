"""Time the supervisor's team dashboard on a large demo database, through the real service.

    python scripts/bench_dashboard.py --db /tmp/d20k.db [--user supervisor] [--rounds 20]

Logs on as the demo supervisor (every demo account has the demo password) and builds the whole dashboard
(workload per officer, reviews due, overdue steps, intelligence, risk, missing episodes, directed actions,
and the audit entry for the view, committed) `--rounds` times after one warm-up; prints the median and the
95th percentile. The dashboard view writes one consultation entry per call, so use a scratch copy if the
database must stay as it was. A benchmark, not a test: it asserts nothing and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from sqlalchemy import func, select

from checklist_app.demo.people import DEMO_PASSWORD
from checklist_app.services import accounts, dashboard
from checklist_app.services.context import ServiceContext
from checklist_app.store.models import Case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="supervisor")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with ServiceContext.open(args.db) as ctx:
        actor = accounts.log_on(ctx, args.user, DEMO_PASSWORD)
        with ctx.db.read() as session:
            total = session.scalar(select(func.count()).select_from(Case))
            team_open = session.scalar(
                select(func.count()).select_from(Case).where(Case.team_id == actor.team_id, Case.status == "open")
            )
        board = dashboard.team_dashboard(ctx, actor)  # warm-up (procedure parse, caches)
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            board = dashboard.team_dashboard(ctx, actor)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{platform.python_version()} {platform.machine()}; {total:,} cases, team {board.team_name}: {team_open:,} open"
    )
    print(
        f"lines: {len(board.workload)} officers, {len(board.reviews)} reviews due, {len(board.overdue_steps)} cases "
        f"with overdue steps, {len(board.intelligence)} intelligence, {len(board.risk)} risk, "
        f"{len(board.missing)} missing, {len(board.actions)} actions"
    )
    print(f"team dashboard: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms over {len(times)} rounds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
