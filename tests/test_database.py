"""database.insert_as_loaded: new rows written with one INSERT each class,
the objects then in the session as if loaded (what the registration POST uses
instead of the unit of work's flush)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from eventapp.database import insert_as_loaded
from eventapp.extensions import db
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice


def test_rows_are_written_with_their_defaults_and_the_objects_are_loaded(make, count_queries):
    conference = make.conference()
    first, second = make.session(conference, (9, 0), (10, 0)), make.session(conference, (11, 0), (12, 0))
    first_id, second_id = first.id, second.id
    registration = Registration(conference_id=conference.id, email="ani@example.org", full_name="Ani",
                                status=RegistrationStatus.CONFIRMED)
    with count_queries() as writing:
        insert_as_loaded(registration)
    assert len(writing) == 1 and writing[0].startswith("INSERT INTO registration")
    assert registration.id is not None and inspect(registration).persistent
    assert not inspect(registration).modified  # nothing left for a flush to write
    # The Python defaults were applied here, so reading them runs no query.
    with count_queries() as reading:
        assert (registration.honorific, registration.answers, registration.reserved_seat) == ("", {}, False)
        assert registration.created_at is not None
    assert reading == []

    choices = [SessionChoice(registration_id=registration.id, session_id=s.id, slot_starts_at=s.starts_at,
                             status=ChoiceStatus.WAITING) for s in (first, second)]
    with count_queries() as writing:
        insert_as_loaded(*choices)
    # PostgreSQL: both rows in one statement (SQLite returns ids in order only row by row).
    assert len(writing) == (1 if db.engine.dialect.name == "postgresql" else 2)
    given = [(c.id, c.session_id) for c in choices]
    registration_id = registration.id
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.scalars(select(SessionChoice).order_by(SessionChoice.id)).all()
    # Each object got its own row's id, in the order given.
    assert [(c.id, c.session_id) for c in stored] == given
    assert [session_id for _id, session_id in given] == [first_id, second_id]
    row = db.session.get(Registration, registration_id)
    assert (row.email, row.full_name, row.honorific, row.answers) == ("ani@example.org", "Ani", "", {})


def test_a_later_change_is_written_by_the_next_flush(make):
    conference = make.conference()
    registration = Registration(conference_id=conference.id, email="budi@example.org", full_name="Budi",
                                status=RegistrationStatus.WAITING)
    insert_as_loaded(registration)
    registration.status = RegistrationStatus.CONFIRMED
    db.session.commit()
    db.session.expunge_all()
    assert db.session.scalar(select(Registration.status)) is RegistrationStatus.CONFIRMED


def test_refuses_what_it_cannot_write_alone(make):
    conference = make.conference()
    agenda_session = make.session(conference)
    registration = Registration(conference_id=conference.id, email="citra@example.org", full_name="Citra",
                                status=RegistrationStatus.CONFIRMED)
    choice = SessionChoice(session_id=agenda_session.id, slot_starts_at=agenda_session.starts_at,
                           status=ChoiceStatus.WAITING)
    with pytest.raises(TypeError):  # two classes in one call
        insert_as_loaded(registration, choice)
    with pytest.raises(TypeError):  # a versioned class: its version counter is the unit of work's
        insert_as_loaded(type(agenda_session)(conference_id=conference.id, title_id="Baru"))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
