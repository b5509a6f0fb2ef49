"""Conflict detection for a whole agenda, in O(n log n): one sort-and-sweep per
room and per person, never every pair of sessions.

Blocking conflicts (a room taken twice, a session outside the conference's
days) cannot be saved by the services; they can only appear in data that
predates a rule. Warnings may be acknowledged by an organiser.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.services import actor_id, record
from ..conferences.models import Conference
from ..extensions import db
from ..people.models import Person
from .models import AgendaSession, ConflictAcknowledgement, RoleKind, SessionKind, SessionRole

PANEL_KINDS = {SessionKind.PARALLEL, SessionKind.PLENARY}
NEEDS_SPEAKER = {SessionKind.OPENING, SessionKind.PLENARY, SessionKind.PARALLEL, SessionKind.CLOSING}


@dataclass
class Conflict:
    code: str  # room_overlap, outside_dates, person_overlap, over_capacity, no_sub_theme, no_moderator, no_speaker
    blocking: bool
    sessions: list[AgendaSession]
    key: str  # identifies the warning for acknowledgement
    message: str
    acknowledged: bool = False

    @property
    def session(self) -> AgendaSession:
        """The session the conflict is filed under (and acknowledged on)."""
        return self.sessions[0]


@dataclass
class ConflictReport:
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def blocking(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.blocking]

    @property
    def open_warnings(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.blocking and not c.acknowledged]

    @property
    def acknowledged(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.acknowledged]

    @property
    def open(self) -> list[Conflict]:
        return self.blocking + self.open_warnings

    def for_session(self, session_id: int) -> list[Conflict]:
        return [c for c in self.conflicts if any(s.id == session_id for s in c.sessions)]

    def session_ids_with_open_conflicts(self) -> set[int]:
        return {s.id for c in self.open for s in c.sessions}


def load_sessions(conference: Conference) -> list[AgendaSession]:
    """Every session with its room, sub-theme, roles and people in two queries,
    whatever their number (selectinload would split its IN lists every 500 rows)."""
    sessions = list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.conference_id == conference.id)
            .options(joinedload(AgendaSession.room), joinedload(AgendaSession.sub_theme))
            .order_by(AgendaSession.id)
        )
    )
    roles: dict[int, list[SessionRole]] = defaultdict(list)
    for role in db.session.scalars(
        select(SessionRole)
        .join(AgendaSession, SessionRole.session_id == AgendaSession.id)
        .where(AgendaSession.conference_id == conference.id)
        .options(joinedload(SessionRole.person).joinedload(Person.photo))
        .order_by(SessionRole.session_id, SessionRole.position)
    ):
        roles[role.session_id].append(role)
    for session in sessions:
        set_committed_value(session, "roles", roles.get(session.id, []))
    return sessions


def _overlapping_pairs(items: list[AgendaSession]) -> Iterable[tuple[AgendaSession, AgendaSession]]:
    """Pairs that overlap in time, by a sweep over start-sorted items: each item
    is compared only with those still running when it starts."""
    running: list[AgendaSession] = []
    for item in sorted(items, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        running = [r for r in running if r.ends_at > item.starts_at]
        for other in running:
            yield other, item
        running.append(item)


def find_conflicts(
    conference: Conference, sessions: list[AgendaSession] | None = None
) -> ConflictReport:
    sessions = sessions if sessions is not None else load_sessions(conference)
    scheduled = [s for s in sessions if s.starts_at is not None and s.ends_at is not None]
    report = ConflictReport()
    add = report.conflicts.append
    zone = conference.zone

    # Blocking: outside the conference's days.
    for s in scheduled:
        first = s.starts_at.astimezone(zone).date()
        last = s.ends_at.astimezone(zone).date()
        if first < conference.starts_on or last > conference.ends_on:
            add(Conflict("outside_dates", True, [s], "outside_dates",
                         _("Takes place outside the conference's days.")))

    # Blocking: one room, two sessions (spanning sessions take every non-shared room).
    by_room: dict[int, list[AgendaSession]] = defaultdict(list)
    spanning = [s for s in scheduled if s.spans_all_rooms]
    room_ids = set()
    for s in scheduled:
        if s.room is not None and not s.room.is_shared:
            room_ids.add(s.room_id)
            if not s.spans_all_rooms:
                by_room[s.room_id].append(s)
    seen: set[tuple[int, int]] = set()
    # Spanning sessions join every room's sweep (and clash with each other there).
    groups = [by_room[r] + spanning for r in room_ids] or [spanning]
    for group in groups:
        for a, b in _overlapping_pairs(group):
            pair = (min(a.id, b.id), max(a.id, b.id))
            if pair in seen:
                continue
            seen.add(pair)
            first, second = sorted((a, b), key=lambda s: s.id)
            add(Conflict("room_overlap", True, [first, second], f"room_overlap:{pair[0]}:{pair[1]}",
                         _("“%(a)s” and “%(b)s” take the same room at the same time.",
                           a=first.local("title"), b=second.local("title"))))

    # Warning: a person in two overlapping sessions.
    by_person: dict[int, list[AgendaSession]] = defaultdict(list)
    people = {}
    for s in scheduled:
        for role in s.roles:
            by_person[role.person_id].append(s)
            people[role.person_id] = role.person
    for person_id, items in by_person.items():
        for a, b in _overlapping_pairs(items):
            first, second = sorted((a, b), key=lambda s: s.id)
            add(Conflict("person_overlap", False, [first, second],
                         f"person_overlap:{person_id}:{first.id}:{second.id}",
                         _("%(name)s is in “%(a)s” and “%(b)s”, which overlap.",
                           name=people[person_id].display_name,
                           a=first.local("title"), b=second.local("title"))))

    for s in sessions:
        speakers = [r for r in s.roles if r.role in (RoleKind.SPEAKER, RoleKind.KEYNOTE)]
        room_capacity = s.room.capacity if s.room else None
        if s.capacity and room_capacity and s.capacity > room_capacity:
            add(Conflict("over_capacity", False, [s], "over_capacity",
                         _("Expects %(expected)d people; %(room)s holds %(capacity)d.",
                           expected=s.capacity, room=s.room.name, capacity=room_capacity)))
        if s.kind is SessionKind.PARALLEL and s.sub_theme is None:
            add(Conflict("no_sub_theme", False, [s], "no_sub_theme",
                         _("A parallel session without a sub-theme.")))
        if s.kind in PANEL_KINDS and len(speakers) >= 2 and not any(
            r.role is RoleKind.MODERATOR for r in s.roles
        ):
            add(Conflict("no_moderator", False, [s], "no_moderator",
                         _("A panel without a moderator.")))
        if s.kind in NEEDS_SPEAKER and not speakers:
            add(Conflict("no_speaker", False, [s], "no_speaker",
                         _("No speaker yet.")))

    _mark_acknowledged(report)
    report.conflicts.sort(key=lambda c: (not c.blocking, c.session.starts_at is None,
                                         c.session.starts_at or 0, c.session.id, c.code))
    return report


def _mark_acknowledged(report: ConflictReport) -> None:
    ids = {c.session.id for c in report.conflicts if not c.blocking}
    if not ids:
        return
    acked = set(
        db.session.execute(
            select(ConflictAcknowledgement.session_id, ConflictAcknowledgement.key).where(
                ConflictAcknowledgement.session_id.in_(ids)
            )
        ).all()
    )
    for conflict in report.conflicts:
        if not conflict.blocking and (conflict.session.id, conflict.key) in acked:
            conflict.acknowledged = True


def acknowledge(session: AgendaSession, key: str, *, actor=None) -> None:
    """Accept a warning on a session; blocking conflicts cannot be acknowledged."""
    from ..errors import DomainError

    report = find_conflicts(session.conference)
    match = next((c for c in report.for_session(session.id)
                  if c.key == key and c.session.id == session.id), None)
    if match is None:
        raise DomainError(_("This warning no longer applies."))
    if match.blocking:
        raise DomainError(_("This conflict must be resolved, not acknowledged."))
    if match.acknowledged:
        return
    user_id = actor_id(actor)
    db.session.add(ConflictAcknowledgement(session_id=session.id, key=key, user_id=user_id))
    db.session.flush()
    record(session.conference, actor, "conflict.acknowledge",
           f"Acknowledged “{match.message}”")
