"""Tampering with supervision and casework audit records behind the app's back (raw SQL, as the sqlite3 or
psql tool would): a signed review's findings, an audit grade after sign-off, a remedial action, a signature's
own row, values of the wrong type. `verify` names each and fails, and never crashes on what it reads; the
screens' services show the signature as superseded. Runs on SQLite, and on PostgreSQL with
CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
sys.path.insert(0, str(Path(__file__).parents[1] / "cli"))
from cli_support import cli
from support import open_case
from test_audit_services import _signed_audit
from test_reviews import signed_review

from checklist_app.core.signatures import SignatureState
from checklist_app.services import case_audits, reviews, signatures
from checklist_app.store.verify import verify_database


def _tamper(world, sql: str) -> None:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.begin() as conn:
        conn.execute(text(sql))


def _verify_fails_naming(world, table: str, words: str) -> None:  # type: ignore[no-untyped-def]
    report = verify_database(world.ctx.db)
    assert not report.ok
    named = [str(p) for p in report.problems if p.table == table]
    assert any(words in p for p in named), [str(p) for p in report.problems]
    run = cli("--db", world.ctx.db.engine.url.render_as_string(hide_password=False), "verify")
    assert run.code != 0 and "Traceback" not in run.text and "unexpected failure" not in run.text, run.text
    assert words in run.text, run.text


@pytest.mark.parametrize(
    ("sql", "table", "words"),
    [
        ("UPDATE case_audits SET overall_grade = 'outstanding' WHERE status = 'signed'", "signatures", "has changed"),
        ("UPDATE case_audits SET rationale = 'Outstanding work' WHERE status = 'signed'", "signatures", "has changed"),
        ("UPDATE remedial_actions SET description = 'nothing to do'", "signatures", "has changed"),
        ("UPDATE remedial_actions SET priority = 'low'", "signatures", "has changed"),
        ("UPDATE signatures SET content_hash = 'ab' || substr(content_hash, 3)", "signatures", "has changed"),
        ("DELETE FROM signatures", "signatures", "deleted?"),
        ("UPDATE signatures SET signer_name = 'Somebody Else'", "signatures", "changed outside the app?"),
        ("UPDATE signatures SET object_id = 999999", "signatures", "no longer exists"),
        ("UPDATE signatures SET object_type = 'users'", "signatures", "cannot be signed"),
        ("UPDATE procedure_versions SET source_text = source_text || ' '", "procedure_versions", "changed outside"),
    ],
)
def test_tampered_audit_sign_off_is_named_by_verify(world, sql: str, table: str, words: str) -> None:
    _signed_audit(world, remedial_owner=world.investigator)
    assert verify_database(world.ctx.db).ok
    _tamper(world, sql)
    _verify_fails_naming(world, table, words)


@pytest.mark.parametrize(
    ("sql", "table", "words"),
    [
        ("UPDATE supervisory_reviews SET findings = 'All fine.'", "signatures", "has changed"),
        ("UPDATE directed_actions SET description = 'Nothing'", "signatures", "has changed"),
        ("DELETE FROM signatures", "signatures", "deleted?"),
        ("UPDATE signatures SET meaning = 'closed'", "signatures", "column meaning holds 'closed', not a valid value"),
    ],
)
def test_tampered_supervisory_review_is_named_by_verify(world, sql: str, table: str, words: str) -> None:
    case = open_case(world)
    signed_review(world, case.id)
    _tamper(world, sql)
    _verify_fails_naming(world, table, words)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE supervisory_reviews SET checklist = '{broken'",
        "UPDATE supervisory_reviews SET completes_steps = 'not json at all'",
        "UPDATE signatures SET signed_at = 'garbage'",
    ],
)
def test_unreadable_values_in_signed_records_fail_verify_without_a_crash(world, sql: str) -> None:
    if "signed_at" in sql and not world.ctx.db.is_sqlite:
        pytest.skip("PostgreSQL's timestamp column refuses the value at the door")
    case = open_case(world)
    signed_review(world, case.id)
    _tamper(world, sql)
    report = verify_database(world.ctx.db)
    assert not report.ok
    assert any(p.table == "signatures" and "cannot be" in str(p) for p in report.problems), report.problems
    run = cli("--db", world.ctx.db.engine.url.render_as_string(hide_password=False), "verify")
    assert run.code != 0 and "Traceback" not in run.text and "unexpected failure" not in run.text, run.text


def test_the_screens_show_a_tampered_review_and_audit_as_superseded(world) -> None:
    case = open_case(world)
    signed_review(world, case.id)
    audit_id, _ = _signed_audit(world)
    _tamper(world, "UPDATE supervisory_reviews SET findings = 'All fine.'")
    _tamper(world, f"UPDATE case_audits SET overall_grade = 'outstanding' WHERE id = {audit_id}")
    shown = reviews.case_reviews(world.ctx, world.supervisor, case.id)[0]
    assert [s.state for s in shown.signatures] == [SignatureState.SUPERSEDED]
    assert [s.state for s in signatures.case_signatures(world.ctx, world.investigator, case.id)] == [
        SignatureState.SUPERSEDED
    ]
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).signatures[0].endswith("[superseded]")


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ("UPDATE supervisory_reviews SET checklist = '[1, 2]'", "review"),
        ("UPDATE supervisory_reviews SET checklist = '{broken'", "review"),
        ("UPDATE case_audits SET grades = '[]'", "audit"),
        ("UPDATE case_audits SET comments = '\"text\"'", "audit"),
    ],
)
def test_a_json_value_of_the_wrong_shape_is_a_clear_store_error_and_named_by_verify(world, sql: str, read: str) -> None:
    from checklist_app.services.errors import StoreError

    case = open_case(world)
    signed_review(world, case.id)
    audit_id, _ = _signed_audit(world)
    _tamper(world, sql)
    with pytest.raises(StoreError, match="changed outside the app; run `checklist-app verify`"):
        if read == "review":
            reviews.case_reviews(world.ctx, world.supervisor, case.id)
        else:
            case_audits.audit_form(world.ctx, world.auditor, audit_id)
    report = verify_database(world.ctx.db)
    assert not report.ok
    table = "supervisory_reviews" if read == "review" else "case_audits"
    assert any(p.table == table and "not a valid value" in str(p) for p in report.problems), report.problems


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE signatures SET signer_name = 'Somebody Else'",
        "UPDATE signatures SET signer_role = 'administrator'",
        "UPDATE signatures SET signed_at = '2026-03-01 08:00:00'",
    ],
)
def test_a_forged_signature_row_does_not_show_as_valid(world, sql: str) -> None:
    # The content it signs is untouched, so its content hash still matches: the row itself was changed.
    case = open_case(world)
    signed_review(world, case.id)
    audit_id, _ = _signed_audit(world)
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).signatures[0].endswith("[valid]")
    _tamper(world, sql)
    shown = reviews.case_reviews(world.ctx, world.supervisor, case.id)[0]
    assert [s.state for s in shown.signatures] == [SignatureState.SUPERSEDED]
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).signatures[0].endswith("[superseded]")
    assert not verify_database(world.ctx.db).ok
