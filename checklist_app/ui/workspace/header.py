"""The case workspace's header, filled from the loaded case: the chips (status, risk, next risk review,
overdue steps, open directed actions), the case's facts (procedure version, district, people, subject,
referral) and the read-only notice."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from checklist_app.core import wording
from checklist_app.services.dto import CaseDetail

# Review dates closer than this show amber in the header.
REVIEW_SOON_DAYS = 14


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def chip(label: QWidget, text: str, tone: str, tip: str = "") -> None:
    label.setText(text)  # type: ignore[attr-defined]
    label.setToolTip(tip)
    label.setVisible(bool(text))
    label.setProperty("tone", tone)  # never read back (see steps.models.PhaseDelegate)
    repolish(label)


def show_chips(ui: Any, detail: CaseDetail) -> None:
    """The reference and the status, risk, risk review and overdue-steps chips."""
    now = detail.as_of
    ui.caseReference.setText(detail.reference)
    if detail.status == "open":
        chip(ui.statusChip, "Open", "info", f"Opened {wording.when(detail.opened_at)}")
    else:
        closed = wording.day(detail.closed_at)
        chip(ui.statusChip, f"Closed {closed}", "muted", detail.closure_reason)

    risk = detail.current_risk
    if risk is None:
        chip(ui.riskChip, "Risk not assessed", "soon", "No CSE risk assessment has been recorded yet.")
    else:
        category = risk.effective_category
        text = f"Risk {category}"
        if risk.band_label:
            text += f" · {risk.band_label}"
        tip = f"CSE risk category {category}, assessed {wording.when(risk.assessed_at)}"
        if risk.assessor:
            tip += f" by {risk.assessor}"
        if risk.override_pending:
            text += " (override pending)"
            tip += ". The override awaits a second supervisor's countersignature."
        chip(ui.riskChip, text, f"risk{max(1, min(4, category))}", tip)

    review = detail.risk_review_due
    if review is None and detail.risk_review_waiting and detail.status == "open":
        chip(
            ui.reviewChip,
            "Risk review date not set yet",
            "",
            f"The risk reassessment step has no date yet. {detail.risk_review_waiting}.",
        )
    elif review is None or detail.status != "open":
        chip(ui.reviewChip, "", "")
    elif review < now:
        chip(
            ui.reviewChip,
            f"Risk review overdue since {wording.day(review)}",
            "overdue",
            f"The CSE risk assessment was due for review {wording.relative(review, now)}.",
        )
    else:
        tone = "soon" if (review - now).days < REVIEW_SOON_DAYS else ""
        chip(ui.reviewChip, f"Next risk review {wording.day(review)}", tone, f"Due {wording.relative(review, now)}")

    overdue = detail.overdue_steps
    if detail.status != "open":
        chip(ui.overdueChip, "", "")
    elif overdue:
        listed = "\n".join(f"{s.number} {s.title}" for s in overdue[:12])
        more = f"\n… and {len(overdue) - 12} more" if len(overdue) > 12 else ""
        chip(
            ui.overdueChip,
            f"{len(overdue)} overdue step{'s' if len(overdue) != 1 else ''}",
            "overdue",
            f"{listed}{more}\n\nClick to go to the first overdue step.",
        )
    else:
        chip(ui.overdueChip, "No overdue steps", "ok", "Every required step with a due date is on time.")


def show_facts(ui: Any, detail: CaseDetail, may_move: bool) -> None:
    """The procedure version (with the move button when `may_move`), the case's people and referral, and
    the notice when the case is read only."""
    ui.procedureLabel.setText(f"Procedure {detail.procedure_label}")
    ui.procedureLabel.setToolTip("The procedure version this case follows")
    ui.moveVersionButton.setVisible(may_move)
    if may_move:
        ui.moveVersionButton.setText(f"Move to v{detail.newer_version}…")
        ui.moveVersionButton.setToolTip(
            f"Version {detail.newer_version} of the procedure has been published. Move this case to it: work "
            "on steps that exist in both is kept, and the move is logged."
        )
    team = f" · {detail.team_name}" if detail.team_name else ""
    ui.districtValue.setText(f"{detail.district_name}{team}")
    ui.officerValue.setText(detail.officer_name or "Not allocated")
    ui.supervisorValue.setText(detail.supervisor_name or "Not allocated")
    age = f" · aged {detail.age_band.replace('-', '–')}" if detail.age_band else ""
    ui.subjectValue.setText(f"{detail.subject_ref}{age}")
    ui.subjectValue.setToolTip("The child's pseudonymous reference")
    ui.referralValue.setText(f"{wording.when(detail.referral_at)} · {detail.referral_source}")

    notice = ""
    if detail.status != "open":
        notice = f"This case was closed on {wording.when(detail.closed_at)}"
        notice += f": {detail.closure_reason}" if detail.closure_reason else "."
        notice += " It is shown read only."
    elif not detail.viewer_may_edit:
        if detail.viewer_role in ("auditor", "administrator"):
            notice = "Read only: your role can view this case but not change it."
        else:
            notice = "Read only: this case belongs to another team. You can view it but not change it."
    ui.workspaceNotice.setText(notice)
    ui.workspaceNotice.setVisible(bool(notice))
    repolish(ui.workspaceNotice)


def show_actions_chip(label: QLabel, open_actions: int, mine: int, overdue: int, case_open: bool) -> None:
    """The count of open directed actions (hidden when there are none or the case is closed)."""
    if not open_actions or not case_open:
        chip(label, "", "")
        return
    text = f"{open_actions} directed action{'s' if open_actions != 1 else ''} open"
    if mine:
        text += f" · {mine} for you"
    if overdue:
        text += f" · {overdue} overdue"
    chip(
        label,
        text,
        "overdue" if overdue else "soon",
        "Actions a supervisor directed on this case. Click to see them on the Supervision tab.",
    )
