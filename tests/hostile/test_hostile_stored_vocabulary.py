"""A stored value outside the program's vocabularies (a role, a step's status, a signature's meaning),
written with another tool: log-on failed with "'god' is not a valid Role" and opening the case with
"'bogus' is not a valid StepStatus" (unexpected errors). The column types now refuse such a value with
the store's own message naming table, column and row, as they do for dates and JSON."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from db_support import server_url
from support import open_case
from world_support import PASSWORD

from checklist_app.core.procedure.model import Role
from checklist_app.core.schedule import StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import accounts, cases, steps
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import RecordChanged
from checklist_app.services.outside_change import accept_outside_change
from checklist_app.store.errors import UnreadableValue
from checklist_app.store.types import MeaningText, RoleText, StepStatusText
from tests.cli.cli_support import assert_refused, cli


def _tamper(world, sql: str) -> None:  # type: ignore[no-untyped-def]
    if server_url():
        pytest.skip("tampering with the sqlite3 tool")
    conn = sqlite3.connect(Path(world.ctx.db.path), isolation_level=None)
    conn.execute(sql)
    conn.close()


def test_a_role_outside_the_vocabulary_is_named_at_log_on_and_in_the_user_list(world) -> None:  # type: ignore[no-untyped-def]
    _tamper(world, f"UPDATE users SET role = 'superuser' WHERE id = {world.supervisor.user_id}")
    where = f"(table users, column role, row {world.supervisor.user_id}): 'superuser' is not a role this program knows"
    with pytest.raises(UnreadableValue, match=re.escape(f"{where}. It was changed outside the app")):
        accounts.log_on(world.ctx, world.supervisor.username, PASSWORD)
    url = world.ctx.db.engine.url.render_as_string(hide_password=False)
    assert_refused(cli("--db", url, "user", "list"), where, code=3)
    run = cli("--db", url, "verify")
    assert run.code == 1 and f"users, id {world.supervisor.user_id}: column role holds 'superuser'" in run.out


def test_a_step_status_outside_the_vocabulary_is_named_when_the_case_opens(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, "referral.record-details", "Came by phone")
    _tamper(world, f"UPDATE step_records SET status = 'bogus' WHERE case_id = {case.id}")
    with pytest.raises(UnreadableValue, match=r"table step_records, column status, row \d+.*'bogus' is not a step"):
        cases.case_detail(world.ctx, world.investigator, case.id)


@pytest.mark.parametrize(
    ("column_type", "enum"), [(RoleText, Role), (StepStatusText, StepStatus), (MeaningText, Meaning)]
)
def test_the_store_vocabularies_are_core_s(column_type, enum) -> None:  # type: ignore[no-untyped-def]
    assert column_type.choices == frozenset(member.value for member in enum)


def test_a_case_pinned_to_a_missing_procedure_version_is_named(world) -> None:  # type: ignore[no-untyped-def]
    """The foreign key holds it in the app; the sqlite3 tool runs with foreign keys off (was LookupError).
    The edited row is first refused at the point of use; once an administrator accepts it, the missing version
    is named in words."""
    case = open_case(world)
    _tamper(world, f"UPDATE cases SET procedure_version_id = 999 WHERE id = {case.id}")
    fresh = ServiceContext.open(world.ctx.db.url)  # a procedure already parsed is cached per context
    try:
        with pytest.raises(RecordChanged, match="changed outside the app"):
            cases.case_detail(fresh, world.investigator, case.id)
        reason = "Investigated under reference PSD-2026-001: accepted for the test."
        accept_outside_change(fresh, world.admin, "cases", case.reference, reason, password=PASSWORD)
        expected = rf"table cases, column procedure_version_id, row {case.id}\): procedure version 999 is not in"
        with pytest.raises(UnreadableValue, match=expected):
            cases.case_detail(fresh, world.investigator, case.id)
    finally:
        fresh.close()


def test_a_stored_procedure_text_that_no_longer_parses_is_named(world) -> None:  # type: ignore[no-untyped-def]
    """Was the loader's SopValidationError, which the screens do not expect from a published version."""
    case = open_case(world)
    _tamper(world, "UPDATE procedure_versions SET source_text = 'phases: [' WHERE id = 1")
    fresh = ServiceContext.open(world.ctx.db.url)
    try:
        expected = r"table procedure_versions, column source_text, row 1\): the stored procedure .* no longer reads"
        with pytest.raises(UnreadableValue, match=expected):
            cases.case_detail(fresh, world.investigator, case.id)
    finally:
        fresh.close()
