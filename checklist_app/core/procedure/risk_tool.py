"""The CSE risk tool: sections with their indicators and scoring, bands and triggers."""

from __future__ import annotations

from yaml.nodes import Node

from checklist_app.core.procedure.declarations import parse_provenance
from checklist_app.core.procedure.limits import VERSION_CHARS
from checklist_app.core.procedure.model import Duration
from checklist_app.core.procedure.nodes import ZERO, CheckedMap, ParseContext, join_path, open_mapping
from checklist_app.core.procedure.risk_model import (
    RiskBand,
    RiskIndicator,
    RiskSection,
    RiskTool,
    RiskTrigger,
    ScoringMethod,
)


def parse_risk_tool(ctx: ParseContext, top: CheckedMap) -> RiskTool:
    r = top.sub("risk_tool", ("id", "version", "title", "provenance", "sections", "bands"), ("description", "triggers"))
    sections = [_parse_section(ctx, path, node) for path, node in r.items_of("sections", 1, "section")]
    bands = _parse_bands(r)
    categories = [b.category for b in bands]
    return RiskTool(
        id=r.ident("id", "risk tool id"),
        version=r.text("version", max_chars=VERSION_CHARS),
        title=r.text("title"),
        description=r.text("description"),
        sections=tuple(s for s in sections if s is not None),
        bands=tuple(bands),
        triggers=_parse_triggers(r, categories),
        provenance=parse_provenance(r, "provenance"),
    )


def _parse_section(ctx: ParseContext, path: str, node: Node) -> RiskSection | None:
    m = open_mapping(
        ctx, node, path, ("id", "title", "scoring", "indicators"), ("description", "window", "recency_points")
    )
    if m is None:
        return None
    section_id = m.ident("id", "risk section id")
    scoring = m.enum("scoring", ScoringMethod, ScoringMethod.COUNT)
    window, points = _parse_recency(m, scoring)
    indicators = []
    for item_path, item in m.items_of("indicators", 1, "indicator"):
        i = open_mapping(ctx, item, item_path, ("id", "label"), ("points", "help"))
        if i is not None:
            ident = i.ident("id", "indicator id")
            indicators.append(RiskIndicator(ident, i.text("label"), i.integer("points", 1, 0), i.text("help")))
    return RiskSection(section_id, m.text("title"), scoring, tuple(indicators), m.text("description"), points, window)


def _parse_recency(m: CheckedMap, scoring: ScoringMethod) -> tuple[Duration | None, dict[str, int]]:
    if scoring is not ScoringMethod.RECENCY:
        # A count section may state its look-back window (indicators count if seen within it).
        if "recency_points" in m.items:
            m.ctx.add(m.at("recency_points"), "recency_points only applies to sections with scoring: recency")
        return (m.duration("window") if m.has("window") else None), {}
    if not m.has("window"):
        m.ctx.add(m.path, "a recency section needs a window (e.g. window: 6mo)")
    if not m.has("recency_points"):
        m.ctx.add(m.path, "a recency section needs recency_points with current, past and both")
    p = m.sub("recency_points", ("current", "past", "both"))
    points = {key: p.integer(key, 0, minimum=0) for key in ("current", "past", "both") if p.has(key)}
    return m.duration("window"), points


def _parse_bands(r: CheckedMap) -> list[RiskBand]:
    located: list[tuple[RiskBand, str]] = []
    for path, node in r.items_of("bands", 1, "band"):
        m = open_mapping(r.ctx, node, path, ("category", "label", "min", "review", "actions"), ("max",))
        if m is None:
            continue
        high = m.integer("max", 0, minimum=0) if m.has("max") else None
        band = RiskBand(
            category=m.integer("category", 0, minimum=1),
            label=m.text("label"),
            min_score=m.integer("min", 0, minimum=0),
            max_score=high,
            actions=m.text("actions"),
            review_interval=m.duration("review") or ZERO,
        )
        located.append((band, path))
    _check_bands(r.ctx, located)
    return [band for band, _ in located]


def _check_bands(ctx: ParseContext, located: list[tuple[RiskBand, str]]) -> None:
    previous: RiskBand | None = None
    for band, path in located:
        if band.max_score is not None and band.max_score < band.min_score:
            ctx.add(path, f"band {band.category}: max {band.max_score} is below min {band.min_score}")
        if previous is None:
            if band.min_score != 0:
                ctx.add(join_path(path, "min"), f"the first band must start at 0, not {band.min_score}")
        else:
            _check_band_follows(ctx, previous, band, path)
        previous = band
    if previous is not None and previous.max_score is not None:
        ctx.add(
            located[-1][1],
            "the last band must have no max, so that every score falls in a band",
        )


def _check_band_follows(ctx: ParseContext, previous: RiskBand, band: RiskBand, path: str) -> None:
    if band.category <= previous.category:
        message = f"band categories must be ascending: {band.category} follows {previous.category}"
        ctx.add(join_path(path, "category"), message)
    if previous.max_score is None:
        ctx.add(path, f"only the last band may leave out max, but band {previous.category} before this one does")
    elif band.min_score != previous.max_score + 1:
        ctx.add(
            join_path(path, "min"),
            f"bands must be contiguous: this band starts at {band.min_score} but the band before ends at "
            f"{previous.max_score} (expected min: {previous.max_score + 1})",
        )


def _parse_triggers(r: CheckedMap, categories: list[int]) -> tuple[RiskTrigger, ...]:
    triggers: list[RiskTrigger] = []
    for path, node in r.items_of("triggers"):
        m = open_mapping(r.ctx, node, path, ("id", "label", "min_category"))
        if m is None:
            continue
        trigger = RiskTrigger(m.ident("id", "trigger id"), m.text("label"), m.integer("min_category", 0))
        if m.has("min_category") and categories and trigger.min_category not in categories:
            m.ctx.add(
                m.at("min_category"),
                f"min_category {trigger.min_category} is not a band category; categories are: "
                f"{', '.join(str(c) for c in categories)}",
            )
        triggers.append(trigger)
    return tuple(triggers)
