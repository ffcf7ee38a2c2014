#!/usr/bin/env bash
# Smoke test of the frozen build (dist/checklist-app), run headless by .ci/run after the test suite.
# Each step must succeed AND print what it should; the output of every step is checked, not just its exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST="$(cd "${1:-dist/checklist-app}" && pwd)" || { echo "SMOKE FAILED: no build; run scripts/build_installer.sh" >&2; exit 1; }
CLI="$DIST/checklist-app-cli"
APP="$DIST/checklist-app"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen
# The frozen program must not find the source tree or a developer's settings.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$HOME"
DB="$WORK/smoke.db"
cd "$WORK"

fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
expect() {  # expect NAME PATTERN FILE
    grep -Eq "$2" "$3" || { cat "$3" >&2; fail "$1: output lacks /$2/"; }
    echo "ok   $1"
}
run() {  # run NAME OUTFILE CMD...: succeeds or fails the smoke test with the output shown
    local name=$1 outfile=$2; shift 2
    if ! "$@" >"$outfile" 2>&1; then cat "$outfile" >&2; fail "$name exited non-zero"; fi
}

[ -x "$CLI" ] && [ -x "$APP" ] || fail "no frozen programs in $DIST"

run self-check "$WORK/1.out" "$CLI" --self-check
expect self-check '^self-check OK$' "$WORK/1.out"
expect self-check-sop '^sop cse-sop-v1\.yaml: OK' "$WORK/1.out"

SOP_FILES=("$DIST"/_internal/checklist_app/sop/*.yaml)
[ -e "${SOP_FILES[0]}" ] || fail "no procedure files inside the build"
run "sop validate" "$WORK/2.out" "$CLI" sop validate "${SOP_FILES[@]}"
[ "$(grep -c ': OK ' "$WORK/2.out")" -eq "${#SOP_FILES[@]}" ] || { cat "$WORK/2.out"; fail "not every shipped SOP file validated"; }
echo "ok   sop validate (${#SOP_FILES[@]} files)"

if ! printf 'smoke-Admin-pass-9\n' | "$CLI" --db "$DB" init --admin-user smokeadmin --admin-name "Smoke Administrator" \
    --admin-password-stdin >"$WORK/3.out" 2>&1; then cat "$WORK/3.out"; fail "init exited non-zero"; fi
expect init '^created administrator smokeadmin$' "$WORK/3.out"
[ -f "$DB" ] || fail "init made no database file"

run demo "$WORK/4.out" "$CLI" --db "$DB" demo --cases 20
expect demo '^demo data: 20 cases' "$WORK/4.out"

run verify "$WORK/5.out" "$CLI" --db "$DB" verify
expect verify '^OK [0-9]+ entries' "$WORK/5.out"

REF="$(sqlite3 "$DB" "SELECT reference FROM cases ORDER BY id LIMIT 1")"
[ -n "$REF" ] || fail "no case reference in the demo database"
run "casework report" "$WORK/6.out" "$CLI" --db "$DB" report casework "$REF" --out "$WORK/casework.pdf"
[ "$(head -c 5 "$WORK/casework.pdf")" = "%PDF-" ] || fail "casework report is not a PDF"
expect "casework report" "casework\.pdf" "$WORK/6.out"

YEAR_AGO="$(date -u -d '365 days ago' +%F)"
TODAY="$(date -u +%F)"
run "compliance report" "$WORK/7.out" "$CLI" --db "$DB" report compliance --from "$YEAR_AGO" --to "$TODAY" \
    --out "$WORK/compliance.pdf"
[ "$(head -c 5 "$WORK/compliance.pdf")" = "%PDF-" ] || fail "compliance report is not a PDF"
expect "compliance report" "compliance\.pdf" "$WORK/7.out"
if command -v pdftotext >/dev/null; then
    pdftotext "$WORK/casework.pdf" "$WORK/casework.txt"
    expect "casework report text" "$REF" "$WORK/casework.txt"
    expect "casework report marking" "OFFICIAL" "$WORK/casework.txt"
fi

run gui "$WORK/8.out" timeout 120 "$APP" --db "$DB" gui --smoke-test
expect gui '^gui: log-on screen shown$' "$WORK/8.out"

echo "frozen smoke test passed ($(du -sh "$DIST" | cut -f1) unpacked)"
