from datetime import date

import pytest
from sqlalchemy import func, select

from eventapp.conferences.models import Conference
from eventapp.conferences.services import add_room, add_sub_theme, create_conference
from eventapp.errors import DomainError
from eventapp.extensions import db

DAY = date(2026, 5, 4)


def conferences() -> int:
    return db.session.scalar(select(func.count()).select_from(Conference))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": "-leading"}, "slug"),
        ({"ends_on": date(2026, 5, 3)}, "ends_on"),
        ({"timezone": "Asia/Atlantis"}, "timezone"),
    ],
)
def test_create_conference_rejects_bad_input_and_writes_nothing(changes, field):
    values = {"slug": "konas-2026", "title_id": "Konas", "starts_on": DAY, "ends_on": DAY} | changes
    with pytest.raises(DomainError) as raised:
        create_conference(**values)
    assert raised.value.field == field
    db.session.rollback()
    assert conferences() == 0


def test_create_conference_refuses_a_taken_slug(make):
    make.conference(slug="konas-2026")
    with pytest.raises(DomainError, match="sudah dipakai konferensi lain"):
        create_conference(slug="konas-2026", title_id="Lain", starts_on=DAY, ends_on=DAY)


def test_create_conference_defaults_to_jakarta_and_draft():
    conference = create_conference(slug="konas-2026", title_id="Konas", starts_on=DAY, ends_on=DAY)
    assert conference.timezone == "Asia/Jakarta"
    assert not conference.is_published


def test_room_names_unique_per_venue_and_capacity_positive(make):
    conference = make.conference()
    room = make.room(conference, "Ruang Anggrek")
    with pytest.raises(DomainError, match="sudah memiliki ruangan"):
        add_room(room.venue, "Ruang Anggrek")
    with pytest.raises(DomainError, match="bilangan positif"):
        add_room(room.venue, "Ruang Baru", capacity=-5)


def test_sub_theme_colour_and_code_checked(make):
    conference = make.conference()
    with pytest.raises(DomainError) as raised:
        add_sub_theme(conference, "PS", "Perlindungan sosial", colour="red")
    assert raised.value.field == "colour"
    make.sub_theme(conference, code="PS")
    with pytest.raises(DomainError) as raised:
        add_sub_theme(conference, "PS", "Lagi")
    assert raised.value.field == "code"
