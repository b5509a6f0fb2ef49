"""Database constraints hold even when the services are bypassed."""
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from eventapp.agenda.models import AgendaSession, SessionRole
from eventapp.conferences.models import Conference, Room, SubTheme, Venue
from eventapp.extensions import db
from eventapp.people.models import Person


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_slug_is_unique_in_the_database(make):
    make.conference(slug="konas")
    db.session.add(Conference(slug="konas", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_conference_cannot_end_before_it_starts():
    db.session.add(Conference(slug="x", starts_on=date(2026, 1, 2), ends_on=date(2026, 1, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        Conference(slug="x", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 1), timezone="Mars/Base")


def test_room_capacity_must_be_positive(make):
    conference = make.conference()
    place = make.venue(conference)
    db.session.add(Room(venue=place, name="Aula", capacity=0))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_sub_theme_code_unique_per_conference_but_reusable_elsewhere(make):
    first, second = make.conference(), make.conference()
    make.sub_theme(first, code="PS")
    make.sub_theme(second, code="PS")  # another conference may reuse it
    db.session.add(SubTheme(conference=first, code="PS", title_id="Lagi"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_deleting_a_conference_removes_everything_under_it(make):
    kept = make.conference()
    make.session(kept)
    conference = make.conference()
    room = make.room(conference)
    theme = make.sub_theme(conference)
    agenda_session = make.session(conference, room=room, sub_theme=theme)
    make.role(agenda_session, make.person(conference))
    # Delete in SQL, so the database's ON DELETE rules are what is tested.
    db.session.execute(delete(Conference).where(Conference.id == conference.id))
    db.session.commit()
    assert count(Conference) == 1
    assert count(Venue) == 0 and count(Room) == 0 and count(SubTheme) == 0
    assert count(Person) == 0 and count(SessionRole) == 0
    assert count(AgendaSession) == 1  # the other conference's session is untouched


def test_deleting_a_room_or_sub_theme_keeps_the_session(make):
    conference = make.conference()
    room = make.room(conference)
    theme = make.sub_theme(conference)
    agenda_session = make.session(conference, room=room, sub_theme=theme)
    db.session.execute(delete(Room).where(Room.id == room.id))
    db.session.execute(delete(SubTheme).where(SubTheme.id == theme.id))
    db.session.commit()
    db.session.expire_all()
    assert agenda_session.room_id is None and agenda_session.sub_theme_id is None


def test_person_email_unique_per_conference_but_many_without_email(make):
    conference = make.conference()
    make.person(conference, email="ani@example.org")
    make.person(conference)
    make.person(conference)  # two people without e-mail are fine
    db.session.add(Person(conference=conference, full_name="Ani 2", email="ani@example.org"))
    with pytest.raises(IntegrityError):
        db.session.flush()
