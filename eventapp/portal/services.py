"""Who a signed-in person is in a conference, and their personal agenda.

A user is a **speaker** of a conference when a Person of that conference has
their e-mail address, and an **attendee** when an active registration has it.
Accounts are created by the e-mailed sign-in link (accounts.links), so the
address is proven. Personal pages show the latest *published* release (the
public's view); a speaker's sessions that are not published yet come from the
draft, marked as such.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..agenda.models import AgendaRelease, SessionKind
from ..agenda.releases import PublicAgenda, PublicSession, diff
from ..conferences.models import Conference
from ..db_types import utcnow
from ..extensions import db
from ..mail.services import seal, unseal
from ..people.models import Person
from ..registration.models import Registration, RegistrationStatus
from ..tokens import hash_token, new_token, well_formed
from .models import PersonalAgenda, StarredSession

# What kinds of change a personal page highlights and an e-mail announces.
NOTICE_TYPES = ("moved", "retimed", "cancelled", "retitled")


# --- who is this user here -------------------------------------------------------------


def speaker_in(conference: Conference, user) -> Person | None:
    """The user's speaker profile in this conference, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Person).where(Person.conference_id == conference.id, Person.email == user.email)
    )


def registration_in(conference: Conference, user) -> Registration | None:
    """The user's live registration for this conference, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.conference_id == conference.id,
            Registration.email == user.email,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.erased_at.is_(None),
        )
    )


@dataclass
class MyConference:
    conference: Conference
    person: Person | None = None
    registration: Registration | None = None
    role: Any = None  # MembershipRole, for the team


def my_conferences(user) -> list[MyConference]:
    """Every conference where the user speaks, is registered or is on the team
    (three queries, whatever the number of conferences)."""
    from ..accounts.models import ConferenceMembership

    found: dict[int, MyConference] = {}

    def entry(conference: Conference) -> MyConference:
        return found.setdefault(conference.id, MyConference(conference))

    for person in db.session.scalars(
        select(Person).where(Person.email == user.email).options(joinedload(Person.conference))
    ):
        entry(person.conference).person = person
    for registration in db.session.scalars(
        select(Registration).where(Registration.email == user.email,
                                   Registration.status != RegistrationStatus.CANCELLED,
                                   Registration.erased_at.is_(None))
        .options(joinedload(Registration.conference))
    ):
        entry(registration.conference).registration = registration
    for membership in db.session.scalars(
        select(ConferenceMembership).where(ConferenceMembership.user_id == user.id)
        .options(joinedload(ConferenceMembership.conference))
    ):
        entry(membership.conference).role = membership.role
    return sorted(found.values(), key=lambda m: (m.conference.starts_on, m.conference.id), reverse=True)


# --- the personal agenda row -------------------------------------------------------------


def find_personal_agenda(conference: Conference, user) -> PersonalAgenda | None:
    return db.session.scalar(
        select(PersonalAgenda).where(PersonalAgenda.user_id == user.id,
                                     PersonalAgenda.conference_id == conference.id)
    )


def personal_agenda(conference: Conference, user) -> PersonalAgenda:
    """The user's row for this conference, created on first use (two tabs at
    once create one row: the unique constraint decides)."""
    found = find_personal_agenda(conference, user)
    if found is not None:
        return found
    agenda = PersonalAgenda(user_id=user.id, conference_id=conference.id)
    try:
        with db.session.begin_nested():
            db.session.add(agenda)
    except IntegrityError:
        found = find_personal_agenda(conference, user)
        assert found is not None
        return found
    return agenda


# --- calendar feed secrets ---------------------------------------------------------------


def reset_feed(agenda: PersonalAgenda) -> str:
    """A new secret for the feed URL; the old URL stops working at once."""
    token = new_token()
    agenda.feed_token_hash = hash_token(token)
    agenda.feed_token_sealed = seal(token)
    agenda.feed_created_at = utcnow()
    db.session.flush()
    return token


def feed_token(agenda: PersonalAgenda) -> str:
    """The feed's secret (made on first use). Stored sealed so the page can show
    the URL again; only its hash is used to find it."""
    token = unseal(agenda.feed_token_sealed)
    return token if token else reset_feed(agenda)


def agenda_for_feed(token: str) -> PersonalAgenda | None:
    if not well_formed(token):
        return None
    return db.session.scalar(select(PersonalAgenda).where(PersonalAgenda.feed_token_hash == hash_token(token)))


# --- what is on someone's agenda --------------------------------------------------------------


@dataclass
class AgendaEntry:
    session: PublicSession
    # Why it is on the agenda: "speaker", "chosen", "waiting", "plenary", "starred".
    reasons: set[str] = field(default_factory=set)
    # What changed since the person last looked (release.changes entries).
    changes: list[dict[str, Any]] = field(default_factory=list)


def entries(agenda: PublicAgenda, *, person_id: int | None = None,
            registration: Registration | None = None, starred: set[str] = frozenset()) -> list[AgendaEntry]:
    """The sessions of a published release that are on one person's agenda, in
    time order: sessions they speak in; for a confirmed attendee every session
    that is not a parallel one (openings, plenaries, breaks, closing) and their
    chosen parallel sessions; and whatever they starred."""
    chosen: dict[int, str] = {}
    attending = registration is not None and registration.status is RegistrationStatus.CONFIRMED
    if registration is not None:
        for choice in registration.choices:
            chosen[choice.session_id] = "chosen" if choice.status.value == "confirmed" else "waiting"
    result: list[AgendaEntry] = []
    for session in agenda.sessions:
        reasons: set[str] = set()
        if person_id is not None and any(r.person.id == person_id for r in session.roles):
            reasons.add("speaker")
        if session.id in chosen:
            reasons.add(chosen[session.id])
        if attending and session.kind is not SessionKind.PARALLEL:
            reasons.add("plenary")
        if session.uid in starred:
            reasons.add("starred")
        if reasons:
            result.append(AgendaEntry(session, reasons))
    return result


def changes_since(conference: Conference, seen: int | None, latest: AgendaRelease | None) -> dict[str, list[dict[str, Any]]]:
    """Changes between the release someone last saw and the latest, by session
    uid (empty when they have not looked before or nothing was published since)."""
    if seen is None or latest is None or latest.number <= seen:
        return {}
    before = db.session.scalar(
        select(AgendaRelease).where(AgendaRelease.conference_id == conference.id, AgendaRelease.number == seen)
    )
    by_uid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in diff(before.snapshot if before else None, latest.snapshot):
        by_uid[change["uid"]].append(change)
    return dict(by_uid)


def mark_seen(agenda: PersonalAgenda, latest: AgendaRelease | None) -> None:
    if latest is not None and agenda.seen_release != latest.number:
        agenda.seen_release = latest.number
        db.session.flush()


# --- stars -----------------------------------------------------------------------------------


def star(agenda: PersonalAgenda, uid: str) -> None:
    """Add a session (by its stable uid) to the personal agenda. Starring twice
    keeps one row: the unique constraint decides when two requests race."""
    value = uuid.UUID(str(uid))
    if value in {star.session_uid for star in agenda.stars}:
        return
    try:
        with db.session.begin_nested():
            db.session.add(StarredSession(agenda_id=agenda.id, session_uid=value))
    except IntegrityError:
        pass  # starred at the same moment in another tab
    db.session.expire(agenda, ["stars"])


def unstar(agenda: PersonalAgenda, uid: str) -> None:
    """Remove a star (nothing happens when there is none)."""
    value = uuid.UUID(str(uid))
    db.session.execute(
        delete(StarredSession).where(StarredSession.agenda_id == agenda.id, StarredSession.session_uid == value)
    )
    db.session.expire(agenda, ["stars"])
    db.session.flush()


def feed_sessions(conference: Conference, user, release: AgendaRelease | None) -> list[PublicSession] | None:
    """What a user's calendar feed holds now: the sessions of the latest release
    they speak in, attend or starred. None when they are neither speaker nor
    attendee of the conference any more (the feed then is not found)."""
    from ..agenda.releases import public_agenda

    person = speaker_in(conference, user)
    registration = registration_in(conference, user)
    if person is None and registration is None:
        return None
    personal = personal_agenda(conference, user)
    return [entry.session for entry in entries(
        public_agenda(release), person_id=person.id if person else None,
        registration=registration, starred=personal.starred_uids,
    )]


def conference_by_slug(slug: str) -> Conference | None:
    """Personal pages find the conference whatever its status: speakers and
    attendees prepare before the agenda is public."""
    return db.session.scalar(select(Conference).where(Conference.slug == slug))
