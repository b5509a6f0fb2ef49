"""Rules and writes for agenda sessions and the people in them.

Every write takes the acting user (`actor`) for the audit log, flushes and
never commits. Blocking rules raise DomainError; warnings are computed by
agenda.conflicts and shown to the organiser, who may acknowledge them.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..conferences.models import Conference, Room, SubTheme
from ..errors import DomainError
from ..extensions import db
from ..people.models import Person
from .models import AgendaSession, RoleKind, SessionKind, SessionRole

# Kinds that may take every room at once.
SPANNING_KINDS = {SessionKind.OPENING, SessionKind.PLENARY, SessionKind.BREAK, SessionKind.CLOSING}


class StaleEdit(DomainError):
    """Somebody saved the session after this editor loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this session while you were editing it. "
              "Reload to see their version; your changes were not saved."),
            None,
        )


def lock_conference(conference: Conference) -> None:
    """Serialise agenda writes per conference, so two concurrent saves cannot
    both pass the room check (PostgreSQL row lock; SQLite has one writer anyway)."""
    db.session.execute(
        select(Conference.id).where(Conference.id == conference.id).with_for_update()
    )


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


def room_clashes(session: AgendaSession) -> list[AgendaSession]:
    """Sessions that take the same (non-shared) room at an overlapping time.
    A session spanning all rooms clashes with everything at its time in a
    non-shared room, and everything clashes with it."""
    if session.starts_at is None or session.ends_at is None:
        return []
    if not session.spans_all_rooms and (session.room is None or session.room.is_shared):
        return []
    query = (
        select(AgendaSession)
        .outerjoin(Room, AgendaSession.room_id == Room.id)
        .where(
            AgendaSession.conference_id == session.conference_id,
            AgendaSession.id != session.id,
            AgendaSession.starts_at < session.ends_at,
            AgendaSession.ends_at > session.starts_at,
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    if session.spans_all_rooms:
        query = query.where(
            AgendaSession.spans_all_rooms | (Room.id.is_not(None) & ~Room.is_shared)
        )
    else:
        query = query.where(AgendaSession.spans_all_rooms | (AgendaSession.room_id == session.room_id))
    return list(db.session.scalars(query))


def _check_rules(session: AgendaSession) -> None:
    """The blocking rules, checked after the change is flushed."""
    conference = session.conference
    check_times(conference, session.starts_at, session.ends_at)
    if session.room is not None and session.room.venue.conference_id != conference.id:
        raise DomainError(_("Choose a room of this conference."), "room")
    if session.sub_theme is not None and session.sub_theme.conference_id != conference.id:
        raise DomainError(_("Choose a sub-theme of this conference."), "sub_theme")
    if session.capacity is not None and session.capacity <= 0:
        raise DomainError(_("Capacity must be a positive number."), "capacity")
    if session.spans_all_rooms and session.kind not in SPANNING_KINDS:
        raise DomainError(
            _("Only an opening, plenary, break or closing can span all rooms."), "spans_all_rooms"
        )
    clashes = room_clashes(session)
    if clashes:
        titles = "; ".join(f"{c.local('title')}" for c in clashes[:3])
        raise DomainError(
            _("The room is already taken at that time by: %(titles)s.", titles=titles), "room"
        )


SESSION_FIELDS = (
    "title_id", "title_en", "abstract_id", "abstract_en", "kind", "starts_at", "ends_at",
    "room", "sub_theme", "capacity", "spans_all_rooms",
)


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
    spans_all_rooms: bool = False,
    client_token: str | None = None,
    actor=None,
) -> AgendaSession:
    """A session of this conference, in one of its rooms and sub-themes, that
    breaks no blocking rule. A repeated `client_token` (a double submit)
    returns the session the first submit made instead of a copy."""
    if client_token:
        existing = db.session.scalar(
            select(AgendaSession).where(AgendaSession.client_token == client_token)
        )
        if existing is not None:
            if existing.conference_id != conference.id:
                raise DomainError(_("This form was already used. Reload it and try again."))
            return existing
    if not (title_id.strip() or title_en.strip()):
        raise DomainError(_("Give the session a title."), "title_id")
    lock_conference(conference)
    session = AgendaSession(
        conference=conference,
        title_id=title_id.strip(),
        title_en=title_en.strip(),
        abstract_id=abstract_id,
        abstract_en=abstract_en,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        sub_theme=sub_theme,
        capacity=capacity,
        spans_all_rooms=spans_all_rooms,
        client_token=client_token or None,
    )
    # Check before flushing, so a broken rule never reaches the database.
    check_times(conference, starts_at, ends_at)
    db.session.add(session)
    db.session.flush()
    _check_rules(session)
    record(conference, actor, "session.create", f"Created session “{session.local('title', 'id')}”")
    return session


def update_session(
    session: AgendaSession, *, expected_version: int | None = None, actor=None, **changes
) -> AgendaSession:
    """Apply `changes` (any of SESSION_FIELDS) if nobody saved the session since
    `expected_version`; the blocking rules must hold afterwards."""
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"not session fields: {sorted(unknown)}")
    if expected_version is not None and expected_version != session.version:
        raise StaleEdit()
    if "title_id" in changes or "title_en" in changes:
        title_id = changes.get("title_id", session.title_id) or ""
        title_en = changes.get("title_en", session.title_en) or ""
        if not (title_id.strip() or title_en.strip()):
            raise DomainError(_("Give the session a title."), "title_id")
    lock_conference(session.conference)
    check_times(
        session.conference,
        changes.get("starts_at", session.starts_at),
        changes.get("ends_at", session.ends_at),
    )
    changed = [name for name, value in changes.items() if getattr(session, name) != value]
    for name in changed:
        setattr(session, name, changes[name])
    if not changed:
        return session
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit() from None
    _check_rules(session)
    if "capacity" in changed or "room" in changed:
        # More seats (its own or a bigger room's) go to the attendees waiting for this session.
        from ..registration.services import promote_session

        promote_session(session)
    record(
        session.conference, actor, "session.update",
        f"Changed session “{session.local('title', 'id')}”: {', '.join(changed)}",
    )
    return session


def duplicate_session(session: AgendaSession, *, actor=None) -> AgendaSession:
    """A copy with the same content and people, unscheduled (so it clashes with nothing)."""
    copy = AgendaSession(
        conference=session.conference,
        title_id=session.title_id + (" (salinan)" if session.title_id else ""),
        title_en=session.title_en + (" (copy)" if session.title_en else ""),
        abstract_id=session.abstract_id,
        abstract_en=session.abstract_en,
        kind=session.kind,
        room=session.room,
        sub_theme=session.sub_theme,
        capacity=session.capacity,
        spans_all_rooms=session.spans_all_rooms,
    )
    db.session.add(copy)
    for role in session.roles:
        db.session.add(
            SessionRole(session=copy, person=role.person, role=role.role, position=role.position)
        )
    db.session.flush()
    record(session.conference, actor, "session.duplicate",
           f"Duplicated session “{session.local('title', 'id')}”")
    return copy


def delete_session(session: AgendaSession, *, actor=None) -> None:
    """Invitations to the session are withdrawn; their history stays. Attendees
    who chose it hear about it with the next release (portal.notices)."""
    from ..invitations.services import withdraw_for_removed_role

    record(session.conference, actor, "session.delete",
           f"Deleted session “{session.local('title', 'id')}”")
    from ..portal.notices import remember_choices

    for role in session.roles:
        withdraw_for_removed_role(role, actor=actor)
    remember_choices(session)
    db.session.delete(session)
    db.session.flush()


def assign_person(
    session: AgendaSession, person: Person, role: RoleKind, *, actor=None
) -> SessionRole:
    """One role per person per session; the person belongs to the same conference.
    New roles go to the end of the session's list."""
    if person.conference_id != session.conference_id:
        raise DomainError(_("This person belongs to another conference."), "person")
    if any(existing.person_id == person.id for existing in session.roles):
        raise DomainError(_("This person already has a role in this session."), "person")
    role_row = SessionRole(session=session, person=person, role=role, position=len(session.roles))
    db.session.add(role_row)
    db.session.flush()
    if actor is not None:
        record(session.conference, actor, "session.role_add",
               f"Added {person.display_name} as {role.value} to “{session.local('title', 'id')}”")
    return role_row


def remove_role(role: SessionRole, *, actor=None) -> None:
    """Taking someone out of a session also withdraws their invitation to it."""
    from ..invitations.services import withdraw_for_removed_role

    session = role.session
    withdraw_for_removed_role(role, actor=actor)
    record(session.conference, actor, "session.role_remove",
           f"Removed {role.person.display_name} from “{session.local('title', 'id')}”")
    session.roles.remove(role)
    db.session.delete(role)
    _renumber(session)


def change_role(role: SessionRole, new_role: RoleKind, *, actor=None) -> None:
    if role.role != new_role:
        role.role = new_role
        db.session.flush()
        record(role.session.conference, actor, "session.role_change",
               f"{role.person.display_name} is now {new_role.value} in “{role.session.local('title', 'id')}”")


def move_role(role: SessionRole, offset: int, *, actor=None) -> None:
    """Move a person up (-1) or down (+1) in the session's list."""
    roles = sorted(role.session.roles, key=lambda r: r.position)
    index = roles.index(role)
    target = max(0, min(len(roles) - 1, index + offset))
    if target == index:
        return
    roles.insert(target, roles.pop(index))
    for position, item in enumerate(roles):
        item.position = position
    db.session.flush()
    record(role.session.conference, actor, "session.role_reorder",
           f"Reordered people in “{role.session.local('title', 'id')}”")


def _renumber(session: AgendaSession) -> None:
    for position, item in enumerate(sorted(session.roles, key=lambda r: r.position)):
        item.position = position
    db.session.flush()


def place_session(
    session: AgendaSession,
    *,
    room: Room | None,
    spans_all_rooms: bool,
    starts_at: datetime,
    expected_version: int | None = None,
    actor=None,
) -> AgendaSession:
    """Move to a room (or every room) and a start time in one save, keeping the
    duration (an unscheduled session gets one hour); spanning is only for
    SPANNING_KINDS."""
    from datetime import timedelta

    duration = (
        session.ends_at - session.starts_at
        if session.starts_at and session.ends_at
        else timedelta(hours=1)
    )
    return update_session(
        session, expected_version=expected_version, actor=actor,
        room=room, spans_all_rooms=spans_all_rooms, starts_at=starts_at,
        ends_at=starts_at + duration,
    )
