"""The force's organisation: districts, their teams, and the user accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from checklist_app.store.models.base import Audited, Base
from checklist_app.store.types import RoleText


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
    role: Mapped[str] = mapped_column(RoleText(32))
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
