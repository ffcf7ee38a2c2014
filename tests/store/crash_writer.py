"""Child process of the kill -9 test (security brief, section 9): records work through the real services
and acknowledges each change on stdout only after the service call, and so its COMMIT, has returned.

    python crash_writer.py DATABASE_URL ACTORS_JSON

ACTORS_JSON holds the investigator and supervisor as Actor field lists. Runs until killed.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

from sqlalchemy import select

from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Role
from checklist_app.services import case_opening, procedures, records, steps
from checklist_app.services.context import ServiceContext
from checklist_app.store.db import Database
from checklist_app.store.models import Case

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _actor(fields: list[object]) -> Actor:
    user_id, username, display_name, role, team_id, district_id = fields
    return Actor(int(user_id), str(username), str(display_name), Role(role), team_id, district_id)  # type: ignore[arg-type]


def ack(*parts: object) -> None:
    """One write() per line, which a pipe keeps whole: print() writes piece by piece when Python runs
    unbuffered (PYTHONUNBUFFERED), and a kill between the pieces would leave half an acknowledgement."""
    os.write(sys.stdout.fileno(), (" ".join(map(str, parts)) + "\n").encode())


def main() -> None:
    url, actors = sys.argv[1], json.loads(sys.argv[2])
    investigator, supervisor = _actor(actors["investigator"]), _actor(actors["supervisor"])
    ctx = ServiceContext(Database(url))
    # Warm up (parse the procedure, configure the mappers) so the parent's kill lands among the writes.
    version = procedures.latest_version(ctx, actors["procedure_id"])
    with ctx.db.read() as session:
        session.scalars(select(Case).limit(1)).all()
        ctx.procedure(session, version.id)
    ack("ready")
    while True:
        form = case_opening.NewCase(
            district_code="SHE",
            referral_at=ctx.now() - timedelta(hours=1),
            referral_source="Education",
            subject_ref="SC-104233",
            age_band="13-15",
            procedure_id=actors["procedure_id"],
        )
        case_id = case_opening.open_case(ctx, investigator, form).id
        ack("case", case_id)
        steps.save_progress(ctx, investigator, case_id, "referral.record-details", {"cse_flag_reference": "CSE/1"})
        ack("step", case_id, "referral.record-details", "in_progress")
        steps.complete_step(ctx, investigator, case_id, "referral.record-details", FLAG)
        ack("step", case_id, "referral.record-details", "done")
        steps.complete_step(ctx, supervisor, case_id, "referral.confirm-safety", {"child_safe": "yes"})
        ack("step", case_id, "referral.confirm-safety", "done")
        steps.mark_not_applicable(ctx, investigator, case_id, "investigation.seize-devices", "No devices used")
        ack("step", case_id, "investigation.seize-devices", "not_applicable")
        decision = records.add_decision(ctx, supervisor, case_id, decision="Refer to MASH", rationale="Risk")
        ack("decision", decision)


if __name__ == "__main__":
    main()
