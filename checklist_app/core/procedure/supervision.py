"""The supervision sections: the supervisory review's checklist, and the duties of a team (not of a case).

    supervisory_review:
      completes: [supervision.periodic-review, supervision.record-review]   # steps a signed review completes
      checklist:
        - {id: plan, text: "Progress against the investigation plan"}
    team_duties:
      - id: workload-check
        title: Check each investigator's risk-weighted workload
        period: monthly            # monthly or quarterly: recorded once per team per period
        owner_role: supervisor
        level: team                # team (default) or district: once per district per period
        guidance: ...
        provenance: {kind: local, source: ...}
        evidence: [ ...fields as for steps... ]

Both sections are optional, so files written before they existed still load.
"""

from __future__ import annotations

from checklist_app.core.procedure.declarations import Located, parse_provenance
from checklist_app.core.procedure.model import (
    ReviewChecklistItem,
    Role,
    StepRole,
    SupervisoryReviewSpec,
    TeamDuty,
)
from checklist_app.core.procedure.nodes import CheckedMap, ParseContext, open_mapping
from checklist_app.core.procedure.steps import parse_evidence_fields

PERIODS = ("monthly", "quarterly")
LEVELS = ("team", "district")
_DUTY_ROLES = (Role.SUPERVISOR.value, Role.INVESTIGATOR.value, Role.INTELLIGENCE_OFFICER.value)


def parse_supervisory_review(ctx: ParseContext, top: CheckedMap) -> SupervisoryReviewSpec:
    if not top.has("supervisory_review"):
        return SupervisoryReviewSpec()
    r = top.sub("supervisory_review", ("checklist",), ("completes",))
    items = []
    for path, node in r.items_of("checklist", 1, "checklist item"):
        m = open_mapping(ctx, node, path, ("id", "text"), ("help",))
        if m is not None:
            items.append(
                ReviewChecklistItem(
                    m.ident("id", "review checklist item id", scope=r.path), m.text("text"), m.text("help")
                )
            )
    return SupervisoryReviewSpec(tuple(items), r.strings("completes") if r.has("completes") else ())


def parse_team_duties(ctx: ParseContext, top: CheckedMap) -> tuple[TeamDuty, ...]:
    if not top.has("team_duties"):
        return ()
    duties = []
    for path, node in top.items_of("team_duties", 0, "duty"):
        m = open_mapping(
            ctx,
            node,
            path,
            ("id", "title", "period", "owner_role", "guidance", "provenance"),
            ("evidence", "purpose", "level"),
        )
        if m is None:
            continue
        owner = StepRole(m.choice("owner_role", _DUTY_ROLES, Role.SUPERVISOR.value))
        # The intelligence officer has no team, so their duties are the district's unless the file says otherwise.
        level = m.choice("level", LEVELS, "district" if owner is StepRole.INTELLIGENCE_OFFICER else "team")
        if level == "team" and owner is StepRole.INTELLIGENCE_OFFICER:
            ctx.add(
                m.at("level"),
                "an intelligence officer has no team, so cannot record a team duty; use level: district",
            )
        duties.append(
            TeamDuty(
                id=m.ident("id", "team duty id", scope="team_duties"),
                title=m.text("title"),
                period=m.choice("period", PERIODS, "monthly"),
                owner_role=owner,
                guidance=" ".join(m.text("guidance").split()),
                provenance=parse_provenance(m, "provenance"),
                purpose=m.text("purpose"),
                evidence=parse_evidence_fields(m),
                level=level,
            )
        )
    return tuple(duties)


def check_supervision_references(ctx: ParseContext, located: Located, spec: SupervisoryReviewSpec) -> None:
    """The steps a review completes must exist and be supervisor steps."""
    known = {step.id: step for step, _path in located.steps}
    seen: set[str] = set()
    for index, step_id in enumerate(spec.completes):
        step = known.get(step_id)
        path = f"supervisory_review.completes[{index}]"
        if step_id in seen:  # one signed review would record the same step twice
            ctx.add(path, f"step '{step_id}' is listed more than once")
            continue
        seen.add(step_id)
        if step is None:
            ctx.add(path, f"unknown step '{step_id}': a review can complete only steps of this procedure")
        elif step.role is not StepRole.SUPERVISOR:
            ctx.add(path, f"step '{step_id}' is not a supervisor's step; a supervisory review cannot complete it")
