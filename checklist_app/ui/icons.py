"""Icons and the stylesheet from `resources/`, found through the paths module."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from checklist_app import paths


@cache
def icon(name: str) -> QIcon:
    with paths.as_path(paths.resource("icons", f"{name}.svg")) as path:
        return QIcon(str(path))


def app_icon() -> QIcon:
    return icon("app")


def stylesheet() -> str:
    return paths.resource("style.qss").read_text(encoding="utf-8")
