from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..conferences.models import Conference, enum_column
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

    conference: Mapped[Conference] = relationship(back_populates="people")
    roles: Mapped[list[SessionRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

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
