"""The public agenda pages: day grid, now and next, session, speakers, sub-themes.
Everything comes from the latest release; draft rows never show."""
from __future__ import annotations

import json
import re
from datetime import UTC, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind
from eventapp.conferences.models import ConferenceStatus
from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.people.models import Person, Sector

from ..checkers import validate_html
from ..factories import DAY
from .test_builder import add_parallel_sessions, big_conference

EN = {"Accept-Language": "en"}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def json_ld_of(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.get_data(as_text=True), re.DOTALL)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


@pytest.fixture
def demo():
    conference, _ = load_demo()
    db.session.commit()
    return conference


def demo_session(title_en: str) -> AgendaSession:
    return db.session.scalar(select(AgendaSession).where(AgendaSession.title_en == title_en))


def demo_person(name: str) -> Person:
    return db.session.scalar(select(Person).where(Person.full_name == name))


@pytest.fixture
def small(make):
    """Two rooms, a sub-theme, a plenary for all rooms and two parallel sessions; published."""
    conference = make.conference(slug="kecil")
    a = make.room(conference, "Ruang Anggrek")
    b = make.room(conference, "Ruang Bougenville")
    theme = make.sub_theme(conference, code="PS", title_id="Perlindungan Sosial",
                           title_en="Social protection", colour="#1f6f8b")
    opening = make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", kind=SessionKind.OPENING,
                           room=a, spans_all_rooms=True)
    talk = make.session(conference, (9, 0), (10, 30), title_id="Sesi Jaminan", title_en="Safety nets",
                        abstract_id="Baris satu\nBaris <dua>", room=a, sub_theme=theme)
    other = make.session(conference, (9, 0), (10, 30), title_id="Sesi Kesehatan", room=b)
    wulan = make.person(conference, "Wulan Sari", organisation="MAMPU", sector=Sector.CIVIL_SOCIETY,
                        bio_id="Bio Indonesia", bio_en="English bio")
    budi = make.person(conference, "Budi Santoso", organisation="Bappenas", sector=Sector.CENTRAL_GOVERNMENT)
    make.role(talk, wulan, RoleKind.SPEAKER)
    make.role(other, budi, RoleKind.SPEAKER)
    make.role(opening, budi, RoleKind.MODERATOR)
    make.publish(conference)
    return {"conference": conference, "a": a, "b": b, "theme": theme, "opening": opening,
            "talk": talk, "other": other, "wulan": wulan, "budi": budi}


# --- demo, both languages --------------------------------------------------------------


def test_demo_agenda_reads_right_in_both_languages(client, demo):
    indonesian = text_of(client.get(f"/c/{DEMO_SLUG}/agenda"))
    english = text_of(client.get(f"/c/{DEMO_SLUG}/agenda", headers=EN))
    assert "10.30–12.30 WIB" in indonesian and "10:30–12:30" not in indonesian
    assert "10:30–12:30 WIB" in english
    assert "Pembukaan dan Pidato Kunci" in indonesian and "Opening and keynote addresses" in english
    assert "Rabu, 27 November 2019" in indonesian
    assert "H. Ilham Azikin" in indonesian
    # One column per room of the release; the coffee break spans them all.
    page = client.get(f"/c/{DEMO_SLUG}/agenda").get_data(as_text=True)
    assert page.count('class="pa-room-head ') == 6
    coffee = demo_session("Coffee break")
    assert re.search(rf'class="[^"]* gc-2 ge-all [^"]*" id="pa-session-{coffee.id}"', page)
    # Sessions starting and ending together share a slot: 08.30, 10.00, 10.30 (five
    # parallel sessions), 12.30, 13.30, 15.00.
    assert page.count('class="pa-slot"') == 6


def test_demo_session_page_in_both_languages(client, demo):
    plenary = demo_session("Plenary: reports from the parallel sessions and policy recommendations")
    url = f"/c/{DEMO_SLUG}/sessions/{plenary.id}"
    indonesian = client.get(url)
    assert indonesian.status_code == 200
    text = text_of(indonesian)
    assert "Pleno: Laporan Sesi Paralel dan Rekomendasi Kebijakan" in text
    assert "13.30–15.00 WIB" in text and "Ballroom" in text
    ilham = demo_person("Ilham Azikin")
    assert f'/speakers/{ilham.id}">H. Ilham Azikin</a>, Bupati Bantaeng' in text
    english = text_of(client.get(url, headers=EN))
    assert "13:30–15:00 WIB" in english and "Plenary: reports" in english
    data = json_ld_of(indonesian)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2019-11-27T13:30:00+07:00"
    assert data["endDate"] == "2019-11-27T15:00:00+07:00"
    assert data["eventAttendanceMode"].endswith("OfflineEventAttendanceMode")
    assert {"@type": "Person", "name": "H. Ilham Azikin"} in data["performer"]
    assert data["location"]["name"] == "Ballroom, Hotel Pullman Jakarta"
    assert data["location"]["address"]
    assert data["inLanguage"] == "id" and json_ld_of(client.get(url, headers=EN))["inLanguage"] == "en"
    page = indonesian.get_data(as_text=True)
    for tag in ("og:title", "og:description", "og:type", "og:url"):
        assert f'<meta property="{tag}" content="' in page
    assert 'og:description" content="Rabu, 27 November 2019, 13.30–15.00 WIB · Ballroom' in page


def test_demo_person_page_and_directory(client, demo):
    ilham = demo_person("Ilham Azikin")
    page = text_of(client.get(f"/c/{DEMO_SLUG}/speakers/{ilham.id}"))
    assert "H. Ilham Azikin" in page and "Bupati Bantaeng" in page
    assert "Pleno: Laporan Sesi Paralel" in page
    english = text_of(client.get(f"/c/{DEMO_SLUG}/speakers/{ilham.id}", headers=EN))
    assert "Plenary: reports" in english
    directory = text_of(client.get(f"/c/{DEMO_SLUG}/speakers"))
    assert "H. Ilham Azikin" in directory
    names = re.findall(r'class="pa-directory-name" href="[^"]+">([^<]+)<', directory)
    assert len(names) == 24
    regional = text_of(client.get(f"/c/{DEMO_SLUG}/speakers?sector=regional_government"))
    assert re.findall(r'class="pa-directory-name" href="[^"]+">([^<]+)<', regional) == ["H. Ilham Azikin"]
    by_org = text_of(client.get(f"/c/{DEMO_SLUG}/speakers?organisation=Pemerintah+Kabupaten+Bantaeng"))
    assert re.findall(r'class="pa-directory-name" href="[^"]+">([^<]+)<', by_org) == ["H. Ilham Azikin"]


# --- the day grid ---------------------------------------------------------------------


def session_ids(response) -> set[int]:
    return {int(i) for i in re.findall(r'id="pa-session-(\d+)"', response.get_data(as_text=True))}


def test_day_grid_places_sessions_by_room_and_time(client, small):
    response = client.get("/c/kecil/agenda")
    page = response.get_data(as_text=True)
    assert session_ids(response) == {small["opening"].id, small["talk"].id, small["other"].id}
    # 08.00 is row 2; 15-minute rows; room A is column 2, room B column 3.
    assert f'id="pa-session-{small["opening"].id}"' in page
    assert re.search(rf'class="[^"]* gr-6 gs-6 gc-2 ge-span1 [^"]*" id="pa-session-{small["talk"].id}"', page)
    assert re.search(rf'class="[^"]* gr-6 gs-6 gc-3 [^"]*" id="pa-session-{small["other"].id}"', page)
    assert re.search(r'class="[^"]* theme-\d+', page)
    assert "--theme-colour: #1f6f8b" in client.get("/c/kecil/themes.css").get_data(as_text=True)
    assert f'href="/c/kecil/sessions/{small["talk"].id}"' in page
    assert page.index("Pembukaan") < page.index("Sesi Jaminan")


@pytest.mark.parametrize(("query", "expected"), [
    ("theme=PS", {"talk"}),
    ("room={b}", {"opening", "other"}),  # a session for all rooms is in every room
    ("kind=opening", {"opening"}),
    ("person={wulan}", {"talk"}),
    ("q=jaminan", {"talk"}),
    ("q=SAFETY", {"talk"}),  # English title, any case
    ("q=budi", {"other", "opening"}),  # people's names
    ("q=%3Cdua%3E", {"talk"}),  # abstract
    ("q=tidak-ada", set()),
])
def test_filters_and_search(client, small, query, expected):
    url = "/c/kecil/agenda?" + query.format(b=small["b"].id, wulan=small["wulan"].id)
    response = client.get(url)
    assert response.status_code == 200
    assert session_ids(response) == {small[k].id for k in expected}
    if not expected:
        assert 'class="empty"' in response.get_data(as_text=True)


def test_days_are_tabs_and_unknown_day_falls_back(client, make):
    conference = make.conference(slug="dua-hari", ends_on=DAY + timedelta(days=1))
    first = make.session(conference, (9, 0), (10, 0), title_id="Hari Satu")
    second = make.session(conference, (9, 0), (10, 0), title_id="Hari Dua")
    second.starts_at += timedelta(days=1)
    second.ends_at += timedelta(days=1)
    db.session.commit()
    make.publish(conference)
    day_one = client.get("/c/dua-hari/agenda")
    assert session_ids(day_one) == {first.id}
    day_two = (DAY + timedelta(days=1)).isoformat()
    assert f'href="/c/dua-hari/agenda?day={day_two}"' in day_one.get_data(as_text=True)
    assert session_ids(client.get(f"/c/dua-hari/agenda?day={day_two}")) == {second.id}
    assert session_ids(client.get("/c/dua-hari/agenda?day=bogus")) == {first.id}


def test_nothing_published_shows_an_empty_state(client, make):
    make.conference(slug="kosong")
    for url in ("/c/kosong/agenda", "/c/kosong/now", "/c/kosong/speakers", "/c/kosong/sub-themes"):
        response = client.get(url)
        assert response.status_code == 200 and 'class="empty"' in response.get_data(as_text=True)


# --- drafts never leak -----------------------------------------------------------------


def test_draft_only_session_and_person_are_nowhere(client, make, small):
    conference = small["conference"]
    hidden = make.session(conference, (11, 0), (12, 0), title_id="Sesi Rahasia", room=small["a"])
    secret = make.person(conference, "Orang Rahasia")
    make.role(hidden, secret, RoleKind.SPEAKER)
    make.role(small["talk"], secret, RoleKind.MODERATOR)  # not in the release either
    assert client.get(f"/c/kecil/sessions/{hidden.id}").status_code == 404
    assert client.get(f"/c/kecil/speakers/{secret.id}").status_code == 404
    for url in ("/c/kecil/agenda", "/c/kecil/agenda?q=rahasia", "/c/kecil/speakers",
                f"/c/kecil/sessions/{small['talk'].id}", "/c/kecil/sub-themes/PS", "/c/kecil",
                now_url(make, small, 9, 30)):
        body = client.get(url).get_data(as_text=True)
        assert "Rahasia" not in body, url
    assert session_ids(client.get("/c/kecil/agenda?q=rahasia")) == set()


# --- now and next ------------------------------------------------------------------------


def now_url(make, small, hour: int, minute: int = 0, days: int = 0) -> str:
    moment = make.at(small["conference"], hour, minute) + timedelta(days=days)
    return "/c/kecil/now?now=" + quote(moment.astimezone(UTC).isoformat())


def test_now_and_next_at_a_fixed_time(client, make, small):
    # At 09.15 WIB the two parallel sessions run; nothing else comes later.
    page = text_of(client.get(now_url(make, small, 9, 15)))
    now_part, next_part = page.split('id="next-heading"')
    assert "Sesi Jaminan" in now_part and "Sesi Kesehatan" in now_part and "Pembukaan" not in now_part
    assert "Sesi Jaminan" not in next_part
    assert "09.15 WIB" in page


def test_now_before_and_after_the_conference(client, make, small, monkeypatch):
    from eventapp.agenda import public

    start = make.at(small["conference"], 10, 0)
    monkeypatch.setattr(public, "clock", lambda: start - timedelta(days=1))
    before = text_of(client.get("/c/kecil/now"))
    assert 'class="notice pa-status"' in before and "08.00 WIB" in before
    next_part = before.split('id="next-heading"')[1]
    assert "Pembukaan" in next_part and "Sesi Jaminan" not in next_part  # next per room: the opening first
    monkeypatch.setattr(public, "clock", lambda: start + timedelta(days=1))
    after = client.get("/c/kecil/now").get_data(as_text=True)
    assert 'class="notice pa-status"' in after and "Sesi Jaminan" not in after


def test_now_param_is_ignored_outside_tests(app, client, make, small, monkeypatch):
    monkeypatch.setattr(app, "testing", False)
    page = client.get(now_url(make, small, 9, 15)).get_data(as_text=True)
    assert "09.15 WIB" not in page


# --- session, person, sub-theme pages ------------------------------------------------


def test_session_page_details(client, small):
    response = client.get(f"/c/kecil/sessions/{small['talk'].id}")
    page = response.get_data(as_text=True)
    assert "Sesi Jaminan" in page and "09.00–10.30 WIB" in page
    assert "Baris satu<br>\nBaris &lt;dua&gt;" in page  # escaped, line break kept (safe Markdown)
    assert 'href="/c/kecil/sub-themes/PS"' in page
    assert f'href="/c/kecil/speakers/{small["wulan"].id}">Wulan Sari</a>' in page
    data = json_ld_of(response)
    assert data["startDate"] == f"{DAY.isoformat()}T09:00:00+07:00"
    opening = client.get(f"/c/kecil/sessions/{small['opening'].id}").get_data(as_text=True)
    assert "Semua ruangan" in opening or "All rooms" in opening


def test_json_ld_cannot_close_the_script(client, make):
    conference = make.conference(slug="aman")
    make.session(conference, (9, 0), (10, 0), title_id="</script><script>alert(1)</script>")
    make.publish(conference)
    session_id = db.session.scalar(select(AgendaSession.id).where(AgendaSession.conference_id == conference.id))
    response = client.get(f"/c/aman/sessions/{session_id}")
    page = response.get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    assert "</" not in script
    assert json.loads(script)["name"] == "</script><script>alert(1)</script>"
    assert page.count("<script>alert(1)") == 1  # only as data inside the JSON-LD
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_person_page_bio_follows_the_language(client, small):
    url = f"/c/kecil/speakers/{small['wulan'].id}"
    assert "Bio Indonesia" in text_of(client.get(url))
    assert "English bio" in text_of(client.get(url, headers=EN))
    budi = text_of(client.get(f"/c/kecil/speakers/{small['budi'].id}"))
    assert "Pembukaan" in budi and "Sesi Kesehatan" in budi and "Moderator" in budi


def test_sub_theme_pages(client, small):
    listing = text_of(client.get("/c/kecil/sub-themes"))
    assert "Perlindungan Sosial" in listing and 'href="/c/kecil/sub-themes/PS"' in listing
    page = text_of(client.get("/c/kecil/sub-themes/PS"))
    assert "Perlindungan Sosial" in page and "Social protection" in page
    assert "Sesi Jaminan" in page and "Sesi Kesehatan" not in page
    assert 'class="pa-theme-header theme-' in page


def test_conference_page_links_to_the_public_pages(client, small):
    page = client.get("/c/kecil").get_data(as_text=True)
    for url in ("/c/kecil/agenda", "/c/kecil/now", "/c/kecil/speakers", "/c/kecil/sub-themes",
                f"/c/kecil/sessions/{small['talk'].id}"):
        assert f'href="{url}"' in page


# --- caching and query budgets -----------------------------------------------------------


def test_repeated_request_with_the_etag_is_304(client, make, small):
    for url in ("/c/kecil/agenda", f"/c/kecil/sessions/{small['talk'].id}", "/c/kecil/speakers",
                f"/c/kecil/speakers/{small['wulan'].id}", "/c/kecil/sub-themes", "/c/kecil/sub-themes/PS",
                now_url(make, small, 9, 15)):
        first = client.get(url)
        assert first.status_code == 200 and "private" in first.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
    # The clock is part of the validators: a minute later is another page.
    first = client.get(now_url(make, small, 9, 15))
    later = client.get(now_url(make, small, 9, 16), headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200


def test_query_counts_do_not_grow_with_the_agenda(client, make, count_queries):
    conference, rooms, themes, people = big_conference(make)
    conference.status = ConferenceStatus.PUBLISHED
    db.session.commit()
    add_parallel_sessions(make, conference, rooms, themes, people, 0, 30)
    make.publish(conference)
    sample = db.session.scalar(select(AgendaSession.id).where(AgendaSession.title_id == "Sesi 0"))
    person = people[0].id
    urls = ["/c/besar/agenda", f"/c/besar/sessions/{sample}", f"/c/besar/speakers/{person}",
            "/c/besar/speakers", "/c/besar/now"]
    client.get(urls[0])  # warm up

    def measure() -> dict[str, int]:
        counts = {}
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    small = measure()
    add_parallel_sessions(make, conference, rooms, themes, people, 30, 600)
    make.publish(conference)
    client.get(urls[0])  # warm up: each process reads a new release's snapshot once
    large = measure()
    assert large == small
    assert max(large.values()) <= 6
    page = client.get("/c/besar/agenda?day=2019-11-27").get_data(as_text=True)
    assert page.count('class="pa-room-head ') == 12
    assert len(session_ids(client.get("/c/besar/agenda?day=2019-11-27"))) == 1 + 200


# --- valid HTML ----------------------------------------------------------------------


def test_public_pages_are_valid_html(client, demo, small, tmp_path):
    plenary = demo_session("Plenary: reports from the parallel sessions and policy recommendations")
    ilham = demo_person("Ilham Azikin")
    urls = {
        "agenda": f"/c/{DEMO_SLUG}/agenda",
        "agenda-filtered": f"/c/{DEMO_SLUG}/agenda?theme=PS&q=ilham",
        "agenda-empty": f"/c/{DEMO_SLUG}/agenda?q=tidak-ada",
        "now": f"/c/{DEMO_SLUG}/now?now=2019-11-27T04:00:00%2B00:00",
        "now-before": f"/c/{DEMO_SLUG}/now?now=2019-11-20T04:00:00%2B00:00",
        "session": f"/c/{DEMO_SLUG}/sessions/{plenary.id}",
        "speakers": f"/c/{DEMO_SLUG}/speakers",
        "person": f"/c/{DEMO_SLUG}/speakers/{ilham.id}",
        "sub-themes": f"/c/{DEMO_SLUG}/sub-themes",
        "sub-theme": f"/c/{DEMO_SLUG}/sub-themes/PS",
        "conference": f"/c/{DEMO_SLUG}",
        "small-agenda": "/c/kecil/agenda",
        "small-session": f"/c/kecil/sessions/{small['talk'].id}",
    }
    pages = {}
    for lang in ("id", "en"):
        for name, url in urls.items():
            response = client.get(url, headers={"Accept-Language": lang})
            assert response.status_code == 200, url
            pages[f"{name}-{lang}.html"] = response.data
    assert validate_html(pages, tmp_path) == []
