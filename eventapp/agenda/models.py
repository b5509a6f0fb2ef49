from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..conferences.models import Conference, Room, SubTheme, enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import Bilingual, _l
from ..people.models import Person


class SessionKind(enum.StrEnum):
    OPENING = "opening"
    PLENARY = "plenary"
    PARALLEL = "parallel"
    BREAK = "break"
    CLOSING = "closing"
    OTHER = "other"


SESSION_KIND_LABELS = {
    SessionKind.OPENING: _l("Opening"),
    SessionKind.PLENARY: _l("Plenary"),
    SessionKind.PARALLEL: _l("Parallel session"),
    SessionKind.BREAK: _l("Break"),
    SessionKind.CLOSING: _l("Closing"),
    SessionKind.OTHER: _l("Other"),
}


class RoleKind(enum.StrEnum):
    KEYNOTE = "keynote"
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    RAPPORTEUR = "rapporteur"


ROLE_LABELS = {
    RoleKind.KEYNOTE: _l("Keynote"),
    RoleKind.SPEAKER: _l("Speaker"),
    RoleKind.MODERATOR: _l("Moderator"),
    RoleKind.RAPPORTEUR: _l("Rapporteur"),
}


class RoleStatus(enum.StrEnum):
    """An organiser's own entry is confirmed; an invited speaker's role waits for the answer."""

    CONFIRMED = "confirmed"
    INVITED = "invited"


ROLE_STATUS_LABELS = {RoleStatus.CONFIRMED: _l("Confirmed"), RoleStatus.INVITED: _l("Invited")}


class AgendaSession(Bilingual, db.Model):
    """One item on the agenda: a plenary, a parallel session, a break…"""

    __tablename__ = "agenda_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("(starts_at IS NULL) = (ends_at IS NULL)", name="scheduled_both_or_neither"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    abstract_id: Mapped[str] = mapped_column(Text, default="")
    abstract_en: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[SessionKind] = mapped_column(
        enum_column(SessionKind, "session_kind"), default=SessionKind.PARALLEL
    )
    # Unscheduled sessions (no time yet) are allowed; the builder lists them aside.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("room.id", ondelete="SET NULL"), index=True
    )
    sub_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_theme.id", ondelete="SET NULL"), index=True
    )
    # Expected attendance / seats; the room's capacity applies when empty.
    capacity: Mapped[int | None]
    # Confirmed attendees' choices of this session (see registration.services).
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    # Openings, plenaries and breaks may take every room at once.
    spans_all_rooms: Mapped[bool] = mapped_column(default=False)
    # Stable identity across releases and exports (schedule GUIDs, calendar UIDs).
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4, unique=True)
    # Optimistic locking: an UPDATE only applies to the version the editor saw.
    version: Mapped[int] = mapped_column(default=1)
    # The create form's one-time token: a double submit finds the first session.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    conference: Mapped[Conference] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    sub_theme: Mapped[SubTheme | None] = relationship()
    roles: Mapped[list[SessionRole]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionRole.position"
    )

    @property
    def kind_label(self) -> str:
        return str(SESSION_KIND_LABELS[self.kind])

    @property
    def is_scheduled(self) -> bool:
        return self.starts_at is not None

    @property
    def effective_capacity(self) -> int | None:
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room else None

    def people_in(self, *kinds: RoleKind) -> list[Person]:
        return [role.person for role in self.roles if role.role in kinds]

    @property
    def speakers(self) -> list[Person]:
        return self.people_in(RoleKind.KEYNOTE, RoleKind.SPEAKER)

    @property
    def moderators(self) -> list[Person]:
        return self.people_in(RoleKind.MODERATOR)


class SessionRole(db.Model):
    """A person in a session as speaker, moderator, keynote or rapporteur."""

    __tablename__ = "session_role"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[RoleKind] = mapped_column(enum_column(RoleKind, "role_kind"))
    position: Mapped[int] = mapped_column(default=0)
    # Invited roles hold the place on the builder but stay off the public agenda.
    status: Mapped[RoleStatus] = mapped_column(
        enum_column(RoleStatus, "role_status"),
        default=RoleStatus.CONFIRMED,
        server_default=RoleStatus.CONFIRMED.value,
    )
    # When the person confirmed, in their portal, that they will take part.
    speaker_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[AgendaSession] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship(back_populates="roles")

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    @property
    def is_confirmed(self) -> bool:
        return self.status is RoleStatus.CONFIRMED


class ConflictAcknowledgement(db.Model):
    """An organiser has seen a warning about a session and accepts it."""

    __tablename__ = "conflict_acknowledgement"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    # Which warning, e.g. "person_overlap:12:34" or "over_capacity".
    key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaRelease(db.Model):
    """A published, numbered, frozen copy of the agenda (v1, v2, …)."""

    __tablename__ = "agenda_release"
    __table_args__ = (
        UniqueConstraint("conference_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    # The agenda as the public sees it: see agenda.releases.snapshot().
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What changed since the previous release: see agenda.releases.diff().
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    conference: Mapped[Conference] = relationship()

    @property
    def label(self) -> str:
        return f"v{self.number}"
