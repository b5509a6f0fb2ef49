from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..conferences.models import Conference, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import Bilingual, _l
from ..people.models import Gender, Sector

if TYPE_CHECKING:
    from ..agenda.models import AgendaSession
    from ..invitations.models import Invitation


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the organisers' approval
    CONFIRMED = "confirmed"
    WAITING = "waiting"  # on the conference's waiting list
    CANCELLED = "cancelled"


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.PENDING: _l("Awaiting approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITING: _l("Waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


class RegistrationSource(enum.StrEnum):
    INVITATION = "invitation"
    PUBLIC = "public"


# Accessibility needs an attendee can state: (column, label).
NEEDS = (
    ("need_step_free", _l("Step-free access")),
    ("need_sign_language", _l("Sign-language interpreter")),
    ("need_captions", _l("Live captions")),
    ("need_large_print", _l("Large print")),
    ("need_assistant", _l("Personal assistant")),
)


class Registration(db.Model):
    """One person attending one conference. An e-mail registers once per conference;
    registering again after a cancellation re-uses the row."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("conference_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        Index("ix_registration_waiting", "conference_id", "status", "waitlisted_at"),
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
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    province: Mapped[str] = mapped_column(String(120), default="", server_default="")
    regency: Mapped[str] = mapped_column(String(120), default="", server_default="")  # or city
    need_step_free: Mapped[bool] = mapped_column(default=False, server_default=false())
    need_sign_language: Mapped[bool] = mapped_column(default=False, server_default=false())
    need_captions: Mapped[bool] = mapped_column(default=False, server_default=false())
    need_large_print: Mapped[bool] = mapped_column(default=False, server_default=false())
    need_assistant: Mapped[bool] = mapped_column(default=False, server_default=false())
    needs_other: Mapped[str] = mapped_column(String(500), default="", server_default="")
    dietary: Mapped[str] = mapped_column(String(300), default="", server_default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # data processing
    public_listing: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The organisers' own questions: {"<question id>": "text" | ["choice", …] | true/false}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # Shown as a QR code on the ticket; what the check-in desk scans.
    ticket_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The private manage link's secret, as SHA-256 (like invitation tokens).
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The form's one-time token: a double submit finds the first registration.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the queue order
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # personal data removed on request
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conference: Mapped[Conference] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="registration")
    choices: Mapped[list[SessionChoice]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="SessionChoice.slot_starts_at"
    )

    @property
    def needs(self) -> list[str]:
        """The stated needs, as labels (the "other" text last)."""
        stated = [str(label) for column, label in NEEDS if getattr(self, column)]
        return stated + ([self.needs_other] if self.needs_other else [])

    @property
    def is_active(self) -> bool:
        return self.status is not RegistrationStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self.status])

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()


class ChoiceStatus(enum.StrEnum):
    CONFIRMED = "confirmed"  # holds a seat in the session
    WAITING = "waiting"  # on the session's waiting list


CHOICE_STATUS_LABELS = {ChoiceStatus.CONFIRMED: _l("Seat confirmed"), ChoiceStatus.WAITING: _l("Waiting list")}


class SessionChoice(db.Model):
    """An attendee's parallel session for one time slot: one choice per slot."""

    __tablename__ = "session_choice"
    __table_args__ = (
        UniqueConstraint("registration_id", "slot_starts_at"),
        UniqueConstraint("registration_id", "session_id"),
        Index("ix_session_choice_queue", "session_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"))
    # The slot is the session's start: parallel sessions start together.
    slot_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ChoiceStatus] = mapped_column(enum_column(ChoiceStatus, "choice_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the queue order

    registration: Mapped[Registration] = relationship(back_populates="choices")
    session: Mapped[AgendaSession] = relationship()

    @property
    def status_label(self) -> str:
        return str(CHOICE_STATUS_LABELS[self.status])


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes / no"),
}


class RegistrationQuestion(Bilingual, db.Model):
    """An organiser's own question on the registration form."""

    __tablename__ = "registration_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    label_id: Mapped[str] = mapped_column(String(300), default="")
    label_en: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    required: Mapped[bool] = mapped_column(default=False)
    # Choice questions: the options, one per entry (as typed, shown in both languages).
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def kind_label(self) -> str:
        return str(QUESTION_KIND_LABELS[self.kind])
