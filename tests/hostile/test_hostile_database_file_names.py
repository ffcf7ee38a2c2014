"""Database file names holding '?', '#' or '%', and SQLite URLs with options.

A plain path became `sqlite:///PATH` unescaped, so the URL parser read `force?mode=rw.db` as the file `force`
with an option and `p%41.db` as `pA.db` (another file!), and `backup` and the integrity check opened
`file:PATH?mode=ro`, so `h#x.db` was read as `h` (created empty beside it: "unexpected failure"). A SQLite
URL's options (`?mode=ro&uri=true`) were ignored with a library warning or became part of a new file's name,
and `sqlite://` kept the database in memory, gone when the command ended."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from db_support import server_url

from checklist_app.store.db import sqlite_path, sqlite_url
from tests.cli.cli_support import assert_refused, chain_head, cli

pytestmark = pytest.mark.skipif(bool(server_url()), reason="SQLite file names")

NAMES = ["force?mode=rw.db", "h#x.db", "p%41.db", "a%3Fb.db", "sp ace+plus@at:colon.db", "f-\udcff.db"]


@pytest.fixture
def live(world) -> Path:  # type: ignore[no-untyped-def]
    path = Path(world.ctx.db.path)
    world.ctx.close()
    return path


@pytest.mark.parametrize("name", NAMES)
def test_a_database_named_with_url_characters_is_that_file(live: Path, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    target = folder / name
    shutil.copyfile(live, target)
    before = chain_head(target)
    assert cli("--db", target, "verify").code == 0
    run = cli("--db", target, "backup", folder / f"copy-{name}")
    assert run.code == 0, run.text
    assert cli("--db", folder / f"copy-{name}", "verify").code == 0
    created = folder / f"new-{name}"
    assert cli("--db", created, "init", "--no-admin").code == 0
    assert cli("--db", created, "verify").code == 0
    assert chain_head(target) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted([name, f"copy-{name}", f"new-{name}"])


@pytest.mark.parametrize("name", NAMES)
def test_the_url_of_a_file_names_that_file(name: str) -> None:
    path = Path("/data") / name
    assert sqlite_path(sqlite_url(path)) == path


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("sqlite:///{db}?mode=ro&uri=true", "a SQLite URL takes no options after '?'"),
        ("sqlite:///{db}?timeout=1", "a SQLite URL takes no options after '?'"),
        ("sqlite://", "is a database in memory, lost when the program ends"),
        ("sqlite:///:memory:", "is a database in memory, lost when the program ends"),
    ],
)
def test_sqlite_url_options_and_memory_are_refused(live: Path, url: str, words: str) -> None:
    folder_before = sorted(p.name for p in live.parent.iterdir())
    for argv in (["sop", "list"], ["init", "--no-admin"], ["verify"]):
        assert_refused(cli("--db", url.format(db=live), *argv), words, code=3)
    assert sorted(p.name for p in live.parent.iterdir()) == folder_before
