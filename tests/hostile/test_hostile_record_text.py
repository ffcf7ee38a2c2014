"""Hostile text in what users type (third pass): NUL, escape codes, lone surrogates, bidirectional overrides
and pasted megabytes in free text, and invisible characters in references. NUL was stored by SQLite and made
PostgreSQL fail with a database error; a lone surrogate failed both drivers' encoding ('unexpected failure'),
in writes and in look-ups (a user name at log-on); 'pay \\u202eTXT.exe' was stored and shown reversed; a
megabyte decision was stored whole; a team name with a Cyrillic letter, in other letter case or form made a
second team looking like the first. The write guard (services/guards.py) refuses each in words naming the
field, whichever service forgot; the engine (store/unstorable.py) refuses NUL and lone surrogates in any statement.
Runs on PostgreSQL too with CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

import pytest
from support import open_case
from world_support import PASSWORD

from checklist_app.services import accounts, case_opening, cases, organisation, records, steps
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput
from checklist_app.store.audit import head
from checklist_app.store.errors import UnstorableText
from checklist_app.store.models import AuditEntry

HOSTILE = [
    ("x\x00y", r"control character \(\\x00\)"),
    ("red\x1b[31m alert", r"control character \(\\x1b\)"),
    ("bell\x07", r"control character \(\\x07\)"),
    ("c1\x9b2J", r"control character \(\\x9b\)"),
    ("pay \u202eTXT.exe", r"bidirectional override \(\\u202e\)"),
    ("isolate \u2067x\u2069", r"bidirectional override \(\\u2067\)"),
    ("half \ud83d of an emoji", r"lone surrogate \(\\ud83d\)"),
]


def _chain(world) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as session:
        return head(session)


@pytest.mark.parametrize(("text", "expected"), HOSTILE, ids=[repr(t) for t, _ in HOSTILE])
def test_hostile_characters_in_free_text_are_refused_naming_the_field_and_nothing_is_saved(
    world,  # type: ignore[no-untyped-def]
    text: str,
    expected: str,
) -> None:
    case = open_case(world)
    before = _chain(world)
    with pytest.raises(InvalidInput, match=f"Decision: holds a {expected}"):
        records.add_decision(world.ctx, world.investigator, case.id, decision=text, rationale="Because")
    with pytest.raises(InvalidInput, match=f"Reason: holds a {expected}"):
        steps.mark_not_applicable(world.ctx, world.supervisor, case.id, "referral.confirm-safety", text)
    with pytest.raises(InvalidInput, match=f"Circumstances: holds a {expected}"):
        open_case(world, circumstances=text)
    with pytest.raises(InvalidInput, match=f"CSE flag reference: (?:holds a {expected}|must not contain control)"):
        steps.complete_step(
            world.ctx,
            world.investigator,
            case.id,
            "referral.record-details",
            {"cse_flag_reference": f"CR/{text}", "referral_source": "school"},
        )
    assert _chain(world) == before


def test_white_space_right_to_left_writing_and_emoji_are_stored_as_typed(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    text = "Line one\r\nTab\there, vertical\x0btab from a word processor\nעברית עם סימן\u200f, عربى 👩\u200d💻 Ł"
    records.add_decision(world.ctx, world.investigator, case.id, decision=text, rationale="Because")
    (decision,) = cases.case_detail(world.ctx, world.investigator, case.id).decisions
    assert decision.decision == text


def test_a_pasted_megabyte_is_refused_in_any_unbounded_text_column(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    before = _chain(world)
    page = "lorem ipsum " * 90_000
    with pytest.raises(InvalidInput, match=r"Decision: is 1,079,999 characters long; at most 20,000 fit"):
        records.add_decision(world.ctx, world.investigator, case.id, decision=page, rationale="Because")
    with pytest.raises(InvalidInput, match=r"Circumstances: is 1,079,999 characters long"):
        open_case(world, circumstances=page)
    assert _chain(world) == before
    records.add_decision(world.ctx, world.investigator, case.id, decision="d" * 20_000, rationale="Because")


def test_an_invisible_character_in_a_reference_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    # Two references that look the same must be the same: a zero-width space made them differ.
    case = open_case(world)
    for invisible in ("\u200b", "\u2060", "\ufeff", "\u00ad"):
        with pytest.raises(InvalidInput, match=r"CSE flag reference: must not contain control or invisible"):
            steps.complete_step(
                world.ctx,
                world.investigator,
                case.id,
                "referral.record-details",
                {"cse_flag_reference": f"CR/2026/{invisible}0001", "referral_source": "school"},
            )


@pytest.mark.parametrize("name", ["ad\x00min", "ad\ud800min"], ids=["NUL", "surrogate"])
def test_a_user_name_no_database_can_look_up_is_refused_in_words_at_log_on(world, name: str) -> None:  # type: ignore[no-untyped-def]
    before = _chain(world)
    with pytest.raises(
        UnstorableText, match=r"The text given holds a (NUL character|lone surrogate).*Nothing was saved"
    ):
        accounts.log_on(world.ctx, name, "whatever-password-1")
    assert _chain(world) == before
    # The database is still usable after the refused statement, on both engines.
    with pytest.raises(AuthenticationFailed):
        accounts.log_on(world.ctx, "nobody.here", "whatever-password-1")


def test_a_user_name_with_escape_codes_at_log_on_is_audited_escaped(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthenticationFailed):
        accounts.log_on(world.ctx, "ad\x1b[2Jmin\u202e", "whatever-password-1")
    with world.ctx.db.read() as session:
        entry = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        assert entry is not None and entry.action == "user.logon_failed"
        assert entry.username == "ad\\x1b[2Jmin\\u202e"


def test_a_case_form_with_a_lone_surrogate_is_refused_by_the_service(world) -> None:  # type: ignore[no-untyped-def]
    form = case_opening.NewCase(
        district_code="SHE",
        referral_at=world.clock.now,
        referral_source="Education",
        subject_ref="SC-104233",
        age_band="13-15",
        procedure_id=world.procedure_id,
        circumstances="Seen at \udcff location",
    )
    with pytest.raises(InvalidInput, match=r"Circumstances: holds a lone surrogate \(\\udcff\)"):
        case_opening.open_case(world.ctx, world.investigator, form)


def test_a_team_name_that_imitates_or_repeats_another_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    # 'Sheffield CSE Team 1' with a Cyrillic 'С', in other letter case, with a decomposed letter or full-width
    # letters made a second team that looks like the first in every list a user picks a team from.
    with pytest.raises(InvalidInput, match=r"Team name: mixes letters of different alphabets \(Cyrillic and Latin\)"):
        organisation.create_team(world.ctx, world.admin, "Sheffield \u0421SE Team 1", "SHE")
    others = (
        "sheffield cse team 1",
        "Sheffield  CSE Team 1",
        "Ｓｈｅｆｆｉｅｌｄ CSE Team 1",
        "Sheffield \u0421\u0405\u0415 Team 1",
    )
    for same in others:  # other case, spacing, full-width letters, a whole word of Cyrillic look-alikes
        with pytest.raises(Conflict, match=r"A team called 'Sheffield CSE Team 1' already exists"):
            organisation.create_team(world.ctx, world.admin, same, "SHE")
    organisation.create_team(world.ctx, world.admin, "Rotherham Zoe\u0308 Team", "ROT")
    with pytest.raises(Conflict, match="already exists"):
        organisation.create_team(world.ctx, world.admin, "Rotherham Zoë Team", "ROT")
    names = [t.name for t in organisation.list_teams(world.ctx)]
    assert "Rotherham Zoë Team" in names  # stored composed


def test_a_display_name_mixing_look_alike_alphabets_is_refused_and_one_alphabet_is_kept(world) -> None:  # type: ignore[no-untyped-def]
    def add(username: str, name: str):  # type: ignore[no-untyped-def]
        return accounts.create_user(
            world.ctx, world.admin, username=username, display_name=name, role="auditor", password=PASSWORD + "-x"
        )

    with pytest.raises(InvalidInput, match=r"Display name: mixes letters of different alphabets \(Greek and Latin\)"):
        add("aud.alpha", "Aud \u0391lder")  # Greek capital alpha
    for username, name in (("aud.greek", "Ελένη Παπαδοπούλου"), ("aud.polish", "Łucja Wiśniewska")):
        assert add(username, name).display_name == name


def test_a_reference_with_a_look_alike_letter_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    with pytest.raises(InvalidInput, match=r"CSE flag reference: mixes letters of different alphabets"):
        steps.complete_step(
            world.ctx,
            world.investigator,
            case.id,
            "referral.record-details",
            {"cse_flag_reference": "\u0421R/2026/0001", "referral_source": "school"},
        )
