"""Icons and the stylesheet from `resources/`, found through the paths module."""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QDir, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractButton

from checklist_app import paths


@cache
def icon(name: str) -> QIcon:
    with paths.as_path(paths.resource("icons", f"{name}.svg")) as path:
        return QIcon(str(path))


# Device pixel ratios the spaced button icons are drawn for (100 % to 300 % scaling).
_RATIOS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


def space_button_icon(button: QAbstractButton, gap: int = 4) -> None:
    """Keep a button's text clear of its icon: Qt leaves only a hair's breadth beside round icons. The icon
    is redrawn, at each scaling, on a canvas `gap` pixels wider (plain pixmaps: nothing to keep alive)."""
    source, size = button.icon(), button.iconSize()
    spaced = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
        for ratio in _RATIOS:
            art = source.pixmap(size, ratio, mode)
            canvas = QPixmap(math.ceil((size.width() + gap) * ratio), math.ceil(size.height() * ratio))
            canvas.fill(Qt.GlobalColor.transparent)
            canvas.setDevicePixelRatio(ratio)
            painter = QPainter(canvas)
            painter.drawPixmap(0, 0, art)
            painter.end()
            spaced.addPixmap(canvas, mode)
    button.setIcon(spaced)
    button.setIconSize(QSize(size.width() + gap, size.height()))


def app_icon() -> QIcon:
    return icon("app")


def stylesheet() -> str:
    """The application stylesheet. Its images (`url(icons:NAME.svg)`) are found through the "icons" search path."""
    with paths.as_path(paths.resource("icons", "app.svg")) as probe:
        if str(probe.parent) not in QDir.searchPaths("icons"):
            QDir.addSearchPath("icons", str(probe.parent))
    return paths.resource("style.qss").read_text(encoding="utf-8")
