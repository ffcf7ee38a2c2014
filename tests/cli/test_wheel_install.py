"""`pip install` of the built wheel into a fresh virtual environment gives a working `checklist-app`: it
validates the shipped SOP, passes its self-check and creates a database with the migrations it carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from db_support import server_url

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("pyproject.toml", "README.md", "checklist_app", "sop", "forms", "resources")
EXPECTED = "OK cse-sop v1.0, 12 phases, 93 steps"

pytestmark = [
    pytest.mark.slow,
    # The wheel does not depend on the database: the SQLite pass has already proved it.
    pytest.mark.skipif(bool(server_url()), reason="run once, in the SQLite pass of the suite"),
]


def _env() -> dict[str, str]:
    """This machine's environment (pip's index settings included) without anything pointing at the checkout."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "CHECKLIST_APP_DB", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _run(argv: list[str | Path], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{argv} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def _copy_sources(target: Path) -> Path:
    """Build from a copy, so building writes nothing (build/, *.egg-info) into the checkout."""
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist", "*.egg-info")
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _build_wheel(source: Path, dist: Path) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:  # `build` missing or its isolated environment could not be made: let pip do it
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, source], cwd=source)
    wheels = list(dist.glob("checklist_app-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_installs_into_a_fresh_venv_and_works(tmp_path: Path) -> None:
    wheel = _build_wheel(_copy_sources(tmp_path / "src"), tmp_path / "dist")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python, app = bindir / "python", bindir / "checklist-app"
    _run([python, "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, timeout=600)

    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing can be picked up from the source tree
    elsewhere.mkdir()
    where = _run([python, "-c", "import checklist_app.paths as p; print(p.default_sop())"], cwd=elsewhere)
    sop = Path(where.stdout.strip())
    assert sop.is_file(), sop
    assert venv in sop.parents, f"the SOP was found outside the new venv: {sop}"

    validated = _run([app, "sop", "validate", sop], cwd=elsewhere)
    assert validated.stdout == f"{sop}: {EXPECTED}\n"

    checked = _run([app, "--self-check"], cwd=elsewhere)
    assert f"sop cse-sop-v1.yaml: {EXPECTED}" in checked.stdout
    assert checked.stdout.rstrip().endswith("self-check OK")

    database = tmp_path / "x.db"
    created = _run([app, "--db", database, "init", "--no-admin"], cwd=elsewhere)
    assert "schema: new -> " in created.stdout and "published cse-sop v1.0: 12 phases, 93 steps" in created.stdout
    assert "published cse-sop v1.1: 12 phases, 101 steps" in created.stdout
    assert "published cse-sop v1.2: 12 phases, 101 steps" in created.stdout
    verified = _run([app, "--db", database, "verify"], cwd=elsewhere)
    assert verified.stdout.startswith("OK ")
