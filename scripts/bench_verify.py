"""Benchmark (not a test): `checklist-app verify` against a plain read-and-hash loop, in the same run.

    python scripts/bench_verify.py --db /tmp/bench20k.db [--skip-baseline]

The baseline reads every audit entry and every audited record straight from the SQLite driver and hashes
each row (SHA-256 of its text): the least any full check must do. Then `checklist-app verify --progress`
runs as a child process under `/usr/bin/time -v`, for its wall time, processor time (user and system, with
its worker process's) and peak resident memory (of the largest process). Processor times are printed too:
on a shared machine the wall times are inflated by the others' load.
Prints one line per measure and a last line `RESULT verify_ratio=... verify_peak_mb=...` for bench_all.sh.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
import subprocess
import sys
import time

from checklist_app.store.models import AUDITED_MODELS, object_type_of


def baseline(path: str) -> tuple[float, int, float]:
    started, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = 0
    try:
        tables = ["audit_log", *(object_type_of(m) for m in AUDITED_MODELS)]
        existing = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in tables:
            if table not in existing:
                continue
            cursor = conn.execute(f"SELECT * FROM {table}")
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    hashlib.sha256(repr(row).encode("utf-8")).hexdigest()
                rows += len(batch)
    finally:
        conn.close()
    return time.perf_counter() - started, rows, time.process_time() - cpu


def verify(path: str) -> tuple[float, float, float, str]:
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "checklist_app", "--db", path, "verify", "--progress"]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    cpu = sum(float(t) for t in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", proc.stderr))
    peak_mb = int(peak.group(1)) / 1024 if peak else float("nan")
    return seconds, peak_mb, cpu, proc.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    base = base_cpu = float("nan")
    if not args.skip_baseline:
        base, rows, base_cpu = baseline(args.db)
        print(f"baseline: read and hash {rows:,} rows: {base:.1f} s ({base_cpu:.1f} s processor time)")
    seconds, peak_mb, cpu, last = verify(args.db)
    print(f"verify: {seconds:.1f} s ({cpu:.1f} s processor time), peak RSS {peak_mb:.0f} MB: {last}")
    print(
        f"RESULT verify_s={seconds:.1f} baseline_s={base:.1f} verify_ratio={seconds / base:.2f} "
        f"verify_peak_mb={peak_mb:.0f} verify_cpu_s={cpu:.1f} baseline_cpu_s={base_cpu:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
