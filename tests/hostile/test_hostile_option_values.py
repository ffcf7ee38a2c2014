"""Option values that begin with a minus sign: argparse took them for the next option and said only
"expected one argument" (`verify --anchor -1:...`, a password or display name starting with '-')."""

from __future__ import annotations

import pytest
from world_support import PASSWORD

from checklist_app.cli.dash_values import attach_dash_values
from checklist_app.cli.main import build_parser
from checklist_app.services import accounts
from tests.cli.cli_support import assert_refused, chain_head, cli

HASH = "ab" * 32


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


def test_a_negative_anchor_is_named_as_negative(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for given in (["--anchor", f"-1:{HASH}"], ["--anchor", "-7"], [f"--anchor=-1:{HASH}"]):
        run = cli("--db", db, "verify", *given)
        assert run.code == 2
        err = capsys.readouterr().err
        assert "an entry number cannot be negative" in err, err
        assert "expected one argument" not in err and "Traceback" not in err


def test_values_starting_with_a_minus_sign_are_values(db: str, world) -> None:  # type: ignore[no-untyped-def]
    password = "-" + PASSWORD
    run = cli("--db", db, "user", "add", "dash.user", "--name", "-Dash-", "--role", "auditor", "--password", password)
    assert run.code == 0, run.text
    users = {u.username: u for u in accounts.list_users(world.ctx, world.admin)}
    assert users["dash.user"].display_name == "-Dash-"
    assert accounts.log_on(world.ctx, "dash.user", password).username == "dash.user"


def test_an_option_in_place_of_a_value_is_still_an_error(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = chain_head(db)
    assert cli("--db", db, "user", "add", "x.user", "--name", "--role", "auditor", "--password", PASSWORD).code == 2
    assert "expected one argument" in capsys.readouterr().err
    assert chain_head(db) == before


def test_negative_numbers_reach_the_checks_that_name_them(db: str) -> None:
    assert_refused(cli("--db", db, "demo", "--cases", "-1"), "--cases must be between 0 and 200000")
    assert_refused(cli("--db", db, "demo", "--cases", "-99999999999999999999999999"), "--cases must be between")


def test_only_exact_value_options_are_joined_and_nothing_after_a_double_dash() -> None:
    parser = build_parser()
    assert attach_dash_values(parser, ["verify", "--anchor", "-1:x", "--progress"]) == [
        "verify",
        "--anchor=-1:x",
        "--progress",
    ]
    assert attach_dash_values(parser, ["verify", "--progress", "-1"]) == ["verify", "--progress", "-1"]
    after = ["user", "disable", "--", "--name", "-x"]
    assert attach_dash_values(parser, after) == after
    assert attach_dash_values(parser, ["--db", "-weird.db", "user", "list"])[0] == "--db=-weird.db"
