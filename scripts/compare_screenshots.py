"""Compare two sets of screenshots pixel by pixel, to check that a refactor left the GUI as it was.

    python scripts/compare_screenshots.py [--against docs/screenshots] [--new DIR] [--diffs DIR]
                                          [--tolerance 24] [--db PATH]

Without --new it first regenerates every screenshot into a temporary folder with scripts/screenshots.sh
(Xvfb, ImageMagick; see that script), on the demo database --db (created when missing). The demo cases are
dated from the day the database was made, so screenshots of a database made on another day differ in every
date: for a before/after check, generate both sets from the same database, e.g.

    git stash; SCREENS_OUT=/tmp/before SCREENS_DB=/tmp/same.db bash scripts/screenshots.sh; git stash pop
    python scripts/compare_screenshots.py --against /tmp/before --db /tmp/same.db

For each PNG in both folders it prints the share of pixels that differ (a pixel differs when a colour channel
moves by more than --tolerance of 255, which absorbs the palette compression's rounding) and, for every image
that differs, writes NAME-diff.png into --diffs: the new image darkened with the differing pixels in red.
Images in only one folder are listed. Exits 0 when no image differs, 1 otherwise, 2 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RED = b"\x00\x00\xff\xff"  # one ARGB32 pixel as stored little-endian: blue, green, red, alpha
CLEAR = b"\x00\x00\x00\x00"


@dataclass
class Comparison:
    name: str
    differing: int
    total: int
    note: str = ""

    @property
    def percent(self) -> float:
        return 100.0 * self.differing / self.total if self.total else 0.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, default=ROOT / "docs" / "screenshots", help="the reference PNGs")
    parser.add_argument("--new", type=Path, help="PNGs already made (default: regenerate them now)")
    parser.add_argument("--diffs", type=Path, help="folder for the diff images (default: a temporary folder)")
    parser.add_argument("--tolerance", type=int, default=24, help="channel change (0-255) still counted as equal")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "screens.db", help="demo database")
    return parser.parse_args(argv)


def regenerate(out: Path, db: Path) -> None:
    env = dict(os.environ, SCREENS_OUT=str(out), SCREENS_DB=str(db))
    subprocess.run(["bash", str(ROOT / "scripts" / "screenshots.sh")], check=True, env=env, cwd=ROOT)


def compare(before: Path, after: Path, tolerance: int, diff_path: Path) -> Comparison:
    from PySide6.QtGui import QImage, QPainter

    old = QImage(str(before)).convertToFormat(QImage.Format.Format_RGB32)
    new = QImage(str(after)).convertToFormat(QImage.Format.Format_RGB32)
    if old.isNull() or new.isNull():
        return Comparison(after.name, 1, 1, "could not be read")
    if old.size() != new.size():
        note = f"size {old.width()}x{old.height()} -> {new.width()}x{new.height()}"
        return Comparison(after.name, 1, 1, note)
    # |old - new| per channel, computed by Qt; then each channel byte mapped to 1 (moved) or 0 (kept).
    delta = old.copy()
    painter = QPainter(delta)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Difference)
    painter.drawImage(0, 0, new)
    painter.end()
    moved = bytes(delta.constBits()).translate(bytes(1 if value > tolerance else 0 for value in range(256)))
    changed = [pixel & 0xFFFFFF != 0 for pixel in memoryview(moved).cast("I")]
    differing = sum(changed)
    if differing:
        write_diff(new, changed, diff_path)
    return Comparison(after.name, differing, len(changed))


def write_diff(new, changed: list[bool], path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage, QPainter

    mask_bytes = b"".join(RED if flag else CLEAR for flag in changed)
    mask = QImage(mask_bytes, new.width(), new.height(), new.width() * 4, QImage.Format.Format_ARGB32).copy()
    picture = QImage(new.size(), QImage.Format.Format_RGB32)
    picture.fill(QColor("black"))
    painter = QPainter(picture)
    painter.setOpacity(0.35)
    painter.drawImage(0, 0, new)
    painter.setOpacity(1.0)
    painter.drawImage(0, 0, mask)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(str(path))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - painting needs one
    work = Path(tempfile.mkdtemp(prefix="screens-compare-"))
    new = args.new
    if new is None:
        new = work / "new"
        try:
            regenerate(new, args.db)
        except subprocess.CalledProcessError as exc:
            print(f"compare_screenshots: regenerating the screenshots failed (exit {exc.returncode})", file=sys.stderr)
            return 2
    diffs = args.diffs or work / "diffs"
    if not args.against.is_dir() or not new.is_dir():
        print(f"compare_screenshots: {args.against} or {new} is not a folder", file=sys.stderr)
        return 2
    old_names = {p.name for p in args.against.glob("*.png")}
    new_names = {p.name for p in new.glob("*.png")}
    results = [
        compare(args.against / name, new / name, args.tolerance, diffs / name.replace(".png", "-diff.png"))
        for name in sorted(old_names & new_names)
    ]
    width = max((len(r.name) for r in results), default=10)
    for result in results:
        shown = "same" if not result.differing else f"{result.percent:6.2f} % of pixels differ"
        print(f"{result.name:<{width}}  {shown}  {result.note}".rstrip())
    for name in sorted(old_names - new_names):
        print(f"{name:<{width}}  only in {args.against}")
    for name in sorted(new_names - old_names):
        print(f"{name:<{width}}  only in {new}")
    different = [r for r in results if r.differing]
    print(
        f"{len(results)} compared, {len(results) - len(different)} the same, {len(different)} differ"
        + (f"; diff images in {diffs}" if different else "")
        + (f"; new screenshots in {new}" if args.new is None else "")
    )
    return 1 if different or old_names != new_names else 0


if __name__ == "__main__":
    sys.exit(main())
