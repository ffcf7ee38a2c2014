"""The CSE risk assessment: the case's procedure's risk tool as a form with a live score (form.py), the
history of assessments with overrides and countersignatures (history.py), and the tab that holds them with
the next review date (tab.py)."""

from checklist_app.ui.tabs.risk.tab import RiskTab

__all__ = ["RiskTab"]
