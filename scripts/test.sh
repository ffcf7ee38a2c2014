#!/usr/bin/env bash
# Install the project with its test extras into .venv and run the whole test suite.
# Every test runs on temporary SQLite files; when CHECKLIST_APP_TEST_DB names a PostgreSQL database
# (as .ci/run arranges), the store, service and command-line tests run against it as well.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

# One worker per core (pytest-xdist; each worker has its own databases). A test still running after
# 15 minutes is stopped with every thread's stack printed, and the run goes on without it.
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider -n auto --timeout 900 --timeout-method=thread)

echo "== full suite on SQLite"
env -u CHECKLIST_APP_TEST_DB "${PYTEST[@]}" "$@"

if [ -n "${CHECKLIST_APP_TEST_DB:-}" ]; then
    echo "== store, service, command-line and hostile-input tests on ${CHECKLIST_APP_TEST_DB%%:*}"
    "${PYTEST[@]}" tests/store tests/services tests/cli tests/hostile "$@"
fi
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
