"""Hostile text on the command line: bytes that are not UTF-8 in a user name, case reference or password
(they reached SQLite or the password hash and failed as "unexpected failure"), and pasted pages as a
display name or team name (stored whole on SQLite). File names may hold any bytes; text may not."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from support import open_case
from world_support import PASSWORD

from checklist_app.services.errors import InvalidInput
from checklist_app.store.models import District, Team, User
from tests.cli.cli_support import assert_refused, chain_head, cli

BAD = "\udcff\udcfe"  # how Python hands over the bytes 0xff 0xfe of a command line in a UTF-8 locale


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    open_case(world)
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["user", "disable", BAD],
        ["user", "unlock", f"dc.{BAD}"],
        ["user", "reset-password", BAD, "--password", "Another-Long-Pass-9"],
        ["user", "add", "new.user", "--name", "N", "--role", "auditor", "--password", f"Pass-{BAD}-word-long"],
        ["user", "set-role", "dc.alder", "--role", "investigator", "--team", BAD],
        ["team", "add", "Team Q", "--district", BAD],
        ["report", "casework", BAD, "--out", "case.pdf"],
        ["report", "casework", "CSE-X", "--out", "case.pdf", "--marking", BAD],
        ["init", "--admin-user", BAD, "--admin-password", "Tr1cky-Passphrase-42"],
        ["audit", "round", "list", "--user", BAD],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_text_that_is_not_utf8_is_a_usage_error_before_anything_runs(db: str, tmp_path: Path, argv) -> None:
    before = chain_head(db)
    run = cli("--db", db, *[str(tmp_path / a) if a == "case.pdf" else a for a in argv])
    assert_refused(run, "is not valid UTF-8 text", code=2)
    assert chain_head(db) == before
    assert not (tmp_path / "case.pdf").exists()


def test_file_names_may_hold_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    db = tmp_path / f"force-{BAD}.db"
    assert cli("--db", db, "init", "--no-admin").code == 0
    run = cli("--db", db, "backup", tmp_path / f"copy-{BAD}.db")
    assert run.code == 0, run.text


def test_a_real_command_line_with_such_bytes_gets_one_line(db: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"checklist_app", b"--db", db.encode(), b"user", b"disable", b"\xff\xfe"],
        capture_output=True,
        timeout=120,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert err.count("\n") == 1 and "not valid UTF-8" in err and "unexpected" not in err


def test_a_pasted_page_as_display_name_or_team_name_is_refused(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = chain_head(db)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    page = "Lorem ipsum " * 10_000
    run = cli("--db", db, "user", "add", "long.name", "--name", page, "--role", "auditor", "--password-stdin")
    assert_refused(run, "Display name: must be at most 120 characters", code=1)
    assert_refused(cli("--db", db, "team", "add", page, "--district", "SHE"), "Team name: must be at most 120", code=1)
    assert_refused(cli("--db", db, "team", "add", "T" * 121, "--district", "SHE"), "at most 120 characters", code=1)
    assert chain_head(db) == before


def test_every_write_refuses_text_longer_than_its_column_whichever_service_forgot(world) -> None:  # type: ignore[no-untyped-def]
    """The flush guard measures every String(N) column of every new or changed row."""
    too_long = pytest.raises(InvalidInput, match=r"Name: is 121 characters long; at most 120 fit")
    with too_long, world.ctx.db.write() as session:
        district = session.query(District).first()
        session.add(Team(name="T" * 121, district_id=district.id))
    too_long = pytest.raises(InvalidInput, match=r"Display name: is 5,000 characters long; at most 120 fit")
    with too_long, world.ctx.db.write() as session:
        user = session.get(User, world.investigator.user_id)
        user.display_name = "D" * 5000
    with world.ctx.db.read() as session:
        assert session.get(User, world.investigator.user_id).display_name == world.investigator.display_name
