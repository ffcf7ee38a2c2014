#!/usr/bin/env bash
# Install the application into .venv and start it on the built-in default database (SQLite in your user
# data folder). On an empty database it offers to create the first administrator or load demo data.
# Extra arguments go to checklist-app, e.g. `bash scripts/run.sh --db /tmp/demo.db`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/checklist-app "$@"
