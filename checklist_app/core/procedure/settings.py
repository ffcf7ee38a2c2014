"""Procedure settings: the force's local policy values (intervals, intelligence targets, workload weights,
missing-episode and audit settings, overrides of local deadlines).
"""

from __future__ import annotations

from checklist_app.core.audit_sampling import MAX_SAMPLE_SIZE
from checklist_app.core.procedure.declarations import Located
from checklist_app.core.procedure.model import Duration, IntelligenceTarget, Settings
from checklist_app.core.procedure.nodes import ZERO, CheckedMap, ParseContext, as_duration, as_number
from checklist_app.core.wording import PRIORITIES

WORKLOAD_CATEGORIES = (1, 2, 3, 4)

_SETTINGS_REQUIRED = (
    "due_soon",
    "supervisory_review_interval",
    "risk_review_interval",
    "intelligence_targets",
    "workload",
    "missing",
    "audit",
)


def parse_settings(ctx: ParseContext, top: CheckedMap, located: Located) -> Settings:
    s = top.sub("settings", _SETTINGS_REQUIRED, ("deadline_overrides",))
    workload = s.sub("workload", ("weights", "complex_multiplier", "threshold"))
    missing = s.sub("missing", ("repeat_threshold", "repeat_window"))
    audit = s.sub("audit", ("sample_size", "moderation_rate", "block_team", "remedial_due"))
    return Settings(
        due_soon=s.duration("due_soon") or ZERO,
        supervisory_review_interval=_positive(s, "supervisory_review_interval"),
        risk_review_interval=_positive(s, "risk_review_interval"),
        intelligence_targets=_parse_targets(s),
        workload_weights=_parse_weights(workload),
        workload_complex_multiplier=workload.number("complex_multiplier", 1.0, low=1.0),
        workload_threshold=workload.number("threshold", 1.0, low=0.0),
        missing_repeat_threshold=missing.integer("repeat_threshold", 1, minimum=1),
        missing_repeat_window=missing.duration("repeat_window") or ZERO,
        audit_sample_size=_sample_size(audit),
        audit_moderation_rate=audit.number("moderation_rate", 0.0, low=0.0, high=1.0),
        audit_block_team=audit.boolean("block_team"),
        remedial_due=_parse_remedial(audit),
        deadline_overrides=_parse_overrides(s, located),
    )


def _positive(s: CheckedMap, key: str) -> Duration:
    """A review interval of zero would make every case overdue the moment it is reviewed."""
    duration = s.duration(key)
    if duration is not None and duration.amount <= 0:
        s.ctx.add(s.at(key), f"{key} must be longer than zero, not {duration}", s.items.get(key))
    return duration or ZERO


def _sample_size(audit: CheckedMap) -> int:
    """The default size of an audit round: the same bounds as a size given when the round is created, so a
    round created with the default is never refused for it."""
    size = audit.integer("sample_size", 1, minimum=1)
    if size > MAX_SAMPLE_SIZE:
        audit.ctx.add(
            audit.at("sample_size"),
            f"sample_size must be at most {MAX_SAMPLE_SIZE}, not {size}",
            audit.items.get("sample_size"),
        )
    return size


def _parse_targets(s: CheckedMap) -> dict[str, IntelligenceTarget]:
    targets_map = s.sub("intelligence_targets", PRIORITIES)
    targets: dict[str, IntelligenceTarget] = {}
    for priority in PRIORITIES:
        if targets_map.has(priority):
            t = targets_map.sub(priority, ("route", "assess", "action"))
            targets[priority] = IntelligenceTarget(
                t.duration("route") or ZERO, t.duration("assess") or ZERO, t.duration("action") or ZERO
            )
    return targets


def _parse_remedial(audit: CheckedMap) -> dict[str, Duration]:
    remedial = audit.sub("remedial_due", PRIORITIES)
    return {p: remedial.duration(p) or ZERO for p in PRIORITIES if remedial.has(p)}


def _parse_weights(workload: CheckedMap) -> dict[int, float]:
    weights: dict[int, float] = {}
    allowed = {str(c): c for c in WORKLOAD_CATEGORIES}
    for key, node, path in workload.entries("weights"):
        if key not in allowed:
            workload.ctx.add(path, f"'{key}' is not a risk category; give weights for categories 1 to 4")
            continue
        value = as_number(workload.ctx, node, path)
        if value is not None and value < 0:
            workload.ctx.add(path, f"a workload weight cannot be negative ({value:g})")
        weights[allowed[key]] = value if value is not None else 0.0
    if workload.has("weights"):
        for category in WORKLOAD_CATEGORIES:
            if category not in weights:
                workload.ctx.add(
                    workload.at("weights"),
                    f"no weight for risk category {category}; every category from 1 to 4 needs a weight",
                )
    return weights


def _parse_overrides(s: CheckedMap, located: Located) -> dict[str, Duration]:
    overrides: dict[str, Duration] = {}
    for step_id, node, path in s.entries("deadline_overrides"):
        duration = as_duration(s.ctx, node, path)
        located.overrides.append((step_id, path))
        overrides[step_id] = duration or ZERO
    return overrides
