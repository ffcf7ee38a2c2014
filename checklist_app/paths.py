"""The one place that knows where shipped files live.

`sop/`, `forms/` and `resources/` sit beside the package in the source tree and are mapped into the
package as `checklist_app.sop`, `checklist_app.forms` and `checklist_app.resources` by setuptools, so the
same `importlib.resources` lookup works from an editable install, a wheel and a PyInstaller bundle.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

SOP_PACKAGE = "checklist_app.sop"
FORMS_PACKAGE = "checklist_app.forms"
RESOURCES_PACKAGE = "checklist_app.resources"

DEFAULT_SOP_FILE = "cse-sop-v1.yaml"


def sop_dir() -> Traversable:
    return resources.files(SOP_PACKAGE)


def shipped_sop_files() -> list[Traversable]:
    return sorted((f for f in sop_dir().iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name)


def default_sop() -> Traversable:
    return sop_dir() / DEFAULT_SOP_FILE


def form(name: str) -> Traversable:
    return resources.files(FORMS_PACKAGE) / name


def resource(*parts: str) -> Traversable:
    node = resources.files(RESOURCES_PACKAGE)
    for part in parts:
        node = node / part
    return node


def migrations_dir() -> Traversable:
    return resources.files("checklist_app.store") / "migrations"


@contextlib.contextmanager
def as_path(node: Traversable) -> Iterator[Path]:
    """A real filesystem path for APIs that need one (QUiLoader, Alembic, ReportLab fonts)."""
    with resources.as_file(node) as path:
        yield Path(path)
