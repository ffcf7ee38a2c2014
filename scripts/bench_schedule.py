"""Benchmark (not a test): CPU time to compute the schedule and list figures of demo cases.

    python scripts/bench_schedule.py --db /tmp/demo400.db [--cases 400] [--repeat 5] [--against main --rounds 3]
    python scripts/bench_schedule.py --db /tmp/demo400.db --profile

Loads the cases once through the services' read-only loading (as verify's summary check does), then times
by CPU (`time.process_time`) what verify repeats per case: the case's situation (derived facts, event
times), `compute_schedule` and the list figures (`summary_values`), each case as of its stored summary's
`computed_at`; `compute_schedule` alone, from situations built beforehand; and the situation alone (what
the services build from the database rows before the core computes), from those read-only rows and from
ORM records as recording a step or opening a case loads them. Prints the CPU per case (the least of
--repeat passes) and a digest of every result.

With --against REV the same measure runs in child processes, alternating between the code of git revision
REV (extracted to a scratch directory) and the working tree, so both see the same machine load, and takes
the median over --rounds of each side; their digests must agree, since an optimisation must not change any
result. --profile prints the top of a cProfile run instead. The figures depend on the machine and its load;
compare the two sides of one run.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load(db: str, limit: int, *, read_only: bool = True) -> tuple[object, list[tuple[object, object]]]:
    from sqlalchemy import select

    from checklist_app.services import case_state as cs
    from checklist_app.services.context import ServiceContext
    from checklist_app.store.models import Case, CaseSummary

    ctx = ServiceContext.open(db, read_only=True)
    with ctx.db.read() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id).limit(limit)))
        moments = {
            s.case_id: s.computed_at
            for s in session.scalars(select(CaseSummary).where(CaseSummary.case_id.in_([c.id for c in cases])))
        }
        ids = [c.id for c in cases]
        loaded = cs.load_rows(session, ctx, ids) if read_only else cs.load_many(session, ctx, cases)
        session.expunge_all()  # detached with their values loaded, before the commit could expire them
    return ctx, [(one, _utc(moments[one.case.id])) for one in loaded]


def _utc(value: object) -> object:
    from datetime import UTC, datetime

    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _run_all(ctx: object, work: list[tuple[object, object]]) -> list[object]:
    from checklist_app.services import case_state as cs

    try:
        from checklist_app.services.case_summary import summary_values
    except ImportError:  # --against a revision from before the list's figures moved out of case_state
        summary_values = cs.summary_values  # type: ignore[attr-defined]

    results = []
    for loaded, now in work:
        schedule = cs.schedule_of(ctx, loaded, now)  # type: ignore[arg-type]
        values = summary_values(
            loaded.procedure,  # type: ignore[attr-defined]
            schedule,
            cs.current_risk_category(loaded),  # type: ignore[arg-type]
            now,  # type: ignore[arg-type]
            closed=loaded.case.status != "open",  # type: ignore[attr-defined]
        )
        results.append((schedule, values))
    return results


def _digest(results: list[object]) -> str:
    return hashlib.sha256(repr(results).encode("utf-8")).hexdigest()[:16]


def _schedules_only(ctx: object, prepared: list[tuple[object, object, object]]) -> None:
    from checklist_app.core.schedule import compute_schedule

    for loaded, situation, now in prepared:
        compute_schedule(loaded.procedure, situation, now, ctx.calendar)  # type: ignore[attr-defined]


def _situations(work: list[tuple[object, object]]) -> None:
    from checklist_app.services import case_state as cs

    for loaded, _ in work:
        cs.situation(loaded)  # type: ignore[arg-type]


def _least_per_case(run: object, count: int, repeat: int) -> float:
    """The least CPU milliseconds per case of `repeat` passes: other processes only ever add to a pass's
    CPU time (caches, shared cores)."""
    passes = []
    for _ in range(repeat):
        started = time.process_time()
        run()  # type: ignore[operator]
        passes.append((time.process_time() - started) * 1000 / max(count, 1))
    return min(passes)


def measure(db: str, limit: int, repeat: int) -> tuple[list[float], int, str]:
    """The least CPU milliseconds per case of `repeat` passes of: the whole of what verify repeats,
    `compute_schedule` alone (situations built beforehand), the situations alone from the read-only rows
    verify reads, and the situations alone from ORM records (as recording a step or opening a case loads
    them); the case count and the results' digest."""
    from checklist_app.services import case_state as cs

    ctx, work = _load(db, limit)
    _, orm_work = _load(db, limit, read_only=False)
    results = _run_all(ctx, work)  # warm-up: procedure plans, the calendar
    prepared = [(loaded, cs.situation(loaded), now) for loaded, now in work]  # type: ignore[arg-type]
    count = len(work)
    figures = [
        _least_per_case(lambda: _run_all(ctx, work), count, repeat),
        _least_per_case(lambda: _schedules_only(ctx, prepared), count, repeat),
        _least_per_case(lambda: _situations(work), count, repeat),
        _least_per_case(lambda: _situations(orm_work), count, repeat),
    ]
    return figures, count, _digest(results)


def profile(db: str, limit: int) -> None:
    ctx, work = _load(db, limit)
    _run_all(ctx, work)
    profiler = cProfile.Profile()
    profiler.enable()
    _run_all(ctx, work)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def _extract(rev: str, into: Path) -> Path:
    """The package as of `rev`, laid out so that it imports from `into` (the mapped data packages moved
    inside it, as an installed wheel has them)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "checklist_app", "resources", "sop", "forms"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for name in ("resources", "sop", "forms"):
        shutil.move(str(into / name), str(into / "checklist_app" / name))
    return into


def _child(path: Path, args: argparse.Namespace) -> tuple[list[float], str, str]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    command = [sys.executable, str(Path(__file__).resolve()), "--db", args.db]
    command += ["--cases", str(args.cases), "--repeat", str(args.repeat), "--child"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the measure failed with the code in {path}:\n{proc.stderr.strip()}")
    out = proc.stdout.split()
    return [float(x) for x in out[:FIGURES]], out[FIGURES + 1], out[FIGURES + 2]


FIGURES = 4  # see measure
LABELS = ("whole", "compute_only", "situation_rows", "situation_orm")


def compare(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench_schedule_") as tmp:
        old_tree = _extract(args.against, Path(tmp))
        figures: dict[str, list[list[float]]] = {"old": [], "new": []}
        digests: set[str] = set()
        for _ in range(args.rounds):
            for side, path in (("old", old_tree), ("new", ROOT)):
                measured, digest, where = _child(path, args)
                figures[side].append(measured)
                digests.add(digest)
                whole, alone, rows, orm = measured
                print(
                    f"{side:3} {whole:7.3f} ms CPU per case ({alone:.3f} in compute_schedule alone; situation "
                    f"{rows:.3f} from rows, {orm:.3f} from ORM records)  digest {digest}  ({where})"
                )
    before = [statistics.median(f[i] for f in figures["old"]) for i in range(FIGURES)]
    after = [statistics.median(f[i] for f in figures["new"]) for i in range(FIGURES)]
    same = len(digests) == 1
    parts = [
        f"{label}_before={b:.3f} {label}_after={a:.3f} {label}_speedup={b / a:.2f}x"
        for label, b, a in zip(LABELS, before, after, strict=True)
    ]
    print(f"RESULT schedule_cpu_ms_per_case {' '.join(parts)} identical={'yes' if same else 'NO'}")
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", help="git revision to compare with, in the same run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args.db, args.cases)
        return 0
    if args.against:
        return compare(args)
    figures, count, digest = measure(args.db, args.cases, args.repeat)
    import checklist_app

    if args.child:
        print(*figures, count, digest, Path(checklist_app.__file__).parent.parent)
    else:
        whole, alone, rows, orm = figures
        print(
            f"{count} cases: {whole:.3f} ms CPU per case, {alone:.3f} of it in compute_schedule; a situation "
            f"alone {rows:.3f} from read-only rows, {orm:.3f} from ORM records (least of {args.repeat} passes); "
            f"digest {digest}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
