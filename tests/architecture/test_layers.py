"""The floors hold: each layer imports only the layers below it (README, "Architecture"). Read from the
source with `ast`, so imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import checklist_app

PACKAGE = Path(checklist_app.__file__).parent

# layer -> the layers (first-level packages of checklist_app) it may import; its own is always allowed.
ALLOWED = {
    "core": set(),
    "store": {"core"},
    "services": {"core", "store"},
    "demo": {"core", "store", "services"},
    "reports": {"core", "services"},
    # The GUI prints through the reports package and loads demo data through the demo package (a use case
    # with its own permission check, kept apart for its size); it never touches the store or the command line.
    "ui": {"core", "services", "demo", "reports"},
    # The command line is the entry point: `gui` starts the desktop app and `--self-check` checks its forms.
    "cli": {"core", "store", "services", "demo", "reports", "ui"},
}
# Modules at the top of the package (paths, licences, __main__) are shared by every layer.
SHARED = {"paths", "licences", "__main__", "__init__"}
FORBIDDEN_LIBRARIES = {
    "core": {"PySide6", "sqlalchemy", "alembic", "reportlab", "jinja2"},
    "store": {"PySide6", "reportlab", "jinja2"},
    "services": {"PySide6", "reportlab", "jinja2"},
    "demo": {"PySide6"},
    "reports": {"PySide6", "sqlalchemy"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "checklist_app" or len(parts) < 2:
        return None
    return parts[1]


def test_every_layer_imports_only_what_is_below_it() -> None:
    wrong: list[str] = []
    checked = 0
    for layer, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if "generated" in path.parts:
                continue
            checked += 1
            for line, module in _imports(path):
                target = _layer_of(module)
                if target is None or target == layer or target in SHARED:
                    continue
                if target not in allowed:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {layer} imports {module}")
                    continue
            for line, module in _imports(path):
                if module.split(".")[0] in FORBIDDEN_LIBRARIES.get(layer, set()):
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {layer} imports {module}")
    assert checked > 100  # the walk found the package
    assert not wrong, "imports across the floors:\n" + "\n".join(wrong)


def test_every_top_level_package_has_a_floor() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(ALLOWED) == set(), "a new package needs its place in ALLOWED"
