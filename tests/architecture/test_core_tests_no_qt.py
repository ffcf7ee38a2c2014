"""Tests below the GUI load no Qt: the shared set-up (tests/conftest.py) and the helpers every folder uses
import no Qt, so core, store and service tests neither pay for it nor can come to depend on it. GUI set-up
lives in tests/ui/conftest.py and tests/ui/gui_support.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# Test folders whose modules (with the root conftest.py) must import no Qt and nothing of the GUI.
QT_FREE_FOLDERS = ("core", "store", "services", "cli", "demo", "reports", "architecture")

# Run in a fresh interpreter: this one has loaded Qt already when GUI tests were collected beside it.
PROBE = """
import importlib.util, sys
from pathlib import Path

tests = Path(sys.argv[1])
sys.path[:0] = [str(tests)]
paths = [tests / "conftest.py"] + [p for folder in sys.argv[2:] for p in sorted((tests / folder).glob("*.py"))]
for number, path in enumerate(paths):
    if str(path.parent) not in sys.path:
        sys.path.insert(1, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"probe_{number}_{path.stem}", path)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "PySide6" or m.startswith("checklist_app.ui"))
    if loaded:
        print(f"{path.relative_to(tests)} loads {loaded[:3]}")
        sys.exit(1)
print(f"{len(paths)} modules, no Qt")
"""


def test_the_shared_conftest_and_tests_below_the_gui_import_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(TESTS), *QT_FREE_FOLDERS],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no Qt" in result.stdout


def test_no_test_imports_from_a_conftest() -> None:
    """With a conftest.py in more than one folder, `from conftest import X` gets whichever was loaded last.
    Shared code lives in plain modules: world_support, db_support, support, ui/gui_support."""
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*(from\s+(tests\.)?conftest\s+import|import\s+(tests\.)?conftest\b)", line)
    ]
    assert not offenders, f"import from world_support / db_support / support instead: {offenders}"
