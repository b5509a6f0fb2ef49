from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..conferences.models import enum_column
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the worker (or kept, in development)
    SENDING = "sending"  # claimed by a worker until claimed_until
    SENT = "sent"
    FAILED = "failed"  # gave up: refused for good, or too many attempts


MESSAGE_STATUS_LABELS = {
    MessageStatus.PENDING: _l("Waiting"),
    MessageStatus.SENDING: _l("Sending"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}


class OutboxMessage(db.Model):
    """One e-mail, stored in the same transaction as the change that causes it.

    The worker delivers it later; `message_id` is fixed at creation, so a
    receiving server can recognise the same message if it ever arrives twice.
    Personal links are not stored in the body: the body holds a placeholder and
    the token travels encrypted in `secret`, which is erased once sent.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int | None] = mapped_column(
        ForeignKey("conference.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "invitation", "invitation_reminder"
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename": …, "content_type": "text/calendar", "text": …}]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    secret: Mapped[str | None] = mapped_column(Text)  # Fernet token, see mail.secrets
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return str(MESSAGE_STATUS_LABELS[self.status])
