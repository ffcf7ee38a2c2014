"""Shared test set-up.

Qt runs offscreen (set before anything can create an application). Database tests get a fresh,
migrated database each: a copy of a template SQLite file, or, when CHECKLIST_APP_TEST_DB names a
server database, that database emptied between tests. A skipped GUI test fails the run.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gui_thread_guard import no_database_work_on_gui_thread  # noqa: F401  (autouse: GUI tests only)
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, admin, organisation, procedures
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import migrate
from checklist_app.store.db import Database, make_engine
from checklist_app.store.models import Base
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.session import AppSession
from checklist_app.ui.tasks import TaskRunner

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL_SOP = FIXTURES / "sop" / "minimal.yaml"
TEST_DB_ENV = "CHECKLIST_APP_TEST_DB"
PASSWORD = "correct-horse-42"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("gui") is not None:
        # A GUI test that silently skips (e.g. Qt failed to load) must not let CI pass.
        report.outcome = "failed"
        report.longrepr = f"GUI test was skipped, which this suite treats as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at the production cost takes ~35 ms a hash; the world fixture hashes 18 times per test.
    Tests that check the production parameters read `accounts.PRODUCTION_HASHER`."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture(autouse=True)
def witness_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's witness files (chain heads written after every write) in a folder of its own, never in
    the user's data folder, and never shared between tests that reuse one server database."""
    folder = tmp_path_factory.mktemp("witness")
    monkeypatch.setenv("CHECKLIST_APP_WITNESS", str(folder))
    return folder


# --- databases --------------------------------------------------------------------------------------


def server_url() -> str | None:
    """The server database named by CHECKLIST_APP_TEST_DB; under pytest-xdist each worker gets its own
    database beside it (created on first use), because every test empties the tables."""
    url = os.environ.get(TEST_DB_ENV) or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    return _worker_database(url, worker)


_worker_urls: dict[str, str] = {}


def _worker_database(url: str, worker: str) -> str:
    if worker in _worker_urls:
        return _worker_urls[worker]
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    from sqlalchemy import create_engine

    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    _worker_urls[worker] = base.set(database=name).render_as_string(hide_password=False)
    return _worker_urls[worker]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the server database migrated once."""
    url = server_url()
    if url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        migrate.upgrade(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


def _empty_server_database(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO chain_state (id, seq, head_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
    engine.dispose()


@pytest.fixture
def db_url(template_db: str, tmp_path: Path) -> str:
    if server_url():
        _empty_server_database(template_db)
        return template_db
    target = tmp_path / "test.db"
    shutil.copyfile(template_db, target)
    return f"sqlite:///{target}"


class FakeClock:
    """A clock the test moves by hand. Starts on Monday 2 March 2026, 09:00 UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(db_url: str, clock: FakeClock) -> Iterator[ServiceContext]:
    context = ServiceContext(Database(db_url), clock=clock)
    yield context
    context.close()


@dataclass
class World:
    """A small force: two teams in Sheffield, one in Doncaster, and one user of each role."""

    ctx: ServiceContext
    clock: FakeClock
    admin: Actor
    investigator: Actor
    investigator2: Actor  # same team as `investigator`
    supervisor: Actor
    supervisor2: Actor  # same team, to countersign the first's overrides
    other_team_investigator: Actor  # Sheffield, another team
    other_district_investigator: Actor  # Doncaster
    intel: Actor
    auditor: Actor
    procedure_id: str


def _user(
    ctx: ServiceContext, username: str, role: Role, team: str | None = None, district: str | None = None
) -> Actor:
    accounts.create_user(
        ctx,
        system_actor(),
        username=username,
        display_name=username.replace(".", " ").title(),
        role=role.value,
        password=PASSWORD,
        team=team,
        district_code=district,
    )
    return accounts.log_on(ctx, username, PASSWORD)


def build_world(ctx: ServiceContext, clock: FakeClock, sop_text: str) -> World:
    system = system_actor()
    organisation.ensure_districts(ctx, system)
    procedure = procedures.publish(ctx, system, sop_text, "test").version
    organisation.create_team(ctx, system, "Sheffield CSE Team 1", "SHE")
    organisation.create_team(ctx, system, "Sheffield CSE Team 2", "SHE")
    organisation.create_team(ctx, system, "Doncaster CSE Team 1", "DON")
    return World(
        ctx=ctx,
        clock=clock,
        admin=_user(ctx, "admin.one", Role.ADMINISTRATOR),
        investigator=_user(ctx, "dc.alder", Role.INVESTIGATOR, "Sheffield CSE Team 1"),
        investigator2=_user(ctx, "dc.birch", Role.INVESTIGATOR, "Sheffield CSE Team 1"),
        supervisor=_user(ctx, "ds.cedar", Role.SUPERVISOR, "Sheffield CSE Team 1"),
        supervisor2=_user(ctx, "ds.hazel", Role.SUPERVISOR, "Sheffield CSE Team 1"),
        other_team_investigator=_user(ctx, "dc.elm", Role.INVESTIGATOR, "Sheffield CSE Team 2"),
        other_district_investigator=_user(ctx, "dc.fir", Role.INVESTIGATOR, "Doncaster CSE Team 1"),
        intel=_user(ctx, "io.gorse", Role.INTELLIGENCE_OFFICER, district="SHE"),
        auditor=_user(ctx, "aud.holly", Role.AUDITOR),
        procedure_id=procedure.procedure_id,
    )


@pytest.fixture
def world(ctx: ServiceContext, clock: FakeClock) -> World:
    """The small force with the minimal test procedure published."""
    return build_world(ctx, clock, MINIMAL_SOP.read_text(encoding="utf-8"))


@pytest.fixture
def shipped_world(ctx: ServiceContext, clock: FakeClock) -> World:
    """The small force with the shipped CSE SOP published."""
    from checklist_app import paths

    return build_world(ctx, clock, paths.default_sop().read_text(encoding="utf-8"))


@pytest.fixture
def initialised(db_url: str) -> Iterator[ServiceContext]:
    """A database as `checklist-app init` leaves it (districts, shipped procedure)."""
    context, _ = admin.initialise(db_url, system_actor())
    yield context
    context.close()


# --- GUI ----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def collect_garbage_safely(request: pytest.FixtureRequest) -> None:
    """GUI tests run as the app does: no automatic cyclic collection (it could delete a widget inside a Qt
    layout pass or in the worker thread); the guard's timer collects from the event loop instead. Other
    tests collect normally, so a long non-GUI stretch does not pile up garbage."""
    import gc

    if request.node.get_closest_marker("gui") is None:
        gc.enable()
        return
    from checklist_app.ui import gc_guard

    gc_guard.install(request.getfixturevalue("qapp"))
    gc.disable()


MODAL_PATIENCE_MS = 10_000


@pytest.fixture(autouse=True)
def no_forgotten_modal_dialogs(request: pytest.FixtureRequest) -> Iterator[None]:
    """A modal dialog nobody answers would wait for a click forever and hang the whole run (a message box
    opened by an unexpected error in a GUI test did exactly that in CI). A watchdog closes any modal
    dialog left open for ten seconds and fails the test with the dialog's title and text."""
    if request.node.get_closest_marker("gui") is None:
        yield
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    request.getfixturevalue("qapp")
    seen: dict[int, int] = {}
    forgotten: list[str] = []

    def check() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            seen.clear()
            return
        key = id(widget)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] * 500 < MODAL_PATIENCE_MS:
            return
        text = widget.text() if isinstance(widget, QMessageBox) else ""
        forgotten.append(f"{widget.windowTitle()!r}: {text}")
        seen.pop(key, None)
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()

    timer = QTimer()
    timer.setInterval(500)
    timer.timeout.connect(check)
    timer.start()
    yield
    timer.stop()
    if forgotten:
        pytest.fail("a modal dialog was left open and closed by the watchdog: " + "; ".join(forgotten))


@pytest.fixture
def runner(qapp) -> Iterator[TaskRunner]:  # type: ignore[no-untyped-def]
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_session(world, runner: TaskRunner, prefs: Preferences) -> Callable[[Actor], AppSession]:  # type: ignore[no-untyped-def]
    def make(actor: Actor) -> AppSession:
        return AppSession(world.ctx, actor, runner, prefs)

    return make


@pytest.fixture
def idle(qtbot, runner: TaskRunner) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Wait until every queued service call has finished, its callback has run, and what the callback
    queued in turn (Qt shows widgets added to a visible layout by a queued call) has been processed."""

    def wait() -> None:
        qtbot.waitUntil(lambda: runner.idle, timeout=15000)
        QApplication.processEvents()

    return wait
