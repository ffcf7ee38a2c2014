"""Tampering with the tables the other tamper tests leave alone (districts, case events, risk assessments,
missing episodes) on a demo force, with the sqlite3 tool: each change or deletion is named by `verify`,
and a forged risk category never passes as the app's."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url

from tests.cli.cli_support import cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")


@pytest.fixture(scope="module")
def demo_force(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run = cli("--db", path, "demo", "--cases", "6", "--seed", "11")
    assert run.code == 0, run.text
    return path


@pytest.fixture
def copy(demo_force: Path, tmp_path: Path) -> Path:
    target = tmp_path / "force.db"
    shutil.copyfile(demo_force, target)
    assert cli("--db", target, "verify").code == 0
    return target


def _edit(path: Path, statement: str) -> int:
    conn = sqlite3.connect(path)
    try:
        changed = conn.execute(statement).rowcount
        conn.commit()
        return changed
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE districts SET name = 'Elsewhere' WHERE id = 1", "districts"),
        ("UPDATE case_events SET note = 'rewritten' WHERE id = (SELECT min(id) FROM case_events)", "case_events"),
        ("UPDATE case_events SET occurred_at = '2020-01-01 00:00:00.000000' WHERE id = 1", "case_events"),
        ("DELETE FROM case_events WHERE id = (SELECT max(id) FROM case_events)", "case_events"),
        ("UPDATE risk_assessments SET final_category = 'low' WHERE final_category != 'low'", "risk_assessments"),
        ("UPDATE risk_assessments SET score = score + 1 WHERE id = 1", "risk_assessments"),
        ("DELETE FROM risk_assessments WHERE id = (SELECT max(id) FROM risk_assessments)", "risk_assessments"),
        ("UPDATE missing_episodes SET found_at = '2001-01-01 00:00:00.000000' WHERE id = 1", "missing_episodes"),
        ("UPDATE missing_episodes SET risk_grade = 'no apparent risk' WHERE id = 1", "missing_episodes"),
        ("DELETE FROM missing_episodes WHERE id = 1", "missing_episodes"),
    ],
)
def test_each_edit_is_named_by_verify(copy: Path, statement: str, named: str) -> None:
    assert _edit(copy, statement) >= 1, "the tampering changed nothing: the test proves nothing"
    run = cli("--db", copy, "verify")
    assert run.code != 0, f"verify missed: {statement}\n{run.out}"
    assert named in run.out, run.out
    assert "Traceback" not in run.text and "unexpected" not in run.text
