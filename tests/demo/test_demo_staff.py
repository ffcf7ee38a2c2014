"""Demo data on a database an administrator has already shaped: a hand-made team under a demo-like name is
passed over, and a district left with nobody to give a case to is said in words, with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from checklist_app.demo import generator as demo
from checklist_app.demo.people import ensure_staff
from checklist_app.services import accounts, organisation
from checklist_app.services.context import system_actor
from checklist_app.services.errors import Conflict
from checklist_app.store.models import Case, User

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)


def test_a_hand_made_team_with_a_demo_like_name_and_nobody_in_it_is_passed_over(initialised):
    organisation.create_team(initialised, system_actor(), "Sheffield CSE Team 1", "SHE")
    report = demo.generate(initialised, system_actor(), cases=12, seed=3, as_of=AS_OF, workers=0)
    assert report.cases == 12


def test_a_district_without_an_active_intelligence_officer_is_said_in_words(initialised):
    actor = system_actor()
    ensure_staff(initialised, actor)
    with initialised.db.read() as session:
        rotherham = session.scalars(
            select(User.username).where(User.role == "intelligence_officer", User.username.like("io.rot%"))
        ).all()
    for username in rotherham:
        accounts.set_active(initialised, actor, username, False)
    with pytest.raises(Conflict, match="missing in: Rotherham"):
        demo.generate(initialised, actor, cases=12, seed=3, as_of=AS_OF, workers=0)
    with initialised.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
