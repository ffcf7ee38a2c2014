"""Installation self-check for the desktop part: every shipped form loads, every icon and the stylesheet
are found. Run by `checklist-app --self-check` after `pip install` and on a frozen build."""

from __future__ import annotations

import os
import sys


def check_shipped_ui() -> tuple[int, list[str]]:
    """(number of forms loaded, problems)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget

    from checklist_app import paths
    from checklist_app.ui.forms import FormError, load_into
    from checklist_app.ui.icons import icon, stylesheet

    app = QApplication.instance() or QApplication([])
    problems: list[str] = []
    forms = sorted(node.name for node in paths.form("").iterdir() if node.name.endswith(".ui"))
    for name in forms:
        host = QWidget()
        try:
            load_into(host, name)
        except FormError as exc:
            problems.append(str(exc))
        finally:
            host.deleteLater()
    icons = sorted(node.name for node in paths.resource("icons").iterdir() if node.name.endswith(".svg"))
    for name in icons:
        if icon(name.removesuffix(".svg")).isNull():
            problems.append(f"icon {name} does not load")
    if not stylesheet().strip():
        problems.append("the stylesheet is empty")
    app.processEvents()
    return len(forms), problems
