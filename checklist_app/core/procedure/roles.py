"""User roles and step owners: what the permissions need of the procedure model, without the rest of it
(the desktop app checks permissions before any procedure is loaded)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """User roles. A user holds exactly one."""

    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    INTELLIGENCE_OFFICER = "intelligence_officer"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


class StepRole(StrEnum):
    """Who owns a step. `either` means an investigator or a supervisor (the brief's "Either")."""

    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    INTELLIGENCE_OFFICER = "intelligence_officer"
    EITHER = "either"

    def roles(self) -> frozenset[Role]:
        if self is StepRole.EITHER:
            return frozenset({Role.INVESTIGATOR, Role.SUPERVISOR})
        return frozenset({Role(self.value)})
