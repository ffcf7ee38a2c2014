"""A PostgreSQL connection killed in the middle of a write (pg_terminate_backend: a server restart, an
administrator ending sessions). The user is told in words that the connection went and whether the change
was saved; nothing is half-saved; the same program's next write works on a new connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from db_support import server_url
from sqlalchemy import create_engine, event, select, text

from checklist_app.services import accounts, admin
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.store import audit
from checklist_app.store.errors import ConnectionLost
from checklist_app.store.models import User

pytestmark = pytest.mark.skipif(not server_url(), reason="a server connection (CHECKLIST_APP_TEST_DB)")

PASSWORD = "Correct-Horse-9-battery"


@pytest.fixture
def terminate(db_url: str) -> Iterator[object]:
    killer = create_engine(db_url, isolation_level="AUTOCOMMIT")

    def kill(backend: int) -> None:
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})

    yield kill
    killer.dispose()


def _add(ctx: ServiceContext, username: str) -> None:
    accounts.create_user(
        ctx, system_actor(), username=username, display_name="Auditor", role="auditor", password=PASSWORD
    )


def _usernames(ctx: ServiceContext) -> set[str]:
    with ctx.db.read() as session:
        return set(session.scalars(select(User.username)))


def test_a_connection_killed_mid_transaction_saves_nothing_and_says_so(initialised, terminate, monkeypatch) -> None:
    real_append = audit.append

    def append_after_the_kill(session, *args, **kwargs):  # type: ignore[no-untyped-def]
        terminate(session.execute(text("SELECT pg_backend_pid()")).scalar())
        return real_append(session, *args, **kwargs)

    monkeypatch.setattr(audit, "append", append_after_the_kill)
    with pytest.raises(ConnectionLost, match=r"connection to .* was lost \(.*\)\. What was being saved was not saved"):
        _add(initialised, "cut.off")
    monkeypatch.setattr(audit, "append", real_append)
    assert "cut.off" not in _usernames(initialised)
    _add(initialised, "next.one")  # the pool replaces the dead connection
    assert "next.one" in _usernames(initialised)
    report = admin.verify(initialised, system_actor())
    assert report.ok, [str(p) for p in report.problems]


def test_a_connection_killed_at_commit_says_the_change_may_not_be_saved(initialised, terminate) -> None:
    """At COMMIT the server may have committed before the connection went: the message must not claim
    'not saved'."""
    engine = initialised.db.engine
    armed = [True]

    def kill_before_commit(conn) -> None:  # type: ignore[no-untyped-def]
        if armed.pop() if armed else False:
            terminate(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())

    event.listen(engine, "commit", kill_before_commit)
    try:
        with pytest.raises(ConnectionLost, match=r"while the change was being committed, so it may or may not"):
            _add(initialised, "at.commit")
    finally:
        event.remove(engine, "commit", kill_before_commit)
    assert "at.commit" not in _usernames(initialised)  # killed before the COMMIT reached the server
    report = admin.verify(initialised, system_actor())
    assert report.ok, [str(p) for p in report.problems]
