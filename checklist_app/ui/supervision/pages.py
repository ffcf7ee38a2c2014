"""Whether the signed-in user gets the team dashboard as their home screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checklist_app.core.permissions import Action
from checklist_app.ui.session import AppSession

if TYPE_CHECKING:
    from checklist_app.ui.supervision.dashboard import DashboardPage


def supervision_home(session: AppSession) -> DashboardPage | None:
    """Supervisors of a team land on the team dashboard; everyone else has none."""
    if not session.may(Action.WORKLOAD_VIEW) or session.actor.team_id is None:
        return None
    from checklist_app.ui.supervision.dashboard import DashboardPage

    return DashboardPage(session)
