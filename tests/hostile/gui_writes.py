"""Child of the kill -9 test of the app's own writes: the service calls the desktop app's screens make
(log-on, open a case with the wizard, save a step's progress, mark a mandatory step not applicable, a
supervisor's signed agreement, an intelligence submission), in one process, on the database named.

    python kill_point.py SPEC --script gui_writes.py DATABASE
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from checklist_app.demo.people import DEMO_PASSWORD
from checklist_app.services import accounts, case_opening, intelligence, steps
from checklist_app.services.context import ServiceContext


def main(location: str) -> int:
    with ServiceContext.open(location) as ctx:
        officer = accounts.log_on(ctx, "investigator", DEMO_PASSWORD)
        supervisor = accounts.log_on(ctx, "supervisor", DEMO_PASSWORD)
        form = case_opening.NewCase(
            district_code="SHE",
            referral_at=datetime.now(UTC) - timedelta(hours=2),
            referral_source="Education",
            subject_ref="SC-104233",
            age_band="13-15",
        )
        case = case_opening.open_case(ctx, officer, form)
        steps.save_progress(ctx, officer, case.id, "referral.record-details", {})
        steps.mark_not_applicable(ctx, officer, case.id, "referral.record-details", "Referral came by phone")
        steps.agree_not_applicable(ctx, supervisor, case.id, "referral.record-details", DEMO_PASSWORD)
        item = intelligence.NewIntelligence(
            received_at=datetime.now(UTC) - timedelta(minutes=30),
            summary="Subject seen getting into a silver hatchback outside location L-12 at 22:00.",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            priority="high",
        )
        intelligence.submit(ctx, officer, case.id, item)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
