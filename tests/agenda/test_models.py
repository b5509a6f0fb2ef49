from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventapp.agenda.models import AgendaSession, RoleKind, SessionRole
from eventapp.agenda.services import assign_person, create_session
from eventapp.errors import DomainError
from eventapp.extensions import db


def sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaSession))


def test_database_refuses_a_session_ending_before_it_starts(make):
    conference = make.conference()
    start = make.at(conference, 10)
    db.session.add(AgendaSession(conference=conference, title_id="X", starts_at=start, ends_at=start))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_database_refuses_a_start_without_an_end(make):
    conference = make.conference()
    db.session.add(AgendaSession(conference=conference, title_id="X", starts_at=make.at(conference, 10)))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_instants_are_stored_in_utc_and_read_back_aware(make):
    conference = make.conference()
    agenda_session = make.session(conference, (9, 0), (10, 30))
    db.session.expire_all()
    assert agenda_session.starts_at.tzinfo is not None
    assert agenda_session.starts_at == datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


def test_naive_datetimes_are_refused(make):
    conference = make.conference()
    db.session.add(
        AgendaSession(conference=conference, title_id="X", starts_at=datetime(2026, 3, 10, 9),
                      ends_at=datetime(2026, 3, 10, 10))
    )
    with pytest.raises(Exception, match="naive"):
        db.session.flush()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ((10, 0), (9, 0), "ends_at"),
        ((10, 0), (10, 0), "ends_at"),
    ],
)
def test_create_session_checks_times(make, start, end, field):
    conference = make.conference()
    with pytest.raises(DomainError) as raised:
        create_session(conference, title_id="X", starts_at=make.at(conference, *start),
                       ends_at=make.at(conference, *end))
    assert raised.value.field == field
    db.session.rollback()
    assert sessions() == 0


def test_create_session_must_fall_within_the_conference_days_in_its_zone(make):
    conference = make.conference()
    # 23.30 WIB the evening before: still the previous local day, though the
    # same UTC date as the conference's first morning.
    start = make.at(conference, 23, 30, day=conference.starts_on - timedelta(days=1))
    with pytest.raises(DomainError, match="pada hari-hari konferensi"):
        create_session(conference, title_id="X", starts_at=start, ends_at=start + timedelta(minutes=20))


def test_create_session_refuses_another_conferences_room(make):
    conference, other = make.conference(), make.conference()
    with pytest.raises(DomainError) as raised:
        create_session(conference, title_id="X", room=make.room(other))
    assert raised.value.field == "room"


def test_unscheduled_session_is_allowed_and_not_on_the_public_agenda(client, make):
    conference = make.conference()
    create_session(conference, title_id="Sesi tanpa jadwal")
    db.session.commit()
    assert "Sesi tanpa jadwal" not in client.get(f"/c/{conference.slug}").get_data(as_text=True)


def test_one_role_per_person_per_session(make):
    conference = make.conference()
    agenda_session = make.session(conference)
    person = make.person(conference)
    make.role(agenda_session, person)
    with pytest.raises(DomainError, match="sudah memiliki peran"):
        assign_person(agenda_session, person, RoleKind.MODERATOR)
    # and the database says the same when the service is bypassed
    db.session.add(SessionRole(session=agenda_session, person=person, role=RoleKind.MODERATOR))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_roles_keep_their_order_and_split_into_speakers_and_moderators(make):
    conference = make.conference()
    agenda_session = make.session(conference)
    first, moderator, second = (make.person(conference) for _ in range(3))
    make.role(agenda_session, first)
    make.role(agenda_session, moderator, RoleKind.MODERATOR)
    make.role(agenda_session, second, RoleKind.KEYNOTE)
    db.session.expire_all()
    assert [r.position for r in agenda_session.roles] == [0, 1, 2]
    assert agenda_session.speakers == [first, second]
    assert agenda_session.moderators == [moderator]


def test_person_from_another_conference_cannot_take_a_role(make):
    agenda_session = make.session(make.conference())
    stranger = make.person(make.conference())
    with pytest.raises(DomainError, match="konferensi lain"):
        assign_person(agenda_session, stranger, RoleKind.SPEAKER)
