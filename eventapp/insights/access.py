"""Accessibility logistics for the organisers: how many confirmed attendees
need step-free access, an interpreter, captions… conference-wide, per session
and per room, and a printable list per room (with names) to book services.

Parallel sessions count the attendees holding a seat there; the other sessions
(opening, plenaries, closing, other) count every confirmed attendee; breaks are
left out. Names appear only on the printable organiser page. Every page runs a
fixed number of queries whatever the size of the conference.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort, render_template
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..agenda.models import AgendaSession, SessionKind
from ..conferences.models import Conference, Room, Venue
from ..conferences.services import get_conference_or_404
from ..extensions import db
from ..i18n import _l, format_day, format_time_range
from ..registration.models import NEEDS, Registration
from . import bp, queries

# (key in the counts, label), in the order shown.
NEED_LABELS = [(column, label) for column, label in NEEDS] + [("needs_other", _l("Other needs"))]


@dataclass
class SessionNeeds:
    session: AgendaSession
    counts: dict[str, int]
    when: str = ""  # day and time in the conference's zone

    @property
    def is_parallel(self) -> bool:
        return self.session.kind == SessionKind.PARALLEL

    @property
    def any_need(self) -> bool:
        return any(self.counts.get(key, 0) for key, _label in NEED_LABELS)

    @property
    def step_free_mismatch(self) -> bool:
        """Attendees who need step-free access, in a room that is not step-free."""
        room = self.session.room
        return room is not None and not room.step_free and self.counts.get("need_step_free", 0) > 0


@dataclass
class RoomNeeds:
    room: Room
    sessions: list[SessionNeeds] = field(default_factory=list)

    @property
    def mismatches(self) -> list[SessionNeeds]:
        return [s for s in self.sessions if s.step_free_mismatch]


def _sessions(conference: Conference, room: Room | None = None) -> list[AgendaSession]:
    """Scheduled sessions other than breaks, in time order (rooms loaded with them)."""
    query = (
        select(AgendaSession)
        .where(AgendaSession.conference_id == conference.id, AgendaSession.starts_at.is_not(None),
               AgendaSession.kind != SessionKind.BREAK)
        .options(joinedload(AgendaSession.room))
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    if room is not None:
        query = query.where(AgendaSession.room_id == room.id)
    return list(db.session.scalars(query))


def _with_counts(conference: Conference, sessions: list[AgendaSession], overall: dict[str, int],
                 by_session: dict[int, dict[str, int]]) -> list[SessionNeeds]:
    empty = {"total": 0, **{key: 0 for key in queries.NEED_KEYS}}
    days: dict[date, str] = {}  # formatting is slow: once per day and per time range
    ranges: dict[tuple[datetime, datetime], str] = {}
    items = []
    for s in sessions:
        assert s.starts_at is not None and s.ends_at is not None  # _sessions keeps scheduled ones
        day = s.starts_at.astimezone(conference.zone).date()
        if day not in days:
            days[day] = format_day(day)
        if (s.starts_at, s.ends_at) not in ranges:
            ranges[s.starts_at, s.ends_at] = format_time_range(s.starts_at, s.ends_at, conference.timezone)
        counts = by_session.get(s.id, empty) if s.kind == SessionKind.PARALLEL else overall
        items.append(SessionNeeds(s, counts, f"{days[day]}, {ranges[s.starts_at, s.ends_at]}"))
    return items


def _labels() -> list[tuple[str, str]]:
    """The need labels, translated once per request (not once per table cell)."""
    return [(key, str(label)) for key, label in NEED_LABELS]


def _needs_text(registration: Registration, labels: list[tuple[str, str]], other: str) -> str:
    """The stated needs by label, then the attendee's own words."""
    stated = [label for key, label in labels if key != "needs_other" and getattr(registration, key)]
    if registration.needs_other:
        stated.append(f"{other}: {registration.needs_other}")
    return "; ".join(stated)


def _rooms(conference: Conference) -> list[Room]:
    return list(db.session.scalars(
        select(Room).join(Venue, Room.venue_id == Venue.id)
        .where(Venue.conference_id == conference.id)
        .order_by(Venue.name, Venue.id, Room.position, Room.name, Room.id)
    ))


@bp.route("/manage/<slug>/insights/accessibility")
@login_required
def accessibility(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    overall = queries.needs_overall(conference)
    anyone = any(overall[key] for key, _label in NEED_LABELS)
    sessions: list[SessionNeeds] = []
    rooms: list[RoomNeeds] = []
    if anyone:
        sessions = _with_counts(conference, _sessions(conference), overall, queries.needs_by_session(conference))
        by_room = {room.id: RoomNeeds(room) for room in _rooms(conference)}
        for item in sessions:
            if item.session.room_id in by_room:
                by_room[item.session.room_id].sessions.append(item)
        rooms = list(by_room.values())
    return render_template(
        "insights/manage/accessibility.html", conference=conference, active="access",
        overall=overall, anyone=anyone, sessions=sessions, rooms=rooms, need_labels=_labels(),
    )


@bp.route("/manage/<slug>/insights/accessibility/rooms/<int:room_id>")
@login_required
def accessibility_room(slug: str, room_id: int):
    conference = get_conference_or_404(slug, manage=True)
    room = db.session.scalar(
        select(Room).join(Venue, Room.venue_id == Venue.id)
        .where(Room.id == room_id, Venue.conference_id == conference.id)
    )
    if room is None:
        abort(404)
    sessions = _sessions(conference, room)
    overall = queries.needs_overall(conference)
    parallel_ids = [s.id for s in sessions if s.kind == SessionKind.PARALLEL]
    by_session = queries.needs_by_session(conference) if parallel_ids else {}
    items = _with_counts(conference, sessions, overall, by_session)
    names = queries.attendees_with_needs_by_session(conference, parallel_ids)
    if len(parallel_ids) < len(sessions):  # a plenary here: every confirmed attendee with a need
        everyone = queries.attendees_with_needs(conference)
        for s in sessions:
            if s.kind != SessionKind.PARALLEL:
                names[s.id] = everyone
    labels, other = _labels(), str(_l("Other needs"))
    needs_text = {r.id: _needs_text(r, labels, other) for listed in names.values() for r in listed}
    return render_template(
        "insights/manage/accessibility_room.html", conference=conference, room=room, sessions=items,
        names=names, needs_text=needs_text, need_labels=labels,
        mismatches=[s for s in items if s.step_free_mismatch],
    )
