"""Loading Qt Designer forms from `forms/` at run time.

QUiLoader (not `loadUiType`, which shells out to `uic` and fails in a frozen build) reads the .ui file
through the paths module, so the same code works from the source tree, a wheel and a PyInstaller bundle.
A loaded form is placed inside its host widget, and its named children are reachable as attributes.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from checklist_app import paths


class FormError(RuntimeError):
    pass


class Form:
    """The named widgets of a loaded form: `form.username` is the child with objectName 'username'."""

    def __init__(self, root: QWidget) -> None:
        self.root = root
        # findChild walks the whole widget tree; screens read their widgets on every selection change, so
        # each one is looked up once (and again only if it has been deleted since).
        self._found: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_found":
            raise AttributeError(name)
        child = self._found.get(name)
        if child is not None and shiboken6.isValid(child):
            return child
        child = self.root.findChild(QWidget, name) or self.root.findChild(object, name)  # type: ignore[call-overload]
        if child is None:
            raise AttributeError(f"form {self.root.objectName()!r} has no widget named {name!r}")
        self._found[name] = child
        return child


def _loader() -> QUiLoader:
    """A loader that has not loaded Qt Designer's widget plugins: a new QUiLoader loads every plugin in the
    library paths' designer/ folders (PySide6 ships Qt Quick and WebEngine views there: about 10 ms and 8 MB
    at start-up), and our forms use only Qt's own widgets, which need none."""
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        return QUiLoader()
    finally:
        QCoreApplication.setLibraryPaths(paths)


def _load(name: str, parent: QWidget | None) -> QWidget:
    loader = _loader()
    with paths.as_path(paths.form(name)) as path:
        handle = QFile(str(path))
        if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
            raise FormError(f"cannot open form {name}: {handle.errorString()}")
        try:
            widget = loader.load(handle, parent)
        finally:
            handle.close()
    if widget is None:
        raise FormError(f"cannot load form {name}: {loader.errorString()}")
    return widget


def load_into(host: QWidget, name: str) -> Form:
    """Load `name` and make it fill `host` (composition, as generated Ui classes would)."""
    widget = _load(name, host)
    if isinstance(host, QMainWindow):
        host.setCentralWidget(widget)
    else:
        layout = host.layout() or QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
    return Form(widget)
