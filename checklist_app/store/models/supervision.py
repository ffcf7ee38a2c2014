"""Supervision: supervisory reviews, the actions they direct, and the team and district duties done for
each period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base


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
