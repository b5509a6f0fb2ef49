"""The organiser's agenda builder: the grid, the Move form (HTML and JSON),
the span toggle, the query budget and the conflict sweep on a big agenda."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.agenda import conflicts
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.people.models import Person

from ..checkers import validate_html
from ..factories import DAY


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def fresh(model, ident):
    """The row as the database has it now (requests commit in their own session)."""
    db.session.rollback()
    return db.session.get(model, ident)


def block_of(page: str, session_id: int) -> str:
    """The opening tag of a session's block on the builder page."""
    match = re.search(rf'<article [^>]*id="session-{session_id}"[^>]*>', page)
    assert match, f"no block for session {session_id}"
    return match.group(0)


def grid_of(page: str) -> str:
    start = page.index('class="builder-grid')
    return page[start:]


@pytest.fixture
def board(make, auth):
    """Two days, rooms A and B (and a shared hall), a sub-theme, a few sessions."""
    conference = make.conference(slug="builder", ends_on=DAY + timedelta(days=1), published=False)
    room_a = make.room(conference, "Ruang Anggrek")
    room_b = make.room(conference, "Ruang Bougenville")
    hall = make.room(conference, "Aula Pameran", is_shared=True)
    theme = make.sub_theme(conference, code="PS", colour="#8a3b12")
    talk = make.session(conference, (9, 0), (10, 30), title_id="Sesi Perlindungan", room=room_a,
                        sub_theme=theme)
    other = make.session(conference, (11, 0), (12, 0), title_id="Sesi Kesehatan", room=room_b,
                         sub_theme=theme)
    opening = make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", kind=SessionKind.OPENING,
                           room=room_a, spans_all_rooms=True)
    organiser = make.organiser(conference)
    auth.login(organiser)
    return {
        "conference": conference, "a": room_a, "b": room_b, "hall": hall, "theme": theme,
        "talk": talk, "other": other, "opening": opening,
        "url": f"/manage/{conference.slug}/builder",
    }


def move_url(board, session, query: str = "") -> str:
    return f"{board['url']}/sessions/{session.id}/move{query}"


# --- the page ----------------------------------------------------------------------


def test_builder_shows_days_rooms_axis_and_blocks(client, board):
    response = client.get(board["url"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    grid = grid_of(page)
    # One column per room, in room order.
    heads = re.findall(r'class="builder-room-head[^"]*"[^>]*data-room-id="(\d+)"', grid)
    assert heads == [str(board["a"].id), str(board["b"].id), str(board["hall"].id)]
    # Day links for both days, the first one current.
    assert 'href="/manage/builder/builder?day=2026-03-10" aria-current="page"' in page
    assert 'href="/manage/builder/builder?day=2026-03-11"' in page
    # The axis from 07.00 (Indonesian clock) to 18.00 in 15-minute rows, zone label WIB.
    assert 'data-start="07:00"' in grid and 'data-rows="44"' in grid
    assert ">07.00<" in grid and ">17.00<" in grid and ">WIB<" in grid
    # 09.00 is 8 rows after 07.00 (row 1 is the headings); 90 minutes are 6 rows; column 2 is room A.
    talk = block_of(page, board["talk"].id)
    # Colour and place are classes (the CSP allows no style attribute); the colour is in themes.css.
    assert f"theme-{board['talk'].sub_theme_id}" in talk
    assert ".theme-%d { --theme-colour: #8a3b12; }" % board["talk"].sub_theme_id in client.get(
        "/c/builder/themes.css").get_data(as_text=True)
    assert "gr-10 gs-6 gc-2 ge-span1" in talk
    assert "gc-3 " in block_of(page, board["other"].id)
    # The block: sub-theme code as text, time, title, speakers count, Move form.
    assert ">PS<" in page and "09.00–10.30 WIB" in page and "Sesi Perlindungan" in page
    assert f'action="/manage/builder/builder/sessions/{board["talk"].id}/move?day=2026-03-10"' in page
    # Legend, the script, and the time order of the blocks (keyboard order = time order).
    assert 'class="legend builder-legend"' in page
    assert "/static/js/builder.js" in page
    order = [int(i) for i in re.findall(r'<article [^>]*id="session-(\d+)"', grid)]
    assert order == [board["opening"].id, board["talk"].id, board["other"].id]


def test_spanning_session_takes_every_column(client, board):
    page = client.get(board["url"]).get_data(as_text=True)
    opening = block_of(page, board["opening"].id)
    assert "gr-6 gs-4 gc-2 ge-all" in opening
    assert "spans-all" in opening
    # An opening may take every room: its room select offers "all", a parallel session's does not.
    assert re.search(rf'id="move-{board["opening"].id}-room"[^>]*>\s*<option value="all" selected>', page)
    assert not re.search(rf'id="move-{board["talk"].id}-room"[^>]*>\s*<option value="all"', page)
    assert f'/sessions/{board["opening"].id}/span' in page
    assert f'/sessions/{board["talk"].id}/span' not in page


def test_unscheduled_sessions_are_listed_aside(client, make, board):
    from eventapp.agenda.services import create_session

    waiting = create_session(board["conference"], title_id="Sesi Menunggu")
    db.session.commit()
    page = client.get(board["url"]).get_data(as_text=True)
    aside = page[page.index('class="builder-unscheduled"'):page.index('class="builder-day"')]
    assert "Sesi Menunggu" in aside and f'id="session-{waiting.id}"' in aside
    assert "(1)" in aside
    assert f'id="session-{waiting.id}"' not in grid_of(page)
    assert "Sesi Perlindungan" not in aside


def test_room_filter_shows_only_the_chosen_columns(client, board):
    page = client.get(f"{board['url']}?room={board['b'].id}").get_data(as_text=True)
    grid = grid_of(page)
    assert re.findall(r'class="builder-room-head[^"]*"[^>]*data-room-id="(\d+)"', grid) == [str(board["b"].id)]
    assert f'id="session-{board["other"].id}"' in grid
    assert f'id="session-{board["talk"].id}"' not in page  # room A is not shown
    assert f'id="session-{board["opening"].id}"' in grid  # takes every room, so also room B
    assert re.search(rf'id="show-room-{board["b"].id}"[^>]*checked', page)
    assert not re.search(rf'id="show-room-{board["a"].id}"[^>]*checked', page)
    # Day links and Move forms keep the filter.
    assert f'?day=2026-03-11&amp;room={board["b"].id}"' in page
    assert f'/move?day=2026-03-10&amp;room={board["b"].id}"' in page
    # Rooms of other conferences and junk are ignored.
    page = client.get(f"{board['url']}?room=999999&room=x").get_data(as_text=True)
    assert len(re.findall(r'class="builder-room-head ', page)) == 3
    assert len(re.findall(r'id="show-room-\d+"[^>]*checked', page)) == 3  # no filter: all shown


def test_other_days_and_unknown_days(client, make, board):
    conference = board["conference"]
    from eventapp.agenda.services import create_session

    later = create_session(conference, title_id="Sesi Hari Kedua", room=board["b"],
                           starts_at=make.at(conference, 6, 30, DAY + timedelta(days=1)),
                           ends_at=make.at(conference, 19, 10, DAY + timedelta(days=1)))
    db.session.commit()
    page = client.get(f"{board['url']}?day=2026-03-11").get_data(as_text=True)
    grid = grid_of(page)
    assert f'id="session-{later.id}"' in grid
    assert f'id="session-{board["talk"].id}"' not in page
    # The axis grows to the earliest start and the latest end: 06.30–19.15 is 51 rows.
    assert 'data-start="06:30"' in grid and 'data-rows="51"' in grid
    assert "gr-2 gs-51 " in block_of(page, later.id)
    # A day outside the conference shows the first day.
    page = client.get(f"{board['url']}?day=2030-01-01").get_data(as_text=True)
    assert f'id="session-{board["talk"].id}"' in page


def test_overlapping_sessions_in_a_shared_room_sit_side_by_side(client, make, board):
    first = make.session(board["conference"], (13, 0), (14, 0), room=board["hall"], title_id="Pameran 1")
    second = make.session(board["conference"], (13, 30), (15, 0), room=board["hall"], title_id="Pameran 2")
    page = client.get(board["url"]).get_data(as_text=True)
    assert "gl-0 gn-2" in block_of(page, first.id)
    assert "gl-1 gn-2" in block_of(page, second.id)
    assert "gl-0 gn-1" in block_of(page, board["talk"].id)


def test_conflict_marker_on_sessions_with_open_conflicts(client, make, board):
    # "talk" has no speaker yet (a warning); a break with nothing missing has no conflict.
    calm = make.session(board["conference"], (10, 30), (11, 0), kind=SessionKind.BREAK,
                        room=board["b"], title_id="Rehat Kopi")
    page = client.get(board["url"]).get_data(as_text=True)
    assert "has-conflict" in block_of(page, board["talk"].id)
    assert "has-conflict" not in block_of(page, calm.id)
    assert "⚠" in page


# --- moving -----------------------------------------------------------------------


def test_move_to_another_room_and_time_keeps_the_duration(client, make, board):
    talk = board["talk"]
    response = client.post(move_url(board, talk, f"?day=2026-03-10&room={board['b'].id}"), data={
        "room": str(board["b"].id), "day": "2026-03-11", "start": "14:15", "version": str(talk.version),
    })
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/manage/builder/builder?day=2026-03-11&room={board['b'].id}#session-{talk.id}"
    )
    moved = fresh(AgendaSession, talk.id)
    conference = board["conference"]
    assert moved.room_id == board["b"].id
    assert moved.starts_at == make.at(conference, 14, 15, DAY + timedelta(days=1))
    assert moved.ends_at == make.at(conference, 15, 45, DAY + timedelta(days=1))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "session.update")) is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-success" in page
    assert "gr-31 gs-6 gc-2 " in block_of(page, talk.id)  # only room B shown


def test_move_into_an_occupied_room_is_refused(client, make, board):
    talk, other = board["talk"], board["other"]
    before = (talk.room_id, talk.starts_at, talk.ends_at, talk.version)
    response = client.post(move_url(board, talk, "?day=2026-03-10"), data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "11:30", "version": str(talk.version),
    })
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"?day=2026-03-10#session-{talk.id}")
    row = fresh(AgendaSession, talk.id)
    assert (row.room_id, row.starts_at, row.ends_at, row.version) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in page and other.title_id in page


def test_move_into_a_shared_room_may_overlap(client, make, board):
    make.session(board["conference"], (9, 0), (10, 0), room=board["hall"])
    response = client.post(move_url(board, board["other"]), data={
        "room": str(board["hall"].id), "day": "2026-03-10", "start": "09:30",
    })
    assert response.status_code == 303
    assert fresh(AgendaSession, board["other"].id).room_id == board["hall"].id


def test_move_answers_json_for_the_script(client, make, board):
    talk = board["talk"]
    version = talk.version
    json_headers = {"Accept": "application/json"}
    ok = client.post(move_url(board, talk), headers=json_headers, data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "13:00", "version": str(talk.version),
    })
    assert ok.status_code == 200
    answer = ok.get_json()
    assert answer["ok"] is True
    assert answer["session"]["id"] == talk.id
    assert answer["session"]["room_id"] == board["b"].id
    assert answer["session"]["start"] == "13:00" and answer["session"]["day"] == "2026-03-10"
    assert answer["session"]["version"] == talk.version + 1
    # Occupied room: 422.
    taken = client.post(move_url(board, talk), headers=json_headers, data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "11:00",
    })
    assert taken.status_code == 422
    assert taken.get_json()["ok"] is False and board["other"].title_id in taken.get_json()["error"]
    # Somebody saved in between: 409.
    stale = client.post(move_url(board, talk), headers=json_headers, data={
        "room": str(board["a"].id), "day": "2026-03-10", "start": "15:00", "version": str(talk.version),
    })
    assert stale.status_code == 409 and stale.get_json()["ok"] is False
    # Missing fields: 422.
    broken = client.post(move_url(board, talk), headers=json_headers, data={"room": str(board["a"].id)})
    assert broken.status_code == 422 and broken.get_json()["error"]
    row = fresh(AgendaSession, talk.id)
    assert row.room_id == board["b"].id and row.version == version + 1


def test_stale_version_is_refused(client, make, board):
    talk = board["talk"]
    seen = talk.version  # what both editors loaded
    client.post(move_url(board, talk), data={
        "room": str(board["a"].id), "day": "2026-03-10", "start": "13:00", "version": str(seen),
    })
    moved = fresh(AgendaSession, talk.id)
    assert moved.version == seen + 1
    response = client.post(move_url(board, talk), data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "15:00", "version": str(seen),
    })
    assert response.status_code == 303
    row = fresh(AgendaSession, talk.id)
    assert (row.room_id, row.starts_at, row.version) == (moved.room_id, moved.starts_at, moved.version)
    assert "flash-error" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {"day": "2026-03-12", "start": "10:00"},  # after the conference
    {"day": "2026-03-09", "start": "10:00"},  # before it
    {"day": "10-03-2026", "start": "10:00"},  # not a date
    {"day": "2026-03-10", "start": "25:00"},  # not a time
    {"day": "2026-03-10", "start": ""},
], ids=["after", "before", "bad-date", "bad-time", "no-time"])
def test_move_outside_the_conference_or_malformed_is_refused(client, board, data):
    talk = board["talk"]
    before = (talk.room_id, talk.starts_at, talk.version)
    response = client.post(move_url(board, talk), data={"room": str(board["b"].id), **data})
    assert response.status_code == 303
    row = fresh(AgendaSession, talk.id)
    assert (row.room_id, row.starts_at, row.version) == before
    assert "flash-error" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_move_to_a_room_of_another_conference_is_refused(client, make, board):
    elsewhere = make.room(make.conference(), "Ruang Lain")
    response = client.post(move_url(board, board["talk"]), headers={"Accept": "application/json"}, data={
        "room": str(elsewhere.id), "day": "2026-03-10", "start": "13:00",
    })
    assert response.status_code == 422
    assert fresh(AgendaSession, board["talk"].id).room_id == board["a"].id


def test_a_session_of_another_conference_is_not_found(client, make, board):
    foreign = make.session(make.conference(), title_id="Sesi Asing")
    response = client.post(move_url(board, foreign), data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "13:00",
    })
    assert response.status_code == 404


def test_an_unscheduled_session_gets_one_hour(client, make, board):
    from eventapp.agenda.services import create_session

    waiting = create_session(board["conference"], title_id="Sesi Menunggu")
    db.session.commit()
    response = client.post(move_url(board, waiting), data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "15:00", "version": "1",
    })
    assert response.status_code == 303
    row = fresh(AgendaSession, waiting.id)
    assert row.starts_at == make.at(board["conference"], 15)
    assert row.ends_at == make.at(board["conference"], 16)


def test_move_to_all_rooms_only_for_spanning_kinds(client, make, board):
    plenary = make.session(board["conference"], (16, 0), (17, 0), kind=SessionKind.PLENARY,
                           room=board["a"], title_id="Pleno")
    client.post(move_url(board, plenary), data={"room": "all", "day": "2026-03-10", "start": "16:30"})
    row = fresh(AgendaSession, plenary.id)
    assert row.spans_all_rooms is True and row.starts_at == make.at(board["conference"], 16, 30)
    # Moving it into one room ends the spanning.
    client.post(move_url(board, plenary), data={"room": str(board["b"].id), "day": "2026-03-10",
                                                "start": "16:30"})
    row = fresh(AgendaSession, plenary.id)
    assert row.spans_all_rooms is False and row.room_id == board["b"].id
    # A parallel session cannot take every room.
    response = client.post(move_url(board, board["talk"]), headers={"Accept": "application/json"},
                           data={"room": "all", "day": "2026-03-10", "start": "16:30"})
    assert response.status_code == 422
    assert fresh(AgendaSession, board["talk"].id).spans_all_rooms is False


# --- span all rooms ---------------------------------------------------------------------


def test_span_toggle(client, make, board):
    plenary = make.session(board["conference"], (16, 0), (17, 0), kind=SessionKind.PLENARY,
                           room=board["a"], title_id="Pleno")
    url = f"{board['url']}/sessions/{plenary.id}/span?day=2026-03-10"
    seen = plenary.version
    response = client.post(url, data={"value": "on", "version": str(seen)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"?day=2026-03-10#session-{plenary.id}")
    assert fresh(AgendaSession, plenary.id).spans_all_rooms is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ge-all" in block_of(page, plenary.id)
    # The old version is stale now.
    stale = client.post(url, headers={"Accept": "application/json"},
                        data={"value": "off", "version": str(seen)})
    assert stale.status_code == 409
    assert fresh(AgendaSession, plenary.id).spans_all_rooms is True
    client.post(url, data={"value": "off"})
    assert fresh(AgendaSession, plenary.id).spans_all_rooms is False


def test_span_refused_for_other_kinds_and_clashes(client, make, board):
    url = f"{board['url']}/sessions/{board['talk'].id}/span"
    response = client.post(url, data={"value": "on"})
    assert response.status_code == 303
    assert "flash-error" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert fresh(AgendaSession, board["talk"].id).spans_all_rooms is False
    # A plenary at the time of another session cannot take every room.
    plenary = make.session(board["conference"], (11, 0), (12, 0), kind=SessionKind.PLENARY,
                           room=board["a"], title_id="Pleno")
    response = client.post(f"{board['url']}/sessions/{plenary.id}/span",
                           headers={"Accept": "application/json"}, data={"value": "on"})
    assert response.status_code == 422
    assert fresh(AgendaSession, plenary.id).spans_all_rooms is False
    bad = client.post(f"{board['url']}/sessions/{plenary.id}/span", data={"value": "maybe"})
    assert bad.status_code == 303


# --- valid HTML ---------------------------------------------------------------------------


def test_builder_pages_are_valid_html(client, make, board, tmp_path):
    from eventapp.agenda.services import create_session

    create_session(board["conference"], title_id="Sesi Menunggu")
    make.session(board["conference"], (13, 0), (14, 0), room=board["hall"])
    make.session(board["conference"], (13, 30), (15, 0), room=board["hall"])
    db.session.commit()
    pages = {"builder.html": client.get(board["url"])}
    refused = client.post(move_url(board, board["talk"], "?day=2026-03-10"), data={
        "room": str(board["b"].id), "day": "2026-03-10", "start": "11:00",
    })
    pages["builder-error.html"] = client.get(refused.headers["Location"])
    pages["builder-filtered-en.html"] = client.get(
        f"{board['url']}?day=2026-03-11&room={board['a'].id}", headers={"Accept-Language": "en"}
    )
    assert all(r.status_code == 200 for r in pages.values())
    assert "flash-error" in pages["builder-error.html"].get_data(as_text=True)
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []


# --- a big agenda: 3 days, 12 rooms, 600 sessions, 900 people ------------------------------


def big_conference(make):
    conference = make.conference(slug="besar", ends_on=DAY + timedelta(days=2), published=False)
    rooms = [make.room(conference, f"Ruang {n:02d}") for n in range(12)]
    themes = [make.sub_theme(conference, code=f"T{n}") for n in range(5)]
    people = [Person(conference=conference, full_name=f"Orang {n}", email=f"orang{n}@example.org")
              for n in range(900)]
    db.session.add_all(people)
    # One opening per day takes every room, before the parallel sessions start.
    for day in range(3):
        db.session.add(AgendaSession(
            conference=conference, title_id=f"Pembukaan {day}", kind=SessionKind.OPENING,
            spans_all_rooms=True, starts_at=make.at(conference, 7, 0, DAY + timedelta(days=day)),
            ends_at=make.at(conference, 8, 0, DAY + timedelta(days=day)),
        ))
    db.session.add(AgendaSession(conference=conference, title_id="Belum terjadwal"))
    db.session.commit()
    return conference, rooms, themes, people


def add_parallel_sessions(make, conference, rooms, themes, people, first: int, last: int) -> None:
    """Sessions first..last-1, none overlapping in a room, nobody in two at once:
    session k is on day k % 3, in room (k // 3) % 12, at 08:00 + 30 min × (k // 36),
    with people 3k, 3k+1 and 3k+2 (mod 900)."""
    sessions, roles = [], []
    for k in range(first, last):
        day = DAY + timedelta(days=k % 3)
        slot = k // 36
        start = make.at(conference, 8, 0, day) + timedelta(minutes=30 * slot)
        session = AgendaSession(
            conference=conference, title_id=f"Sesi {k}", kind=SessionKind.PARALLEL,
            room=rooms[(k // 3) % 12], sub_theme=themes[k % 5],
            starts_at=start, ends_at=start + timedelta(minutes=30),
        )
        sessions.append(session)
        for position, (offset, kind) in enumerate(
            [(0, RoleKind.SPEAKER), (1, RoleKind.SPEAKER), (2, RoleKind.MODERATOR)]
        ):
            roles.append(SessionRole(session=session, person=people[(3 * k + offset) % 900],
                                     role=kind, position=position))
    db.session.add_all(sessions)
    db.session.add_all(roles)
    db.session.commit()


def test_builder_query_count_does_not_grow_with_sessions(client, make, auth, count_queries):
    conference, rooms, themes, people = big_conference(make)
    auth.login(make.organiser(conference))
    url = f"/manage/{conference.slug}/builder"
    add_parallel_sessions(make, conference, rooms, themes, people, 0, 60)
    client.get(url)  # warm up (first-request work is not the page's)
    with count_queries() as small:
        response = client.get(url)
    assert response.status_code == 200
    assert len(re.findall(r'<article class="builder-session', response.get_data(as_text=True))) == 1 + 20 + 1

    add_parallel_sessions(make, conference, rooms, themes, people, 60, 600)
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(re.findall(r'<article class="builder-session', page)) == 1 + 200 + 1
    assert "has-conflict" not in block_of(page, db.session.scalar(
        select(AgendaSession.id).where(AgendaSession.title_id == "Sesi 0")))
    assert len(large) == len(small), "\n".join(large)
    assert len(large) <= 10


def test_conflict_sweep_on_600_sessions_is_not_quadratic(make, monkeypatch):
    conference, rooms, themes, people = big_conference(make)
    add_parallel_sessions(make, conference, rooms, themes, people, 0, 600)
    sizes: list[int] = []
    pairs: list[tuple] = []
    original = conflicts._overlapping_pairs

    def spy(items):
        sizes.append(len(items))
        for pair in original(items):
            pairs.append(pair)
            yield pair

    monkeypatch.setattr(conflicts, "_overlapping_pairs", spy)
    sessions = conflicts.load_sessions(conference)
    assert len(sessions) == 604
    report = conflicts.find_conflicts(conference, sessions)

    # Nothing overlaps, so the sweeps yield no pair at all …
    assert pairs == []
    assert [c for c in report.conflicts if c.code in ("room_overlap", "person_overlap")] == []
    # … and each sweep only sees one room's or one person's sessions: every session
    # once per room group (the 3 openings in all 12) and once per person in it.
    # All pairs of 604 sessions would be 182,106 comparisons.
    roles = 600 * 3
    assert sum(sizes) == 600 + 12 * 3 + roles
    assert max(sizes) <= 51 + 3  # 17 slots × 3 days in the busiest room, and the openings


@pytest.mark.parametrize("page", ["conflicts", "releases", "", "preview"])
def test_whole_agenda_pages_query_count_does_not_grow_with_sessions(client, make, auth, count_queries, page):
    """The conflicts panel, releases, overview and draft preview at 60 and 600 sessions."""
    conference, rooms, themes, people = big_conference(make)
    auth.login(make.organiser(conference))
    url = f"/manage/{conference.slug}/{page}"
    add_parallel_sessions(make, conference, rooms, themes, people, 0, 60)
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_parallel_sessions(make, conference, rooms, themes, people, 60, 600)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), "\n".join(large)
