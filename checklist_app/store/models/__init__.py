"""SQLAlchemy models. Only `store` and `services` import this package.

Every audited model implements `audit_state()`: the fields whose hash the audit entry describing the row
carries. `verify` recomputes it for every row, so it must cover every column a user could change and
nothing the application derives (derived data lives in `case_summaries`, which is rebuildable).

The models live in modules by subject (base.py: the declarative base, the `Audited` mixin and the
helpers; organisation.py, cases.py, case_records.py, audit_log.py, supervision.py, casework_audit.py);
every name is imported from here, so importing this package maps every table on `Base.metadata`.
"""

from __future__ import annotations

from checklist_app.store.models.audit_log import AuditEntry, ChainState, Signature
from checklist_app.store.models.base import NAMING_CONVENTION, Audited, Base, object_type_of, table_of
from checklist_app.store.models.case_records import (
    CaseEvent,
    Decision,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
)
from checklist_app.store.models.cases import Case, CaseSummary, ProcedureVersion, StepRecord
from checklist_app.store.models.casework_audit import (
    AUDIT_MODELS,
    AuditAddendum,
    AuditModeration,
    AuditRound,
    CaseAudit,
    RemedialAction,
)
from checklist_app.store.models.organisation import District, Team, User
from checklist_app.store.models.supervision import DirectedAction, DistrictDutyRecord, SupervisoryReview, TeamDutyRecord
from checklist_app.store.types import name_columns

# Every model whose rows the audit chain vouches for (the order of the single module before the split).
AUDITED_MODELS: tuple[type[Audited], ...] = (
    District,
    Team,
    User,
    ProcedureVersion,
    Case,
    StepRecord,
    CaseEvent,
    Decision,
    IntelligenceItem,
    RiskAssessment,
    MissingEpisode,
    Signature,
    SupervisoryReview,
    DirectedAction,
    TeamDutyRecord,
    DistrictDutyRecord,
    *AUDIT_MODELS,
)

# Every date, time and JSON column knows its table and column, for the message when it holds a bad value.
name_columns(Base.metadata)

__all__ = [
    "AUDITED_MODELS",
    "AUDIT_MODELS",
    "NAMING_CONVENTION",
    "AuditAddendum",
    "AuditEntry",
    "AuditModeration",
    "AuditRound",
    "Audited",
    "Base",
    "Case",
    "CaseAudit",
    "CaseEvent",
    "CaseSummary",
    "ChainState",
    "Decision",
    "DirectedAction",
    "District",
    "DistrictDutyRecord",
    "IntelligenceItem",
    "MissingEpisode",
    "ProcedureVersion",
    "RemedialAction",
    "RiskAssessment",
    "Signature",
    "StepRecord",
    "SupervisoryReview",
    "Team",
    "TeamDutyRecord",
    "User",
    "object_type_of",
    "table_of",
]
