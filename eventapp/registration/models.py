from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..conferences.models import Conference, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l
from ..people.models import Gender, Sector

if TYPE_CHECKING:
    from ..invitations.models import Invitation


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"  # on the conference's waiting list
    CANCELLED = "cancelled"


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITING: _l("Waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


class RegistrationSource(enum.StrEnum):
    INVITATION = "invitation"
    PUBLIC = "public"


class Registration(db.Model):
    """One person attending one conference. An e-mail registers once per conference;
    registering again after a cancellation re-uses the row."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("conference_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    honorific: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, "sector"), default=Sector.OTHER)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "gender"), default=Gender.NOT_STATED)
    language: Mapped[str] = mapped_column(String(8), default="id")
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "registration_status"), default=RegistrationStatus.CONFIRMED
    )
    source: Mapped[RegistrationSource] = mapped_column(
        enum_column(RegistrationSource, "registration_source"), default=RegistrationSource.PUBLIC
    )
    # A seat the organisers held back for this invitee: outside the public capacity.
    reserved_seat: Mapped[bool] = mapped_column(default=False)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conference: Mapped[Conference] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="registration")

    @property
    def status_label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self.status])

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()
