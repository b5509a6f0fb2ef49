"""Writing the audit log: every service that changes a conference calls record()."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from .models import AuditEntry


def actor_id(actor) -> int | None:
    """The signed-in user's id, or None for the CLI, the demo loader and anonymous actors."""
    return getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None


def record(conference, actor, action: str, summary: str) -> AuditEntry:
    """Add one entry in the caller's transaction (so it exists only if the change does)."""
    user_id = actor_id(actor)
    entry = AuditEntry(
        conference_id=conference.id, user_id=user_id, action=action, summary=summary[:1000]
    )
    db.session.add(entry)
    return entry


def entries(conference, page: int, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first, and the total count."""
    from sqlalchemy.orm import selectinload

    total = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.conference_id == conference.id)
    ) or 0
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.conference_id == conference.id)
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total
