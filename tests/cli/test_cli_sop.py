"""`checklist-app sop validate|publish|diff|list` through the command line. The loader tests check each
problem's wording; these check the command path: exit status, where lines go, and no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import assert_refused, chain_head, cli, cli_process
from world_support import FIXTURES, MINIMAL_SOP

BAD = FIXTURES / "sop" / "bad"
MINIMAL_OK = "OK test-cse-sop v0.1, 3 phases, 10 steps"


def _variant(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = MINIMAL_SOP.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


RETITLE = ("title: Record the report and flag it as CSE", "title: Record the report and add the CSE flag")
VERSION_2 = ('version: "0.1"', 'version: "0.2"')


# --- validate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BAD.iterdir()), ids=lambda p: p.name)
def test_validate_each_bad_fixture_exits_non_zero_without_traceback(path: Path) -> None:
    run = cli("sop", "validate", path)
    assert run.code == 1, run
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines, "no problem was reported"
    assert all(line.startswith(f"{path}:") for line in lines), run.out
    assert "Traceback" not in run.out and "internal error" not in run.out


def test_validate_every_bad_fixture_in_one_program_run(tmp_path: Path) -> None:
    bad = sorted(BAD.iterdir())
    missing = tmp_path / "missing.yaml"
    run = cli_process("sop", "validate", MINIMAL_SOP, *bad, tmp_path, missing, cwd=tmp_path)
    assert run.code == 1, run.err
    assert run.err == "" and "Traceback" not in run.out
    assert run.out.splitlines()[0] == f"{MINIMAL_SOP}: {MINIMAL_OK}"
    for path in bad:
        assert f"{path}:" in run.out, f"{path.name} reported nothing"
    assert f"{tmp_path}: (file): this is a directory, not a procedure file" in run.out
    assert f"{missing}: (file): file not found" in run.out


@pytest.mark.parametrize(
    ("name", "message"), [("", "this is a directory, not a procedure file"), ("nope.yaml", "file not found")]
)
def test_validate_directory_and_missing_path(tmp_path: Path, name: str, message: str) -> None:
    target = tmp_path / name if name else tmp_path
    run = cli("sop", "validate", target)
    assert (run.code, run.out, run.err) == (1, f"{target}: (file): {message}\n", "")


def test_validate_good_file_and_shipped_sop() -> None:
    from checklist_app import paths

    run = cli("sop", "validate", MINIMAL_SOP, str(paths.default_sop()))
    assert run.code == 0, run
    assert run.out.splitlines() == [
        f"{MINIMAL_SOP}: {MINIMAL_OK}",
        f"{paths.default_sop()}: OK cse-sop v1.0, 12 phases, 93 steps",
    ]


# --- publish ----------------------------------------------------------------------------------------


def test_publish_twice_then_changed_content_under_the_same_version_is_refused(db_url: str, tmp_path: Path) -> None:
    first = cli("--db", db_url, "sop", "publish", MINIMAL_SOP)
    assert first.code == 0, first
    assert first.out.startswith("published test-cse-sop v0.1: 3 phases, 10 steps, hash ")
    digest = first.out.split()[-1]
    before = chain_head(db_url)

    again = cli("--db", db_url, "sop", "publish", MINIMAL_SOP)
    assert again.code == 0, again
    assert again.out == f"test-cse-sop v0.1 is already published with this content (hash {digest}); nothing to do\n"

    changed = _variant(tmp_path, "changed.yaml", RETITLE)
    assert_refused(
        cli("--db", db_url, "sop", "publish", changed),
        "test-cse-sop v0.1 is already published with different content",
        code=3,
    )
    assert chain_head(db_url) == before

    newer = _variant(tmp_path, "v02.yaml", RETITLE, VERSION_2)
    run = cli("--db", db_url, "sop", "publish", newer)
    assert run.code == 0 and run.out.startswith("published test-cse-sop v0.2"), run


def test_publish_an_invalid_or_missing_file_reports_problems_and_touches_nothing(db_url: str, tmp_path: Path) -> None:
    before = chain_head(db_url)
    bad = BAD / "cycle-depends-on.yaml"
    run = cli("--db", db_url, "sop", "publish", bad)
    assert run.code == 1 and "Traceback" not in run.text
    assert run.err.splitlines() and all(line.startswith(f"{bad}:") for line in run.err.splitlines())
    missing = tmp_path / "missing.yaml"
    assert_refused(cli("--db", db_url, "sop", "publish", missing), f"{missing}: (file): file not found", code=1)
    assert chain_head(db_url) == before
    assert cli("--db", db_url, "sop", "list").out.startswith("no published procedures")


# --- diff and list ----------------------------------------------------------------------------------


def test_diff_between_two_files(tmp_path: Path) -> None:
    newer = _variant(tmp_path, "v02.yaml", RETITLE, VERSION_2)
    run = cli("sop", "diff", MINIMAL_SOP, newer)
    assert run.code == 0, run
    assert run.out.splitlines() == [
        "--- test-cse-sop v0.1",
        "+++ test-cse-sop v0.2",
        "~ procedure: version 0.1 -> 0.2",
        "~ 1.1 referral.record-details: title Record the report and flag it as CSE -> "
        "Record the report and add the CSE flag",
    ]
    same = cli("sop", "diff", MINIMAL_SOP, MINIMAL_SOP)
    assert same.out.splitlines()[-1] == "no differences"


def test_diff_between_a_published_version_and_a_file(db_url: str, tmp_path: Path) -> None:
    assert cli("--db", db_url, "sop", "publish", MINIMAL_SOP).code == 0
    newer = _variant(tmp_path, "v02.yaml", RETITLE, VERSION_2)
    from_db = cli("--db", db_url, "sop", "diff", "test-cse-sop@0.1", newer)
    from_files = cli("sop", "diff", MINIMAL_SOP, newer)
    assert from_db.code == 0, from_db
    assert from_db.out == from_files.out
    assert_refused(
        cli("--db", db_url, "sop", "diff", "test-cse-sop@9.9", newer),
        "No published procedure test-cse-sop v9.9",
        code=3,
    )


def test_diff_with_an_invalid_file_lists_its_problems(tmp_path: Path) -> None:
    bad = BAD / "duplicate-step-id.yaml"
    run = cli("sop", "diff", MINIMAL_SOP, bad)
    assert run.code == 1 and "Traceback" not in run.text
    assert all(line.startswith(f"{bad}:") for line in run.err.splitlines())


def test_list_shows_every_published_version(db_url: str, tmp_path: Path) -> None:
    assert cli("--db", db_url, "sop", "list").out == "no published procedures (run `checklist-app init`)\n"
    assert cli("--db", db_url, "sop", "publish", MINIMAL_SOP).code == 0
    assert cli("--db", db_url, "sop", "publish", _variant(tmp_path, "v02.yaml", RETITLE, VERSION_2)).code == 0
    lines = cli("--db", db_url, "sop", "list").out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["test-cse-sop v0.1", "test-cse-sop v0.2"]
    fields = lines[0].split("\t")
    assert fields[1:4] == ["CSE investigation procedure (test fixture)", "effective 2026-01-01", "3 phases, 10 steps"]
    assert re.fullmatch(r"published \d{4}-\d\d-\d\d \d\d:\d\d UTC by system:\S+", fields[4]), fields[4]
    assert re.fullmatch(r"[0-9a-f]{12}", fields[5]), fields[5]
