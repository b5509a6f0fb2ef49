"""Draft and releases.

Organisers always edit the draft (the live rows). Publishing freezes the draft
into a numbered AgendaRelease holding a JSON snapshot, with the changes since
the previous release. Public pages render the latest snapshot only, through
the small read-only classes below, which offer the same attributes the
templates use on the live models — so the draft preview and the public agenda
share one template and the draft can never leak.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from ..audit.services import actor_id, record
from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import cache, db
from ..i18n import Bilingual
from ..people.models import SECTOR_LABELS, Gender, Sector
from .conflicts import find_conflicts, load_sessions
from .models import ROLE_LABELS, SESSION_KIND_LABELS, AgendaRelease, AgendaSession, RoleKind, SessionKind

SNAPSHOT_FORMAT = 1


# --- building and comparing snapshots -------------------------------------------


def snapshot(conference: Conference, sessions: list[AgendaSession] | None = None) -> dict[str, Any]:
    """The scheduled part of the draft as plain JSON data."""
    sessions = sessions if sessions is not None else load_sessions(conference)
    scheduled = sorted(
        (s for s in sessions if s.starts_at is not None),
        key=lambda s: (s.starts_at, s.room.position if s.room else -1, s.id),
    )
    rooms, themes, people = {}, {}, {}
    items = []
    for s in scheduled:
        if s.room is not None:
            rooms[s.room.id] = {
                "id": s.room.id, "name": s.room.name, "capacity": s.room.capacity,
                "step_free": s.room.step_free, "position": s.room.position,
                "accessibility_id": s.room.accessibility_id,
                "accessibility_en": s.room.accessibility_en,
            }
        if s.sub_theme is not None:
            t = s.sub_theme
            themes[t.id] = {"id": t.id, "code": t.code, "title_id": t.title_id,
                            "title_en": t.title_en, "colour": t.colour, "position": t.position}
        public_roles = [r for r in s.roles if r.is_confirmed]  # invited speakers stay private
        for role in public_roles:
            p = role.person
            people[p.id] = {
                "id": p.id, "honorific": p.honorific, "full_name": p.full_name,
                "position": p.position, "organisation": p.organisation,
                "sector": p.sector.value, "gender": p.gender.value, "is_demo": p.is_demo,
                "bio_id": p.bio_id, "bio_en": p.bio_en,
                # Only when there is one, so releases made before photos existed stay equal.
                **({"photo": p.photo.version} if p.photo is not None else {}),
            }
        items.append({
            "id": s.id, "uid": str(s.uid), "kind": s.kind.value,
            "title_id": s.title_id, "title_en": s.title_en,
            "abstract_id": s.abstract_id, "abstract_en": s.abstract_en,
            # Always UTC, so the same instant always gives the same text.
            "starts_at": s.starts_at.astimezone(timezone.utc).isoformat(),
            "ends_at": s.ends_at.astimezone(timezone.utc).isoformat(),
            "room_id": s.room_id, "sub_theme_id": s.sub_theme_id,
            "spans_all_rooms": s.spans_all_rooms, "capacity": s.capacity,
            "roles": [{"person_id": r.person_id, "role": r.role.value}
                      for r in sorted(public_roles, key=lambda r: r.position)],
        })
    return {
        "format": SNAPSHOT_FORMAT,
        "rooms": sorted(rooms.values(), key=lambda r: (r["position"], r["id"])),
        "sub_themes": sorted(themes.values(), key=lambda t: (t["position"], t["id"])),
        "people": sorted(people.values(), key=lambda p: p["id"]),
        "sessions": items,
    }


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two snapshots, by stable session uid: sessions added,
    cancelled, retitled, moved room, retimed, people added or removed."""
    old = old or {"sessions": [], "rooms": [], "people": []}
    old_sessions = {s["uid"]: s for s in old["sessions"]}
    new_sessions = {s["uid"]: s for s in new["sessions"]}
    rooms = {r["id"]: r["name"] for r in old.get("rooms", []) + new.get("rooms", [])}
    people = {p["id"]: f"{p['honorific']} {p['full_name']}".strip()
              for p in old.get("people", []) + new.get("people", [])}
    changes: list[dict[str, Any]] = []

    def entry(kind: str, session: dict[str, Any], **details: Any) -> None:
        changes.append({"type": kind, "uid": session["uid"], "id": session["id"],
                        "title_id": session["title_id"], "title_en": session["title_en"],
                        **details})

    for uid, s in new_sessions.items():
        before = old_sessions.get(uid)
        if before is None:
            entry("added", s, starts_at=s["starts_at"], ends_at=s["ends_at"])
            continue
        if (before["title_id"], before["title_en"]) != (s["title_id"], s["title_en"]):
            entry("retitled", s, old_title_id=before["title_id"], old_title_en=before["title_en"])
        if before["room_id"] != s["room_id"] or before["spans_all_rooms"] != s["spans_all_rooms"]:
            entry("moved", s,
                  old_room=rooms.get(before["room_id"]) if not before["spans_all_rooms"] else None,
                  new_room=rooms.get(s["room_id"]) if not s["spans_all_rooms"] else None)
        if (before["starts_at"], before["ends_at"]) != (s["starts_at"], s["ends_at"]):
            entry("retimed", s, old_starts_at=before["starts_at"], old_ends_at=before["ends_at"],
                  starts_at=s["starts_at"], ends_at=s["ends_at"])
        old_people = {r["person_id"] for r in before["roles"]}
        new_people = {r["person_id"] for r in s["roles"]}
        if new_people - old_people:
            entry("people_added", s, people=sorted(people[p] for p in new_people - old_people))
        if old_people - new_people:
            entry("people_removed", s, people=sorted(people[p] for p in old_people - new_people))
    for uid, s in old_sessions.items():
        if uid not in new_sessions:
            entry("cancelled", s, starts_at=s["starts_at"], ends_at=s["ends_at"])
    return changes


# --- reading releases ------------------------------------------------------------


def latest_release(conference: Conference) -> AgendaRelease | None:
    """The newest release, without its snapshot and changes: public pages served
    from the per-release cache need only its number and time (decoding a big
    agenda's JSON costs more than the whole cached response); the first access
    to `snapshot` or `changes` loads it."""
    return db.session.scalar(
        select(AgendaRelease)
        .options(defer(AgendaRelease.snapshot), defer(AgendaRelease.changes))
        .where(AgendaRelease.conference_id == conference.id)
        .order_by(AgendaRelease.number.desc())
        .limit(1)
    )


def release_session_ids(release: AgendaRelease) -> set[int]:
    """The ids of the sessions in a release, read inside the database (its JSON
    functions) so that the snapshot is neither sent nor decoded here."""
    if "snapshot" not in inspect(release).unloaded:
        return {item["id"] for item in release.snapshot.get("sessions", [])}
    return _session_ids(release.id, release.conference_id, release.number, release.created_at)


def published_session_ids(conference: Conference) -> set[int]:
    """release_session_ids of the latest release (none before the first),
    without loading the release: its id, number and time in one small query."""
    row = db.session.execute(
        select(AgendaRelease.id, AgendaRelease.conference_id, AgendaRelease.number, AgendaRelease.created_at)
        .where(AgendaRelease.conference_id == conference.id)
        .order_by(AgendaRelease.number.desc())
        .limit(1)
    ).first()
    return _session_ids(*row) if row is not None else set()


def _session_ids(release_id: int, conference_id: int, number: int, created_at: datetime) -> set[int]:
    # A release never changes: its ids are cached (in Redis, shared, when configured).
    key = f"release-session-ids:{release_id}:{conference_id}:{number}:{created_at.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return set(cached)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = text("SELECT (item->>'id')::integer FROM agenda_release, "
                         "json_array_elements(agenda_release.snapshot->'sessions') AS item "
                         "WHERE agenda_release.id = :id")
    else:
        statement = text("SELECT json_extract(item.value, '$.id') FROM agenda_release, "
                         "json_each(agenda_release.snapshot, '$.sessions') AS item "
                         "WHERE agenda_release.id = :id")
    ids = set(db.session.scalars(statement, {"id": release_id}))
    cache.set(key, sorted(ids))
    return ids


def releases(conference: Conference) -> list[AgendaRelease]:
    return list(db.session.scalars(
        select(AgendaRelease)
        .where(AgendaRelease.conference_id == conference.id)
        .order_by(AgendaRelease.number.desc())
    ))


@dataclass
class DraftStatus:
    release: AgendaRelease | None
    changes: list[dict[str, Any]]

    @property
    def differs(self) -> bool:
        return self.release is None or bool(self.changes)


def draft_status(conference: Conference, sessions: list[AgendaSession] | None = None) -> DraftStatus:
    """How the draft differs from what the public sees."""
    release = latest_release(conference)
    current = snapshot(conference, sessions)
    changes = diff(release.snapshot if release else None, current)
    if release is not None and not changes and current != release.snapshot:
        # Only details the changelog does not name (an abstract, a bio…) changed.
        changes = [{"type": "details", "uid": "", "id": 0, "title_id": "", "title_en": ""}]
    return DraftStatus(release, changes)


def publish(conference: Conference, *, actor=None, note: str = "") -> AgendaRelease:
    """Freeze the draft as the next release. Refused while blocking conflicts
    remain or when nothing changed; two organisers publishing at once cannot
    both get the same number (unique constraint)."""
    sessions = load_sessions(conference)
    if find_conflicts(conference, sessions).blocking:
        raise DomainError(_("Resolve the blocking conflicts before publishing."))
    status = draft_status(conference, sessions)
    if not status.differs:
        raise DomainError(_("Nothing has changed since the last release."))
    number = (db.session.scalar(
        select(func.max(AgendaRelease.number)).where(AgendaRelease.conference_id == conference.id)
    ) or 0) + 1
    user_id = actor_id(actor)
    release = AgendaRelease(
        conference_id=conference.id, number=number, created_by_id=user_id, note=note.strip(),
        snapshot=snapshot(conference, sessions),
        changes=[c for c in status.changes if c["type"] != "details"],
    )
    try:
        with db.session.begin_nested():
            db.session.add(release)
    except IntegrityError:
        raise DomainError(_("Another organiser published at the same moment. Reload and try again.")) from None
    record(conference, actor, "release.publish", f"Published agenda v{number}")
    from ..portal.notices import queue_release_notices  # portal builds on agenda

    queue_release_notices(conference, release)
    return release


# --- the public, read-only view of a snapshot ----------------------------------------


@dataclass
class PublicRoom(Bilingual):
    id: int
    name: str
    capacity: int | None
    step_free: bool
    position: int
    accessibility_id: str
    accessibility_en: str


@dataclass
class PublicSubTheme(Bilingual):
    id: int
    code: str
    title_id: str
    title_en: str
    colour: str
    position: int


@dataclass
class PublicPerson(Bilingual):
    id: int
    honorific: str
    full_name: str
    position: str
    organisation: str
    sector: Sector
    gender: Gender
    is_demo: bool
    bio_id: str
    bio_en: str
    photo: str | None = None  # the photo's version (see people.models.PersonPhoto)

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.position, self.organisation) if part)

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS[self.sector])


@dataclass
class PublicRole:
    person: PublicPerson
    role: RoleKind

    @property
    def person_id(self) -> int:
        return self.person.id

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


@dataclass
class PublicSession(Bilingual):
    id: int
    uid: str
    kind: SessionKind
    title_id: str
    title_en: str
    abstract_id: str
    abstract_en: str
    starts_at: datetime
    ends_at: datetime
    room: PublicRoom | None
    sub_theme: PublicSubTheme | None
    spans_all_rooms: bool
    capacity: int | None
    roles: list[PublicRole] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(SESSION_KIND_LABELS[self.kind])

    def people_in(self, *kinds: RoleKind) -> list[PublicPerson]:
        return [r.person for r in self.roles if r.role in kinds]

    @property
    def speakers(self) -> list[PublicPerson]:
        return self.people_in(RoleKind.KEYNOTE, RoleKind.SPEAKER)

    @property
    def moderators(self) -> list[PublicPerson]:
        return self.people_in(RoleKind.MODERATOR)


@dataclass
class PublicAgenda:
    release: AgendaRelease | None
    rooms: list[PublicRoom]
    sub_themes: list[PublicSubTheme]
    people: list[PublicPerson]
    sessions: list[PublicSession]


# Parsed snapshots of the last few releases, per process: a release never
# changes, so its rooms, people and sessions are built once (not per page view).
_PARSED: OrderedDict[tuple, tuple] = OrderedDict()
_PARSED_LOCK = threading.Lock()
PARSED_KEEP = 8


def public_agenda(release: AgendaRelease | None) -> PublicAgenda:
    """The published agenda of `release`, as plain objects. Shared between
    requests (read-only: never change what this returns)."""
    if release is None:
        return PublicAgenda(None, [], [], [], [])
    key = (release.id, release.conference_id, release.number, release.created_at)
    with _PARSED_LOCK:
        parts = _PARSED.get(key)
        if parts is not None:
            _PARSED.move_to_end(key)
    if parts is None:
        parts = _parse_snapshot(release.snapshot)
        with _PARSED_LOCK:
            _PARSED[key] = parts
            while len(_PARSED) > PARSED_KEEP:
                _PARSED.popitem(last=False)
    return PublicAgenda(release, *parts)


def _parse_snapshot(data: dict[str, Any]) -> tuple:
    rooms = {r["id"]: PublicRoom(**r) for r in data["rooms"]}
    themes = {t["id"]: PublicSubTheme(**t) for t in data["sub_themes"]}
    people = {
        p["id"]: PublicPerson(**{**p, "sector": Sector(p["sector"]), "gender": Gender(p["gender"])})
        for p in data["people"]
    }
    sessions = [
        PublicSession(
            id=s["id"], uid=s["uid"], kind=SessionKind(s["kind"]),
            title_id=s["title_id"], title_en=s["title_en"],
            abstract_id=s["abstract_id"], abstract_en=s["abstract_en"],
            starts_at=datetime.fromisoformat(s["starts_at"]),
            ends_at=datetime.fromisoformat(s["ends_at"]),
            room=rooms.get(s["room_id"]), sub_theme=themes.get(s["sub_theme_id"]),
            spans_all_rooms=s["spans_all_rooms"], capacity=s["capacity"],
            roles=[PublicRole(people[r["person_id"]], RoleKind(r["role"])) for r in s["roles"]],
        )
        for s in data["sessions"]
    ]
    return list(rooms.values()), list(themes.values()), list(people.values()), sessions
