"""The organiser's session list and session editor (with the people in a session)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.agenda.services import create_session, update_session
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.people.models import Person

from ..checkers import validate_html


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def form(**overrides) -> dict[str, str]:
    """A valid session form: an unscheduled parallel session."""
    data = {
        "title_id": "Sesi Baru", "title_en": "", "abstract_id": "", "abstract_en": "",
        "kind": "parallel", "sub_theme": "", "room": "", "day": "", "starts_at": "",
        "ends_at": "", "capacity": "",
    }
    data.update({key: str(value) for key, value in overrides.items()})
    return data


def row_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'id="session-row-(\d+)"', response.get_data(as_text=True))]


def error_at(response, field: str) -> bool:
    return f'id="{field}-error"' in response.get_data(as_text=True)


@pytest.fixture
def conference(make):
    return make.conference(slug="konas", published=False, starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 11))


@pytest.fixture
def organiser(make, auth, conference):
    user = make.organiser(conference)
    auth.login(user)
    return user


URL = "/manage/konas/sessions"


# --- the list -----------------------------------------------------------------------------


def test_list_shows_time_room_theme_people_and_conflicts(client, make, conference, organiser):
    room = make.room(conference, "Ruang Melati")
    theme = make.sub_theme(conference, code="PEREMPUAN", colour="#aa3366")
    panel = make.session(conference, (9, 0), (10, 30), title_id="Panel Perlindungan Sosial",
                         room=room, sub_theme=theme)
    make.role(panel, make.person(conference, "Siti Aminah"), RoleKind.SPEAKER)
    make.role(panel, make.person(conference, "Budi Santoso"), RoleKind.SPEAKER)
    make.role(panel, make.person(conference, "Rina Moderator", honorific="Dr."), RoleKind.MODERATOR)
    opening = make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", kind=SessionKind.OPENING,
                           spans_all_rooms=True)
    make.role(opening, make.person(conference, "Menteri"), RoleKind.KEYNOTE)
    unscheduled = create_session(conference, title_id="Sesi Belum Dijadwalkan")
    db.session.commit()

    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert row_ids(response) == [opening.id, panel.id, unscheduled.id]  # by time, unscheduled last
    panel_row = page.split(f'id="session-row-{panel.id}"')[1].split("</tr>")[0]
    assert "09.00–10.30 WIB" in panel_row
    assert "Ruang Melati" in panel_row
    assert f'class="theme-{theme.id}"' in panel_row and "PEREMPUAN" in panel_row  # colour: themes.css
    assert '<td class="speaker-count">2</td>' in panel_row
    assert "Dr. Rina Moderator" in panel_row
    assert f'/manage/konas/sessions/{panel.id}/edit' in panel_row
    assert "conflict-marker" not in panel_row  # speakers, moderator, sub-theme: nothing open
    opening_row = page.split(f'id="session-row-{opening.id}"')[1].split("</tr>")[0]
    assert "Semua ruangan" in opening_row
    unscheduled_row = page.split(f'id="session-row-{unscheduled.id}"')[1].split("</tr>")[0]
    assert "Belum dijadwalkan" in unscheduled_row
    assert "conflict-marker" in unscheduled_row  # a parallel session without sub-theme or speaker


def test_list_shows_only_this_conferences_sessions(client, make, conference, organiser):
    other = make.conference(slug="lain")
    make.organiser(other, email="both@example.org")
    mine = make.session(conference, title_id="Sesi Saya")
    make.session(other, title_id="Sesi Konferensi Lain")
    response = client.get(URL)
    assert row_ids(response) == [mine.id]
    assert "Sesi Konferensi Lain" not in text_of(response)
    assert client.get("/manage/lain/sessions").status_code == 404  # not organised by this user


def test_list_searches_titles_in_both_languages(client, make, conference, organiser):
    a = make.session(conference, title_id="Perlindungan Sosial", title_en="Social Protection")
    b = make.session(conference, title_id="Kesehatan Reproduksi", title_en="Reproductive Health")
    assert row_ids(client.get(URL + "?q=sosial")) == [a.id]
    assert row_ids(client.get(URL + "?q=REPRODUCTIVE")) == [b.id]
    assert row_ids(client.get(URL + "?q=100%")) == []


def test_list_filters_by_day_kind_sub_theme_room_and_unscheduled(client, make, conference, organiser):
    room_a, room_b = make.room(conference, "A"), make.room(conference, "B")
    theme = make.sub_theme(conference)
    first_day = make.session(conference, (9, 0), (10, 0), room=room_a, sub_theme=theme)
    # 23.30 WIB on the first day is 16.30 UTC: the local day decides.
    late = make.session(conference, (23, 0), (23, 30), room=room_b)
    second_day = create_session(conference, title_id="Hari Dua", kind=SessionKind.PLENARY,
                                starts_at=make.at(conference, 9, day=date(2026, 3, 11)),
                                ends_at=make.at(conference, 10, day=date(2026, 3, 11)))
    unscheduled = create_session(conference, title_id="Belum")
    db.session.commit()

    assert row_ids(client.get(URL + "?day=2026-03-10")) == [first_day.id, late.id]
    assert row_ids(client.get(URL + "?day=2026-03-11")) == [second_day.id]
    assert row_ids(client.get(URL + "?day=2030-01-01")) == [first_day.id, late.id, second_day.id, unscheduled.id]
    assert row_ids(client.get(URL + "?kind=plenary")) == [second_day.id]
    assert row_ids(client.get(URL + f"?sub_theme={theme.id}")) == [first_day.id]
    assert row_ids(client.get(URL + f"?room={room_b.id}")) == [late.id]
    assert row_ids(client.get(URL + "?unscheduled=1")) == [unscheduled.id]
    filtered = client.get(URL + "?kind=closing")
    assert filtered.status_code == 200 and row_ids(filtered) == []
    assert 'class="empty"' in filtered.get_data(as_text=True)


def test_list_sorts_by_time_title_and_room(client, make, conference, organiser):
    room_a, room_b = make.room(conference, "Anggrek"), make.room(conference, "Bougenville")
    c = make.session(conference, (9, 0), (10, 0), title_id="Cempaka", room=room_b)
    a = make.session(conference, (11, 0), (12, 0), title_id="anyelir", room=room_a)
    b = make.session(conference, (13, 0), (14, 0), title_id="Bakung", room=room_b)
    assert row_ids(client.get(URL)) == [c.id, a.id, b.id]
    assert row_ids(client.get(URL + "?sort=-time")) == [b.id, a.id, c.id]
    assert row_ids(client.get(URL + "?sort=title")) == [a.id, b.id, c.id]
    assert row_ids(client.get(URL + "?sort=-title")) == [c.id, b.id, a.id]
    assert row_ids(client.get(URL + "?sort=room")) == [a.id, c.id, b.id]
    assert row_ids(client.get(URL + "?sort=nonsense")) == [c.id, a.id, b.id]


def test_list_is_paginated_by_25(client, make, conference, organiser):
    created = [create_session(conference, title_id=f"Sesi {n:02d}") for n in range(30)]
    db.session.commit()
    first = client.get(URL + "?sort=title")
    assert row_ids(first) == [s.id for s in created[:25]]
    assert 'rel="next"' in first.get_data(as_text=True)
    second = client.get(URL + "?sort=title&page=2")
    assert row_ids(second) == [s.id for s in created[25:]]


def test_list_queries_do_not_grow_with_sessions(client, make, conference, organiser, count_queries):
    room = make.room(conference)
    theme = make.sub_theme(conference)

    def add(n: int) -> None:
        for _ in range(n):
            i = count(AgendaSession)
            # Every session in a room of its own hour, so none clash.
            s = make.session(conference, (8 + i % 12, 0), (8 + i % 12, 30), sub_theme=theme,
                             room=room if i < 12 else None)
            make.role(s, make.person(conference), RoleKind.SPEAKER)
            make.role(s, make.person(conference), RoleKind.MODERATOR)

    add(3)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    add(27)
    with count_queries() as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_empty_list_says_so(client, conference, organiser):
    response = client.get(URL)
    assert response.status_code == 200
    assert row_ids(response) == []
    assert 'class="empty"' in response.get_data(as_text=True)


# --- creating -------------------------------------------------------------------------------


def test_create_a_scheduled_session_in_the_conference_zone(client, make, conference, organiser):
    room = make.room(conference, "Ruang Utama")
    theme = make.sub_theme(conference)
    page = client.get(URL + "/new")
    assert page.status_code == 200
    assert "(WIB)" in text_of(page)
    response = client.post(URL + "/new", data=form(
        title_id="Sesi Pagi", title_en="Morning Session", kind="parallel", room=room.id,
        sub_theme=theme.id, day="2026-03-11", starts_at="09:00", ends_at="10:30", capacity="40",
    ))
    assert response.status_code == 303
    created = db.session.scalar(select(AgendaSession).where(AgendaSession.title_id == "Sesi Pagi"))
    assert response.headers["Location"].endswith(f"/manage/konas/sessions/{created.id}/edit")
    assert created.starts_at == datetime(2026, 3, 11, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB
    assert created.ends_at == datetime(2026, 3, 11, 3, 30, tzinfo=timezone.utc)
    assert (created.room_id, created.sub_theme_id, created.capacity) == (room.id, theme.id, 40)
    assert created.title_en == "Morning Session"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "session.create"))
    assert entry.user_id == organiser.id
    # The edit page shows the session's warnings (no speaker yet).
    edit = client.get(response.headers["Location"])
    assert "conflict-no_speaker" in edit.get_data(as_text=True)


def test_create_an_unscheduled_session(client, conference, organiser):
    response = client.post(URL + "/new", data=form(title_id="", title_en="Only English"))
    assert response.status_code == 303
    created = db.session.scalar(select(AgendaSession))
    assert created.starts_at is None and created.ends_at is None
    assert created.title_en == "Only English" and created.title_id == ""


def test_a_title_is_required(client, conference, organiser):
    response = client.post(URL + "/new", data=form(title_id="  "))
    assert response.status_code == 422
    assert error_at(response, "title_id")
    assert count(AgendaSession) == 0


@pytest.mark.parametrize("missing", ["day", "starts_at", "ends_at"])
def test_partial_times_are_refused_at_the_missing_field(client, conference, organiser, missing):
    data = form(day="2026-03-10", starts_at="09:00", ends_at="10:00")
    data[missing] = ""
    response = client.post(URL + "/new", data=data)
    assert response.status_code == 422
    assert error_at(response, missing)
    assert 'value="Sesi Baru"' in response.get_data(as_text=True)  # input kept
    assert count(AgendaSession) == 0


def test_end_before_start_is_refused(client, conference, organiser):
    response = client.post(URL + "/new", data=form(day="2026-03-10", starts_at="11:00", ends_at="10:00"))
    assert response.status_code == 422
    assert error_at(response, "ends_at")
    assert count(AgendaSession) == 0


def test_a_day_outside_the_conference_is_refused(client, conference, organiser):
    response = client.post(URL + "/new", data=form(day="2026-03-12", starts_at="09:00", ends_at="10:00"))
    assert response.status_code == 422
    assert error_at(response, "day")
    assert count(AgendaSession) == 0


def test_a_malformed_time_is_refused(client, conference, organiser):
    response = client.post(URL + "/new", data=form(day="2026-03-10", starts_at="9 pagi", ends_at="10:00"))
    assert response.status_code == 422
    assert error_at(response, "starts_at")
    assert count(AgendaSession) == 0


def test_indonesian_clock_style_is_accepted(client, conference, organiser):
    response = client.post(URL + "/new", data=form(day="2026-03-10", starts_at="09.15", ends_at="10.00"))
    assert response.status_code == 303
    assert db.session.scalar(select(AgendaSession)).starts_at == datetime(2026, 3, 10, 2, 15, tzinfo=timezone.utc)


def test_capacity_must_be_positive(client, conference, organiser):
    response = client.post(URL + "/new", data=form(capacity="0"))
    assert response.status_code == 422
    assert error_at(response, "capacity")
    assert count(AgendaSession) == 0


def test_a_room_of_another_conference_is_refused(client, make, conference, organiser):
    foreign = make.room(make.conference(), "Ruang Asing")
    response = client.post(URL + "/new", data=form(room=foreign.id))
    assert response.status_code == 422
    assert error_at(response, "room")
    assert count(AgendaSession) == 0


def test_room_double_booking_is_refused(client, make, conference, organiser):
    room = make.room(conference, "Ruang Mawar")
    taken = make.session(conference, (9, 0), (10, 0), room=room, title_id="Sudah Ada")
    response = client.post(URL + "/new", data=form(
        title_id="Bentrok", room=room.id, day="2026-03-10", starts_at="09:30", ends_at="10:30"))
    assert response.status_code == 422
    assert error_at(response, "room")
    assert "Sudah Ada" in text_of(response)
    assert count(AgendaSession) == 1
    assert fresh(AgendaSession, taken.id).room_id == room.id


def test_a_shared_room_may_hold_overlapping_sessions(client, make, conference, organiser):
    hall = make.room(conference, "Area Pameran", is_shared=True)
    make.session(conference, (9, 0), (10, 0), room=hall)
    response = client.post(URL + "/new", data=form(
        room=hall.id, day="2026-03-10", starts_at="09:30", ends_at="10:30"))
    assert response.status_code == 303
    assert count(AgendaSession) == 2


def test_only_spanning_kinds_may_take_every_room(client, make, conference, organiser):
    refused = client.post(URL + "/new", data=form(
        kind="parallel", spans_all_rooms="y", day="2026-03-10", starts_at="08:00", ends_at="09:00"))
    assert refused.status_code == 422
    assert error_at(refused, "spans_all_rooms")
    assert count(AgendaSession) == 0
    accepted = client.post(URL + "/new", data=form(
        kind="plenary", spans_all_rooms="y", day="2026-03-10", starts_at="08:00", ends_at="09:00"))
    assert accepted.status_code == 303
    assert db.session.scalar(select(AgendaSession)).spans_all_rooms is True


def test_a_spanning_session_clashes_with_sessions_in_rooms(client, make, conference, organiser):
    room = make.room(conference)
    make.session(conference, (9, 0), (10, 0), room=room)
    response = client.post(URL + "/new", data=form(
        kind="break", spans_all_rooms="y", day="2026-03-10", starts_at="09:30", ends_at="10:00"))
    assert response.status_code == 422
    assert error_at(response, "room")
    assert count(AgendaSession) == 1


def test_a_double_submit_creates_one_session(client, conference, organiser):
    page = client.get(URL + "/new").get_data(as_text=True)
    token = re.search(r'name="client_token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    data = form(title_id="Sekali Saja", client_token=token)
    first = client.post(URL + "/new", data=data)
    second = client.post(URL + "/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(AgendaSession) == 1


def test_the_client_token_survives_a_re_render(client, conference, organiser):
    response = client.post(URL + "/new", data=form(title_id="", client_token="ab" * 16))
    assert response.status_code == 422
    assert 'value="' + "ab" * 16 + '"' in response.get_data(as_text=True)


# --- editing --------------------------------------------------------------------------------


def test_edit_shows_the_session_in_the_conference_zone(client, make, conference, organiser):
    room = make.room(conference, "Ruang Kenanga")
    s = make.session(conference, (13, 15), (14, 45), title_id="Sesi Siang", room=room)
    page = client.get(f"{URL}/{s.id}/edit").get_data(as_text=True)
    assert 'value="13:15"' in page and 'value="14:45"' in page
    assert '<option selected value="2026-03-10">' in page
    assert f'<option selected value="{room.id}">Ruang Kenanga</option>' in page
    assert f'name="version" type="hidden" value="{s.version}"' in page


def test_edit_saves_and_redirects_to_the_editor(client, make, conference, organiser):
    s = make.session(conference, (9, 0), (10, 0), title_id="Lama")
    response = client.post(f"{URL}/{s.id}/edit", data=form(
        title_id="Baru", kind="plenary", day="2026-03-11", starts_at="14:00", ends_at="15:00",
        version=s.version))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/sessions/{s.id}/edit")
    changed = fresh(AgendaSession, s.id)
    assert (changed.title_id, changed.kind) == ("Baru", SessionKind.PLENARY)
    assert changed.starts_at == datetime(2026, 3, 11, 7, 0, tzinfo=timezone.utc)
    page = client.get(response.headers["Location"])
    assert 'class="flash flash-success"' in page.get_data(as_text=True)


def test_edit_can_unschedule(client, make, conference, organiser):
    s = make.session(conference, (9, 0), (10, 0))
    response = client.post(f"{URL}/{s.id}/edit", data=form(title_id=s.title_id, version=s.version))
    assert response.status_code == 303
    assert fresh(AgendaSession, s.id).starts_at is None


def test_a_stale_edit_is_refused_and_keeps_both_the_input_and_the_other_change(client, make, conference, organiser):
    s = make.session(conference, (9, 0), (10, 0), title_id="Asli")
    page = client.get(f"{URL}/{s.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # Someone else saves in between.
    update_session(fresh(AgendaSession, s.id), title_en="Changed elsewhere")
    db.session.commit()
    response = client.post(f"{URL}/{s.id}/edit", data=form(title_id="Versi Saya", version=version))
    assert response.status_code == 409
    assert 'value="Versi Saya"' in response.get_data(as_text=True)
    assert 'id="form-errors"' in response.get_data(as_text=True)
    kept = fresh(AgendaSession, s.id)
    assert (kept.title_id, kept.title_en) == ("Asli", "Changed elsewhere")


def test_an_edit_into_a_taken_room_is_refused(client, make, conference, organiser):
    room = make.room(conference)
    make.session(conference, (9, 0), (10, 0), room=room, title_id="Pemilik Ruang")
    s = make.session(conference, (11, 0), (12, 0), title_id="Pindah")
    response = client.post(f"{URL}/{s.id}/edit", data=form(
        title_id="Pindah", room=room.id, day="2026-03-10", starts_at="09:00", ends_at="10:00",
        version=s.version))
    assert response.status_code == 422
    assert error_at(response, "room")
    unchanged = fresh(AgendaSession, s.id)
    assert unchanged.room_id is None
    assert unchanged.starts_at == datetime(2026, 3, 10, 4, 0, tzinfo=timezone.utc)


def test_the_editor_lists_warnings_and_marks_acknowledged_ones(client, make, conference, organiser):
    from eventapp.agenda.conflicts import acknowledge

    room = make.room(conference, capacity=10)
    s = make.session(conference, (9, 0), (10, 0), room=room, capacity=50)
    acknowledge(s, "over_capacity")
    db.session.commit()
    page = client.get(f"{URL}/{s.id}/edit").get_data(as_text=True)
    assert "conflict-no_speaker" in page and "conflict-no_sub_theme" in page
    assert 'class="conflict conflict-over_capacity acknowledged"' in page


def test_sessions_of_another_conference_are_not_found(client, make, conference, organiser):
    other = make.conference()
    make.organiser(other, conference)  # someone organising both does not change the URL scoping
    foreign = make.session(other)
    assert client.get(f"{URL}/{foreign.id}/edit").status_code == 404
    assert client.post(f"{URL}/{foreign.id}/edit", data=form(version=1)).status_code == 404
    assert client.post(f"{URL}/{foreign.id}/duplicate").status_code == 404
    assert client.post(f"{URL}/{foreign.id}/delete").status_code == 404
    assert count(AgendaSession) == 1


# --- duplicate and delete ----------------------------------------------------------------------


def test_duplicate_copies_content_and_people_unscheduled(client, make, conference, organiser):
    s = make.session(conference, (9, 0), (10, 0), title_id="Asal")
    make.role(s, make.person(conference, "Ani"))
    response = client.post(f"{URL}/{s.id}/duplicate")
    assert response.status_code == 303
    copy = db.session.scalar(select(AgendaSession).where(AgendaSession.id != s.id))
    assert response.headers["Location"].endswith(f"/sessions/{copy.id}/edit")
    assert copy.starts_at is None and copy.title_id.startswith("Asal")
    assert [r.person.full_name for r in copy.roles] == ["Ani"]


def test_delete_asks_first_then_deletes(client, make, conference, organiser):
    s = make.session(conference, (9, 0), (10, 0), title_id="Akan Dihapus")
    make.role(s, make.person(conference, "Bu Wati", organisation="Serikat PEKKA"))
    confirm = client.get(f"{URL}/{s.id}/delete")
    assert confirm.status_code == 200
    page = text_of(confirm)
    assert "Akan Dihapus" in page and "Bu Wati" in page and "09.00–10.00 WIB" in page
    assert count(AgendaSession) == 1
    response = client.post(f"{URL}/{s.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/konas/sessions")
    assert count(AgendaSession) == 0
    assert count(Person) == 1  # people stay
    assert count(AuditEntry, AuditEntry.action == "session.delete") == 1


# --- people in a session -----------------------------------------------------------------------


@pytest.fixture
def panel(make, conference):
    s = make.session(conference, (9, 0), (10, 0), title_id="Panel")
    for name in ("Ani", "Budi", "Citra"):
        make.role(s, make.person(conference, name), RoleKind.SPEAKER)
    return s


def order_of(session_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    roles = db.session.scalars(
        select(SessionRole).where(SessionRole.session_id == session_id).order_by(SessionRole.position)
    )
    return [(r.person.full_name, r.role.value) for r in roles]


def test_add_a_person_with_a_role(client, make, conference, organiser, panel):
    dewi = make.person(conference, "Dewi")
    response = client.post(f"{URL}/{panel.id}/roles", data={"person_id": dewi.id, "role": "moderator"})
    assert response.status_code == 303
    assert order_of(panel.id)[-1] == ("Dewi", "moderator")
    assert count(AuditEntry, AuditEntry.action == "session.role_add", AuditEntry.user_id == organiser.id) == 1


def test_adding_someone_twice_is_refused(client, conference, organiser, panel):
    ani = panel.roles[0].person
    response = client.post(f"{URL}/{panel.id}/roles", data={"person_id": ani.id, "role": "moderator"})
    assert response.status_code == 422
    assert 'id="people-errors"' in response.get_data(as_text=True)
    assert order_of(panel.id) == [("Ani", "speaker"), ("Budi", "speaker"), ("Citra", "speaker")]


def test_a_person_of_another_conference_is_not_found(client, make, conference, organiser, panel):
    stranger = make.person(make.conference(), "Orang Asing")
    response = client.post(f"{URL}/{panel.id}/roles", data={"person_id": stranger.id, "role": "speaker"})
    assert response.status_code == 404
    assert len(order_of(panel.id)) == 3


def test_an_invalid_role_is_refused(client, make, conference, organiser, panel):
    dewi = make.person(conference, "Dewi")
    response = client.post(f"{URL}/{panel.id}/roles", data={"person_id": dewi.id, "role": "chair"})
    assert response.status_code == 422
    assert len(order_of(panel.id)) == 3


def test_change_a_role(client, conference, organiser, panel):
    budi = panel.roles[1]
    response = client.post(f"{URL}/{panel.id}/roles/{budi.id}", data={"role": "moderator"})
    assert response.status_code == 303
    assert order_of(panel.id)[1] == ("Budi", "moderator")


def test_move_people_up_and_down(client, conference, organiser, panel):
    ani, _budi, citra = panel.roles
    assert client.post(f"{URL}/{panel.id}/roles/{citra.id}/move", data={"direction": "up"}).status_code == 303
    assert [name for name, _ in order_of(panel.id)] == ["Ani", "Citra", "Budi"]
    assert client.post(f"{URL}/{panel.id}/roles/{ani.id}/move", data={"direction": "down"}).status_code == 303
    assert [name for name, _ in order_of(panel.id)] == ["Citra", "Ani", "Budi"]
    assert client.post(f"{URL}/{panel.id}/roles/{ani.id}/move", data={"direction": "sideways"}).status_code == 422
    assert [name for name, _ in order_of(panel.id)] == ["Citra", "Ani", "Budi"]


def test_remove_a_person_from_the_session(client, conference, organiser, panel):
    budi = panel.roles[1]
    response = client.post(f"{URL}/{panel.id}/roles/{budi.id}/remove")
    assert response.status_code == 303
    assert order_of(panel.id) == [("Ani", "speaker"), ("Citra", "speaker")]
    db.session.expire_all()
    assert [r.position for r in fresh(AgendaSession, panel.id).roles] == [0, 1]
    assert count(Person) == 3  # the person stays in the conference


def test_a_role_of_another_session_is_not_found(client, make, conference, organiser, panel):
    other = make.session(conference, (11, 0), (12, 0))
    elsewhere = make.role(other, make.person(conference, "Lain"))
    for suffix, data in (("", {"role": "moderator"}), ("/move", {"direction": "up"}), ("/remove", {})):
        response = client.post(f"{URL}/{panel.id}/roles/{elsewhere.id}{suffix}", data=data)
        assert response.status_code == 404
    assert order_of(other.id) == [("Lain", "speaker")]


def test_create_a_new_person_and_add_them(client, conference, organiser, panel):
    response = client.post(f"{URL}/{panel.id}/roles/new-person", data={
        "new_person-honorific": "Dr.", "new_person-full_name": "Dewi Kartika",
        "new_person-position": "Peneliti", "new_person-organisation": "SMERU",
        "new_person-sector": "academia", "new_person-gender": "woman",
        "new_person-email": "Dewi@Example.org", "new_person-role": "moderator",
    })
    assert response.status_code == 303
    dewi = db.session.scalar(select(Person).where(Person.full_name == "Dewi Kartika"))
    assert (dewi.honorific, dewi.organisation, dewi.sector.value, dewi.gender.value, dewi.email) == (
        "Dr.", "SMERU", "academia", "woman", "dewi@example.org")
    assert order_of(panel.id)[-1] == ("Dewi Kartika", "moderator")


def test_a_new_person_with_a_taken_email_adds_nothing(client, make, conference, organiser, panel):
    make.person(conference, "Pemilik Alamat", email="sama@example.org")
    response = client.post(f"{URL}/{panel.id}/roles/new-person", data={
        "new_person-full_name": "Orang Baru", "new_person-email": "sama@example.org",
        "new_person-sector": "other", "new_person-gender": "not_stated", "new_person-role": "speaker",
    })
    assert response.status_code == 422
    assert error_at(response, "new_person-email")
    assert 'value="Orang Baru"' in response.get_data(as_text=True)
    assert count(Person, Person.full_name == "Orang Baru") == 0
    assert len(order_of(panel.id)) == 3


def test_a_new_person_needs_a_name(client, conference, organiser, panel):
    response = client.post(f"{URL}/{panel.id}/roles/new-person", data={
        "new_person-full_name": "", "new_person-sector": "other",
        "new_person-gender": "not_stated", "new_person-role": "speaker",
    })
    assert response.status_code == 422
    assert error_at(response, "new_person-full_name")
    assert count(Person) == 3


def test_search_people_by_name_or_organisation(client, make, conference, organiser, panel):
    make.person(conference, "Sri Mulyani", organisation="Kementerian Keuangan")
    make.person(conference, "Joko", organisation="BPJS Watch")
    make.person(make.conference(), "Sri Lain")  # another conference
    page = client.get(f"{URL}/{panel.id}/edit?person_q=sri").get_data(as_text=True)
    names = re.findall(r'id="person-result-\d+">\s*<span class="person"><span class="person-name">([^<]+)<', page)
    assert names == ["Sri Mulyani"]
    page = client.get(f"{URL}/{panel.id}/edit?person_q=bpjs").get_data(as_text=True)
    assert re.findall(r'id="person-result-\d+">\s*<span class="person"><span class="person-name">([^<]+)<', page) == ["Joko"]
    # People already in the session are listed without an Add button.
    page = client.get(f"{URL}/{panel.id}/edit?person_q=ani").get_data(as_text=True)
    ani_item = page.split('id="person-result-')[1].split("</li>")[0]
    assert "Ani" in ani_item and "/roles\"" not in ani_item


def test_search_shows_at_most_20_people(client, make, conference, organiser, panel):
    for n in range(25):
        make.person(conference, f"Peserta {n:02d}")
    page = client.get(f"{URL}/{panel.id}/edit?person_q=peserta").get_data(as_text=True)
    assert page.count('id="person-result-') == 20


# --- valid HTML -----------------------------------------------------------------------------


def test_session_pages_are_valid_html(client, make, conference, organiser, panel, tmp_path):
    room = make.room(conference, "Ruang Utama", capacity=10)
    theme = make.sub_theme(conference)
    panel.room, panel.sub_theme, panel.capacity = room, theme, 50  # over capacity: a warning
    db.session.commit()
    make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", kind=SessionKind.OPENING,
                 spans_all_rooms=True)
    pages = {
        "list.html": client.get(URL),
        "list-filtered.html": client.get(URL + "?kind=closing&unscheduled=1"),
        "new.html": client.get(URL + "/new"),
        "new-errors.html": client.post(URL + "/new", data=form(
            title_id="", capacity="-1", day="2026-03-10", starts_at="", ends_at="10:00")),
        "edit.html": client.get(f"{URL}/{panel.id}/edit?person_q=a"),
        "edit-errors.html": client.post(f"{URL}/{panel.id}/roles/new-person", data={
            "new_person-full_name": "", "new_person-email": "nope", "new_person-sector": "other",
            "new_person-gender": "not_stated", "new_person-role": "speaker"}),
        "delete.html": client.get(f"{URL}/{panel.id}/delete"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    assert "conflict-over_capacity" in pages["edit.html"].get_data(as_text=True)
    assert 'id="role-row-' in pages["edit.html"].get_data(as_text=True)
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
