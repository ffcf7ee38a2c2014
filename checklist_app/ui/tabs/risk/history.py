"""The history of risk assessments: its table columns, one assessment in full, and what a countersignature
binds to."""

from __future__ import annotations

from collections.abc import Callable

from checklist_app.core import wording
from checklist_app.core.risk import Recency
from checklist_app.core.wording import compact_day
from checklist_app.services.dto import RiskAssessmentView
from checklist_app.ui.tabs.risk.form import RECENCY_WORDS
from checklist_app.ui.widgets.looks import chip_html, esc
from checklist_app.ui.widgets.record_table import Column


def history_columns(review_tone: Callable[[RiskAssessmentView], str]) -> tuple[Column, ...]:
    """The history table's columns; `review_tone` colours the next review date (it depends on the clock)."""
    return (
        Column(
            "Assessed",
            lambda a: compact_day(a.assessed_at),
            tooltip=lambda a: wording.when(a.assessed_at),
        ),
        Column("Assessor", lambda a: a.assessor, stretch=True),
        Column("Score", lambda a: str(a.score), centre=True),
        Column(
            "Category",
            lambda a: (
                str(a.final_category)
                if a.final_category == a.calculated_category
                else f"{a.calculated_category} → {a.final_category}"
            ),
            centre=True,
            tone=lambda a: "late" if a.final_category != a.calculated_category else "",
            tooltip=lambda a: f"Calculated category {a.calculated_category}, final category {a.final_category}",
        ),
        Column(
            "In force",
            lambda a: str(a.effective_category),
            centre=True,
            tone=lambda a: "overdue" if a.effective_category >= 3 else "",
            tooltip=lambda a: f"The category that counts: {wording.RISK_LABELS.get(a.effective_category, '')}",
        ),
        Column(
            "Override",
            override_text,
            tone=lambda a: "late" if a.override_pending else "",
            tooltip=lambda a: (
                f"Override to Category {a.final_category}: {a.override_reason}"
                + (" (awaiting a supervisor's countersignature)" if a.override_pending else "")
                if a.override_reason
                else "No override"
            ),
        ),
        Column(
            "Next review",
            lambda a: compact_day(a.next_review_at),
            tone=review_tone,
            tooltip=lambda a: f"Next review due {wording.when(a.next_review_at)}",
        ),
    )


def override_text(a: RiskAssessmentView) -> str:
    if a.final_category == a.calculated_category:
        return "–"
    if a.override_pending:
        return "Pending"
    sig = a.countersignature
    return f"Signed: {a.countersigned_by}" + ("" if sig is None or sig.valid else " (superseded)")


def assessment_html(a: RiskAssessmentView, labels: dict[str, str]) -> str:
    """One recorded assessment in full; `labels` names the indicators and triggers by id."""
    head = (
        f"<p>{chip_html(f'Category {a.effective_category}', f'risk{a.effective_category}')}&nbsp; "
        f"<b>{esc(a.band_label)}</b> · score {a.score} · {esc(a.tool)} · assessed "
        f"{esc(wording.when(a.assessed_at))} by {esc(a.assessor)}</p>"
    )
    if a.section_points:
        head += "<p>" + " · ".join(f"{esc(t)} {p}" for t, p in a.section_points) + "</p>"
    if a.triggers:
        head += "<p><b>Triggers:</b> " + esc(", ".join(labels.get(t, t) for t in a.triggers)) + "</p>"
    if a.final_category != a.calculated_category:
        signed = (
            chip_html("awaiting countersignature", "late")
            if a.override_pending
            else esc(f"countersigned by {a.countersigned_by} {wording.when(a.countersigned_at)}")
        )
        head += (
            f"<p><b>Override</b> from Category {a.calculated_category} to {a.final_category}, {signed}. "
            f"Reason: {esc(a.override_reason)}</p>"
        )
        sig = a.countersignature
        if sig is not None:  # the electronic signature, with whether it still holds for the content
            state = chip_html("valid" if sig.valid else "superseded", "ok" if sig.valid else "overdue")
            head += f"<p><b>Signature:</b> {esc(sig.text)}&nbsp; {state}</p>"
    if a.notes:
        head += f"<p><b>Notes:</b> {esc(a.notes)}</p>"
    present = [(i, v) for i, v in a.answers.items() if v not in ("no", "absent")]
    if present:
        items = "".join(
            f"<li>{esc(labels.get(i, i))}"
            + (f" ({esc(RECENCY_WORDS.get(Recency(v), v).lower())})" if v in {r.value for r in Recency} else "")
            + f": <span style='color:#4a5868'>{esc(a.evidence.get(i, ''))}</span></li>"
            for i, v in present
        )
        head += f"<p><b>Indicators present and their evidence</b></p><ul style='margin-top:0'>{items}</ul>"
    head += f"<p style='color:#4a5868'>Next review {esc(wording.when(a.next_review_at))}</p>"
    return head


def countersign_summary(a: RiskAssessmentView) -> str:
    """What the countersignature binds to, in words for the signer."""
    direction = "up" if a.final_category > a.calculated_category else "down"
    return (
        f"Risk assessment RA-{a.id} by {a.assessor}, {wording.when(a.assessed_at)} ({a.tool}).\n"
        f"Score {a.score}: calculated Category {a.calculated_category}, final Category {a.final_category} "
        f"(override {direction}).\n\nReason given:\n{a.override_reason}\n\n"
        f"Countersigning makes Category {a.final_category} the one that counts for this case."
    )
