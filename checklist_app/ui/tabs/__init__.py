"""The case workspace's record tabs: decision log, intelligence, risk assessment, missing episodes, and
events with the case facts.

Each tab is built with `(session, case_id, parent=None)`, is given the case and the procedure version it is
pinned to with `show_detail(detail, procedure)` every time the workspace reloads it (the workspace loads
both in one worker call; the tab keeps the user's selection and half-typed forms), names itself
with `tab_title(detail)` (from the case alone, never the tab's own state: the workspace also calls it
unbound to title a tab it has not built yet), and saves through `session.run(..., changed_case=case_id)`,
whose `case_changed` announcement makes the workspace reload.
"""

from checklist_app.ui.tabs.decisions import DecisionsTab
from checklist_app.ui.tabs.events import EventsTab
from checklist_app.ui.tabs.intelligence import IntelligenceTab
from checklist_app.ui.tabs.missing import MissingTab
from checklist_app.ui.tabs.risk import RiskTab

__all__ = ["DecisionsTab", "EventsTab", "IntelligenceTab", "MissingTab", "RiskTab"]
