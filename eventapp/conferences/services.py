"""Rules and writes for conferences, venues, rooms and sub-themes."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from .models import Conference, ConferenceStatus, RegistrationMode, Room, SubTheme, Venue, known_timezones

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


def add_venue(conference: Conference, name: str, *, actor=None, **details: str) -> Venue:
    """A venue needs a name. With an `actor`, the creation goes in the audit log."""
    if not name.strip():
        raise DomainError(_("Enter the venue's name."), "name")
    venue = Venue(conference=conference, name=name, **details)
    db.session.add(venue)
    db.session.flush()
    if actor is not None:
        record(conference, actor, "venue.create", f"Added venue “{venue.name}”")
    return venue


def add_room(
    venue: Venue, name: str, capacity: int | None = None, *, actor=None, **details: object
) -> Room:
    """Room names are unique within their venue; capacity, if given, is positive.
    With an `actor`, the creation goes in the audit log."""
    if not name.strip():
        raise DomainError(_("Enter the room's name."), "name")
    if capacity is not None and capacity <= 0:
        raise DomainError(_("Capacity must be a positive number."), "capacity")
    if any(room.name == name for room in venue.rooms):
        raise DomainError(_("This venue already has a room with that name."), "name")
    details.setdefault("position", len(venue.rooms))
    room = Room(venue=venue, name=name, capacity=capacity, **details)
    db.session.add(room)
    db.session.flush()
    if actor is not None:
        record(venue.conference, actor, "room.create", f"Added room “{room.name}” to “{venue.name}”")
    return room


def add_sub_theme(
    conference: Conference,
    code: str,
    title_id: str,
    title_en: str = "",
    colour: str = "#1f6f8b",
    *,
    actor=None,
) -> SubTheme:
    """Codes are unique within a conference; colours are #RRGGBB.
    With an `actor`, the creation goes in the audit log."""
    if not code.strip():
        raise DomainError(_("Enter a short code."), "code")
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
    if actor is not None:
        record(conference, actor, "sub_theme.create", f"Added sub-theme {theme.code}")
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


def _views_manage_pages(conference: Conference) -> bool:
    return bool(getattr(current_user, "is_authenticated", False)
                and current_user.can_view_manage_pages_of(conference))


def get_conference_or_404(slug: str, *, manage: bool = False, organisers_only: bool = False,
                          options: Sequence = ()) -> Conference:
    """The conference the current user may see (or manage); 404 otherwise, so
    drafts and other people's conferences do not reveal that they exist.

    With manage=True, viewers (read-only team members) also get the organiser
    pages, but only to read them: any method other than GET/HEAD answers 403.
    `organisers_only` keeps a page from viewers too (pages showing secrets).
    `options`: loader options for what the page reads of it, in the same query."""
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug).options(*options))
    if conference is None:
        abort(404)
    if not manage:
        # Viewers see a draft's public pages as organisers do (the home page links there).
        if not (conference.can_view(current_user) or _views_manage_pages(conference)):
            abort(404)
        return conference
    if conference.can_manage(current_user):
        return conference
    if not organisers_only and _views_manage_pages(conference):
        if request.method not in ("GET", "HEAD"):
            abort(403)
        return conference
    abort(404)


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


# --- organiser setup: details, venues, rooms, sub-themes ------------------------
#
# Every write takes the acting user (`actor`) for the audit log, flushes and
# never commits; a broken rule raises DomainError naming the form field.

CONFERENCE_FIELDS = (
    "title_id", "title_en", "theme_id", "theme_en", "description_id", "description_en",
    "organisers", "timezone", "starts_on", "ends_on", "status",
    "contact_email", "registration_mode", "registration_capacity",
)


def _titles(sessions: list, limit: int = 5) -> str:
    """'“A”, “B” and 3 more' for messages that list sessions."""
    shown = ", ".join(f"“{s.local('title')}”" for s in sessions[:limit])
    if len(sessions) > limit:
        shown += " " + _("and %(n)d more", n=len(sessions) - limit)
    return shown


def _scheduled_sessions(conference: Conference) -> list:
    from ..agenda.models import AgendaSession

    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.conference_id == conference.id, AgendaSession.starts_at.is_not(None))
            .order_by(AgendaSession.starts_at, AgendaSession.id)
        )
    )


def update_conference(conference: Conference, *, actor=None, **fields: object) -> Conference:
    """Change the conference's details (any of CONFERENCE_FIELDS; the slug is
    not editable). It needs a title; the last day is on or after the first; the
    zone is an IANA name; new days (in the new zone) must still hold every
    scheduled session; a registration capacity is empty (no limit) or at least 1."""
    unknown = set(fields) - set(CONFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"not editable conference fields: {sorted(unknown)}")
    new = {name: fields.get(name, getattr(conference, name)) for name in CONFERENCE_FIELDS}
    for name in CONFERENCE_FIELDS:
        if isinstance(new[name], str) and not isinstance(new[name], (ConferenceStatus, RegistrationMode)):
            new[name] = new[name].strip()
    if not (new["title_id"] or new["title_en"]):
        raise DomainError(_("Give the conference a title."), "title_id")
    if new["timezone"] not in known_timezones():
        raise DomainError(_("Unknown time zone."), "timezone")
    starts_on, ends_on = new["starts_on"], new["ends_on"]
    if ends_on < starts_on:
        raise DomainError(_("The last day cannot be before the first day."), "ends_on")
    try:
        new["status"] = ConferenceStatus(new["status"])
    except ValueError:
        raise DomainError(_("Choose draft or published."), "status") from None
    new["contact_email"] = new["contact_email"].lower()
    try:
        new["registration_mode"] = RegistrationMode(new["registration_mode"])
    except ValueError:
        raise DomainError(_("Choose how people register."), "registration_mode") from None
    if new["registration_capacity"] is not None and new["registration_capacity"] < 1:
        raise DomainError(_("Use at least 1, or leave empty for no limit."), "registration_capacity")

    if (starts_on, ends_on, new["timezone"]) != (
        conference.starts_on, conference.ends_on, conference.timezone
    ):
        zone = ZoneInfo(new["timezone"])
        scheduled = _scheduled_sessions(conference)
        before = [s for s in scheduled if s.starts_at.astimezone(zone).date() < starts_on]
        after = [s for s in scheduled
                 if s.ends_at.astimezone(zone).date() > ends_on and s not in before]
        outside = before + after
        if outside:
            raise DomainError(
                ngettext(
                    "%(num)d scheduled session would fall outside the new days: %(titles)s. "
                    "Move it first.",
                    "%(num)d scheduled sessions would fall outside the new days: %(titles)s. "
                    "Move them first.",
                    len(outside), titles=_titles(outside),
                ),
                "starts_on" if before else "ends_on",
            )

    changed = [name for name in CONFERENCE_FIELDS if getattr(conference, name) != new[name]]
    for name in changed:
        if name == "registration_capacity":
            # Through the seat rules: not below the seats taken; more seats promote people waiting.
            from ..registration.services import set_conference_capacity

            set_conference_capacity(conference, new[name])
        else:
            setattr(conference, name, new[name])
    if changed:
        db.session.flush()
        record(conference, actor, "conference.update",
               f"Changed conference details: {', '.join(changed)}")
    return conference


def update_venue(venue: Venue, *, actor=None, name: str, address: str = "", city: str = "") -> Venue:
    """A venue needs a name."""
    name, address, city = name.strip(), address.strip(), city.strip()
    if not name:
        raise DomainError(_("Enter the venue's name."), "name")
    changed = [key for key, value in (("name", name), ("address", address), ("city", city))
               if getattr(venue, key) != value]
    if changed:
        venue.name, venue.address, venue.city = name, address, city
        db.session.flush()
        record(venue.conference, actor, "venue.update",
               f"Changed venue “{venue.name}”: {', '.join(changed)}")
    return venue


def sessions_in_rooms(room_ids: list[int]) -> list:
    """Sessions held in any of these rooms, in time order (unscheduled last)."""
    from ..agenda.models import AgendaSession

    if not room_ids:
        return []
    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.room_id.in_(room_ids))
            .options(selectinload(AgendaSession.room))
            .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
        )
    )


def sessions_with_sub_theme(sub_theme: SubTheme) -> list:
    from ..agenda.models import AgendaSession

    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.sub_theme_id == sub_theme.id)
            .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
        )
    )


def session_counts_by_room(conference: Conference) -> dict[int, int]:
    from ..agenda.models import AgendaSession

    rows = db.session.execute(
        select(AgendaSession.room_id, func.count(AgendaSession.id))
        .where(AgendaSession.conference_id == conference.id, AgendaSession.room_id.is_not(None))
        .group_by(AgendaSession.room_id)
    )
    return {room_id: count for room_id, count in rows}


def session_counts_by_sub_theme(conference: Conference) -> dict[int, int]:
    from ..agenda.models import AgendaSession

    rows = db.session.execute(
        select(AgendaSession.sub_theme_id, func.count(AgendaSession.id))
        .where(AgendaSession.conference_id == conference.id,
               AgendaSession.sub_theme_id.is_not(None))
        .group_by(AgendaSession.sub_theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def delete_venue(venue: Venue, *, actor=None) -> None:
    """A venue goes with its rooms, so none of its rooms may hold a session."""
    used = sessions_in_rooms([room.id for room in venue.rooms])
    if used:
        raise DomainError(
            ngettext(
                "%(num)d session uses a room of this venue: %(titles)s. "
                "Move it to another room or delete the rooms one by one first.",
                "%(num)d sessions use rooms of this venue: %(titles)s. "
                "Move them to other rooms or delete the rooms one by one first.",
                len(used), titles=_titles(used),
            )
        )
    record(venue.conference, actor, "venue.delete", f"Deleted venue “{venue.name}”")
    db.session.delete(venue)
    db.session.flush()


def _shared_room_clashes(room: Room) -> list[tuple]:
    """Pairs of sessions that would take `room` at the same time if it were not shared."""
    from ..agenda.services import room_clashes

    pairs: list[tuple] = []
    seen: set[tuple[int, int]] = set()
    for session in sessions_in_rooms([room.id]):
        for other in room_clashes(session):
            key = (min(session.id, other.id), max(session.id, other.id))
            if key not in seen:
                seen.add(key)
                pairs.append((session, other))
    return pairs


ROOM_FIELDS = ("name", "capacity", "step_free", "is_shared", "accessibility_id",
               "accessibility_en", "position")


def update_room(room: Room, *, actor=None, **fields: object) -> Room:
    """Room names are unique within their venue; capacity, if given, is positive;
    a room stops being shared only if that leaves no two sessions in it at once."""
    unknown = set(fields) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"not room fields: {sorted(unknown)}")
    if "name" in fields:
        name = str(fields["name"]).strip()
        if not name:
            raise DomainError(_("Enter the room's name."), "name")
        if any(other.name == name and other.id != room.id for other in room.venue.rooms):
            raise DomainError(_("This venue already has a room with that name."), "name")
        fields["name"] = name
    capacity = fields.get("capacity", room.capacity)
    if capacity is not None and capacity <= 0:  # type: ignore[operator]
        raise DomainError(_("Capacity must be a positive number."), "capacity")
    if fields.get("position") is not None and fields["position"] < 0:  # type: ignore[operator]
        raise DomainError(_("Use zero or a positive number."), "position")
    if "position" in fields and fields["position"] is None:
        fields.pop("position")
    changed = [name for name, value in fields.items() if getattr(room, name) != value]
    if not changed:
        return room
    stops_sharing = room.is_shared and fields.get("is_shared") is False
    for name in changed:
        setattr(room, name, fields[name])
    db.session.flush()
    if stops_sharing:
        clashes = _shared_room_clashes(room)
        if clashes:
            listed = "; ".join(f"“{a.local('title')}” / “{b.local('title')}”" for a, b in clashes[:5])
            raise DomainError(
                ngettext(
                    "Sessions overlap in this room, so it must stay shared: %(pairs)s.",
                    "Sessions overlap in this room, so it must stay shared (%(num)d pairs): %(pairs)s.",
                    len(clashes), pairs=listed,
                ),
                "is_shared",
            )
    record(room.venue.conference, actor, "room.update",
           f"Changed room “{room.name}”: {', '.join(changed)}")
    return room


def delete_room(
    room: Room, *, actor=None, move_to: Room | None = None, leave_without_room: bool = False
) -> int:
    """Delete a room. Sessions that use it either move to `move_to` (another room
    of the same conference, where they must not clash) or, with
    `leave_without_room`, keep no room; with neither, the deletion is refused.
    Returns how many sessions moved or lost their room."""
    from ..agenda.services import room_clashes

    conference = room.venue.conference
    used = sessions_in_rooms([room.id])
    if used and move_to is None and not leave_without_room:
        raise DomainError(
            _("Choose what happens to the sessions in this room: move them to another room, "
              "or leave them without a room."),
            "sessions",
        )
    if used and move_to is not None:
        if move_to.id == room.id or move_to.venue.conference_id != conference.id:
            raise DomainError(_("Choose another room of this conference."), "move_to")
        for session in used:
            session.room = move_to
        db.session.flush()
        clashing = [s for s in used if room_clashes(s)]
        if clashing:
            raise DomainError(
                _("These sessions would clash with others in %(room)s: %(titles)s.",
                  room=move_to.name, titles=_titles(clashing)),
                "move_to",
            )
        summary = f"Deleted room “{room.name}”; moved {len(used)} session(s) to “{move_to.name}”"
    else:
        for session in used:
            session.room = None
        summary = f"Deleted room “{room.name}”" + (
            f"; {len(used)} session(s) left without a room" if used else ""
        )
    record(conference, actor, "room.delete", summary)
    room.venue.rooms.remove(room)
    db.session.delete(room)
    db.session.flush()
    return len(used)


SUB_THEME_FIELDS = ("code", "title_id", "title_en", "colour")


def update_sub_theme(sub_theme: SubTheme, *, actor=None, **fields: str) -> SubTheme:
    """Codes are unique within a conference; colours are #RRGGBB; a title in
    at least one language."""
    unknown = set(fields) - set(SUB_THEME_FIELDS)
    if unknown:
        raise TypeError(f"not sub-theme fields: {sorted(unknown)}")
    new = {name: str(fields.get(name, getattr(sub_theme, name))).strip() for name in SUB_THEME_FIELDS}
    if not new["code"]:
        raise DomainError(_("Enter a short code."), "code")
    if not (new["title_id"] or new["title_en"]):
        raise DomainError(_("Give the sub-theme a title."), "title_id")
    if not COLOUR_RE.match(new["colour"]):
        raise DomainError(_("Use a colour such as #1f6f8b."), "colour")
    new["colour"] = new["colour"].lower()
    if db.session.scalar(
        select(SubTheme.id).where(
            SubTheme.conference_id == sub_theme.conference_id,
            SubTheme.code == new["code"],
            SubTheme.id != sub_theme.id,
        )
    ) is not None:
        raise DomainError(_("This conference already has a sub-theme with that code."), "code")
    changed = [name for name in SUB_THEME_FIELDS if getattr(sub_theme, name) != new[name]]
    if changed:
        for name in changed:
            setattr(sub_theme, name, new[name])
        db.session.flush()
        record(sub_theme.conference, actor, "sub_theme.update",
               f"Changed sub-theme {sub_theme.code}: {', '.join(changed)}")
    return sub_theme


def delete_sub_theme(
    sub_theme: SubTheme,
    *,
    actor=None,
    reassign_to: SubTheme | None = None,
    leave_without: bool = False,
) -> int:
    """Delete a sub-theme. Sessions that use it move to `reassign_to` (another
    sub-theme of the same conference) or, with `leave_without`, keep none; with
    neither, the deletion is refused. Returns how many sessions changed."""
    conference = sub_theme.conference
    used = sessions_with_sub_theme(sub_theme)
    if used and reassign_to is None and not leave_without:
        raise DomainError(
            _("Choose what happens to the sessions with this sub-theme: give them another "
              "sub-theme, or leave them without one."),
            "sessions",
        )
    if used and reassign_to is not None:
        if reassign_to.id == sub_theme.id or reassign_to.conference_id != conference.id:
            raise DomainError(_("Choose another sub-theme of this conference."), "reassign_to")
        for session in used:
            session.sub_theme = reassign_to
        summary = (f"Deleted sub-theme {sub_theme.code}; "
                   f"moved {len(used)} session(s) to {reassign_to.code}")
    else:
        for session in used:
            session.sub_theme = None
        summary = f"Deleted sub-theme {sub_theme.code}" + (
            f"; {len(used)} session(s) left without a sub-theme" if used else ""
        )
    db.session.flush()
    record(conference, actor, "sub_theme.delete", summary)
    conference.sub_themes.remove(sub_theme)
    db.session.delete(sub_theme)
    db.session.flush()
    return len(used)
