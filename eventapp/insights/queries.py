"""Representation and inclusion figures, computed by the database.

Every function here is one or two GROUP BY queries over the whole conference,
whatever its size: rows are never loaded into Python to be counted. The
results are small plain structures (counts by key) that the dashboard, the
charts, the printable report, the CSV exports and the public page share.

Speaker figures count **seats on stage**: a person speaking in three sessions
counts three times (that is what the audience sees); `people` counts each
person once. Roles still awaiting an invitation's answer count as planned
(the organisers are building the agenda); the public page uses the latest
release, which holds confirmed people only.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import distinct, func, or_, select

from ..agenda.models import AgendaSession, RoleKind, SessionRole
from ..conferences.models import Conference
from ..extensions import db
from ..invitations.models import Invitation, InvitationCategory, InvitationKind, InvitationStatus
from ..people.models import Gender, Person
from ..registration.models import NEEDS, ChoiceStatus, Registration, RegistrationStatus, SessionChoice

SPEAKING = (RoleKind.KEYNOTE, RoleKind.SPEAKER)
# A "panel": at least this many people speaking (keynotes and speakers).
PANEL_SIZE = 2
# Public pages and exports show smaller non-zero counts as "<5".
SMALL_COUNT = 5


def suppressed(count: int) -> str:
    """'<5' for 1–4 (so nobody is identifiable), the number otherwise."""
    return f"<{SMALL_COUNT}" if 0 < count < SMALL_COUNT else str(count)


@dataclass
class Tally:
    """Counts by a key (gender, sector, province…), with the total."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def get(self, key: str) -> int:
        return self.counts.get(key, 0)

    def share(self, key: str) -> float | None:
        """The share of `key` among those whose value is known (not "not stated")."""
        known = self.total - self.counts.get(Gender.NOT_STATED.value, 0)
        return self.get(key) / known if known else None

    def add(self, key: str, count: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + count


# --- speakers ------------------------------------------------------------------------


@dataclass
class SessionBalance:
    session_id: int
    speakers: Tally = field(default_factory=Tally)  # by gender, speaking roles
    sectors: Tally = field(default_factory=Tally)  # by sector, speaking roles

    @property
    def is_panel(self) -> bool:
        return self.speakers.total >= PANEL_SIZE

    @property
    def all_male(self) -> bool:
        """A panel where no woman speaks (an all-male panel, or men and people who did not state a gender)."""
        return self.is_panel and self.speakers.get(Gender.WOMAN.value) == 0

    @property
    def single_sector(self) -> bool:
        """A panel whose speakers all come from one sector."""
        return self.is_panel and len([c for c in self.sectors.counts.values() if c]) == 1


@dataclass
class SpeakerReport:
    by_role: dict[str, Tally]  # role → gender tally (seats)
    people: Tally  # distinct people on stage, by gender
    sectors: Tally  # seats of every role, by sector
    by_sub_theme: dict[int | None, dict[str, Tally]]  # sub-theme id → role group → gender tally
    sessions: dict[int, SessionBalance]

    @property
    def all_male_panels(self) -> list[int]:
        return [s.session_id for s in self.sessions.values() if s.all_male]

    @property
    def single_sector_panels(self) -> list[int]:
        return [s.session_id for s in self.sessions.values() if s.single_sector]

    @property
    def panels(self) -> int:
        return sum(1 for s in self.sessions.values() if s.is_panel)


def _role_group(role: str) -> str:
    return "speaking" if role in (RoleKind.KEYNOTE.value, RoleKind.SPEAKER.value) else role


def speaker_report(conference: Conference) -> SpeakerReport:
    """Three GROUP BY queries over the draft agenda (scheduled or not)."""
    in_conference = AgendaSession.conference_id == conference.id
    by_role: dict[str, Tally] = defaultdict(Tally)
    by_sub_theme: dict[int | None, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    sectors = Tally()
    for role, gender, sub_theme_id, sector, seats in db.session.execute(
        select(SessionRole.role, Person.gender, AgendaSession.sub_theme_id, Person.sector, func.count())
        .join(Person, SessionRole.person_id == Person.id)
        .join(AgendaSession, SessionRole.session_id == AgendaSession.id)
        .where(in_conference)
        .group_by(SessionRole.role, Person.gender, AgendaSession.sub_theme_id, Person.sector)
    ):
        role, gender, sector = _value(role), _value(gender), _value(sector)
        by_role[role].add(gender, seats)
        by_sub_theme[sub_theme_id][_role_group(role)].add(gender, seats)
        by_sub_theme[sub_theme_id]["all"].add(gender, seats)
        sectors.add(sector, seats)
    people = Tally()
    for gender, count in db.session.execute(
        select(Person.gender, func.count(distinct(Person.id)))
        .join(SessionRole, SessionRole.person_id == Person.id)
        .join(AgendaSession, SessionRole.session_id == AgendaSession.id)
        .where(in_conference)
        .group_by(Person.gender)
    ):
        people.add(_value(gender), count)
    sessions: dict[int, SessionBalance] = {}
    for session_id, gender, sector, seats in db.session.execute(
        select(SessionRole.session_id, Person.gender, Person.sector, func.count())
        .join(Person, SessionRole.person_id == Person.id)
        .join(AgendaSession, SessionRole.session_id == AgendaSession.id)
        .where(in_conference, SessionRole.role.in_(SPEAKING))
        .group_by(SessionRole.session_id, Person.gender, Person.sector)
    ):
        balance = sessions.setdefault(session_id, SessionBalance(session_id))
        balance.speakers.add(_value(gender), seats)
        balance.sectors.add(_value(sector), seats)
    return SpeakerReport(dict(by_role), people, sectors,
                         {k: dict(v) for k, v in by_sub_theme.items()}, sessions)


def session_balance(session: AgendaSession) -> SessionBalance:
    """One session's speakers by gender and sector (one query; for the builder's warning)."""
    balance = SessionBalance(session.id)
    for gender, sector, seats in db.session.execute(
        select(Person.gender, Person.sector, func.count())
        .join(SessionRole, SessionRole.person_id == Person.id)
        .where(SessionRole.session_id == session.id, SessionRole.role.in_(SPEAKING))
        .group_by(Person.gender, Person.sector)
    ):
        balance.speakers.add(_value(gender), seats)
        balance.sectors.add(_value(sector), seats)
    return balance


def release_speaker_report(snapshot: dict[str, Any]) -> SpeakerReport:
    """The same figures from a published release's snapshot (the public page:
    confirmed people only; the snapshot is already in memory, no query)."""
    people = {p["id"]: p for p in snapshot.get("people", [])}
    by_role: dict[str, Tally] = defaultdict(Tally)
    by_sub_theme: dict[int | None, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    sectors, distinct_people = Tally(), Tally()
    seen: set[int] = set()
    sessions: dict[int, SessionBalance] = {}
    for s in snapshot.get("sessions", []):
        for r in s["roles"]:
            p = people[r["person_id"]]
            by_role[r["role"]].add(p["gender"], 1)
            by_sub_theme[s["sub_theme_id"]][_role_group(r["role"])].add(p["gender"], 1)
            by_sub_theme[s["sub_theme_id"]]["all"].add(p["gender"], 1)
            sectors.add(p["sector"], 1)
            if p["id"] not in seen:
                seen.add(p["id"])
                distinct_people.add(p["gender"], 1)
            if r["role"] in (RoleKind.KEYNOTE.value, RoleKind.SPEAKER.value):
                balance = sessions.setdefault(s["id"], SessionBalance(s["id"]))
                balance.speakers.add(p["gender"], 1)
                balance.sectors.add(p["sector"], 1)
    return SpeakerReport(dict(by_role), distinct_people, sectors,
                         {k: dict(v) for k, v in by_sub_theme.items()}, sessions)


# --- participation -----------------------------------------------------------------------


@dataclass
class Participation:
    """Confirmed registrations and check-ins, by one attribute."""

    registered: Tally
    checked_in: Tally


def participation(conference: Conference, column) -> Participation:
    """`column`: Registration.gender, .sector or .province. One GROUP BY."""
    registered, checked_in = Tally(), Tally()
    for key, count, arrived in db.session.execute(
        select(column, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.conference_id == conference.id,
               Registration.status == RegistrationStatus.CONFIRMED, Registration.erased_at.is_(None))
        .group_by(column)
    ):
        key = _value(key) or ""
        registered.add(key, count)
        checked_in.add(key, arrived)
    return Participation(registered, checked_in)


@dataclass
class CategoryRow:
    category_id: int | None
    name: str
    quota: int | None
    invited: int
    accepted: int
    declined: int
    attended: int


def invitations_by_category(conference: Conference) -> list[CategoryRow]:
    """Delegate invitations by category: sent (not withdrawn), accepted,
    declined, and how many of the accepted came (checked in). One query."""
    status = Invitation.status
    rows = db.session.execute(
        select(
            InvitationCategory.id, InvitationCategory.name, InvitationCategory.quota,
            func.count(Invitation.id).filter(status != InvitationStatus.REVOKED),
            func.count(Invitation.id).filter(status == InvitationStatus.ACCEPTED),
            func.count(Invitation.id).filter(status == InvitationStatus.DECLINED),
            func.count(Registration.checked_in_at).filter(status == InvitationStatus.ACCEPTED),
        )
        .select_from(Invitation)
        .outerjoin(InvitationCategory, Invitation.category_id == InvitationCategory.id)
        .outerjoin(Registration, Registration.invitation_id == Invitation.id)
        .where(Invitation.conference_id == conference.id, Invitation.kind == InvitationKind.DELEGATE)
        .group_by(InvitationCategory.id, InvitationCategory.name, InvitationCategory.quota)
        .order_by(InvitationCategory.name)
    )
    return [CategoryRow(*row[:3], *row[3:]) for row in rows]


# --- accessibility logistics ---------------------------------------------------------------

NEED_COLUMNS = [column for column, _label in NEEDS]


def _need_sums() -> list:
    return [func.count().filter(getattr(Registration, column).is_(True)) for column in NEED_COLUMNS] + [
        func.count().filter(Registration.needs_other != "")
    ]


NEED_KEYS = NEED_COLUMNS + ["needs_other"]


def needs_overall(conference: Conference) -> dict[str, int]:
    """Confirmed attendees with each need, conference-wide (everybody attends
    the plenaries). One query; "total" is the number of confirmed attendees."""
    row = db.session.execute(
        select(func.count(), *_need_sums())
        .where(Registration.conference_id == conference.id,
               Registration.status == RegistrationStatus.CONFIRMED, Registration.erased_at.is_(None))
    ).one()
    return {"total": row[0], **dict(zip(NEED_KEYS, row[1:], strict=True))}


def needs_by_session(conference: Conference) -> dict[int, dict[str, int]]:
    """For each parallel session: confirmed attendees holding a seat there with
    each need. One GROUP BY over the choices."""
    result = {}
    for session_id, total, *counts in db.session.execute(
        select(SessionChoice.session_id, func.count(), *_need_sums())
        .join(Registration, SessionChoice.registration_id == Registration.id)
        .where(Registration.conference_id == conference.id,
               Registration.status == RegistrationStatus.CONFIRMED, Registration.erased_at.is_(None),
               SessionChoice.status == ChoiceStatus.CONFIRMED)
        .group_by(SessionChoice.session_id)
    ):
        result[session_id] = {"total": total, **dict(zip(NEED_KEYS, counts, strict=True))}
    return result


def _has_need():
    return or_(*(getattr(Registration, column).is_(True) for column in NEED_COLUMNS),
               Registration.needs_other != "")


def _confirmed_with_needs(conference: Conference):
    return (Registration.conference_id == conference.id, Registration.status == RegistrationStatus.CONFIRMED,
            Registration.erased_at.is_(None), _has_need())


def attendees_with_needs(conference: Conference) -> list[Registration]:
    """Every confirmed attendee who stated a need, by name (one query; for the
    organisers' printable per-room lists — everybody attends the plenaries)."""
    return list(db.session.scalars(
        select(Registration).where(*_confirmed_with_needs(conference))
        .order_by(func.lower(Registration.full_name), Registration.id)
    ))


def attendees_with_needs_by_session(conference: Conference, session_ids: list[int]) -> dict[int, list[Registration]]:
    """{session id: confirmed attendees with a need holding a seat there}, by
    name. One query whatever the number of sessions."""
    result: dict[int, list[Registration]] = {session_id: [] for session_id in session_ids}
    if not session_ids:
        return result
    for session_id, registration in db.session.execute(
        select(SessionChoice.session_id, Registration)
        .join(Registration, SessionChoice.registration_id == Registration.id)
        .where(*_confirmed_with_needs(conference), SessionChoice.session_id.in_(session_ids),
               SessionChoice.status == ChoiceStatus.CONFIRMED)
        .order_by(func.lower(Registration.full_name), Registration.id)
    ):
        result[session_id].append(registration)
    return result


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


__all__ = [
    "Tally", "SessionBalance", "SpeakerReport", "speaker_report", "session_balance",
    "release_speaker_report", "participation", "invitations_by_category", "needs_overall",
    "needs_by_session", "suppressed", "attendees_with_needs", "attendees_with_needs_by_session",
]
