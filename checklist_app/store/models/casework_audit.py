"""The casework audit (revision 0004): audit rounds, each sampled case's audit, the remedial actions it
raises, addenda correcting a signed audit, and moderation by a second auditor."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base
from checklist_app.store.types import StoredDate


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
    period_first: Mapped[date] = mapped_column(StoredDate)
    period_last: Mapped[date] = mapped_column(StoredDate)
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
