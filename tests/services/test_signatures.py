"""Electronic signatures: password at signing, manifestation, binding to the content, superseding, verify."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from db_support import server_url
from sqlalchemy import select
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.cli.main import main
from checklist_app.core.signatures import Meaning, SignatureState
from checklist_app.services import accounts, cases, closure, signatures
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, RecordChanged
from checklist_app.store.db import sqlite_path
from checklist_app.store.models import AuditEntry, Signature, User
from checklist_app.store.verify import verify_database


def settle_every_step(world, case_id: int) -> None:
    settle_for_closure(world, case_id)


def closure_signatures(world, case_id: int) -> list[signatures.SignatureView]:
    """The case's closure signatures (settling the steps also signed agreements that they do not apply)."""
    listed = signatures.case_signatures(world.ctx, world.investigator, case_id)
    return [s for s in listed if s.meaning == Meaning.APPROVED_FOR_CLOSURE.value]


@pytest.fixture
def closed(world):
    case = open_case(world)
    settle_every_step(world, case.id)
    world.clock.advance(hours=1)
    signed = closure.close_case(world.ctx, world.supervisor, case.id, "No further action: no offence", PASSWORD)
    return case, signed


def test_signature_records_name_role_time_meaning_and_content_hash(world, closed):
    case, signed = closed
    assert signed.signer_name == "Ds Cedar"
    assert signed.signer_role == "supervisor"
    assert signed.meaning == Meaning.APPROVED_FOR_CLOSURE.value
    assert signed.signed_at == world.clock.now
    assert signed.comment == "No further action: no offence"
    assert len(signed.content_hash) == 64
    assert signed.state is SignatureState.VALID
    assert "Approved for closure: Ds Cedar (supervisor)" in signed.line() and "[valid]" in signed.line()
    listed = signatures.case_signatures(world.ctx, world.investigator, case.id)
    closing = [s for s in listed if s.meaning == Meaning.APPROVED_FOR_CLOSURE.value]
    assert [s.id for s in closing] == [signed.id] and closing[0].valid
    assert {s.meaning for s in listed} == {Meaning.APPROVED_FOR_CLOSURE.value, Meaning.AGREED_NOT_APPLICABLE.value}
    with world.ctx.db.read() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert "signature.sign" in actions and "case.close" in actions


def test_printed_name_is_a_snapshot(world, closed):
    case, _signed = closed
    with world.ctx.db.write() as session:
        user = session.get(User, world.supervisor.user_id)
        user.display_name = "Someone Else"  # not audited on purpose: only the snapshot matters here
    assert signatures.case_signatures(world.ctx, world.investigator, case.id)[0].signer_name == "Ds Cedar"


def test_wrong_password_signs_nothing_and_counts_towards_lockout(world):
    case = open_case(world)
    settle_every_step(world, case.id)
    for attempt in range(1, accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed, match=f"{accounts.LOCK_AFTER - attempt} more failed attempt"):
            closure.close_case(world.ctx, world.supervisor, case.id, "Done", "wrong-password")
    assert cases.case_detail(world.ctx, world.supervisor, case.id).status == "open"
    with pytest.raises(AuthenticationFailed) as locked:
        closure.close_case(world.ctx, world.supervisor, case.id, "Done", "wrong-password")
    assert locked.value.locked
    # Locked now: even the right password neither signs nor logs on.
    with pytest.raises(AuthenticationFailed, match="locked"):
        closure.close_case(world.ctx, world.supervisor, case.id, "Done", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "ds.cedar", PASSWORD)
    with world.ctx.db.read() as session:
        assert session.scalar(select(Signature.id).where(Signature.meaning == "approved for closure")) is None
    assert verify_database(world.ctx.db).ok


def test_a_blank_password_is_refused_before_anything(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="password"):
        closure.close_case(world.ctx, world.supervisor, case.id, "Done", "")


def test_change_through_the_services_supersedes_and_verify_names_it(world, closed):
    case, signed = closed
    closure.reopen_case(world.ctx, world.supervisor, case.id, "New disclosure")
    listed = closure_signatures(world, case.id)
    assert [s.state for s in listed] == [SignatureState.SUPERSEDED]
    assert "[superseded]" in listed[0].line()
    with world.ctx.db.read() as session:  # kept, never deleted
        assert session.get(Signature, signed.id) is not None
    report = verify_database(world.ctx.db)
    assert report.ok  # a recorded later change is how a signature should be superseded
    assert [(n.table, n.record_id) for n in report.notices] == [("signatures", signed.id)]
    assert "approved for closure by Ds Cedar" in str(report.notices[0])
    assert "superseded by a later recorded change" in str(report.notices[0])


def test_closing_again_gives_a_new_valid_signature_beside_the_superseded_one(world, closed):
    case, _ = closed
    closure.reopen_case(world.ctx, world.supervisor, case.id, "New disclosure")
    world.clock.advance(hours=2)
    closure.close_case(world.ctx, world.supervisor2, case.id, "Disclosure checked: no further action", PASSWORD)
    states = [(s.signer_name, s.state) for s in closure_signatures(world, case.id)]
    assert states == [("Ds Cedar", SignatureState.SUPERSEDED), ("Ds Hazel", SignatureState.VALID)]


@pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")
@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command-line tool")
def test_change_with_the_sqlite3_tool_refuses_the_case_and_verify_fails_naming_it(world, closed):
    """The edited case row no longer matches its audit entry, so the case itself is refused where it is
    used (services/tamper_check.py) and the signature on it is never shown as holding."""
    case, signed = closed
    path = sqlite_path(world.ctx.db.url)
    world.ctx.db.dispose()
    subprocess.run(
        ["sqlite3", str(path), f"UPDATE cases SET closure_reason = 'Closed: all done' WHERE id = {case.id};"],
        check=True,
    )
    with pytest.raises(RecordChanged, match="This case's stored record has been changed outside the app"):
        closure_signatures(world, case.id)
    report = verify_database(world.ctx.db)
    named = [str(p) for p in report.problems if p.table == "signatures"]
    assert named == [
        f"signatures, id {signed.id}: approved for closure by Ds Cedar on "
        f"{signed.signed_at:%Y-%m-%d %H:%M} UTC (cases {case.id}): the signed content has changed and no change is "
        "recorded after the signature (changed outside the app?)"
    ]
    out = io.StringIO()
    assert main(["--db", str(path), "verify"], out=out, err=io.StringIO()) == 1
    assert f"signatures, id {signed.id}: approved for closure" in out.getvalue()


@pytest.mark.skipif(bool(server_url()), reason="edits a SQLite file with the sqlite3 tool")
@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command-line tool")
def test_moving_a_signature_to_another_record_is_found(world, closed):
    """A signature cannot be cut and pasted onto another record (21 CFR 11.70)."""
    _case, signed = closed
    other = open_case(world)
    path = sqlite_path(world.ctx.db.url)
    world.ctx.db.dispose()
    subprocess.run(
        ["sqlite3", str(path), f"UPDATE signatures SET object_id = {other.id} WHERE id = {signed.id};"],
        check=True,
    )
    problems = [str(p) for p in verify_database(world.ctx.db).problems]
    assert any(p.startswith(f"signatures, id {signed.id}") and "changed outside the app" in p for p in problems)


def test_the_command_line_cannot_sign(world):
    from checklist_app.services.context import system_actor

    case = open_case(world)
    settle_every_step(world, case.id)
    with pytest.raises(Conflict, match="own account"):
        closure.close_case(world.ctx, system_actor(), case.id, "Done", PASSWORD)
