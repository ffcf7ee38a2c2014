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

echo "== full suite on SQLite"
env -u CHECKLIST_APP_TEST_DB .venv/bin/python -m pytest -q -p no:cacheprovider "$@"

if [ -n "${CHECKLIST_APP_TEST_DB:-}" ]; then
    echo "== store, service and command-line tests on ${CHECKLIST_APP_TEST_DB%%:*}"
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/store tests/services tests/cli "$@"
fi
.venv/bin/python -m ruff check .
