"""Whether an auditor may audit a case: never their own work, and (by SOP setting) never their team's.

An audit is independent only if the auditor had no hand in the case. "A hand" is read widely: the
officer in charge, the supervisor, or anyone the audit trail shows changing the case's records. Reading
a case is not a hand in it, so an auditor who looked at a case before is still independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SkipReason(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    EDITOR = "editor"
    OWN_TEAM = "own_team"

    def describe(self) -> str:
        return _WORDS[self]


_WORDS = {
    SkipReason.OFFICER: "the auditor is the case's officer in charge",
    SkipReason.SUPERVISOR: "the auditor is the case's supervisor",
    SkipReason.EDITOR: "the auditor changed the case's records (audit trail)",
    SkipReason.OWN_TEAM: "the case belongs to the auditor's own team (SOP setting audit.block_team)",
}


@dataclass(frozen=True, slots=True)
class Involvement:
    """Who had a hand in a case: its officer and supervisor, its team, and every user who wrote to it."""

    officer_id: int | None
    supervisor_id: int | None
    team_id: int | None
    writers: frozenset[int]


def conflict(auditor_id: int, auditor_team_id: int | None, case: Involvement, block_team: bool) -> SkipReason | None:
    """The first reason the auditor may not audit the case, or None if they may."""
    if case.officer_id == auditor_id:
        return SkipReason.OFFICER
    if case.supervisor_id == auditor_id:
        return SkipReason.SUPERVISOR
    if auditor_id in case.writers:
        return SkipReason.EDITOR
    if block_team and auditor_team_id is not None and case.team_id == auditor_team_id:
        return SkipReason.OWN_TEAM
    return None
