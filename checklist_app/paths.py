"""The one place that knows where shipped files live.

`sop/`, `forms/` and `resources/` sit beside the package in the source tree and are mapped into the
package as `checklist_app.sop`, `checklist_app.forms` and `checklist_app.resources` by setuptools, so the
same `importlib.resources` lookup works from an editable install, a wheel and a PyInstaller bundle.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

SOP_PACKAGE = "checklist_app.sop"
FORMS_PACKAGE = "checklist_app.forms"
RESOURCES_PACKAGE = "checklist_app.resources"

# The procedure the tests and examples build on (version 1.0). `init` publishes every shipped file, oldest
# version first, so new cases open on the newest (1.1).
DEFAULT_SOP_FILE = "cse-sop-v1.yaml"

_VERSIONED_NAME = re.compile(r"^(?P<stem>.*?)-v(?P<version>\d+(?:\.\d+)*)\.ya?ml$")


def sop_dir() -> Traversable:
    return resources.files(SOP_PACKAGE)


def shipped_sop_files() -> list[Traversable]:
    """Every shipped procedure file, each procedure's versions in ascending order (v1 before v1.1 before
    v2), so publishing them in this order leaves the newest as the latest published version."""
    files = [f for f in sop_dir().iterdir() if f.name.endswith((".yaml", ".yml"))]
    return sorted(files, key=lambda f: _version_order(f.name))


def _version_order(name: str) -> tuple[str, tuple[int, ...], str]:
    match = _VERSIONED_NAME.match(name)
    if match is None:
        return (name, (), name)
    return (match["stem"], tuple(int(part) for part in match["version"].split(".")), name)


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
