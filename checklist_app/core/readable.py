"""Procedure text in the words a user knows. Authors write internal names into guidance and descriptions
(`police_protection_taken`, `settings.supervisory_review_interval`, `step:risk.assess`); nothing a user
reads shows them: they become the event's or fact's title, the step's number, the setting with its value."""

from __future__ import annotations

import dataclasses
import re

from checklist_app.core.procedure.model import Duration, Procedure
from checklist_app.core.wording import sentence_case

_SETTING = re.compile(r"\bsettings(?:\.([a-z_]+(?:\.[a-z_]+)*)| ([a-z]+_[a-z_]+))")
_ANCHOR = re.compile(r"\b(event|step)[:.]([a-z][a-z0-9_.-]*[a-z0-9])")
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def readable(text: str, procedure: Procedure | None) -> str:
    """Procedure text with the internal names its authors wrote in it (`police_protection_taken`,
    `settings.supervisory_review_interval`, `step:risk.assess`) replaced by what a user knows them by: the
    event's or fact's title, the step's number, the setting in words with its value."""
    if not text or procedure is None or not any(c in text for c in "_.:"):
        return text
    events = {e.id: e.title for e in procedure.events}
    facts = {f.id: sentence_case(f.title) for f in procedure.facts}
    steps = {s.id: s.number for s in procedure.steps}

    def setting(match: re.Match[str]) -> str:
        path = (match.group(1) or match.group(2)).rstrip("._")
        words = path.replace(".", " ").replace("_", " ")
        value = getattr(procedure.settings, path.replace(".", "_"), None)
        if isinstance(value, Duration):
            return f"the {words} ({value.describe()})"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"the {words} ({value:g})"
        return f"the {words}"

    def anchor(match: re.Match[str]) -> str:
        kind, ref = match.group(1), match.group(2)
        if kind == "step" and ref in steps:
            return f"step {steps[ref]}"
        if kind == "event" and ref in events:
            return f"“{events[ref]}”"
        return match.group(0)

    def name(match: re.Match[str]) -> str:
        ref = match.group(0)
        if ref in events:
            return f"“{events[ref]}”"
        if ref in facts:
            return f"“{facts[ref]}”"
        return ref

    text = _SETTING.sub(setting, text)
    text = _ANCHOR.sub(anchor, text)
    text = _NAME.sub(name, text)
    return text.replace("““", "“").replace("””", "”").replace('"“', '"').replace('”"', '"')


# One display copy per parsed version, so screens that check "same procedure?" by identity still can.
_COPIES: dict[tuple[str, str], tuple[Procedure, Procedure]] = {}
_MAX_COPIES = 32


def readable_procedure(procedure: Procedure) -> Procedure:
    """A copy for display: the same ids, conditions and deadlines, with every description, purpose and
    guidance text made readable. Never schedule with it (it is not the published version's equal)."""
    key = (procedure.id, procedure.version)
    cached = _COPIES.get(key)
    if cached is not None and cached[0] is procedure:
        return cached[1]
    copy = _readable_copy(procedure)
    if len(_COPIES) >= _MAX_COPIES:
        _COPIES.clear()
    _COPIES[key] = (procedure, copy)
    return copy


def _readable_copy(procedure: Procedure) -> Procedure:
    def r(text: str) -> str:
        return readable(text, procedure)

    phases = tuple(
        dataclasses.replace(
            phase,
            description=r(phase.description),
            steps=tuple(dataclasses.replace(s, purpose=r(s.purpose), guidance=r(s.guidance)) for s in phase.steps),
        )
        for phase in procedure.phases
    )
    return dataclasses.replace(
        procedure,
        description=r(procedure.description),
        facts=tuple(dataclasses.replace(f, description=r(f.description)) for f in procedure.facts),
        events=tuple(dataclasses.replace(e, description=r(e.description)) for e in procedure.events),
        phases=phases,
    )


__all__ = ["readable", "readable_procedure"]
