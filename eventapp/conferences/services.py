"""Rules and writes for conferences, venues, rooms and sub-themes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import DomainError
from ..extensions import db
from .models import Conference, ConferenceStatus, Room, SubTheme, Venue, known_timezones

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def create_conference(
    *,
    slug: str,
    title_id: str,
    title_en: str = "",
    starts_on: date,
    ends_on: date,
    timezone: str = "Asia/Jakarta",
    **details: object,
) -> Conference:
    """A new conference. Slugs are unique, lowercase words joined by hyphens;
    the conference ends on or after the day it starts; the zone is an IANA name."""
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, digits and hyphens only."), "slug")
    if db.session.scalar(select(Conference.id).where(Conference.slug == slug)) is not None:
        raise DomainError(_("Another conference already uses this address."), "slug")
    if ends_on < starts_on:
        raise DomainError(_("The last day cannot be before the first day."), "ends_on")
    if timezone not in known_timezones():
        raise DomainError(_("Unknown time zone."), "timezone")
    conference = Conference(
        slug=slug,
        title_id=title_id,
        title_en=title_en,
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=timezone,
        **details,
    )
    db.session.add(conference)
    db.session.flush()
    return conference


def add_venue(conference: Conference, name: str, **details: str) -> Venue:
    venue = Venue(conference=conference, name=name, **details)
    db.session.add(venue)
    db.session.flush()
    return venue


def add_room(venue: Venue, name: str, capacity: int | None = None, **details: object) -> Room:
    """Room names are unique within their venue; capacity, if given, is positive."""
    if capacity is not None and capacity <= 0:
        raise DomainError(_("Capacity must be a positive number."), "capacity")
    if any(room.name == name for room in venue.rooms):
        raise DomainError(_("This venue already has a room with that name."), "name")
    details.setdefault("position", len(venue.rooms))
    room = Room(venue=venue, name=name, capacity=capacity, **details)
    db.session.add(room)
    db.session.flush()
    return room


def add_sub_theme(
    conference: Conference, code: str, title_id: str, title_en: str = "", colour: str = "#1f6f8b"
) -> SubTheme:
    """Codes are unique within a conference; colours are #RRGGBB."""
    if not COLOUR_RE.match(colour):
        raise DomainError(_("Use a colour such as #1f6f8b."), "colour")
    if any(theme.code == code for theme in conference.sub_themes):
        raise DomainError(_("This conference already has a sub-theme with that code."), "code")
    theme = SubTheme(
        conference=conference,
        code=code,
        title_id=title_id,
        title_en=title_en,
        colour=colour.lower(),
        position=len(conference.sub_themes),
    )
    db.session.add(theme)
    db.session.flush()
    return theme


def publish(conference: Conference) -> None:
    conference.status = ConferenceStatus.PUBLISHED
    db.session.flush()


# --- reading -----------------------------------------------------------------


def published_conferences() -> list[Conference]:
    return list(
        db.session.scalars(
            select(Conference)
            .where(Conference.status == ConferenceStatus.PUBLISHED)
            .options(selectinload(Conference.venues))
            .order_by(Conference.starts_on.desc(), Conference.id)
        )
    )


def conferences_managed_by(user) -> list[Conference]:
    from ..accounts.models import ConferenceMembership

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Conference)
            .join(ConferenceMembership)
            .where(ConferenceMembership.user_id == user.id)
            .order_by(Conference.starts_on.desc(), Conference.id)
        )
    )


def get_conference_or_404(slug: str, *, manage: bool = False) -> Conference:
    """The conference the current user may see (or manage); 404 otherwise, so
    drafts and other people's conferences do not reveal that they exist."""
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        abort(404)
    allowed = conference.can_manage(current_user) if manage else conference.can_view(current_user)
    if not allowed:
        abort(404)
    return conference


@dataclass
class TimeSlot:
    """Sessions that start and end together: parallel sessions side by side."""

    starts_at: datetime
    ends_at: datetime
    sessions: list = field(default_factory=list)

    @property
    def is_parallel(self) -> bool:
        return len(self.sessions) > 1


@dataclass
class AgendaDay:
    day: date
    slots: list[TimeSlot] = field(default_factory=list)


def group_agenda(sessions: list, zone) -> list[AgendaDay]:
    """Scheduled sessions (live or from a release) grouped by local day and
    time slot, in time then room order."""

    def order(session) -> tuple[datetime, datetime, int, int]:
        room_position = session.room.position if session.room else -1
        return (session.starts_at, session.ends_at, room_position, session.id)

    days: dict[date, AgendaDay] = {}
    for session in sorted((s for s in sessions if s.starts_at is not None), key=order):
        local_day = session.starts_at.astimezone(zone).date()
        agenda_day = days.setdefault(local_day, AgendaDay(local_day))
        slot = agenda_day.slots[-1] if agenda_day.slots else None
        if slot is None or (slot.starts_at, slot.ends_at) != (session.starts_at, session.ends_at):
            slot = TimeSlot(session.starts_at, session.ends_at)
            agenda_day.slots.append(slot)
        slot.sessions.append(session)
    return list(days.values())
