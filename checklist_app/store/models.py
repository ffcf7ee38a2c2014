"""SQLAlchemy models. Only `store` and `services` import this module.

Every audited model implements `audit_state()`: the fields whose hash the audit entry describing the row
carries. `verify` recomputes it for every row, so it must cover every column a user could change and
nothing the application derives (derived data lives in `case_summaries`, which is rebuildable).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from checklist_app.store.types import CanonicalJSONList, CanonicalJSONObject, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: CanonicalJSONObject,
        list[Any]: CanonicalJSONList,
    }


class Audited:
    """Mixin for rows whose state the audit chain vouches for."""

    # Set by each model; declared here so code given any audited class may read it.
    __tablename__: Any  # as DeclarativeBase declares it
    AUDIT_FIELDS: ClassVar[tuple[str, ...]] = ()
    # What an electronic signature on this row binds to (store/signed_content.py): these fields, plus the
    # named fields of child rows given as (table, foreign key column, fields). Empty: it cannot be signed.
    SIGNED_FIELDS: ClassVar[tuple[str, ...]] = ()
    SIGNED_CHILDREN: ClassVar[tuple[tuple[str, str, tuple[str, ...]], ...]] = ()
    id: Mapped[int]

    def audit_state(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.AUDIT_FIELDS}


class District(Base, Audited):
    __tablename__ = "districts"
    AUDIT_FIELDS = ("code", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Team(Base, Audited):
    __tablename__ = "teams"
    AUDIT_FIELDS = ("name", "district_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))


class User(Base, Audited):
    __tablename__ = "users"
    AUDIT_FIELDS = (
        "username",
        "display_name",
        "role",
        "team_id",
        "district_id",
        "password_hash",
        "active",
        "failed_logons",
        "first_failed_at",
        "locked_at",
        "must_change_password",
        "created_at",
        "last_logon_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logons: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_logon_at: Mapped[datetime | None]


class ProcedureVersion(Base, Audited):
    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("procedure_id", "version", name="uq_procedure_versions_id_version"),)
    AUDIT_FIELDS = ("procedure_id", "version", "title", "effective_date", "content_hash", "source_text")

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    effective_date: Mapped[date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(64))


class Case(Base, Audited):
    __tablename__ = "cases"
    AUDIT_FIELDS = (
        "reference",
        "district_id",
        "team_id",
        "procedure_version_id",
        "referral_at",
        "referral_source",
        "subject_ref",
        "date_of_birth",
        "age_band",
        "circumstances",
        "facts",
        "priority",
        "officer_id",
        "supervisor_id",
        "status",
        "opened_at",
        "opened_by",
        "closed_at",
        "closure_reason",
    )
    # A closure signature approves this case being closed at this time for this reason; reopening changes
    # the status and so supersedes it.
    SIGNED_FIELDS = ("reference", "status", "closed_at", "closure_reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    referral_at: Mapped[datetime]
    referral_source: Mapped[str] = mapped_column(String(64))
    # Pseudonymous reference to the child: never a name.
    subject_ref: Mapped[str] = mapped_column(String(32), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_band: Mapped[str | None] = mapped_column(String(16))
    circumstances: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    opened_at: Mapped[datetime]
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closure_reason: Mapped[str] = mapped_column(Text, default="")


class CaseSummary(Base):
    """Derived per-case figures for the case list; rebuilt from the case whenever it changes."""

    __tablename__ = "case_summaries"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    phase_number: Mapped[int] = mapped_column(Integer, default=1)
    phase_title: Mapped[str] = mapped_column(String(120), default="")
    next_due_step: Mapped[str] = mapped_column(String(16), default="")
    next_due_title: Mapped[str] = mapped_column(String(200), default="")
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # Due times of open required steps, sorted, so the overdue count at any moment needs no recompute.
    open_due: Mapped[list[Any]] = mapped_column(default=list)
    steps_required: Mapped[int] = mapped_column(Integer, default=0)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    risk_category: Mapped[int] = mapped_column(Integer, default=0, index=True)
    complex_case: Mapped[bool] = mapped_column(Boolean, default=False)
    last_activity_at: Mapped[datetime | None]
    computed_at: Mapped[datetime]


class StepRecord(Base, Audited):
    __tablename__ = "step_records"
    __table_args__ = (UniqueConstraint("case_id", "step_id", name="uq_step_records_case_step"),)
    AUDIT_FIELDS = (
        "case_id",
        "step_id",
        "status",
        "reason",
        "evidence",
        "started_at",
        "completed_at",
        "completed_by",
        "due_at",
        "completions",
        "updated_at",
        "updated_by",
        "retired",
    )
    # Agreement that a mandatory step does not apply signs the step, its state and the reason given, and when
    # it was last changed, so marking it not applicable again with the same reason needs a fresh agreement.
    SIGNED_FIELDS = ("case_id", "step_id", "status", "reason", "evidence", "retired", "updated_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The deadline as it stood when the step was last completed: what on-time measures compare with.
    due_at: Mapped[datetime | None]
    completions: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set when the case moved to a procedure version without this step; the work is kept, not shown as due.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseEvent(Base, Audited):
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_type", "case_id", "event_type"),)
    AUDIT_FIELDS = ("case_id", "event_type", "occurred_at", "recorded_at", "recorded_by", "source", "note")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    event_type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class Decision(Base, Audited):
    __tablename__ = "decisions"
    AUDIT_FIELDS = ("case_id", "decided_at", "recorded_at", "author_id", "category", "decision", "rationale")

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    decided_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(32), default="general")
    decision: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)


class IntelligenceItem(Base, Audited):
    __tablename__ = "intelligence_items"
    AUDIT_FIELDS = (
        "reference",
        "case_id",
        "district_id",
        "received_at",
        "submitted_at",
        "submitted_by",
        "summary",
        "scheme",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "handling_conditions",
        "protective_marking",
        "priority",
        "sanitised",
        "routed_to",
        "routed_at",
        "reroute_count",
        "assessed_at",
        "assessed_by",
        "assessment_outcome",
        "assessment_rationale",
        "actioned_at",
        "actioned_by",
        "action_taken",
        "regrade_reason",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    received_at: Mapped[datetime]
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Sanitised text only: never the source's identity.
    summary: Mapped[str] = mapped_column(Text)
    scheme: Mapped[str] = mapped_column(String(8))
    source_evaluation: Mapped[str] = mapped_column(String(4))
    intelligence_assessment: Mapped[str] = mapped_column(String(4))
    handling_code: Mapped[str] = mapped_column(String(4))
    handling_conditions: Mapped[str] = mapped_column(Text, default="")
    protective_marking: Mapped[str] = mapped_column(String(32), default="OFFICIAL")
    priority: Mapped[str] = mapped_column(String(8))
    sanitised: Mapped[bool] = mapped_column(Boolean, default=False)
    routed_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    routed_at: Mapped[datetime | None]
    reroute_count: Mapped[int] = mapped_column(Integer, default=0)
    assessed_at: Mapped[datetime | None]
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessment_outcome: Mapped[str] = mapped_column(String(16), default="")
    assessment_rationale: Mapped[str] = mapped_column(Text, default="")
    actioned_at: Mapped[datetime | None]
    actioned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action_taken: Mapped[str] = mapped_column(Text, default="")
    regrade_reason: Mapped[str] = mapped_column(Text, default="")


class RiskAssessment(Base, Audited):
    __tablename__ = "risk_assessments"
    AUDIT_FIELDS = (
        "case_id",
        "tool_id",
        "tool_version",
        "assessed_at",
        "assessor_id",
        "answers",
        "evidence",
        "triggers",
        "score",
        "calculated_category",
        "final_category",
        "override_reason",
        "countersigned_by",
        "countersigned_at",
        "next_review_at",
        "notes",
    )
    # A countersignature signs the assessment as made, not the countersigning fields it then fills in.
    SIGNED_FIELDS = (
        "case_id",
        "assessed_at",
        "assessor_id",
        "answers",
        "evidence",
        "score",
        "calculated_category",
        "final_category",
        "override_reason",
        "next_review_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    tool_id: Mapped[str] = mapped_column(String(64))
    tool_version: Mapped[str] = mapped_column(String(32))
    assessed_at: Mapped[datetime]
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    triggers: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[int] = mapped_column(Integer)
    calculated_category: Mapped[int] = mapped_column(Integer)
    final_category: Mapped[int] = mapped_column(Integer)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    countersigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None]
    next_review_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")


class MissingEpisode(Base, Audited):
    __tablename__ = "missing_episodes"
    AUDIT_FIELDS = (
        "case_id",
        "reported_at",
        "found_at",
        "risk_grade",
        "safe_well_at",
        "safe_well_by",
        "rhi_offered_at",
        "rhi_held_at",
        "rhi_declined",
        "findings",
        "recorded_by",
        "updated_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reported_at: Mapped[datetime]
    found_at: Mapped[datetime | None]
    risk_grade: Mapped[str] = mapped_column(String(8))
    safe_well_at: Mapped[datetime | None]
    safe_well_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rhi_offered_at: Mapped[datetime | None]
    rhi_held_at: Mapped[datetime | None]
    rhi_declined: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class Signature(Base, Audited):
    """An electronic signature (21 CFR 11.50/11.70 style): who signed, as what, when, meaning what, bound
    to the SHA-256 of the canonical signed content. Never updated or deleted; a later change to the content
    makes it superseded, which is computed by hashing the content again (store/signed_content.py)."""

    __tablename__ = "signatures"
    __table_args__ = (Index("ix_signatures_object", "object_type", "object_id"),)
    AUDIT_FIELDS = (
        "object_type",
        "object_id",
        "case_id",
        "meaning",
        "content_hash",
        "content_format",
        "signer_id",
        "signer_name",
        "signer_role",
        "signed_at",
        "comment",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    meaning: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    content_format: Mapped[int] = mapped_column(Integer)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Snapshots: the printed name and role as they were when signing, whatever the account becomes later.
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_role: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")


class SupervisoryReview(Base, Audited):
    """A supervisor's review of a case: the SOP's review checklist, findings, directions, sign-off."""

    __tablename__ = "supervisory_reviews"
    AUDIT_FIELDS = (
        "case_id",
        "reviewer_id",
        "kind",
        "procedure_version_id",
        "started_at",
        "updated_at",
        "checklist",
        "findings",
        "completes_steps",
        "status",
        "signed_at",
    )
    SIGNED_FIELDS = ("case_id", "reviewer_id", "kind", "checklist", "findings", "completes_steps")
    # The directions as given; completing one later does not change what the supervisor signed.
    SIGNED_CHILDREN = (("directed_actions", "review_id", ("description", "owner_id", "due_at")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    checklist: Mapped[dict[str, Any]] = mapped_column(default=dict)
    findings: Mapped[str] = mapped_column(Text, default="")
    completes_steps: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(index=True)


class DirectedAction(Base, Audited):
    """An action a supervisor directs on a case, with an owner and a due date, completed with a note."""

    __tablename__ = "directed_actions"
    __table_args__ = (Index("ix_directed_actions_status_due", "status", "due_at"),)
    AUDIT_FIELDS = (
        "case_id",
        "review_id",
        "description",
        "owner_id",
        "due_at",
        "directed_at",
        "directed_by",
        "status",
        "completed_at",
        "completed_by",
        "completion_note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("supervisory_reviews.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime]
    directed_at: Mapped[datetime]
    directed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_note: Mapped[str] = mapped_column(Text, default="")


class DistrictDutyRecord(Base, Audited):
    """A duty held by a district, not a team (the problem-profile themes, the intelligence officer's), done for
    one period (revision 0005)."""

    __tablename__ = "district_duty_records"
    __table_args__ = (
        UniqueConstraint("district_id", "duty_id", "period", name="uq_district_duty_records_district_duty_period"),
    )
    AUDIT_FIELDS = (
        "district_id",
        "duty_id",
        "period",
        "procedure_version_id",
        "recorded_at",
        "recorded_by",
        "evidence",
        "note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    duty_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # e.g. 2026-03 (monthly) or 2026-Q1 (quarterly)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")


class TeamDutyRecord(Base, Audited):
    """A team-level duty (workload check, quarterly checks, problem-profile themes) done for one period."""

    __tablename__ = "team_duty_records"
    __table_args__ = (UniqueConstraint("team_id", "duty_id", "period", name="uq_team_duty_records_team_duty_period"),)
    AUDIT_FIELDS = (
        "team_id",
        "duty_id",
        "period",
        "procedure_version_id",
        "recorded_at",
        "recorded_by",
        "evidence",
        "note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    duty_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # e.g. 2026-03 (monthly) or 2026-Q1 (quarterly)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One link of the hash chain. Never updated or deleted (triggers refuse it)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_case", "case_id"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(128))
    # DPA 2018 s.62 category: collection, alteration, consultation, disclosure, combination, erasure.
    operation: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON text, hashed verbatim
    state_hash: Mapped[str | None] = mapped_column(String(64))
    format_version: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class ChainState(Base):
    """The chain head. Its row lock serialises writers on PostgreSQL; verify compares it with the log."""

    __tablename__ = "chain_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))


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
)


def object_type_of(model: type[Audited] | type[Base] | Audited) -> str:
    cls = model if isinstance(model, type) else type(model)
    return str(cls.__tablename__)


def table_of(model: type[Audited] | type[Base]) -> Table:
    """The model's table. SQLAlchemy types `__table__` as any FromClause (a class may map a join or a
    select); every model here maps one Table, and this says so once instead of at each use."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table


# --- Casework audit (revision 0004) -----------------------------------------------------------------
# Kept together at the end so the supervision and signature models above stay one block.


class AuditRound(Base, Audited):
    """An audit round: the period and districts audited, the frame of cases as it stood, the cases set
    aside for independence with the reason, and the stratified draw with its seed, so anyone can redraw it."""

    __tablename__ = "audit_rounds"
    AUDIT_FIELDS = (
        "period",
        "period_first",
        "period_last",
        "districts",
        "sample_size",
        "seed",
        "auditor_id",
        "procedure_version_id",
        "created_at",
        "created_by",
        "frame",
        "skipped",
        "allocations",
        "sampled",
        "moderation",
        "drawn_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(32))
    period_first: Mapped[date] = mapped_column(Date)
    period_last: Mapped[date] = mapped_column(Date)
    districts: Mapped[list[Any]] = mapped_column(default=list)
    sample_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The procedure whose audit template and settings the round uses (the latest when it was created).
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frame: Mapped[list[Any]] = mapped_column(default=list)  # eligible cases: [case_id, reference, district, risk]
    skipped: Mapped[list[Any]] = mapped_column(default=list)  # [case_id, reference, reason]
    allocations: Mapped[list[Any]] = mapped_column(default=list)  # [district, risk, population, share, places]
    sampled: Mapped[list[Any]] = mapped_column(default=list)  # case ids, by reference
    moderation: Mapped[list[Any]] = mapped_column(default=list)  # case ids a second auditor checks
    drawn_at: Mapped[datetime | None]


class CaseAudit(Base, Audited):
    """One sampled case's audit: a grade and comment per template item, the overall grade and rationale."""

    __tablename__ = "case_audits"
    __table_args__ = (UniqueConstraint("round_id", "case_id", name="uq_case_audits_round_case"),)
    AUDIT_FIELDS = (
        "round_id",
        "case_id",
        "auditor_id",
        "template_id",
        "template_version",
        "grades",
        "comments",
        "overall_grade",
        "rationale",
        "score",
        "status",
        "updated_at",
        "signed_at",
    )
    # The auditor's findings and the remedial actions as raised; their later completion and follow-up do
    # not change what was signed.
    SIGNED_FIELDS = (
        "round_id",
        "case_id",
        "auditor_id",
        "template_id",
        "template_version",
        "grades",
        "comments",
        "overall_grade",
        "rationale",
    )
    SIGNED_CHILDREN = (("remedial_actions", "audit_id", ("description", "owner_id", "priority", "due_at")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(32))
    grades: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overall_grade: Mapped[str] = mapped_column(String(32), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[str] = mapped_column(String(16), default="")  # as text: exact, and the same on every engine
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, draft, signed
    updated_at: Mapped[datetime]
    signed_at: Mapped[datetime | None]


class RemedialAction(Base, Audited):
    """Something an audit asks someone to put right, by a date; completed by its owner, then followed up."""

    __tablename__ = "remedial_actions"
    __table_args__ = (Index("ix_remedial_actions_owner_status", "owner_id", "status"),)
    AUDIT_FIELDS = (
        "audit_id",
        "case_id",
        "description",
        "owner_id",
        "priority",
        "due_at",
        "raised_at",
        "raised_by",
        "status",
        "completed_at",
        "completed_by",
        "completion_note",
        "follow_up",
        "followed_up_at",
        "followed_up_by",
        "follow_up_note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("case_audits.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    priority: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    raised_at: Mapped[datetime]
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, completed
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_note: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(String(16), default="")  # "", done, not_done
    followed_up_at: Mapped[datetime | None]
    followed_up_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_note: Mapped[str] = mapped_column(Text, default="")


class AuditAddendum(Base, Audited):
    """A signed correction to a signed audit; the audit itself is never edited."""

    __tablename__ = "audit_addenda"
    AUDIT_FIELDS = ("audit_id", "author_id", "created_at", "text", "revised_grade", "revised_rationale")
    SIGNED_FIELDS = ("audit_id", "author_id", "text", "revised_grade", "revised_rationale")

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("case_audits.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    revised_grade: Mapped[str] = mapped_column(String(32), default="")
    revised_rationale: Mapped[str] = mapped_column(Text, default="")


class AuditModeration(Base, Audited):
    """A second auditor's check of a signed audit: their own overall grade, the items they grade
    differently, and whether they agree."""

    __tablename__ = "audit_moderations"
    AUDIT_FIELDS = ("audit_id", "moderator_id", "created_at", "overall_grade", "differences", "agrees", "note")
    SIGNED_FIELDS = ("audit_id", "moderator_id", "overall_grade", "differences", "agrees", "note")

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("case_audits.id"), index=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    overall_grade: Mapped[str] = mapped_column(String(32))
    # item id -> {"auditor": grade, "moderator": grade, "comment": why}
    differences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    agrees: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


AUDIT_MODELS: tuple[type[Audited], ...] = (AuditRound, CaseAudit, RemedialAction, AuditAddendum, AuditModeration)
AUDITED_MODELS = (*AUDITED_MODELS, *AUDIT_MODELS)
