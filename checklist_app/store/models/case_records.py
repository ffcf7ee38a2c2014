"""A case's other records: events, decisions, intelligence, CSE risk assessments and missing episodes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base


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
