"""Intelligence on the case: graded (3x5x2) reports, routed to an assessor, assessed and actioned, each
stage timed against the targets for the item's priority in the case's procedure. The tab (tab.py), its
dialogs (dialogs.py) and an item in words (words.py)."""

from checklist_app.ui.tabs.intelligence.tab import IntelligenceTab

__all__ = ["IntelligenceTab"]
