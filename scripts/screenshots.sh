#!/usr/bin/env bash
# Regenerate the documentation screenshots in docs/screenshots/ (100 % and 150 % scaling): the real app on a
# demo database under a virtual X server (Xvfb), driven by scripts/screenshots.py, then palette-compressed.
#
#   bash scripts/screenshots.sh
#
# Debian/Ubuntu packages it needs (Qt's xcb platform plugin under Xvfb, and ImageMagick to shrink the PNGs):
#   sudo apt-get install xvfb xdotool imagemagick libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
#       libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
#       libxcb-shape0 libxcb-xfixes0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core
# Without libxcb-icccm4 (and friends) Qt aborts at start-up under Xvfb with a message about the xcb plugin.
#
# The demo database (SCREENS_DB, default /tmp/screens.db) is created on the first run and reused after that;
# its cases are dated from the day it was made, so delete it for screenshots "as of" today.
# SCREENS_OUT writes them to another folder (scripts/compare_screenshots.py compares two such folders).
# PYTHON chooses the interpreter (default: the repository's .venv, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PYTHON:-}" ]; then
    :
elif [ -x .venv/bin/python ]; then
    PYTHON=.venv/bin/python
else
    PYTHON=python3
fi
DB="${SCREENS_DB:-/tmp/screens.db}"
OUT="${SCREENS_OUT:-docs/screenshots}"

for tool in xvfb-run; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "screenshots.sh: '$tool' is missing; install the packages listed at the top of this script." >&2
        exit 1
    fi
done

mkdir -p "$OUT"
xvfb-run -a -s "-screen 0 2400x1600x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.0
xvfb-run -a -s "-screen 0 2400x1600x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.0 --auditor
xvfb-run -a -s "-screen 0 2400x1600x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.0 --reports
xvfb-run -a -s "-screen 0 2400x1600x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.0 --supervisor
xvfb-run -a -s "-screen 0 2400x1600x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.0 --intelligence
# 150 %: a 1920x1080 screen (1280x720 logical pixels), the window filling it; then the administrator's console.
for extra in "" "--admin" "--auditor" "--reports" "--supervisor" "--intelligence"; do
    xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \
        "$PYTHON" scripts/screenshots.py --out "$OUT" --db "$DB" --scale 1.5 --size 1280x720 $extra
done

# Supervision (the Supervision tab, the review screen, the password dialog) on a database the script builds.
xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots_supervision.py --out "$OUT" --scale 1.0 --size 1920x1040
xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots_supervision.py --out "$OUT" --scale 1.5 --size 1280x720

# Sign-offs on a case (a step awaiting agreement, a countersigned override) and the dashboard's lines for them.
xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots_agreement.py --out "$OUT" --scale 1.0 --size 1920x1040
xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \
    "$PYTHON" scripts/screenshots_agreement.py --out "$OUT" --scale 1.5 --size 1280x720

# Screens are flat colours and text: a 256-colour palette without dithering looks the same at a third of the size.
if convert -version >/dev/null 2>&1; then
    for png in "$OUT"/*.png; do
        convert "$png" -strip +dither -colors 256 "PNG8:$png"
    done
else
    echo "screenshots.sh: ImageMagick's convert does not work here; the PNGs are left uncompressed." >&2
fi
du -sh "$OUT"
