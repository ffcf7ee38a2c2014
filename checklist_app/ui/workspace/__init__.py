"""One open case: the workspace (case_workspace.py) with its header (header.py), its tabs after Steps built
when first shown (lazy_tabs.py) and the move to a newer procedure version (version_move.py)."""

from checklist_app.ui.workspace.case_workspace import CaseWorkspace
from checklist_app.ui.workspace.header import REVIEW_SOON_DAYS
from checklist_app.ui.workspace.lazy_tabs import SECTION_TABS

__all__ = ["REVIEW_SOON_DAYS", "SECTION_TABS", "CaseWorkspace"]
