#!/usr/bin/env bash
# Every benchmark on one demo database, then one table of the figures against their aims (issue 13).
#
#   bash scripts/bench_all.sh /tmp/bench20k.db [LOG_DIR]
#
# The database must hold demo data (`checklist-app --db PATH demo --cases 20000`). The services benchmark
# works on a scratch copy; the others add consultation entries to the audit log, as any viewing does.
# A benchmark, not a test: the figures depend on the machine and on what else it is running.
set -euo pipefail

db=${1:?usage: bench_all.sh DATABASE [LOG_DIR]}
logs=${2:-$(mktemp -d /tmp/bench_all.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$here/../.venv/bin/python}
mkdir -p "$logs"

run() {
    local name=$1
    shift
    echo "== $name: $*" >&2
    if ! "$python" "$@" >"$logs/$name.log" 2>"$logs/$name.err"; then
        echo "   $name failed; see $logs/$name.err" >&2
    fi
}

if [ -z "${TABLE_ONLY:-}" ]; then  # TABLE_ONLY=1: print the table again from the logs in LOG_DIR
    # An installed app has its bytecode compiled (pip does it); with PYTHONDONTWRITEBYTECODE set and no
    # __pycache__, every start-up would compile our modules from source first.
    "$python" -m compileall -q "$here/../checklist_app" >/dev/null
    run services "$here/bench_services.py" --db "$db" --samples "${SAMPLES:-50}"
    run gui "$here/bench_gui.py" --db "$db" --rounds "${ROUNDS:-5}"
    # One start-up is one sample of a noisy figure (a few hundred ms against a ~0.2 s baseline): the table
    # takes the median ratio of STARTUPS fresh start-ups, each against its own baseline measured in the same run.
    for i in $(seq 1 "${STARTUPS:-5}"); do
        run "startup-$i" "$here/bench_gui.py" --db "$db" --startup-only
    done
    run dashboard "$here/bench_dashboard.py" --db "$db" --rounds "${ROUNDS:-5}"
    run reports "$here/bench_reports.py" --db "$db" --rounds 1
    run verify "$here/bench_verify.py" --db "$db"
fi

"$python" - "$logs" <<'EOF'
import re
import sys
from pathlib import Path

logs = Path(sys.argv[1])


def text(name: str) -> str:
    path = logs / f"{name}.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def result(name: str) -> dict[str, float]:
    found = re.findall(r"^RESULT (.*)$", text(name), re.M)
    return {k: float(v) for k, v in (pair.split("=") for pair in found[-1].split())} if found else {}


def find(name: str, pattern: str) -> float | None:
    match = re.search(pattern, text(name), re.M)
    return float(match.group(1)) if match else None


rows = []  # (measure, figure, baseline, ratio, aim, met)


def add(
    measure: str, value: float | None, unit: str, limit: float, baseline: float | None = None, absolute: bool = False
) -> None:
    """absolute: the aim is on the figure itself; the baseline and ratio are shown for comparison only."""
    if value is None:
        rows.append((measure, "not measured", "", "", f"<= {limit:g}", "?"))
        return
    ratio = value / baseline if baseline else None
    checked = ratio if baseline and not absolute else value
    digits = 2 if value < 1 else 1
    rows.append(
        (
            measure,
            f"{value:,.{digits}f} {unit}",
            f"{baseline:,.{digits}f} {unit}" if baseline else "",
            f"{ratio:.2f}" if ratio is not None else "",
            f"<= {limit:g}" + ("x" if baseline and not absolute else f" {unit}"),
            "met" if checked <= limit else "NOT met",
        )
    )


gui, verify = result("gui"), result("verify")
add("case list sort, median", gui.get("sort_median_ms"), "ms", 100)
add("open case to drawn workspace, median", gui.get("open_case_median_ms"), "ms", 300)
add("step selection in a case, p95 (our aim, not issue 13's)", gui.get("step_p95_ms"), "ms", 20)
add("record step (service, committed), p95", find("services", r"^record step \(commit \+ audit\)\s+\d+\s+[\d.]+\s+([\d.]+)"), "ms", 20)
add("team dashboard, median", find("dashboard", r"median (\d+) ms"), "ms", 1000)
add(
    "compliance report vs its bare queries",
    find("reports", r"^compliance[^:]*: report ([\d.]+) s"),
    "s",
    2,
    find("reports", r"^compliance[^:]*: report [\d.]+ s, bare queries ([\d.]+) s"),
)
add(
    "casework report (baseline: bare ReportLab, same pages)",
    find("reports", r"^casework[^:]*: report ([\d.]+) s"),
    "s",
    0.3,
    find("reports", r"^bare ReportLab[^:]*: ([\d.]+) s"),
    absolute=True,
)
add("verify vs plain read-and-hash loop", verify.get("verify_s"), "s", 1.5, verify.get("baseline_s"))
add("verify peak memory", verify.get("verify_peak_mb"), "MB", 300)
startups = sorted(
    (r["startup_ms"] / r["startup_baseline_ms"], r["startup_ms"], r["startup_baseline_ms"])
    for r in (result(p.stem) for p in logs.glob("startup-*.log"))
    if r.get("startup_ms") and r.get("startup_baseline_ms")
)
if startups:
    _, startup_ms, startup_base = startups[len(startups) // 2]
    measure = f"start-up to populated case list vs bare window + raw list query, median of {len(startups)}"
else:  # logs of an older run: the full GUI run's single start-up
    startup_ms, startup_base = gui.get("startup_ms"), gui.get("startup_baseline_ms")
    measure = "start-up to populated case list vs bare window + raw list query"
add(measure, startup_ms, "ms", 3, startup_base)
add("app peak memory, whole list and five cases open", gui.get("peak_rss_mb"), "MB", 300)

widths = [max(len(str(r[i])) for r in [("measure", "figure", "baseline", "ratio", "aim", "")] + rows) for i in range(6)]
header = ("measure", "figure", "baseline", "ratio", "aim", "")
for row in [header, tuple("-" * w for w in widths), *rows]:
    print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
if startups:
    print("\nstart-up ratios, each against its own baseline: " + ", ".join(f"{r[0]:.2f}x" for r in startups))
print(f"\nlogs: {logs}")
EOF
