"""The guard every GUI test runs under (tests/gui_thread_guard.py) catches database work done by GUI code on
the GUI thread, and lets the test's own set-up and checks, and the worker thread, through."""

from __future__ import annotations

import functools

import pytest

from checklist_app.services import accounts, organisation

pytestmark = pytest.mark.gui


def _whoami(_ctx, actor):  # type: ignore[no-untyped-def]
    return actor


def test_a_callback_reading_the_database_on_the_gui_thread_is_named_with_its_gui_frame(  # type: ignore[no-untyped-def]
    world, make_session, idle, no_database_work_on_gui_thread
):
    guard = no_database_work_on_gui_thread
    session = make_session(world.investigator)
    # `done` runs on the GUI thread and, like a screen that forgot session.run, reads the database itself.
    session.run(None, _whoami, done=functools.partial(accounts.list_users, world.ctx))
    idle()
    assert guard.violations, "the read in the callback was not seen"
    assert any("FROM users" in v.statement for v in guard.violations)
    assert {v.frame.split(":")[0] for v in guard.violations} == {"checklist_app/ui/session.py"}
    assert "in finished()" in str(guard.violations[0])
    guard.violations.clear()  # seen and checked: this test must not fail for it


def test_the_tests_own_calls_and_the_worker_thread_pass(world, make_session, idle, no_database_work_on_gui_thread):  # type: ignore[no-untyped-def]
    seen: list[object] = []
    organisation.list_districts(world.ctx)  # the test arranging or checking data itself
    session = make_session(world.investigator)
    session.run(None, accounts.list_users, done=seen.append)  # the read on the worker thread
    idle()
    assert seen and no_database_work_on_gui_thread.violations == []
