"""The audit chain (its entries and its head) and electronic signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base
from checklist_app.store.types import MeaningText, RoleText


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
    meaning: Mapped[str] = mapped_column(MeaningText(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    content_format: Mapped[int] = mapped_column(Integer)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Snapshots: the printed name and role as they were when signing, whatever the account becomes later.
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_role: Mapped[str] = mapped_column(RoleText(32))
    signed_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")


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
