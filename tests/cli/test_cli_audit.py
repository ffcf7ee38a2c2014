"""`checklist-app audit round create|list|show` and `audit sample`, on a real database."""

from __future__ import annotations

import io
import sys

import pytest
from cli_support import assert_refused, cli
from support import open_case
from world_support import PASSWORD


@pytest.fixture
def force(world, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Six cases in March 2026 (four Sheffield, two Doncaster); the auditor's password on standard input."""
    for n in range(4):
        open_case(world, subject_ref=f"SC-SHE-{n:03d}")
    for n in range(2):
        open_case(world, world.other_district_investigator, district_code="DON", subject_ref=f"SC-DON-{n:03d}")
    db = world.ctx.db.engine.url.render_as_string(hide_password=False)

    def run(*argv: str):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        return cli("--db", db, *argv)

    return run


def test_create_sample_list_and_show_a_round(force):
    created = force("audit", "round", "create", "--user", "aud.holly", "--period", "2026-03", "--size", "3")
    assert created.code == 0, created
    assert created.out.startswith("audit round 1: 2026-03, districts BAR DON ROT SHE, auditor Aud Holly; ")
    assert "sample 3 of 6 eligible case(s), 0 set aside" in created.out
    assert "not drawn yet: run `checklist-app audit sample 1 --seed S`" in created.out

    drawn = force("audit", "sample", "1", "--seed", "2026", "--user", "aud.holly")
    assert drawn.code == 0, drawn
    assert drawn.out.startswith("audit round 1 drawn (seed 2026)\n")
    strata = [line.split("\t") for line in drawn.out.splitlines() if line.startswith("stratum\t")]
    sampled = [line.split("\t") for line in drawn.out.splitlines() if line.startswith("sampled\t")]
    # Four Sheffield and two Doncaster cases, none risk-assessed: 2 and 1 places.
    assert [(s[1], s[2]) for s in strata] == [
        ("DON, risk not assessed", "1 of 2"),
        ("SHE, risk not assessed", "2 of 4"),
    ]
    assert len(sampled) == 3 and all(s[3] == "pending" for s in sampled)

    again = force("audit", "sample", "1", "--seed", "2026", "--user", "aud.holly")
    assert again.code == 0, again
    assert "redrawn from the kept frame; it matches the recorded draw" in again.out
    assert [line for line in again.out.splitlines() if line.startswith("sampled")] == ["\t".join(s) for s in sampled]

    listing = force("audit", "round", "list", "--user", "aud.holly")
    assert listing.out.split("\t")[:5] == ["1", "2026-03", "BAR DON ROT SHE", "sample 3 of 6", "seed 2026"]
    shown = force("audit", "round", "show", "1", "--user", "aud.holly")
    assert shown.code == 0 and [line for line in shown.out.splitlines() if line.startswith("sampled")] == [
        "\t".join(s) for s in sampled
    ]


def test_create_with_a_seed_draws_at_once_and_the_same_seed_gives_the_same_sample(force):
    one = force("audit", "round", "create", "--user", "aud.holly", "--period", "2026-Q1", "--size", "4", "--seed", "9")
    two = force("audit", "round", "create", "--user", "aud.holly", "--period", "2026-Q1", "--size", "4", "--seed", "9")
    picked = [[line for line in r.out.splitlines() if line.startswith("sampled")] for r in (one, two)]
    assert len(picked[0]) == 4 and picked[0] == picked[1]


@pytest.mark.parametrize(
    ("argv", "expected", "code"),
    [
        (("round", "show", "42"), "error: There is no audit round 42.", 3),
        (("sample", "42", "--seed", "1"), "error: There is no audit round 42.", 3),
        (("round", "show", "first"), "error: The audit round must be a whole number, not 'first'.", 1),
        (("sample", "1", "--seed", "x1"), "error: --seed must be a whole number, not 'x1'.", 1),
        (("round", "create", "--period", "2026-13"), "error: Period: bad period '2026-13': month must be in 1..12", 1),
        (("round", "create", "--period", "March"), "error: Period: bad period 'March': use YYYY", 1),
        (
            ("round", "create", "--period", "2026-03", "--size", "7"),
            "error: Sample size: 7 is larger than the frame: 6 eligible case(s) in 2026-03",
            1,
        ),
        (("round", "create", "--period", "2026-03", "--district", "XX"), "error: Districts: unknown XX", 1),
    ],
)
def test_clear_one_line_errors(force, argv, expected, code):
    assert_refused(force("audit", *argv, "--user", "aud.holly"), expected, code=code)


def test_a_round_is_drawn_once(force):
    force("audit", "round", "create", "--user", "aud.holly", "--period", "2026-03", "--size", "2", "--seed", "5")
    assert_refused(force("audit", "sample", "1", "--seed", "6", "--user", "aud.holly"), "drawn with seed 5", code=3)


def test_only_an_auditor_with_their_password(force):
    assert_refused(force("audit", "round", "list", "--user", "dc.alder"), "may not view audit rounds", code=3)
    assert_refused(force("audit", "round", "list"), "Say which auditor you are", code=1)
