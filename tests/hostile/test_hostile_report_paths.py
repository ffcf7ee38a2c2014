"""Report and CSV destinations that cannot be resolved: a loop of symbolic links or an unknown `~user`
raised RuntimeError inside Path.resolve (an "unexpected failure"), for `--out` and `--csv` alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import open_case

from tests.cli.cli_support import assert_refused, chain_head, cli

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links")


@pytest.fixture
def db(world) -> str:  # type: ignore[no-untyped-def]
    return world.ctx.db.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def loop(tmp_path: Path) -> Path:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    return tmp_path / "a"


def test_a_symbolic_link_loop_or_unknown_home_is_refused_in_words(world, db: str, loop: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    before = chain_head(db)
    period = ["--from", "2026-01-01", "--to", "2026-03-31"]
    for argv, words in (
        (["casework", case.reference, "--out", loop], "cannot be used for the report: Symlink loop"),
        (["casework", case.reference, "--out", "~no-such-user-here/r.pdf"], "cannot be used for the report"),
        (["compliance", *period, "--out", loop], "cannot be used for the report: Symlink loop"),
        (["compliance", *period, "--out", tmp_path / "r.pdf", "--csv", loop], "cannot be used for --csv"),
    ):
        assert_refused(cli("--db", db, "report", *argv), words, code=1)
    assert chain_head(db) == before
    assert not (tmp_path / "r.pdf").exists()
