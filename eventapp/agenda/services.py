"""Rules and writes for agenda sessions and the people in them."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..conferences.models import Conference, Room, SubTheme
from ..errors import DomainError
from ..extensions import db
from ..people.models import Person
from .models import AgendaSession, RoleKind, SessionKind, SessionRole


def check_times(conference: Conference, starts_at: datetime | None, ends_at: datetime | None) -> None:
    """Both times or neither; the end after the start; inside the conference's days
    (in its own time zone)."""
    if (starts_at is None) != (ends_at is None):
        raise DomainError(_("Give both a start and an end time, or neither."), "ends_at")
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        raise DomainError(_("The session must end after it starts."), "ends_at")
    first = starts_at.astimezone(conference.zone).date()
    last = ends_at.astimezone(conference.zone).date()
    if first < conference.starts_on or last > conference.ends_on:
        raise DomainError(_("The session must take place during the conference."), "starts_at")


def create_session(
    conference: Conference,
    *,
    title_id: str,
    title_en: str = "",
    kind: SessionKind = SessionKind.PARALLEL,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    room: Room | None = None,
    sub_theme: SubTheme | None = None,
    capacity: int | None = None,
    abstract_id: str = "",
    abstract_en: str = "",
) -> AgendaSession:
    """A session of this conference, in one of its rooms and sub-themes."""
    if not (title_id.strip() or title_en.strip()):
        raise DomainError(_("Give the session a title."), "title_id")
    check_times(conference, starts_at, ends_at)
    if room is not None and room.venue.conference_id != conference.id:
        raise DomainError(_("Choose a room of this conference."), "room")
    if sub_theme is not None and sub_theme.conference_id != conference.id:
        raise DomainError(_("Choose a sub-theme of this conference."), "sub_theme")
    if capacity is not None and capacity <= 0:
        raise DomainError(_("Capacity must be a positive number."), "capacity")
    session = AgendaSession(
        conference=conference,
        title_id=title_id,
        title_en=title_en,
        abstract_id=abstract_id,
        abstract_en=abstract_en,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        sub_theme=sub_theme,
        capacity=capacity,
    )
    db.session.add(session)
    db.session.flush()
    return session


def assign_person(session: AgendaSession, person: Person, role: RoleKind) -> SessionRole:
    """One role per person per session; the person belongs to the same conference.
    New roles go to the end of the session's list."""
    if person.conference_id != session.conference_id:
        raise DomainError(_("This person belongs to another conference."), "person")
    if any(existing.person_id == person.id for existing in session.roles):
        raise DomainError(_("This person already has a role in this session."), "person")
    role_row = SessionRole(session=session, person=person, role=role, position=len(session.roles))
    db.session.add(role_row)
    db.session.flush()
    return role_row
