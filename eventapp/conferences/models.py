from __future__ import annotations

import enum
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import Bilingual, _l

if TYPE_CHECKING:
    from ..accounts.models import ConferenceMembership, User
    from ..agenda.models import AgendaSession
    from ..people.models import Person


class ConferenceStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


STATUS_LABELS = {ConferenceStatus.DRAFT: _l("Draft"), ConferenceStatus.PUBLISHED: _l("Published")}


class RegistrationMode(enum.StrEnum):
    OPEN = "open"
    INVITATION_ONLY = "invitation_only"
    CLOSED = "closed"


REGISTRATION_MODE_LABELS = {
    RegistrationMode.OPEN: _l("Open to everyone"),
    RegistrationMode.INVITATION_ONLY: _l("By invitation only"),
    RegistrationMode.CLOSED: _l("Closed"),
}


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Portable enum: VARCHAR plus a named CHECK constraint, stored by value."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class Conference(Bilingual, db.Model):
    __tablename__ = "conference"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        CheckConstraint(
            "registration_capacity IS NULL OR registration_capacity > 0",
            name="registration_capacity_positive",
        ),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    theme_id: Mapped[str] = mapped_column(String(500), default="")
    theme_en: Mapped[str] = mapped_column(String(500), default="")
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    organisers: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ConferenceStatus] = mapped_column(
        enum_column(ConferenceStatus, "conference_status"), default=ConferenceStatus.DRAFT
    )
    # Where invitees and attendees write with questions (shown on token pages).
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    registration_mode: Mapped[RegistrationMode] = mapped_column(
        enum_column(RegistrationMode, "registration_mode"),
        default=RegistrationMode.OPEN,
        server_default=RegistrationMode.OPEN.value,
    )
    # Seats for attendees overall; NULL means no limit. Reserved seats come on top.
    registration_capacity: Mapped[int | None]
    # Confirmed registrations on public seats: taken and given back only by
    # conditional UPDATEs (registration.services), so it never passes the capacity.
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_requires_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The organisers publish the speakers' gender and sector balance (insights).
    representation_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venues: Mapped[list[Venue]] = relationship(
        back_populates="conference", cascade="all, delete-orphan", order_by="Venue.id"
    )
    sub_themes: Mapped[list[SubTheme]] = relationship(
        back_populates="conference", cascade="all, delete-orphan", order_by="SubTheme.position"
    )
    sessions: Mapped[list[AgendaSession]] = relationship(
        back_populates="conference", cascade="all, delete-orphan"
    )
    people: Mapped[list[Person]] = relationship(
        back_populates="conference", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[ConferenceMembership]] = relationship(
        back_populates="conference", cascade="all, delete-orphan"
    )

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        if value not in known_timezones():
            raise ValueError(f"unknown IANA time zone: {value!r}")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def registration_mode_label(self) -> str:
        return str(REGISTRATION_MODE_LABELS[self.registration_mode])

    @property
    def is_published(self) -> bool:
        return self.status is ConferenceStatus.PUBLISHED

    def can_manage(self, user: User | None) -> bool:
        """Organisers of this conference, and nobody else."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.is_organiser_of(self)

    def can_check_in(self, user: User | None) -> bool:
        """Organisers and check-in staff of this conference."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.can_check_in_at(self)

    def can_view(self, user: User | None) -> bool:
        """Published conferences are public; drafts only for their organisers."""
        return self.is_published or self.can_manage(user)

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"


class Venue(db.Model):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(120), default="")

    conference: Mapped[Conference] = relationship(back_populates="venues")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", order_by="Room.position"
    )


class Room(Bilingual, db.Model):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None]
    step_free: Mapped[bool] = mapped_column(default=False)
    # Free text such as "lift from the lobby, hearing loop": shown to attendees.
    accessibility_id: Mapped[str] = mapped_column(String(500), default="")
    accessibility_en: Mapped[str] = mapped_column(String(500), default="")
    # A shared space (exhibition hall, poster area) may hold overlapping sessions.
    is_shared: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    venue: Mapped[Venue] = relationship(back_populates="rooms")


class SubTheme(Bilingual, db.Model):
    __tablename__ = "sub_theme"
    __table_args__ = (
        UniqueConstraint("conference_id", "code"),
        CheckConstraint("length(colour) = 7", name="colour_hex"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#1f6f8b")
    position: Mapped[int] = mapped_column(default=0)

    conference: Mapped[Conference] = relationship(back_populates="sub_themes")
