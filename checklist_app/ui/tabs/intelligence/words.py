"""An intelligence item in words: its targets, the item in full with its timeline, and the summary a
dialog shows above its fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from checklist_app.core import intelligence as intel
from checklist_app.core import wording
from checklist_app.core.procedure.model import IntelligenceTarget
from checklist_app.core.wording import TIMELINESS_WORDS, due_words, elapsed, live_timeliness
from checklist_app.services.dto import IntelligenceView
from checklist_app.ui.widgets.looks import STATE_TONES, chip_html, esc

PRIORITY_WORDS = {"high": "High", "medium": "Medium", "low": "Low"}


def target_words(target: IntelligenceTarget) -> str:
    return (
        f"route within {target.route.describe()}, assess within {target.assess.describe()}, "
        f"action acknowledged within {target.action.describe()} of submission"
    )


def _due_phrase(due: datetime, now: datetime) -> str:
    return f"due {due_words(due, now)}" if due >= now else due_words(due, now)


def _heading(text: str) -> str:
    return f"<p style='color:#1f3a5f; font-weight:600; margin-top:10px; margin-bottom:2px'>{esc(text)}</p>"


def item_html(item: IntelligenceView, target: IntelligenceTarget | None, now: datetime) -> str:
    priority = PRIORITY_WORDS.get(item.priority, item.priority)
    sanitised = chip_html("Sanitised", "ok") if item.sanitised else chip_html("Not yet sanitised", "late")
    head = (
        f"<p><span style='font-size:12pt; font-weight:600; color:#1f3a5f'>{esc(item.reference)}</span>"
        f"&nbsp;&nbsp;{chip_html('Grade ' + item.grade_code, '')}&nbsp;&nbsp;"
        f"{chip_html(priority + ' priority', 'late' if item.priority == 'high' else '')}&nbsp;&nbsp;"
        f"{chip_html(item.protective_marking, '')}&nbsp;&nbsp;{sanitised}</p>"
        f"<p style='color:#4a5868'>Received {esc(wording.when(item.received_at))} · submitted "
        f"{esc(wording.when(item.submitted_at))} by {esc(item.submitted_by or 'unknown')}</p>"
    )
    body = _heading("Intelligence (sanitised text)") + f"<p>{esc(item.summary)}</p>"
    body += _heading(f"Grading ({item.scheme})") + f"<p>{esc(item.grade_text)}</p>"
    conditions = item.handling_conditions or (
        "None: lawful sharing permitted." if item.grade_code.endswith("P") else "None recorded."
    )
    body += _heading("Handling conditions") + f"<p>{esc(conditions)}</p>"
    body += _heading("Timeline against the targets") + timeline_html(item, target, now)
    if target is not None:
        body += (
            f"<p style='color:#4a5868'>{esc(priority)} priority ({esc(intel.PRIORITY_LABELS[item.priority])}): "
            f"{esc(target_words(target))}. These are local policy defaults.</p>"
        )
    return head + body


def timeline_html(item: IntelligenceView, target: IntelligenceTarget | None, now: datetime) -> str:
    def state_chip(state: str, due: datetime) -> str:
        state = live_timeliness(state, due, now)
        return chip_html(TIMELINESS_WORDS.get(state, state), STATE_TONES.get(state, ""))

    def target_text(duration: Any, due: datetime) -> str:
        words = f"target {duration.describe()}, " if duration is not None else "target "
        return f"{words}by {wording.when(due)}"

    def after(moment: datetime) -> str:
        return f"{elapsed(moment - item.submitted_at)} after submission"

    def stage(
        label: str, done_at: datetime | None, done_text: str, goal: Any, due: datetime, state: str
    ) -> tuple[str, str, str, str, str]:
        """One line of the timeline: when it happened (or when it is due), against the target."""
        when, text = (wording.when(done_at), done_text) if done_at is not None else ("not yet", _due_phrase(due, now))
        return (label, when, text, target_text(goal, due), state_chip(state, due))

    rerouted = f" (re-routed {item.reroute_count}×)" if item.reroute_count else ""
    outcome = intel.ASSESSMENT_OUTCOMES.get(item.assessment_outcome, item.assessment_outcome)
    rows = [
        ("Submitted", wording.when(item.submitted_at), f"by {item.submitted_by or 'unknown'}", "", ""),
        stage(
            "Routed",
            item.routed_at,
            f"to {item.routed_to}{rerouted}, {after(item.routed_at)}" if item.routed_at else "",
            target.route if target else None,
            item.route_due,
            item.route_state,
        ),
        stage(
            "Assessed",
            item.assessed_at,
            f"in {elapsed(item.assessed_at - item.submitted_at)} by {item.assessed_by}: {outcome}. "
            f"{item.assessment_rationale}"
            if item.assessed_at
            else "",
            target.assess if target else None,
            item.assess_due,
            item.assess_state,
        ),
        stage(
            "Action",
            item.actioned_at,
            f"by {item.actioned_by}, {after(item.actioned_at)}: {item.action_taken}" if item.actioned_at else "",
            target.action if target else None,
            item.action_due,
            item.action_state,
        ),
    ]
    cells = []
    for i, (stage, when, what, target_cell, state) in enumerate(rows):
        arrow = "→ " if i else ""
        cells.append(
            "<tr>"
            f"<td style='padding:3px 10px 3px 0; font-weight:600; white-space:nowrap'>{arrow}{esc(stage)}</td>"
            f"<td style='padding:3px 10px 3px 0; white-space:nowrap'>{esc(when)}</td>"
            f"<td style='padding:3px 10px 3px 0'>{esc(what)}</td>"
            f"<td style='padding:3px 10px 3px 0; color:#4a5868'>{esc(target_cell)}</td>"
            f"<td style='padding:3px 0'>{state}</td>"
            "</tr>"
        )
    return f"<table cellspacing='0'>{''.join(cells)}</table>"


def item_summary(item: IntelligenceView, extra: str = "") -> str:
    priority = PRIORITY_WORDS.get(item.priority, item.priority)
    text = item.summary if len(item.summary) <= 280 else item.summary[:277].rstrip() + "…"
    return (
        f"<p><b>{esc(item.reference)}</b> · grade {esc(item.grade_code)} · {esc(priority)} priority · "
        f"{esc(item.protective_marking)}</p><p style='color:#4a5868'>{esc(text)}</p>{extra}"
    )


def due_line(label: str, due: datetime, state: str, now: datetime, duration: Any) -> str:
    state = live_timeliness(state, due, now)
    target = f" (target {duration.describe()})" if duration is not None else ""
    return (
        f"<p>{esc(label)} {esc(wording.when(due))}{esc(target)}: {esc(due_words(due, now))} "
        f"{chip_html(TIMELINESS_WORDS.get(state, state), STATE_TONES.get(state, ''))}</p>"
    )
