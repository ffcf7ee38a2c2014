"""Benchmark (not a test): how fast the desktop app shows a populated case list, and how fast filters react.

    python scripts/bench_gui.py --db /tmp/bench20k.db [--create --cases 20000] [--user auditor]

Measures, offscreen, with the real widgets and services:
  * start-up: from creating the application to the case list showing its first rows, for a signed-in user
    (log-on itself excluded; its Argon2 check is deliberately slow);
  * filtering: each filter and search change applied to the full list (median and 95th percentile);
  * sorting by each column;
  * opening a case: from the call the list's double-click makes to the workspace drawn with the case
    loaded (its service call on the worker thread included), for cases spread over the list;
  * step selection: moving the selection in the open case's step table, to its detail pane drawn (and, in
    alternate moves, by the earlier measure: a repaint of the whole workspace), in a 1440x900 window; then
    the same in a fresh workspace of the case left alone for --read-ms first (as a user reads the case);
  * peak memory (the process's maximum resident set size) with the whole list shown and five cases open;
  * the start-up baseline of issue 13, in the same run: a bare PySide6 window with a table (a fresh Python
    process, from its start to the window drawn) plus the list's SQL replayed on a raw database cursor.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# A bare window with an empty table, timed from the start of its own Python process to the window drawn.
BARE_WINDOW = """
import time
started = time.perf_counter()
cpu_started = time.process_time()
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTableWidget(0, 8))
window.resize(1200, 800)
window.show()
app.processEvents()
print(time.perf_counter() - started, time.process_time() - cpu_started)
"""


def bare_window_s() -> float:
    return bare_window()[0]


def bare_window() -> tuple[float, float]:
    """The bare window's wall-clock and processor time, in seconds."""
    done = subprocess.run([sys.executable, "-c", BARE_WINDOW], capture_output=True, text=True, check=True)
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def raw_list_query_s(ctx, actor) -> float:  # type: ignore[no-untyped-def]
    """The case list's SQL (captured from the service the list calls) replayed on a raw cursor."""
    # bench_reports sits beside this script (the script's folder is on the path): one capture and replay.
    from bench_reports import captured, replay

    from checklist_app.services import case_list

    _, statements, _ = captured(ctx, lambda: case_list.list_cases(ctx, actor, case_list.CaseFilter(status="all")))
    return replay(ctx, statements)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kibibytes on Linux; MB here are MiB


def rss_now_mb() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return None


# A desktop window, for the step selection: offscreen's screen is 800x600, and the case workspace is wider, so
# at the window's default size the steps panel's detail pane lay outside the window and was never drawn.
STEP_WINDOW = (1440, 900)


def step_selection(  # type: ignore[no-untyped-def]
    app, window, workspace, drawn_ms: list[float], repaint_ms: list[float], cpu: dict[str, list[float]], flip: bool
) -> None:
    """Move the selection through the first 12 rows of the open case's step table, timing each move one of
    two ways, alternately (the first way swapped from case to case):

    * drawn: from the selection to the step's detail pane painted (for the last time) by the event loop, as
      after a click: the slot, the layout and the paint of what changed;
    * repaint (the measure used before 3 December): a synchronous repaint of the whole workspace, then the
      event loop (which lays out and paints the changed parts again).

    `cpu` gets the processor time of each (the worker thread is idle meanwhile): wall-clock time on a
    shared machine is mostly waiting for a core.

    Before the first move the window, just resized to STEP_WINDOW, is left to finish laying itself out and
    painting (until three event-loop passes paint nothing): one pass left about half of it undone, so the
    first move of every case paid for the resize (20-40 ms of processor time against 15-20 for the next
    moves; about one move in five, so it set the p95). A user's first click comes long after. With
    BENCH_STEP_NO_SETTLE=1 set, the moves start after one pass, as before 3 December 19:50 UTC."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCount(QObject):
        count = 0

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    drawn_cpu_ms, repaint_cpu_ms = cpu.setdefault("drawn", []), cpu.setdefault("repaint", [])
    size = window.size()
    window.resize(*STEP_WINDOW)
    app.processEvents()
    if not os.environ.get("BENCH_STEP_NO_SETTLE"):
        settle(app)
    pane = workspace.steps.ui.stepDetail
    painted = PaintCount()
    pane.installEventFilter(painted)
    table, model = workspace.steps.ui.stepTable, workspace.steps.step_model
    for r in range(min(model.rowCount(), 12)):
        if table.currentIndex().row() == r:
            continue  # already selected (the step the case opened on): nothing moves, nothing to time
        before = painted.count
        t, t_cpu = time.perf_counter(), time.process_time()
        table.setCurrentIndex(model.index(r, 0))
        if (r % 2 == 0) == flip:
            # The pane is often painted again a few event-loop passes after its first paint (a field's text
            # laid out late): the move ends at the end of the last pass that painted it, once three passes
            # in a row have not.
            done, done_cpu, quiet = t, t_cpu, 0
            while quiet < 3 and time.perf_counter() - t < 2:
                seen = painted.count
                app.processEvents()
                if painted.count != seen:
                    done, done_cpu, quiet = time.perf_counter(), time.process_time(), 0
                elif painted.count != before:
                    quiet += 1
            drawn_ms.append((done - t) * 1000)
            drawn_cpu_ms.append((done_cpu - t_cpu) * 1000)
        else:
            workspace.repaint()
            app.processEvents()
            repaint_ms.append((time.perf_counter() - t) * 1000)
            repaint_cpu_ms.append((time.process_time() - t_cpu) * 1000)
    pane.removeEventFilter(painted)
    window.resize(size)  # as the other measures had it
    app.processEvents()


def settle(app, limit_s: float = 2.0) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop until three passes in a row paint no widget (or `limit_s` goes by)."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        count = 0

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    app.installEventFilter(paints)
    quiet, until = 0, time.perf_counter() + limit_s
    while quiet < 3 and time.perf_counter() < until:
        seen = paints.count
        app.processEvents()
        quiet = quiet + 1 if paints.count == seen else 0
    app.removeEventFilter(paints)


def startup_baseline_s(ctx, actor) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Medians of 3: a bare window in a fresh process, and the list's SQL replayed on a raw cursor."""
    bare_s = statistics.median(bare_window_s() for _ in range(3))
    query_s = statistics.median(raw_list_query_s(ctx, actor) for _ in range(3))
    return bare_s, query_s


def startup_cpu_baseline_s(ctx, actor) -> float:  # type: ignore[no-untyped-def]
    """The baseline in processor time (medians of 3): less swayed by the other processes on a shared machine."""
    bare_cpu = statistics.median(bare_window()[1] for _ in range(3))
    query_cpu = []
    for _ in range(3):
        cpu = time.process_time()
        raw_list_query_s(ctx, actor)
        query_cpu.append(time.process_time() - cpu)
    return bare_cpu + statistics.median(query_cpu)


def startup_report(args, window, runner, ctx, actor, startups, logon, total, startup_cpu) -> int:  # type: ignore[no-untyped-def]
    startup, startup_complete = startups
    bare_s, query_s = startup_baseline_s(ctx, actor)
    baseline = bare_s + query_s
    baseline_cpu = startup_cpu_baseline_s(ctx, actor)
    print(f"database: {args.db}; user {args.user}; {total:,} cases listed; log-on excluded: {logon * 1000:.0f} ms")
    print(
        f"start-up to populated case list {startup * 1000:.0f} ms (whole list in: {startup_complete * 1000:.0f} ms); "
        f"baseline: bare window {bare_s * 1000:.0f} ms + raw list query {query_s * 1000:.0f} ms "
        f"= {baseline * 1000:.0f} ms; ratio {startup / baseline:.2f}x (whole list {startup_complete / baseline:.2f}x)"
    )
    print(
        f"processor time (both threads): start-up to the first rows {startup_cpu * 1000:.0f} ms, baseline "
        f"{baseline_cpu * 1000:.0f} ms; ratio {startup_cpu / baseline_cpu:.2f}x"
    )
    print(
        f"RESULT startup_ms={startup * 1000:.0f} startup_complete_ms={startup_complete * 1000:.0f} "
        f"startup_baseline_ms={baseline * 1000:.0f} startup_cpu_ms={startup_cpu * 1000:.0f} "
        f"startup_baseline_cpu_ms={baseline_cpu * 1000:.0f}"
    )
    window.close()
    runner.shutdown()
    ctx.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--create", action="store_true", help="create the demo database first")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--user", default="auditor", help="demo user (auditor sees every case)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--read-ms", type=int, default=1000, help="step selection again after the case is left alone this long"
    )
    parser.add_argument("--startup-only", action="store_true", help="measure start-up and its baseline only, then stop")
    args = parser.parse_args()
    if args.create and not Path(args.db).exists():
        subprocess.run(
            [sys.executable, "-m", "checklist_app", "--db", args.db, "demo", "--cases", str(args.cases)], check=True
        )

    started, cpu_started = time.perf_counter(), time.process_time()
    # As the command's entry point does (checklist_app/launch.py): no garbage collection while starting; the
    # app's collector, installed by `configure` below, ends the pause.
    from checklist_app import gc_pause

    gc_pause.pause()
    # In the order `checklist-app gui` imports them: the command line imports the services, then its gui
    # command Qt and the screens. (Qt first would have PySide6's import hook read the source of every module
    # imported after it, SQLAlchemy's too, looking for "PySide6": work the app itself does not do.)
    from checklist_app.services import accounts
    from checklist_app.services.context import ServiceContext

    services_imported = time.perf_counter()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from checklist_app.ui.app import configure
    from checklist_app.ui.case_list import COLUMNS, CaseFilterState
    from checklist_app.ui.main_window import MainWindow
    from checklist_app.ui.preferences import Preferences
    from checklist_app.ui.session import AppSession
    from checklist_app.ui.tasks import TaskRunner

    imported = time.perf_counter()
    app = QApplication(sys.argv)
    configure(app)
    ctx = ServiceContext.open(args.db)
    logon_started, logon_cpu_started = time.perf_counter(), time.process_time()
    actor = accounts.log_on(ctx, args.user, "demo-pass-2026")
    logon = time.perf_counter() - logon_started
    logon_cpu = time.process_time() - logon_cpu_started
    runner = TaskRunner()
    prefs = Preferences(QSettings(str(Path("/tmp") / "bench-gui.ini"), QSettings.Format.IniFormat))
    window = MainWindow(AppSession(ctx, actor, runner, prefs))
    window.quit_on_close = False
    window.show()
    page = window.case_list
    page.ui.scope.setCurrentIndex(page.ui.scope.findData("district"))
    page.ui.status.setCurrentIndex(page.ui.status.findData("all"))
    while not page.model.rows:  # the first page (start-up reads it ahead of the whole list)
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    shown, shown_cpu = time.perf_counter(), time.process_time()
    while not getattr(page.model, "complete", True):  # every row in (older code: at once)
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    complete = time.perf_counter()
    total = len(page.model.rows)
    # The Argon2id check at log-on is deliberately slow and the user is typing anyway: leave it out.
    startup = (shown - started) - logon
    startup_complete = (complete - started) - logon
    print(
        f"start-up: importing the services {(services_imported - started) * 1000:.0f} ms, Qt and the screens "
        f"{(imported - services_imported) * 1000:.0f} ms"
    )
    if args.startup_only:
        startup_cpu = (shown_cpu - cpu_started) - logon_cpu
        return startup_report(args, window, runner, ctx, actor, (startup, startup_complete), logon, total, startup_cpu)

    filters = [
        CaseFilterState(status="all"),
        CaseFilterState(status="open"),
        CaseFilterState(status="all", overdue_only=True),
        CaseFilterState(status="all", min_risk=3),
        CaseFilterState(status="all", search="CSE-SHE"),
        CaseFilterState(status="all", search="00042"),
        CaseFilterState(scope="mine", status="all"),
    ]
    filter_ms: list[float] = []
    for _ in range(args.rounds):
        for state in filters:
            t = time.perf_counter()
            page.model.set_filter(state)
            app.processEvents()
            filter_ms.append((time.perf_counter() - t) * 1000)
    typing_ms: list[float] = []
    page.model.set_filter(CaseFilterState(status="all"))
    for _ in range(args.rounds):
        for text in ("C", "CS", "CSE", "CSE-", "CSE-D", "CSE-DO", "CSE-DON", ""):
            t = time.perf_counter()
            page.ui.search.setText(text)
            app.processEvents()
            typing_ms.append((time.perf_counter() - t) * 1000)
    sort_ms: list[float] = []
    page.ui.search.setText("")
    for _ in range(max(3, args.rounds // 4)):
        for column in range(len(COLUMNS)):
            t = time.perf_counter()
            # What a click on the header does (QTableView.sortByColumn would sort twice in Qt 6).
            page.ui.table.horizontalHeader().setSortIndicator(column, page.model.sort_order)
            app.processEvents()
            sort_ms.append((time.perf_counter() - t) * 1000)

    open_ms: list[float] = []
    step_ms: list[float] = []
    step_repaint_ms: list[float] = []
    step_cpu: dict[str, list[float]] = {}
    wanted = min(total, max(5, args.rounds))
    picks = [page.model.rows[i * (total - 1) // max(1, wanted - 1)] for i in range(wanted)]
    # The same moves again in a fresh workspace of the same case that has first been left alone for
    # --read-ms (a user reading the case before clicking a step: the steps panel makes the next steps'
    # field blocks in such a pause).
    read_ms: list[float] = []
    read_repaint_ms: list[float] = []
    read_cpu: dict[str, list[float]] = {}

    def open_drawn(case_id: int):  # type: ignore[no-untyped-def]
        window.open_case(case_id)
        workspace = window.workspace_for(case_id)
        while workspace.detail is None:
            app.processEvents()
            time.sleep(0.0005)
        workspace.repaint()
        app.processEvents()
        return workspace

    def close(workspace) -> None:  # type: ignore[no-untyped-def]
        window.ui.caseTabs.removeTab(window.ui.caseTabs.indexOf(workspace))
        workspace.deleteLater()
        app.processEvents()

    for row in picks:
        t = time.perf_counter()
        workspace = open_drawn(row.id)
        open_ms.append((time.perf_counter() - t) * 1000)
        flip = len(open_ms) % 2 == 0
        step_selection(app, window, workspace, step_ms, step_repaint_ms, step_cpu, flip=flip)
        close(workspace)
        if args.read_ms > 0:
            workspace = open_drawn(row.id)
            until = time.perf_counter() + args.read_ms / 1000
            while time.perf_counter() < until:
                app.processEvents()
                time.sleep(0.002)
            step_selection(app, window, workspace, read_ms, read_repaint_ms, read_cpu, flip=flip)
            close(workspace)

    # Memory: five cases open at once beside the whole list, each drawn in turn.
    open_now: list[int] = []
    for row in picks[:5]:
        window.open_case(row.id)
        workspace = window.workspace_for(row.id)
        while workspace.detail is None:
            app.processEvents()
            time.sleep(0.0005)
        workspace.repaint()
        app.processEvents()
        open_now.append(row.id)
    peak_mb, now_mb = peak_rss_mb(), rss_now_mb()

    bare_s, query_s = startup_baseline_s(ctx, actor)
    baseline = bare_s + query_s

    print(
        f"database: {args.db} ({Path(args.db).stat().st_size / 1e6:.0f} MB); user {args.user}; {total:,} cases listed"
    )
    print(f"log-on (Argon2id check, excluded below): {logon * 1000:.0f} ms")
    print(
        f"start-up to populated case list (Qt and app import, open database, main window, list's first page): "
        f"{startup * 1000:.0f} ms; to the whole list in (count shown): {startup_complete * 1000:.0f} ms"
    )
    measures = (
        ("filter change", filter_ms),
        ("search keystroke", typing_ms),
        ("sort by column", sort_ms),
        ("open case", open_ms),
        ("step selection", step_ms),
        ("(whole repaint)", step_repaint_ms),
        ("(processor time)", step_cpu["drawn"]),
        ("(repaint, proc.)", step_cpu["repaint"]),
    )
    if read_ms:
        measures += (
            (f"steps after {args.read_ms} ms", read_ms),
            ("(processor time)", read_cpu["drawn"]),
            ("(repaint, proc.)", read_cpu["repaint"]),
        )
    print(
        f"start-up baseline: bare window {bare_s * 1000:.0f} ms + raw list query {query_s * 1000:.0f} ms "
        f"= {baseline * 1000:.0f} ms (medians of 3); start-up is {startup / baseline:.2f}x that "
        f"(to the whole list {startup_complete / baseline:.2f}x)"
    )
    print(
        f"memory with the list and {len(open_now)} cases open: peak {peak_mb:.0f} MB"
        + (f", now {now_mb:.0f} MB" if now_mb is not None else "")
    )
    for name, values in measures:
        print(
            f"{name:>18}: median {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms"
            f"   ({len(values)} samples)"
        )
    print(
        f"RESULT startup_ms={startup * 1000:.0f} startup_complete_ms={startup_complete * 1000:.0f} "
        f"sort_median_ms={statistics.median(sort_ms):.1f} "
        f"open_case_median_ms={statistics.median(open_ms):.1f} open_case_p95_ms={percentile(open_ms, 0.95):.1f} "
        f"step_p95_ms={percentile(step_ms, 0.95):.1f} step_median_ms={statistics.median(step_ms):.1f} "
        f"step_repaint_p95_ms={percentile(step_repaint_ms, 0.95):.1f} "
        f"step_repaint_median_ms={statistics.median(step_repaint_ms):.1f} "
        f"step_cpu_p95_ms={percentile(step_cpu['drawn'], 0.95):.1f} "
        f"step_cpu_median_ms={statistics.median(step_cpu['drawn']):.1f} "
        f"step_repaint_cpu_p95_ms={percentile(step_cpu['repaint'], 0.95):.1f} "
        f"startup_baseline_ms={baseline * 1000:.0f} peak_rss_mb={peak_mb:.0f}"
        + (
            f" step_read_p95_ms={percentile(read_ms, 0.95):.1f} step_read_median_ms={statistics.median(read_ms):.1f}"
            f" step_read_cpu_p95_ms={percentile(read_cpu['drawn'], 0.95):.1f}"
            f" step_read_cpu_median_ms={statistics.median(read_cpu['drawn']):.1f}"
            if read_ms
            else ""
        )
    )
    window.close()
    runner.shutdown()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
