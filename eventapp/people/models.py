from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..conferences.models import Conference, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import Bilingual, _l

if TYPE_CHECKING:
    from ..agenda.models import SessionRole


class Sector(enum.StrEnum):
    CENTRAL_GOVERNMENT = "central_government"
    REGIONAL_GOVERNMENT = "regional_government"
    NATIONAL_PARLIAMENT = "national_parliament"
    REGIONAL_PARLIAMENT = "regional_parliament"
    CIVIL_SOCIETY = "civil_society"
    DEVELOPMENT_PARTNER = "development_partner"
    ACADEMIA = "academia"
    MEDIA = "media"
    PRIVATE_SECTOR = "private_sector"
    OTHER = "other"


SECTOR_LABELS = {
    Sector.CENTRAL_GOVERNMENT: _l("Central government"),
    Sector.REGIONAL_GOVERNMENT: _l("Regional government"),
    Sector.NATIONAL_PARLIAMENT: _l("National parliament"),
    Sector.REGIONAL_PARLIAMENT: _l("Regional parliament"),
    Sector.CIVIL_SOCIETY: _l("Civil society"),
    Sector.DEVELOPMENT_PARTNER: _l("Development partner"),
    Sector.ACADEMIA: _l("Academia"),
    Sector.MEDIA: _l("Media"),
    Sector.PRIVATE_SECTOR: _l("Private sector"),
    Sector.OTHER: _l("Other"),
}


class Gender(enum.StrEnum):
    WOMAN = "woman"
    MAN = "man"
    ANOTHER = "another"
    NOT_STATED = "not_stated"


GENDER_LABELS = {
    Gender.WOMAN: _l("Woman"),
    Gender.MAN: _l("Man"),
    Gender.ANOTHER: _l("Another gender"),
    Gender.NOT_STATED: _l("Not stated"),
}


class Person(Bilingual, db.Model):
    """A speaker's or moderator's public profile within one conference."""

    __tablename__ = "person"
    # NULL emails never collide, so people without an address can still be added.
    __table_args__ = (UniqueConstraint("conference_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    honorific: Mapped[str] = mapped_column(String(40), default="")
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, "sector"), default=Sector.OTHER)
    gender: Mapped[Gender] = mapped_column(
        enum_column(Gender, "gender"), default=Gender.NOT_STATED
    )
    email: Mapped[str | None] = mapped_column(String(254))
    bio_id: Mapped[str] = mapped_column(Text, default="")
    bio_en: Mapped[str] = mapped_column(Text, default="")
    # Demo people are plausible inventions, not real individuals.
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Profile fields the organisers have fixed: the speaker cannot change them
    # (names from SPEAKER_EDITABLE_FIELDS, e.g. ["position", "photo"]).
    locked_fields: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    conference: Mapped[Conference] = relationship(back_populates="people")
    roles: Mapped[list[SessionRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    photo: Mapped[PersonPhoto | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="select"
    )

    def is_locked(self, field: str) -> bool:
        return field in (self.locked_fields or [])

    @property
    def display_name(self) -> str:
        """'H. Ilham Azikin'."""
        return f"{self.honorific} {self.full_name}".strip()

    @property
    def affiliation(self) -> str:
        """'Bupati Bantaeng, Pemerintah Kabupaten Bantaeng'."""
        return ", ".join(part for part in (self.position, self.organisation) if part)

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS[self.sector])


# What a speaker may edit on their own profile (organisers can lock each one).
SPEAKER_EDITABLE_FIELDS = ("honorific", "position", "organisation", "bio_id", "bio_en", "photo")


class PersonPhoto(db.Model):
    """A speaker's photo: re-encoded JPEG (metadata stripped), kept in the
    database so every app server can serve it. One per person."""

    __tablename__ = "person_photo"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only to serve it
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    # SHA-256 of the bytes: the ETag, and the version in the photo's URL.
    digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(back_populates="photo")

    @property
    def version(self) -> str:
        return self.digest[:12]
