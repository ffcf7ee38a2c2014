"""The District duties page: for a role that holds duties at district level (the intelligence officer, who
has no team and so no dashboard), the district's duties of the period, recorded once per period with the
form built from each duty's evidence fields."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from checklist_app.core.permissions import Action, Actor
from checklist_app.services import district_duties
from checklist_app.services.context import ServiceContext
from checklist_app.services.team_duties import TeamDutyStatus
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.dashboard import procedure_for_dashboard
from checklist_app.ui.supervision.dashboard_duties import DutiesPanel
from checklist_app.ui.widgets.messages import error_label


class DistrictDutiesPage(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("districtDuties")
        self.session = session
        self.loaded = False
        layout = QVBoxLayout(self)
        heading = QLabel("District duties")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        hint = QLabel(
            "Duties the procedure gives the district rather than a team, recorded once per period. The district's "
            "supervisors see them on their team dashboards."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.message = error_label(hidden=True)
        layout.addWidget(self.message)
        self.panel = DutiesPanel(session, self, "District duties this period")
        self.panel.recorded.connect(self.refresh)
        layout.addWidget(self.panel, 1)

    def refresh(self) -> None:
        def load(ctx: ServiceContext, actor: Actor) -> tuple[list[TeamDutyStatus], str]:
            """The district's duties of the procedure new cases follow, and that procedure's id, in one call."""
            procedure_id = procedure_for_dashboard(ctx)
            return district_duties.district_duties(ctx, actor, procedure_id), procedure_id

        self.session.run(self, load, done=lambda result: self._loaded(*result), error=self._failed)

    def _loaded(self, statuses: list[TeamDutyStatus], procedure_id: str) -> None:
        self.message.setVisible(False)
        self.panel.show_duties(statuses, procedure_id)
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(f"The district duties could not be loaded. {explain(exc).message} Press F5 to try again.")
        self.message.setVisible(True)


def district_duties_home(session: AppSession) -> DistrictDutiesPage | None:
    """A page for the roles that record district duties (in a district); None for everyone else."""
    if not session.may(Action.DISTRICT_DUTY_RECORD) or session.actor.district_id is None:
        return None
    return DistrictDutiesPage(session)
