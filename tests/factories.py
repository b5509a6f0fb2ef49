"""Factories that go through the services, then commit so requests see the rows."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from eventapp.accounts.models import User
from eventapp.accounts.services import create_organiser
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.agenda.services import assign_person, create_session
from eventapp.conferences.models import Conference, ConferenceStatus, Room, SubTheme, Venue
from eventapp.conferences.services import add_room, add_sub_theme, add_venue, create_conference
from eventapp.extensions import db
from eventapp.people.models import Person
from eventapp.people.services import create_person

TEST_PASSWORD = "correct horse battery"
DAY = date(2026, 3, 10)
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def conference(
    *, published: bool = True, starts_on: date = DAY, ends_on: date | None = None, **kw
) -> Conference:
    n = _n()
    kw.setdefault("slug", f"conf-{n}")
    kw.setdefault("title_id", f"Konferensi {n}")
    kw.setdefault("title_en", f"Conference {n}")
    obj = create_conference(starts_on=starts_on, ends_on=ends_on or starts_on, **kw)
    obj.status = ConferenceStatus.PUBLISHED if published else ConferenceStatus.DRAFT
    db.session.commit()
    return obj


def venue(conf: Conference, name: str = "Hotel Test", **kw) -> Venue:
    obj = add_venue(conf, name, **kw)
    db.session.commit()
    return obj


def room(conf: Conference, name: str | None = None, capacity: int | None = 100, **kw) -> Room:
    place = conf.venues[0] if conf.venues else venue(conf)
    obj = add_room(place, name or f"Room {_n()}", capacity, **kw)
    db.session.commit()
    return obj


def sub_theme(conf: Conference, code: str | None = None, **kw) -> SubTheme:
    n = _n()
    obj = add_sub_theme(
        conf, code or f"T{n}", kw.pop("title_id", f"Sub tema {n}"), kw.pop("title_en", f"Sub-theme {n}"), **kw
    )
    db.session.commit()
    return obj


def at(conf: Conference, hour: int, minute: int = 0, day: date | None = None) -> datetime:
    return datetime.combine(day or conf.starts_on, time(hour, minute), tzinfo=ZoneInfo(conf.timezone))


def session(
    conf: Conference, start: tuple[int, int] = (9, 0), end: tuple[int, int] = (10, 0), **kw
) -> AgendaSession:
    kw.setdefault("title_id", f"Sesi {_n()}")
    kw.setdefault("kind", SessionKind.PARALLEL)
    obj = create_session(conf, starts_at=at(conf, *start), ends_at=at(conf, *end), **kw)
    db.session.commit()
    return obj


def person(conf: Conference, full_name: str | None = None, **kw) -> Person:
    obj = create_person(conf, full_name or f"Person {_n()}", **kw)
    db.session.commit()
    return obj


def role(agenda_session: AgendaSession, who: Person, kind: RoleKind = RoleKind.SPEAKER) -> SessionRole:
    obj = assign_person(agenda_session, who, kind)
    db.session.commit()
    return obj


def user(email: str | None = None, password: str = TEST_PASSWORD) -> User:
    """A plain account (an attendee: no conference role)."""
    obj = User(email=email or f"user{_n()}@example.org")
    obj.set_password(password)
    db.session.add(obj)
    db.session.commit()
    return obj


def organiser(*conferences: Conference, email: str | None = None) -> User:
    obj = create_organiser(email or f"organiser{_n()}@example.org", TEST_PASSWORD, list(conferences))
    db.session.commit()
    return obj


def publish(conf: Conference):
    """Publish the draft agenda as the next release (what the public sees)."""
    from eventapp.agenda.releases import publish as publish_release

    release = publish_release(conf)
    db.session.commit()
    return release


def registration(conf: Conference, email: str | None = None, *, sessions=(), status=None, **kw):
    """A registration (confirmed by default) with a confirmed choice of each of
    `sessions` — written directly, without the seat counters (see
    registration.services.register for the real thing)."""
    from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice

    obj = Registration(conference_id=conf.id, email=email or f"attendee{_n()}@example.org",
                       full_name=kw.pop("full_name", f"Peserta {_n()}"),
                       status=status or RegistrationStatus.CONFIRMED, **kw)
    db.session.add(obj)
    for s in sessions:
        obj.choices.append(SessionChoice(session_id=s.id, slot_starts_at=s.starts_at, status=ChoiceStatus.CONFIRMED))
    db.session.commit()
    return obj
