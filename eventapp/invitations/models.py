from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agenda.models import ROLE_LABELS, AgendaSession, RoleKind
from ..conferences.models import Conference, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Person, Sector

if TYPE_CHECKING:
    from ..registration.models import Registration


class InvitationKind(enum.StrEnum):
    SPEAKER = "speaker"  # to a session, in a role
    DELEGATE = "delegate"  # to attend


INVITATION_KIND_LABELS = {
    InvitationKind.SPEAKER: _l("Speaker"),
    InvitationKind.DELEGATE: _l("Delegate"),
}


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


INVITATION_STATUS_LABELS = {
    InvitationStatus.PENDING: _l("No answer yet"),
    InvitationStatus.ACCEPTED: _l("Accepted"),
    InvitationStatus.DECLINED: _l("Declined"),
    InvitationStatus.REVOKED: _l("Revoked"),
}

# Roles a speaker invitation may offer.
INVITABLE_ROLES = (RoleKind.SPEAKER, RoleKind.MODERATOR, RoleKind.KEYNOTE)


class ResponseChannel(enum.StrEnum):
    LINK = "link"  # the invitee used the personal link
    ORGANISER = "organiser"  # an organiser recorded it (e.g. told by phone)


class InvitationCategory(db.Model):
    """A group of invitees, e.g. "Kepala daerah", with an optional quota of acceptances."""

    __tablename__ = "invitation_category"
    __table_args__ = (
        UniqueConstraint("conference_id", "name"),
        CheckConstraint("quota IS NULL OR quota > 0", name="quota_positive"),
        # The quota is enforced by a conditional UPDATE of this counter, so it
        # holds under concurrent acceptances on every database.
        CheckConstraint("accepted_count >= 0", name="accepted_not_negative"),
        CheckConstraint("quota IS NULL OR accepted_count <= quota", name="within_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    quota: Mapped[int | None]
    accepted_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conference: Mapped[Conference] = relationship()


class Invitation(db.Model):
    """An invitation to one person, answered through a personal link.

    `target` says what the invitation is for ("delegate", or "session:<id>" for
    a speaker), so one e-mail is invited to the same thing only once.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("conference_id", "email", "target"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("kind <> 'speaker' OR role IS NOT NULL", name="speaker_has_role"),
        CheckConstraint(
            "kind = 'speaker' OR (session_id IS NULL AND role IS NULL)", name="delegate_has_no_session"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InvitationKind] = mapped_column(enum_column(InvitationKind, "invitation_kind"))
    target: Mapped[str] = mapped_column(String(40))
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"), default=InvitationStatus.PENDING, index=True
    )
    # The invitee, as the organisers know them.
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200))
    honorific: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, "sector"), default=Sector.OTHER)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "gender"), default=Gender.NOT_STATED)
    language: Mapped[str] = mapped_column(String(8), default="id")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_category.id", ondelete="SET NULL"), index=True
    )
    # Speaker invitations: the session and the role offered, and the agenda profile.
    # A deleted session leaves the invitation (and its history) without one.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[RoleKind | None] = mapped_column(enum_column(RoleKind, "role_kind"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    # Delegate invitations: a seat held back, usable even when registration is full or closed.
    reserved_seat: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")  # the organisers' personal note
    # The link works, and the answer may change, until then.
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime)
    response_note: Mapped[str] = mapped_column(Text, default="")  # the invitee's message
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_channel: Mapped[ResponseChannel | None] = mapped_column(
        enum_column(ResponseChannel, "response_channel")
    )
    sent_count: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    conference: Mapped[Conference] = relationship()
    category: Mapped[InvitationCategory | None] = relationship()
    session: Mapped[AgendaSession | None] = relationship()
    person: Mapped[Person | None] = relationship()
    tokens: Mapped[list[InvitationToken]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True
    )
    registration: Mapped[Registration | None] = relationship(back_populates="invitation")

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.position, self.organisation) if part)

    @property
    def kind_label(self) -> str:
        return str(INVITATION_KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(INVITATION_STATUS_LABELS[self.status])

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role]) if self.role else ""

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS[self.sector])

    @property
    def gender_label(self) -> str:
        return str(GENDER_LABELS[self.gender])

    @property
    def is_speaker(self) -> bool:
        return self.kind is InvitationKind.SPEAKER


class InvitationToken(db.Model):
    """The SHA-256 of one personal link's secret. Resending adds a token; older
    links keep working until the invitation's deadline, and revoking ends them all."""

    __tablename__ = "invitation_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="tokens")
