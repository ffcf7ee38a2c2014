"""Helpers shared by test modules (plain functions, not fixtures)."""

from __future__ import annotations

from datetime import timedelta

from checklist_app.services import cases
from checklist_app.services.dto import CaseDetail


def open_case(world, actor=None, **overrides) -> CaseDetail:  # type: ignore[no-untyped-def]
    form = cases.NewCase(
        district_code="SHE",
        referral_at=world.clock.now - timedelta(hours=2),
        referral_source="Education",
        subject_ref="SC-104233",
        age_band="13-15",
        procedure_id=world.procedure_id,
    )
    for key, value in overrides.items():
        setattr(form, key, value)
    return cases.open_case(world.ctx, actor or world.investigator, form)
