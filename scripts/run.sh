#!/usr/bin/env bash
# Install the application into .venv and start it on the built-in default database (SQLite in your user
# data folder). On an empty database it offers to create the first administrator or load demo data.
# Extra arguments go to checklist-app, e.g. `bash scripts/run.sh --db /tmp/demo.db`.
#
# The install is editable, so edits to the source need no reinstall; pip runs only when the virtual
# environment is new, pyproject.toml (dependencies, packages, entry points) or the Python version changed,
# or the app no longer starts from it. A stamp in .venv records what was installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
STAMP=.venv/.checklist-app-installed

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $(.venv/bin/python --version 2>&1) $(pwd)"
if [ ! -x .venv/bin/checklist-app ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ]; then
    echo "Installing the application into .venv (only after the project's packaging has changed)…" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e .
    printf '%s' "$wanted" > "$STAMP"
fi
exec .venv/bin/checklist-app "$@"
