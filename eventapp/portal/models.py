from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import Bilingual


class PersonalAgenda(db.Model):
    """One signed-in person's own view of one conference: the sessions they
    starred, the release they last looked at (to highlight what changed since)
    and the secret of their calendar feed."""

    __tablename__ = "personal_agenda"
    __table_args__ = (UniqueConstraint("user_id", "conference_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    # The release number shown the last time they opened their page (NULL: never).
    seen_release: Mapped[int | None]
    # The feed's secret: SHA-256 to find it, sealed (Fernet) to show the URL again.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_token_sealed: Mapped[str | None] = mapped_column(Text)
    feed_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stars: Mapped[list[StarredSession]] = relationship(back_populates="agenda", cascade="all, delete-orphan")

    @property
    def starred_uids(self) -> set[str]:
        return {str(star.session_uid) for star in self.stars}


class StarredSession(db.Model):
    """A session someone added to their agenda. Keyed by the session's stable
    uid (not its row), so a cancelled session can still be shown as cancelled."""

    __tablename__ = "starred_session"
    __table_args__ = (UniqueConstraint("agenda_id", "session_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("personal_agenda.id", ondelete="CASCADE"), index=True)
    session_uid: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agenda: Mapped[PersonalAgenda] = relationship(back_populates="stars")


class SpeakerTask(Bilingual, db.Model):
    """An item on the speakers' checklist, e.g. "Send your slides by 20 November"."""

    __tablename__ = "speaker_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    details_id: Mapped[str] = mapped_column(Text, default="")
    details_en: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    done: Mapped[list[SpeakerTaskDone]] = relationship(back_populates="task", cascade="all, delete-orphan")


class SpeakerTaskDone(db.Model):
    """A speaker ticked a checklist item."""

    __tablename__ = "speaker_task_done"
    __table_args__ = (UniqueConstraint("task_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("speaker_task.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[SpeakerTask] = relationship(back_populates="done")


class DroppedChoice(db.Model):
    """An attendee had chosen a session that was then deleted from the draft
    (their choice row went with it). The next release's notice tells them it
    was cancelled; publishing clears these rows."""

    __tablename__ = "dropped_choice"
    __table_args__ = (UniqueConstraint("registration_id", "session_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    session_uid: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
