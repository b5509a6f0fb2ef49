from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..conferences.models import Conference, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l


class MembershipRole(enum.StrEnum):
    ORGANISER = "organiser"
    CHECKIN = "checkin"  # check-in staff: the desk only
    VIEWER = "viewer"  # sees every organiser page, changes nothing


MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.ORGANISER: _l("Organiser"),
    MembershipRole.CHECKIN: _l("Check-in staff"),
    MembershipRole.VIEWER: _l("Viewer"),
}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # NULL: the account signs in by e-mailed link only (speakers, attendees).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[ConferenceMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="ConferenceMembership.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        # The tests use a cheap method; production keeps werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def can_check_in_at(self, conference: Conference) -> bool:
        return any(
            m.conference_id == conference.id and m.role in (MembershipRole.ORGANISER, MembershipRole.CHECKIN)
            for m in self.memberships
        )

    def can_view_manage_pages_of(self, conference: Conference) -> bool:
        """Organisers and viewers (read-only) see the organiser pages."""
        return any(
            m.conference_id == conference.id and m.role in (MembershipRole.ORGANISER, MembershipRole.VIEWER)
            for m in self.memberships
        )

    def is_organiser_of(self, conference: Conference) -> bool:
        return any(
            m.conference_id == conference.id and m.role is MembershipRole.ORGANISER
            for m in self.memberships
        )


class ConferenceMembership(db.Model):
    """A user's role in running one conference."""

    __tablename__ = "conference_membership"
    __table_args__ = (UniqueConstraint("user_id", "conference_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(
        enum_column(MembershipRole, "membership_role"), default=MembershipRole.ORGANISER
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who gave this access (the team page shows it); NULL for the CLI and the demo.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def role_label(self) -> str:
        return str(MEMBERSHIP_ROLE_LABELS[self.role])
    conference: Mapped[Conference] = relationship(back_populates="memberships")


class LinkPurpose(enum.StrEnum):
    SIGN_IN = "sign_in"
    PASSWORD_RESET = "password_reset"


class AccountLink(db.Model):
    """A single-use, short-lived link sent by e-mail (sign-in or password reset).
    Only the SHA-256 of its secret is stored."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "link_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
