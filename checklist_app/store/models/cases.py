"""Procedure versions, cases (with their derived case-list summary) and the record of each case's steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base
from checklist_app.store.types import StepStatusText, StoredDate


class ProcedureVersion(Base, Audited):
    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("procedure_id", "version", name="uq_procedure_versions_id_version"),)
    AUDIT_FIELDS = ("procedure_id", "version", "title", "effective_date", "content_hash", "source_text")

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    effective_date: Mapped[date] = mapped_column(StoredDate)
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
    date_of_birth: Mapped[date | None] = mapped_column(StoredDate)
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
    status: Mapped[str] = mapped_column(StepStatusText(16))
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
