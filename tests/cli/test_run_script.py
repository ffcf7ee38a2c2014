"""scripts/run.sh installs only when the project's packaging changed, not on every start."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "run.sh"

FAKE_PYTHON = """#!/usr/bin/env bash
echo "python $*" >> "$LOG"
if [ "${1:-}" = "--version" ]; then echo "Python 3.11.7"; fi
if [ "${1:-} ${2:-} ${3:-}" = "-m pip install" ]; then
    printf '#!/usr/bin/env bash\\necho "app $*" >> "$LOG"\\n' > "$(dirname "$0")/checklist-app"
    chmod +x "$(dirname "$0")/checklist-app"
fi
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, project / "scripts" / "run.sh")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    python = project / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    return project


def _run(project: Path, log: Path) -> list[str]:
    log.write_text("")
    subprocess.run(
        ["bash", str(project / "scripts" / "run.sh"), "--db", "x.db"],
        check=True,
        env={**os.environ, "LOG": str(log)},
        capture_output=True,
    )
    return log.read_text().splitlines()


def test_installs_once_then_only_when_pyproject_changes(tmp_path: Path) -> None:
    project, log = _project(tmp_path), tmp_path / "log"
    first = _run(project, log)
    assert "python -m pip install -q -e ." in first and first[-1] == "app --db x.db"
    second = _run(project, log)
    assert not any("pip" in line for line in second), second
    assert second[-1] == "app --db x.db"
    (project / "checklist_app.py").write_text("# a source edit needs no reinstall\n")
    assert not any("pip" in line for line in _run(project, log))
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\ndependencies = ['new']\n")
    assert "python -m pip install -q -e ." in _run(project, log)
    assert not any("pip" in line for line in _run(project, log))
