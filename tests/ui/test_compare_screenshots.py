"""scripts/compare_screenshots.py: the share of pixels that differ, diff images, and images in one set only."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

pytestmark = pytest.mark.gui

SCRIPT = Path(__file__).parents[2] / "scripts" / "compare_screenshots.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("compare_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _png(path: Path, square: QColor | None = None, width: int = 100) -> None:
    image = QImage(width, 50, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    if square is not None:
        for x in range(10):
            for y in range(10):
                image.setPixelColor(x, y, square)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path))


def test_changed_pixels_are_counted_and_drawn_and_small_shifts_tolerated(qapp, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    before, after, diffs = tmp_path / "before", tmp_path / "after", tmp_path / "diffs"
    _png(before / "same.png")
    _png(after / "same.png", QColor(250, 250, 250))  # within the tolerance (palette rounding)
    _png(before / "changed.png")
    _png(after / "changed.png", QColor("black"))
    _png(before / "resized.png")
    _png(after / "resized.png", width=120)
    _png(before / "gone.png")

    code = _script().main(["--against", str(before), "--new", str(after), "--diffs", str(diffs)])

    out = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert "same.png same" in out and "changed.png 2.00 % of pixels differ" in out, out
    assert "resized.png 100.00 % of pixels differ size 100x50 -> 120x50" in out, out
    assert f"gone.png only in {before}" in out, out
    assert out[-1].startswith("3 compared, 1 the same, 2 differ"), out
    diff = QImage(str(diffs / "changed-diff.png"))
    assert diff.pixelColor(5, 5) == QColor("red") and diff.pixelColor(50, 25) != QColor("red")
    assert not (diffs / "same-diff.png").exists()


def test_identical_sets_exit_zero(qapp, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    _png(tmp_path / "a" / "one.png", QColor("blue"))
    _png(tmp_path / "b" / "one.png", QColor("blue"))
    assert _script().main(["--against", str(tmp_path / "a"), "--new", str(tmp_path / "b")]) == 0
    assert "1 compared, 1 the same, 0 differ" in capsys.readouterr().out
