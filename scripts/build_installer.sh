#!/usr/bin/env bash
# Build the one-folder installer payload with PyInstaller: dist/checklist-app/ holding `checklist-app` (the desktop
# app; no console window on Windows), `checklist-app-cli` (the same program with a console, for the
# administration commands) and `_internal/` (Python, Qt, the procedure files, forms, icons, stylesheet, report
# templates, bank holidays, migrations, THIRD_PARTY_LICENSES.txt).
#
# It uses a clean virtual environment (build/venv) and installs the project as a wheel, not editable, so that
# only what the app needs is bundled. On Windows run the same steps from Git Bash or translate them to
# PowerShell: `py -3.11 -m venv build\venv`, `build\venv\Scripts\pip install . pyinstaller "psycopg[binary]"`,
# then `build\venv\Scripts\pyinstaller --noconfirm build_installer.spec` (see README, "For IT departments").
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=build/venv

rm -rf "$VENV" build/checklist-app dist/checklist-app
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q ".[postgres]" "pyinstaller>=6.10,<7"
# Licences of exactly what is bundled: the build environment holds the app's requirements and the build tools
# (which licences.py leaves out).
"$VENV/bin/python" scripts/third_party_licenses.py build
# Run PyInstaller from outside the source tree so the analysis imports the installed package, not ./checklist_app.
(cd build && "../$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath ../dist --workpath pyi-work ../build_installer.spec)
# Caches and bytecode of our own tests never belong in the build.
find dist/checklist-app -name '__pycache__' -path '*checklist_app*' -prune -exec rm -rf {} +
echo "built dist/checklist-app: $(du -sh dist/checklist-app | cut -f1) unpacked"
