"""Organiser setup pages: conference details, venues and rooms, sub-themes."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from eventapp.agenda.models import AgendaSession, SessionKind
from eventapp.audit.models import AuditEntry
from eventapp.conferences.models import Conference, ConferenceStatus, Room, SubTheme, Venue
from eventapp.extensions import db

from ..checkers import validate_html


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def fresh(model, id_):
    """The row as the database has it now (not the test's cached copy)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def actions(conference) -> list[str]:
    """The audit log of the setup area (the factories' sessions leave entries too)."""
    return list(db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.conference_id == conference.id, ~AuditEntry.action.startswith("session."))
        .order_by(AuditEntry.id)
    ))


def field_error(page: str, field_id: str) -> bool:
    """The message is next to the field, and the field points to it."""
    return f'id="{field_id}-error"' in page and re.search(
        rf'aria-describedby="[^"]*\b{field_id}-error"', page) is not None


@pytest.fixture
def conf(make, auth):
    """A draft conference on 10–11 March 2026 with its organiser signed in."""
    conference = make.conference(
        slug="konas", title_id="Konas", published=False,
        starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 11),
    )
    auth.login(make.organiser(conference))
    return conference


DETAILS = {
    "title_id": "Konferensi Baru", "title_en": "New Conference",
    "theme_id": "Tema", "theme_en": "Theme",
    "description_id": "Deskripsi", "description_en": "Description",
    "organisers": "MAMPU · Bappenas", "timezone": "Asia/Makassar", "timezone_other": "",
    "starts_on": "2026-03-09", "ends_on": "2026-03-12", "status": "published",
}


# --- details -----------------------------------------------------------------------


def test_details_form_shows_the_conference(client, conf):
    response = client.get("/manage/konas/details")
    assert response.status_code == 200
    page = text_of(response)
    assert 'value="Konas"' in page
    assert 'value="2026-03-10"' in page and 'value="2026-03-11"' in page
    assert '<option selected value="Asia/Jakarta">' in page
    assert 'aria-current="page">' in page


def test_details_save_every_field_and_audit(client, conf, make):
    response = client.post("/manage/konas/details", data={**DETAILS, "slug": "dicuri"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/konas/details")
    row = fresh(Conference, conf.id)
    assert row.slug == "konas"  # not editable here
    assert (row.title_id, row.title_en, row.theme_en, row.description_id) == (
        "Konferensi Baru", "New Conference", "Theme", "Deskripsi")
    assert row.organisers == "MAMPU · Bappenas"
    assert row.timezone == "Asia/Makassar"
    assert (row.starts_on, row.ends_on) == (date(2026, 3, 9), date(2026, 3, 12))
    assert row.status is ConferenceStatus.PUBLISHED
    assert actions(conf) == ["conference.update"]


def test_details_other_time_zone_typed_in(client, conf):
    response = client.post("/manage/konas/details",
                           data={**DETAILS, "timezone": "other", "timezone_other": "Asia/Singapore"})
    assert response.status_code == 303
    assert fresh(Conference, conf.id).timezone == "Asia/Singapore"
    # Shown again as "another zone" with the name in the text field.
    page = text_of(client.get("/manage/konas/details"))
    assert '<option selected value="other">' in page and 'value="Asia/Singapore"' in page


@pytest.mark.parametrize(("changes", "field"), [
    ({"timezone": "other", "timezone_other": "Mars/Olympus"}, "timezone_other"),
    ({"timezone": "other", "timezone_other": ""}, "timezone_other"),
    ({"ends_on": "2026-03-01"}, "ends_on"),
    ({"starts_on": "bukan tanggal"}, "starts_on"),
    ({"title_id": "", "title_en": ""}, "title_id"),
    ({"status": "deleted"}, "status"),
])
def test_details_bad_input_changes_nothing(client, conf, changes, field):
    response = client.post("/manage/konas/details", data={**DETAILS, **changes})
    assert response.status_code == 422
    page = text_of(response)
    assert field_error(page, field)
    assert 'value="MAMPU · Bappenas"' in page  # the input is kept
    row = fresh(Conference, conf.id)
    assert (row.title_id, row.timezone, row.starts_on, row.ends_on, row.status) == (
        "Konas", "Asia/Jakarta", date(2026, 3, 10), date(2026, 3, 11), ConferenceStatus.DRAFT)
    assert actions(conf) == []


def test_details_refuse_dates_that_leave_sessions_outside(client, conf, make):
    make.session(conf, (9, 0), (10, 0), title_id="Sesi Hari Pertama")
    second_day = make.session(conf, (9, 0), (10, 0), title_id="Sesi Hari Kedua B")
    from eventapp.agenda.services import update_session
    update_session(second_day, starts_at=make.at(conf, 9, day=date(2026, 3, 11)),
                   ends_at=make.at(conf, 10, day=date(2026, 3, 11)))
    db.session.commit()
    response = client.post("/manage/konas/details",
                           data={**DETAILS, "timezone": "Asia/Jakarta",
                                 "starts_on": "2026-03-10", "ends_on": "2026-03-10"})
    assert response.status_code == 422
    page = text_of(response)
    assert field_error(page, "ends_on")
    assert "Sesi Hari Kedua B" in page
    assert fresh(Conference, conf.id).ends_on == date(2026, 3, 11)
    # Starting later than the first session: the message goes to the first day.
    response = client.post("/manage/konas/details",
                           data={**DETAILS, "timezone": "Asia/Jakarta", "starts_on": "2026-03-11"})
    assert response.status_code == 422
    assert field_error(text_of(response), "starts_on")
    assert fresh(Conference, conf.id).starts_on == date(2026, 3, 10)


def test_details_refuse_a_zone_that_moves_sessions_to_another_day(client, conf, make):
    # 06.00 WIB on the first day is 23.00 the day before in UTC−… zones: outside.
    make.session(conf, (6, 0), (7, 0), title_id="Sesi Subuh")
    response = client.post("/manage/konas/details",
                           data={**DETAILS, "starts_on": "2026-03-10", "ends_on": "2026-03-11",
                                 "timezone": "other", "timezone_other": "America/New_York"})
    assert response.status_code == 422
    assert "Sesi Subuh" in text_of(response)
    assert fresh(Conference, conf.id).timezone == "Asia/Jakarta"


# --- venues and rooms ----------------------------------------------------------------


def test_venues_page_lists_venues_with_their_rooms(client, conf, make):
    make.venue(conf, "Hotel Pullman", city="Jakarta")
    make.room(conf, "Ruang Anggrek", 80, step_free=True, accessibility_id="Lift dari lobi")
    make.room(conf, "Hall Pameran", None, is_shared=True)
    response = client.get("/manage/konas/venues")
    assert response.status_code == 200
    page = text_of(response)
    assert "Hotel Pullman" in page and "Jakarta" in page
    assert "Ruang Anggrek" in page and ">80<" in page and "Lift dari lobi" in page
    assert "Hall Pameran" in page
    assert page.index("Ruang Anggrek") < page.index("Hall Pameran")  # column order


def test_venues_page_empty_state(client, conf):
    page = text_of(client.get("/manage/konas/venues"))
    assert 'class="empty"' in page and "<table" not in page


def test_venues_page_queries_do_not_grow_with_rooms(client, make, auth, count_queries):
    def build(rooms: int):
        conference = make.conference(published=False)
        for _ in range(rooms):
            make.room(conference)
        return conference

    small, large = build(2), build(20)
    auth.login(make.organiser(small, large))
    with count_queries() as few:
        assert client.get(f"/manage/{small.slug}/venues").status_code == 200
    with count_queries() as many:
        assert client.get(f"/manage/{large.slug}/venues").status_code == 200
    assert len(many) == len(few)


def test_add_edit_and_delete_a_venue(client, conf):
    response = client.post("/manage/konas/venues/new",
                           data={"name": "Hotel Baru", "address": "Jl. Thamrin", "city": "Jakarta"})
    assert response.status_code == 303
    venue = db.session.scalar(select(Venue).where(Venue.conference_id == conf.id))
    assert (venue.name, venue.address, venue.city) == ("Hotel Baru", "Jl. Thamrin", "Jakarta")
    response = client.post(f"/manage/konas/venues/{venue.id}/edit", data={"name": "Hotel Lama", "city": "Bogor"})
    assert response.status_code == 303
    assert (fresh(Venue, venue.id).name, fresh(Venue, venue.id).city) == ("Hotel Lama", "Bogor")
    assert client.get(f"/manage/konas/venues/{venue.id}/delete").status_code == 200
    assert client.post(f"/manage/konas/venues/{venue.id}/delete").status_code == 303
    assert fresh(Venue, venue.id) is None
    assert actions(conf) == ["venue.create", "venue.update", "venue.delete"]


def test_venue_without_name_is_refused(client, conf, make):
    venue = make.venue(conf, "Hotel Tetap")
    response = client.post(f"/manage/konas/venues/{venue.id}/edit", data={"name": "  "})
    assert response.status_code == 422
    assert field_error(text_of(response), "name")
    assert fresh(Venue, venue.id).name == "Hotel Tetap"
    assert client.post("/manage/konas/venues/new", data={"name": ""}).status_code == 422
    assert db.session.scalar(select(Venue.id).where(Venue.name == "")) is None


def test_venue_whose_rooms_hold_sessions_cannot_be_deleted(client, conf, make):
    room = make.room(conf, "Ruang Dipakai")
    make.session(conf, room=room, title_id="Sesi Di Ruang")
    page = text_of(client.get(f"/manage/konas/venues/{room.venue_id}/delete"))
    assert "Sesi Di Ruang" in page and 'class="button danger"' not in page
    response = client.post(f"/manage/konas/venues/{room.venue_id}/delete")
    assert response.status_code == 422
    assert "Sesi Di Ruang" in text_of(response)
    assert fresh(Venue, room.venue_id) is not None and fresh(Room, room.id) is not None
    assert actions(conf) == []


def test_add_a_room(client, conf, make):
    venue = make.venue(conf)
    response = client.post(f"/manage/konas/venues/{venue.id}/rooms/new", data={
        "name": "Ruang Melati", "capacity": "60", "step_free": "y", "is_shared": "y",
        "accessibility_id": "Lift", "accessibility_en": "Lift", "position": "3",
    })
    assert response.status_code == 303
    room = db.session.scalar(select(Room).where(Room.venue_id == venue.id))
    assert (room.name, room.capacity, room.step_free, room.is_shared, room.position) == (
        "Ruang Melati", 60, True, True, 3)
    assert actions(conf) == ["room.create"]


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "Ruang Ada"}, "name"),  # taken in this venue
    ({"name": ""}, "name"),
    ({"name": "Ruang X", "capacity": "0"}, "capacity"),
    ({"name": "Ruang X", "capacity": "banyak"}, "capacity"),
    ({"name": "Ruang X", "position": "-1"}, "position"),
])
def test_bad_room_is_refused(client, conf, make, data, field):
    room = make.room(conf, "Ruang Ada")
    response = client.post(f"/manage/konas/venues/{room.venue_id}/rooms/new", data=data)
    assert response.status_code == 422
    assert field_error(text_of(response), field)
    assert db.session.scalars(select(Room.name).where(Room.venue_id == room.venue_id)).all() == ["Ruang Ada"]


def test_edit_a_room(client, conf, make):
    room = make.room(conf, "Ruang Lama", 50)
    make.room(conf, "Ruang Lain")
    response = client.post(f"/manage/konas/rooms/{room.id}/edit",
                           data={"name": "Ruang Lain", "capacity": "20"})
    assert response.status_code == 422
    assert field_error(text_of(response), "name")
    assert (fresh(Room, room.id).name, fresh(Room, room.id).capacity) == ("Ruang Lama", 50)
    response = client.post(f"/manage/konas/rooms/{room.id}/edit",
                           data={"name": "Ruang Baru", "capacity": "", "step_free": "y"})
    assert response.status_code == 303
    row = fresh(Room, room.id)
    assert (row.name, row.capacity, row.step_free) == ("Ruang Baru", None, True)
    assert actions(conf) == ["room.update"]


def test_a_shared_room_with_overlapping_sessions_must_stay_shared(client, conf, make):
    hall = make.room(conf, "Hall Pameran", is_shared=True)
    make.session(conf, (9, 0), (11, 0), room=hall, title_id="Pameran Pagi")
    make.session(conf, (10, 0), (12, 0), room=hall, title_id="Poster Siang")
    response = client.post(f"/manage/konas/rooms/{hall.id}/edit", data={"name": "Hall Pameran"})
    assert response.status_code == 422
    page = text_of(response)
    assert field_error(page, "is_shared")
    assert "Pameran Pagi" in page and "Poster Siang" in page
    assert fresh(Room, hall.id).is_shared is True
    assert actions(conf) == []


def test_a_shared_room_without_overlaps_may_stop_being_shared(client, conf, make):
    hall = make.room(conf, "Hall", is_shared=True)
    make.session(conf, (9, 0), (10, 0), room=hall)
    make.session(conf, (10, 0), (11, 0), room=hall)
    response = client.post(f"/manage/konas/rooms/{hall.id}/edit", data={"name": "Hall"})
    assert response.status_code == 303
    assert fresh(Room, hall.id).is_shared is False


def test_delete_an_unused_room(client, conf, make):
    room = make.room(conf, "Ruang Kosong")
    assert client.get(f"/manage/konas/rooms/{room.id}/delete").status_code == 200
    assert client.post(f"/manage/konas/rooms/{room.id}/delete").status_code == 303
    assert fresh(Room, room.id) is None
    assert actions(conf) == ["room.delete"]


@pytest.fixture
def used_room(conf, make):
    room = make.room(conf, "Ruang Dipakai")
    other = make.room(conf, "Ruang Tujuan")
    first = make.session(conf, (9, 0), (10, 0), room=room, title_id="Sesi Satu")
    second = make.session(conf, (11, 0), (12, 0), room=room, title_id="Sesi Dua")
    return room, other, first, second


def test_delete_a_used_room_asks_what_to_do_with_its_sessions(client, conf, used_room):
    room, other, first, _ = used_room
    page = text_of(client.get(f"/manage/konas/rooms/{room.id}/delete"))
    assert "Sesi Satu" in page and "Sesi Dua" in page
    assert 'name="sessions"' in page and "Ruang Tujuan" in page
    response = client.post(f"/manage/konas/rooms/{room.id}/delete", data={})
    assert response.status_code == 422
    assert fresh(Room, room.id) is not None
    assert fresh(AgendaSession, first.id).room_id == room.id
    assert actions(conf) == []


def test_delete_a_used_room_moving_its_sessions(client, conf, used_room):
    room, other, first, second = used_room
    response = client.post(f"/manage/konas/rooms/{room.id}/delete",
                           data={"sessions": "move", "move_to": str(other.id)})
    assert response.status_code == 303
    assert fresh(Room, room.id) is None
    assert fresh(AgendaSession, first.id).room_id == other.id
    assert fresh(AgendaSession, second.id).room_id == other.id
    assert actions(conf) == ["room.delete"]


def test_delete_a_used_room_leaving_sessions_without_room(client, conf, used_room):
    room, _, first, second = used_room
    response = client.post(f"/manage/konas/rooms/{room.id}/delete", data={"sessions": "leave"})
    assert response.status_code == 303
    assert fresh(Room, room.id) is None
    assert fresh(AgendaSession, first.id).room_id is None
    assert fresh(AgendaSession, second.id).starts_at is not None  # still scheduled


def test_delete_a_used_room_refuses_a_move_that_double_books(client, conf, make, used_room):
    room, other, first, _ = used_room
    make.session(conf, (9, 30), (10, 30), room=other, title_id="Sesi Bentrok")
    response = client.post(f"/manage/konas/rooms/{room.id}/delete",
                           data={"sessions": "move", "move_to": str(other.id)})
    assert response.status_code == 422
    page = text_of(response)
    assert field_error(page, "move_to") and "Sesi Satu" in page
    assert fresh(Room, room.id) is not None
    assert fresh(AgendaSession, first.id).room_id == room.id


def test_delete_a_used_room_refuses_a_room_of_another_conference(client, conf, make, used_room):
    room, _, first, _ = used_room
    elsewhere = make.room(make.conference(), "Ruang Orang Lain")
    response = client.post(f"/manage/konas/rooms/{room.id}/delete",
                           data={"sessions": "move", "move_to": str(elsewhere.id)})
    assert response.status_code == 422
    assert field_error(text_of(response), "move_to")
    assert fresh(AgendaSession, first.id).room_id == room.id


def test_ids_of_another_conference_are_not_found(client, conf, make):
    other = make.conference()
    room = make.room(other)
    theme = make.sub_theme(other)
    for url in (f"/manage/konas/rooms/{room.id}/edit", f"/manage/konas/venues/{room.venue_id}/edit",
                f"/manage/konas/venues/{room.venue_id}/rooms/new",
                f"/manage/konas/sub-themes/{theme.id}/edit"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/manage/konas/rooms/{room.id}/delete", data={"sessions": "leave"}).status_code == 404
    assert client.post(f"/manage/konas/sub-themes/{theme.id}/delete", data={"sessions": "leave"}).status_code == 404
    assert fresh(Room, room.id) is not None and fresh(SubTheme, theme.id) is not None


# --- sub-themes ----------------------------------------------------------------------


def test_sub_themes_page_lists_codes_titles_colours_and_counts(client, conf, make):
    theme = make.sub_theme(conf, code="PS", title_id="Perlindungan Sosial", colour="#aa3300")
    make.sub_theme(conf, code="KS", title_id="Kesehatan")
    make.session(conf, sub_theme=theme)
    make.session(conf, (10, 0), (11, 0), sub_theme=theme)
    response = client.get("/manage/konas/sub-themes")
    assert response.status_code == 200
    page = text_of(response)
    assert "Perlindungan Sosial" in page and "Kesehatan" in page
    assert f"swatch theme-{theme.id}" in page
    assert "--theme-colour: #aa3300" in client.get("/c/konas/themes.css").get_data(as_text=True)
    row = page[page.index(f'id="sub-theme-{theme.id}"'):]
    assert re.search(r"<td>2</td>", row[:row.index("</tr>")])


def test_sub_themes_empty_state(client, conf):
    assert 'class="empty"' in text_of(client.get("/manage/konas/sub-themes"))


def test_add_and_edit_a_sub_theme(client, conf):
    response = client.post("/manage/konas/sub-themes/new",
                           data={"code": "PS", "title_id": "Perlindungan", "title_en": "Protection",
                                 "colour": "#AA3300"})
    assert response.status_code == 303
    theme = db.session.scalar(select(SubTheme).where(SubTheme.conference_id == conf.id))
    assert (theme.code, theme.title_en, theme.colour) == ("PS", "Protection", "#aa3300")
    response = client.post(f"/manage/konas/sub-themes/{theme.id}/edit",
                           data={"code": "PSX", "title_id": "Perlindungan Sosial", "title_en": "",
                                 "colour": "#112233"})
    assert response.status_code == 303
    row = fresh(SubTheme, theme.id)
    assert (row.code, row.title_id, row.title_en, row.colour) == ("PSX", "Perlindungan Sosial", "", "#112233")
    assert actions(conf) == ["sub_theme.create", "sub_theme.update"]


@pytest.mark.parametrize(("data", "field"), [
    ({"code": "ADA", "title_id": "Judul", "colour": "#123456"}, "code"),  # taken
    ({"code": "", "title_id": "Judul", "colour": "#123456"}, "code"),
    ({"code": "BARU", "title_id": "Judul", "colour": "red"}, "colour"),
    ({"code": "BARU", "title_id": "Judul", "colour": "#12345"}, "colour"),
    ({"code": "BARU", "title_id": "Judul", "colour": ""}, "colour"),
    ({"code": "BARU", "title_id": "", "title_en": "", "colour": "#123456"}, "title_id"),
])
def test_bad_sub_theme_is_refused(client, conf, make, data, field):
    existing = make.sub_theme(conf, code="ADA")
    other = make.sub_theme(conf, code="LAIN", title_id="Tetap", colour="#010203")
    response = client.post("/manage/konas/sub-themes/new", data=data)
    assert response.status_code == 422
    assert field_error(text_of(response), field)
    assert db.session.scalars(select(SubTheme.code).where(SubTheme.conference_id == conf.id)
                              .order_by(SubTheme.id)).all() == ["ADA", "LAIN"]
    response = client.post(f"/manage/konas/sub-themes/{other.id}/edit", data=data)
    assert response.status_code == 422
    row = fresh(SubTheme, other.id)
    assert (row.code, row.title_id, row.colour) == ("LAIN", "Tetap", "#010203")
    assert existing.id


@pytest.fixture
def used_theme(conf, make):
    theme = make.sub_theme(conf, code="LAMA")
    other = make.sub_theme(conf, code="BARU")
    agenda_session = make.session(conf, sub_theme=theme, title_id="Sesi Bertema",
                                  kind=SessionKind.PARALLEL)
    return theme, other, agenda_session


def test_delete_a_used_sub_theme_needs_a_choice(client, conf, used_theme):
    theme, _, agenda_session = used_theme
    page = text_of(client.get(f"/manage/konas/sub-themes/{theme.id}/delete"))
    assert "Sesi Bertema" in page and 'name="reassign_to"' in page
    response = client.post(f"/manage/konas/sub-themes/{theme.id}/delete", data={})
    assert response.status_code == 422
    assert fresh(SubTheme, theme.id) is not None
    assert fresh(AgendaSession, agenda_session.id).sub_theme_id == theme.id


def test_delete_a_used_sub_theme_reassigning_its_sessions(client, conf, used_theme):
    theme, other, agenda_session = used_theme
    response = client.post(f"/manage/konas/sub-themes/{theme.id}/delete",
                           data={"sessions": "move", "reassign_to": str(other.id)})
    assert response.status_code == 303
    assert fresh(SubTheme, theme.id) is None
    assert fresh(AgendaSession, agenda_session.id).sub_theme_id == other.id
    assert actions(conf) == ["sub_theme.delete"]


def test_delete_a_used_sub_theme_leaving_sessions_without(client, conf, used_theme):
    theme, _, agenda_session = used_theme
    response = client.post(f"/manage/konas/sub-themes/{theme.id}/delete", data={"sessions": "leave"})
    assert response.status_code == 303
    assert fresh(SubTheme, theme.id) is None
    assert fresh(AgendaSession, agenda_session.id).sub_theme_id is None


def test_delete_a_used_sub_theme_refuses_moving_to_itself(client, conf, used_theme):
    theme, _, agenda_session = used_theme
    response = client.post(f"/manage/konas/sub-themes/{theme.id}/delete",
                           data={"sessions": "move", "reassign_to": str(theme.id)})
    assert response.status_code == 422
    assert field_error(text_of(response), "reassign_to")
    assert fresh(SubTheme, theme.id) is not None


# --- HTML ----------------------------------------------------------------------------


def test_setup_pages_are_valid_html(client, conf, make, tmp_path):
    make.venue(conf, "Hotel Pullman", city="Jakarta")
    room = make.room(conf, "Ruang Anggrek", step_free=True, accessibility_id="Lift")
    make.room(conf, "Hall", is_shared=True)
    theme = make.sub_theme(conf, code="PS")
    make.sub_theme(conf, code="KS")
    make.session(conf, room=room, sub_theme=theme)
    pages = {
        "details.html": client.get("/manage/konas/details"),
        "details-errors.html": client.post("/manage/konas/details",
                                           data={**DETAILS, "ends_on": "2026-01-01", "timezone": "other"}),
        "venues.html": client.get("/manage/konas/venues"),
        "venue-new.html": client.get("/manage/konas/venues/new"),
        "venue-delete.html": client.get(f"/manage/konas/venues/{room.venue_id}/delete"),
        "room-edit.html": client.get(f"/manage/konas/rooms/{room.id}/edit"),
        "room-errors.html": client.post(f"/manage/konas/rooms/{room.id}/edit",
                                        data={"name": "", "capacity": "0"}),
        "room-delete.html": client.get(f"/manage/konas/rooms/{room.id}/delete"),
        "room-delete-errors.html": client.post(f"/manage/konas/rooms/{room.id}/delete", data={}),
        "sub-themes.html": client.get("/manage/konas/sub-themes"),
        "sub-theme-edit.html": client.get(f"/manage/konas/sub-themes/{theme.id}/edit"),
        "sub-theme-delete.html": client.get(f"/manage/konas/sub-themes/{theme.id}/delete"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    problems = validate_html({name: r.data for name, r in pages.items()}, tmp_path)
    assert problems == []
