"""Set-up every test folder shares: no Qt here (GUI set-up is in tests/ui/conftest.py), so core, store,
service and command-line tests never load it.

Database tests get a fresh, migrated database each: a copy of a template SQLite file, or, when
CHECKLIST_APP_TEST_DB names a server database, that database emptied between tests. A test that asks for
the standard `world` on SQLite gets a copy of a file where that world was built once per session (per
xdist worker) instead of building it again. Helpers and constants live in world_support.py,
db_support.py and support.py (import those, never `conftest`).
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_support import empty_server_database, reset_server_schema, server_url
from world_support import CLOCK_START, MINIMAL_SOP, FakeClock, People, World, build_world

from checklist_app.services import accounts, admin
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import migrate
from checklist_app.store.db import Database


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at the production cost takes ~35 ms a hash; the world fixture hashes 18 times per test.
    Tests that check the production parameters read `accounts.PRODUCTION_HASHER`."""
    monkeypatch.setattr(accounts, "HASHER", _fast_hasher())


def _fast_hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


@pytest.fixture(autouse=True)
def witness_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's witness files (chain heads written after every write) in a folder of its own, never in
    the user's data folder, and never shared between tests that reuse one server database."""
    folder = tmp_path_factory.mktemp("witness")
    monkeypatch.setenv("CHECKLIST_APP_WITNESS", str(folder))
    return folder


@pytest.fixture(autouse=True)
def collect_garbage_safely() -> None:
    """Tests here collect garbage normally. GUI tests override this fixture (tests/ui/conftest.py) to
    switch automatic collection off as the app does, so a test that follows one switches it back on."""
    gc.enable()


# --- databases --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the server database migrated once."""
    url = server_url()
    if url:
        reset_server_schema(url)
        migrate.upgrade(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


class WorldTemplates:
    """SQLite files holding the standard world built once, per procedure file, with who it holds."""

    def __init__(self, empty: str, folder: Path) -> None:
        self._empty = empty
        self._folder = folder
        self._built: dict[Path, tuple[Path, People]] = {}

    def get(self, sop: Path) -> tuple[Path, People]:
        if sop not in self._built:
            self._built[sop] = self._build(sop, self._folder / f"world-{len(self._built)}.db")
        return self._built[sop]

    def _build(self, sop: Path, path: Path) -> tuple[Path, People]:
        shutil.copyfile(self._empty, path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(accounts, "HASHER", _fast_hasher())
            clock = FakeClock()
            ctx = ServiceContext(Database(f"sqlite:///{path}"), clock=clock)
            try:
                people = build_world(ctx, clock, sop.read_text(encoding="utf-8")).people()
            finally:
                ctx.close()
        leftovers = [p.name for p in path.parent.glob(path.name + "-*")]
        assert not leftovers, f"the world template was not fully written to one file: {leftovers}"
        return path, people


@pytest.fixture(scope="session")
def world_templates(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> WorldTemplates:
    return WorldTemplates(template_db, tmp_path_factory.mktemp("worlds"))


_SEEDED = pytest.StashKey[tuple[Path, People]]()


def _seed_for(request: pytest.FixtureRequest) -> Path | None:
    """The procedure whose world this test's database may start from: only when the test asks for exactly
    one standard world and nothing else that writes the database before it (as `initialised` does)."""
    names = set(request.fixturenames)
    if "initialised" in names:
        return None
    wanted = [sop for name, sop in (("world", MINIMAL_SOP), ("shipped_world", None)) if name in names]
    if len(wanted) != 1:
        return None
    if wanted[0] is None:
        from checklist_app import paths

        return paths.default_sop()
    return wanted[0]


@pytest.fixture
def db_url(template_db: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if server_url():
        empty_server_database(template_db)
        return template_db
    source = Path(template_db)
    sop = _seed_for(request)
    if sop is not None:
        source, people = request.getfixturevalue("world_templates").get(sop)
        request.node.stash[_SEEDED] = (sop, people)
    target = tmp_path / "test.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(db_url: str, clock: FakeClock) -> Iterator[ServiceContext]:
    context = ServiceContext(Database(db_url), clock=clock)
    yield context
    context.close()


def _world(request: pytest.FixtureRequest, ctx: ServiceContext, clock: FakeClock, sop: Path) -> World:
    seeded = request.node.stash.get(_SEEDED, None)
    if seeded is None or seeded[0] != sop:
        return build_world(ctx, clock, sop.read_text(encoding="utf-8"))
    if clock.now != CLOCK_START:
        pytest.fail(
            "the clock was moved before the world was made; the copied world was built at "
            f"{CLOCK_START:%d/%m/%Y %H:%M}: ask for `world` before moving the clock"
        )
    return World.of(ctx, clock, seeded[1])


@pytest.fixture
def world(request: pytest.FixtureRequest, ctx: ServiceContext, clock: FakeClock) -> World:
    """The small force with the minimal test procedure published."""
    return _world(request, ctx, clock, MINIMAL_SOP)


@pytest.fixture
def shipped_world(request: pytest.FixtureRequest, ctx: ServiceContext, clock: FakeClock) -> World:
    """The small force with the shipped CSE SOP published."""
    from checklist_app import paths

    return _world(request, ctx, clock, paths.default_sop())


@pytest.fixture
def initialised(db_url: str) -> Iterator[ServiceContext]:
    """A database as `checklist-app init` leaves it (districts, shipped procedure)."""
    context, _ = admin.initialise(db_url, system_actor())
    yield context
    context.close()
